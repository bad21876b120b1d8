//! The record of refused calls (forged callbacks, webhooks, shipping requests): written
//! in batches off the request path, and kept per kind.
//!
//! A flood of forged calls must not slow real work or erase its own evidence (issue 25):
//! so a refusal is handed to a background writer (never a synchronous write per call),
//! which stores what came in every [`FLUSH_EVERY`] in one transaction; and the newest
//! [`crate::db::REJECTED_KEPT`] rows are kept *per kind*, so a flood of forged callbacks
//! cannot push out the trace of an earlier forged webhook. When the writer falls behind
//! (a queue of [`QUEUED`]), further refusals are counted and logged, never queued.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::db::Db;

/// How often the writer stores what came in.
pub const FLUSH_EVERY: Duration = Duration::from_millis(250);
/// Refusals waiting for the writer at most.
pub const QUEUED: usize = 10_000;

pub use crate::db::Refusal;

enum Message {
    Refused(Refusal),
    Flush(oneshot::Sender<()>),
}

/// The handle requests use; cheap to clone.
#[derive(Clone)]
pub struct RejectedLog {
    queue: mpsc::Sender<Message>,
    overflow: Arc<AtomicU64>,
}

impl RejectedLog {
    /// Starts the writer for `db`.
    pub fn start(db: Db) -> Self {
        let (queue, mut inbox) = mpsc::channel::<Message>(QUEUED);
        let overflow = Arc::new(AtomicU64::new(0));
        let lost = overflow.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            let mut pending: Vec<Refusal> = Vec::new();
            let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
            loop {
                tokio::select! {
                    message = inbox.recv() => match message {
                        Some(Message::Refused(r)) => {
                            pending.push(r);
                            continue;
                        }
                        Some(Message::Flush(done)) => waiting.push(done),
                        None => return,
                    },
                    _ = tick.tick() => {}
                }
                // Take what else is queued right now, so a flush sees everything sent before it.
                while let Ok(message) = inbox.try_recv() {
                    match message {
                        Message::Refused(r) => pending.push(r),
                        Message::Flush(done) => waiting.push(done),
                    }
                }
                let dropped = lost.swap(0, Ordering::Relaxed);
                if dropped > 0 {
                    tracing::warn!(
                        dropped,
                        "refused calls came faster than they could be recorded; counted, not stored"
                    );
                }
                if !pending.is_empty() {
                    let batch = std::mem::take(&mut pending);
                    if let Err(e) = db.record_rejected_batch(&batch).await {
                        tracing::error!(error = %e, rows = batch.len(), "could not record refused calls");
                    }
                }
                for done in waiting.drain(..) {
                    let _ = done.send(());
                }
            }
        });
        RejectedLog { queue, overflow }
    }

    /// Records a refusal without waiting for the database.
    pub fn record(&self, refusal: Refusal) {
        if self.queue.try_send(Message::Refused(refusal)).is_err() {
            self.overflow.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Waits until every refusal recorded before this call is stored (staff reading the
    /// list, tests).
    pub async fn flush(&self) {
        let (done, stored) = oneshot::channel();
        if self.queue.send(Message::Flush(done)).await.is_ok() {
            let _ = stored.await;
        }
    }
}
