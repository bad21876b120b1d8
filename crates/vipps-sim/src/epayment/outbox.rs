//! The webhook deliveries waiting to be made, held as the Webhooks API holds them. Pure:
//! the caller passes `now` and makes the HTTP attempts (`webhooks.rs`).
//!
//! What Vipps publishes (`vippsas/webhooks-api`, `api-guide.md` at
//! d1c57d2288df7a1fbf4c7ab8084158eb1a06bfe8, the last revision with the guide):
//! - a delivery answered with any status from 400 to 599 is retried, with exponential
//!   backoff, for up to 7 days; then it is dropped for good;
//! - order is guaranteed per registered webhook: a payment's later events wait until
//!   the earlier one is accepted (an `authorized` answered 500 holds its `captured`).
//!
//! Where the guide is silent this module chooses, and the README's differences table
//! says so: the backoff's numbers ([`FIRST_RETRY`], doubling, at most [`LONGEST_PAUSE`]);
//! a timeout, a refused connection or a 3xx counts as a failure too (a receiver that
//! did not accept the event has not accepted it); other payments' events keep flowing
//! (the guide's example holds only the same payment's). The whole schedule can be
//! compressed by a factor (`--webhook-retry-scale`) so tests see days pass in seconds.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::news::{Delivery, Webhook};

/// The pause before the first retry; each later pause doubles, up to [`LONGEST_PAUSE`].
pub const FIRST_RETRY: Duration = Duration::from_secs(10);
pub const LONGEST_PAUSE: Duration = Duration::from_secs(3600);
/// How long a delivery is retried before it is dropped (the guide: 7 days).
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

/// The pause after the `failures`-th failed attempt (1-based), before `scale`.
pub fn pause_after(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(20);
    FIRST_RETRY.saturating_mul(1 << doublings).min(LONGEST_PAUSE)
}

fn scaled(d: Duration, scale: f64) -> chrono::Duration {
    chrono::Duration::from_std(d.mul_f64(scale.max(0.0))).unwrap_or(chrono::Duration::MAX)
}

/// One registration's queue for one payment.
pub type QueueKey = (String, String);

#[derive(Debug, Clone)]
pub struct Pending {
    pub seq: u64,
    pub webhook: Webhook,
    pub body: Value,
    /// Failed attempts so far.
    pub failures: u32,
    pub queued_at: DateTime<Utc>,
    pub first_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: DateTime<Utc>,
    pub last_outcome: Option<String>,
}

#[derive(Debug, Default)]
struct Queue {
    items: VecDeque<Pending>,
    /// An attempt of the head is being made: nobody else may make one meanwhile.
    in_flight: bool,
}

/// What became of an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    Delivered,
    /// Tried again at this time.
    Retry(DateTime<Utc>),
    /// Retried for [`GIVE_UP_AFTER`]: dropped for good.
    GaveUp,
}

#[derive(Debug, Default)]
pub struct Outbox {
    queues: BTreeMap<QueueKey, Queue>,
    next_seq: u64,
}

impl Outbox {
    /// Queues each delivery behind those already waiting for its registration and
    /// payment; answers the queues touched.
    pub fn enqueue(&mut self, deliveries: Vec<Delivery>, now: DateTime<Utc>) -> Vec<QueueKey> {
        let mut touched = Vec::new();
        for d in deliveries {
            let reference = d.body["reference"].as_str().unwrap_or_default().to_string();
            let key = (d.webhook.id.clone(), reference);
            self.next_seq += 1;
            self.queues.entry(key.clone()).or_default().items.push_back(Pending {
                seq: self.next_seq,
                webhook: d.webhook,
                body: d.body,
                failures: 0,
                queued_at: now,
                first_attempt_at: None,
                next_attempt_at: now,
                last_outcome: None,
            });
            if !touched.contains(&key) {
                touched.push(key);
            }
        }
        touched
    }

    /// The heads due at `now` (of `only`'s queues, or of all) that nobody is attempting,
    /// each now claimed: the caller attempts it and then calls [`Outbox::settle`].
    pub fn claim_due(&mut self, now: DateTime<Utc>, only: Option<&[QueueKey]>) -> Vec<(QueueKey, Pending)> {
        let mut claimed = Vec::new();
        for (key, queue) in self.queues.iter_mut() {
            if only.is_some_and(|keys| !keys.contains(key)) || queue.in_flight {
                continue;
            }
            if let Some(head) = queue.items.front().filter(|h| h.next_attempt_at <= now) {
                claimed.push((key.clone(), head.clone()));
                queue.in_flight = true;
            }
        }
        claimed
    }

    /// Records the attempt of `key`'s head `seq`: `accepted` when the receiver answered
    /// 2xx. A failure is retried after the next pause (times `scale`), or dropped once
    /// the delivery has been retried for [`GIVE_UP_AFTER`] (times `scale`).
    pub fn settle(
        &mut self,
        key: &QueueKey,
        seq: u64,
        accepted: bool,
        outcome: String,
        now: DateTime<Utc>,
        scale: f64,
    ) -> Settled {
        let Some(queue) = self.queues.get_mut(key) else {
            return Settled::GaveUp;
        };
        queue.in_flight = false;
        let Some(head) = queue.items.front_mut().filter(|h| h.seq == seq) else {
            return Settled::GaveUp;
        };
        let first = *head.first_attempt_at.get_or_insert(now);
        head.last_outcome = Some(outcome);
        let settled = if accepted {
            Settled::Delivered
        } else if now - first >= scaled(GIVE_UP_AFTER, scale) {
            Settled::GaveUp
        } else {
            head.failures += 1;
            head.next_attempt_at = now + scaled(pause_after(head.failures), scale);
            Settled::Retry(head.next_attempt_at)
        };
        if !matches!(settled, Settled::Retry(_)) {
            queue.items.pop_front();
            // The next event of this payment was held behind this one: its turn now.
            if let Some(next) = queue.items.front_mut() {
                next.next_attempt_at = next.next_attempt_at.min(now);
            }
        }
        if queue.items.is_empty() {
            self.queues.remove(key);
        }
        settled
    }

    /// Every waiting delivery is due now (the control API's fast-forward).
    pub fn fast_forward(&mut self, now: DateTime<Utc>) {
        for queue in self.queues.values_mut() {
            for item in queue.items.iter_mut() {
                item.next_attempt_at = item.next_attempt_at.min(now);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.queues.is_empty()
    }

    /// Whether `key`'s queue has an attempt being made or a delivery due at `now`.
    pub fn busy(&self, key: &QueueKey, now: DateTime<Utc>) -> bool {
        self.queues
            .get(key)
            .is_some_and(|q| q.in_flight || q.items.front().is_some_and(|h| h.next_attempt_at <= now))
    }

    /// Forgets the deliveries waiting for a registration that was deleted: nobody is
    /// there to receive them (the guide is silent; the simulator's choice, README).
    pub fn forget_webhook(&mut self, webhook_id: &str) {
        self.queues.retain(|(id, _), queue| id != webhook_id || queue.in_flight);
    }

    /// Forgets every waiting delivery (the control API's reset).
    pub fn clear(&mut self) {
        self.queues.clear();
    }

    /// The control API's view: every delivery waiting, oldest first per queue, with
    /// whether it is held behind an earlier event of the same payment.
    pub fn view(&self) -> Value {
        let mut rows = Vec::new();
        for ((webhook_id, reference), queue) in &self.queues {
            for (i, p) in queue.items.iter().enumerate() {
                rows.push(json!({
                    "webhookId": webhook_id,
                    "url": p.webhook.url,
                    "reference": reference,
                    "name": p.body["name"],
                    "pspReference": p.body["pspReference"],
                    "failedAttempts": p.failures,
                    "queuedAt": p.queued_at.to_rfc3339(),
                    "nextAttemptAt": p.next_attempt_at.to_rfc3339(),
                    "lastOutcome": p.last_outcome,
                    "heldBehindEarlierEvent": i > 0,
                }));
            }
        }
        Value::Array(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    fn hook(id: &str) -> Webhook {
        Webhook {
            id: id.into(),
            msn: "123456".into(),
            url: "https://shop.example/hook".into(),
            events: vec![],
            secret: "s".into(),
        }
    }

    fn event(hook_id: &str, reference: &str, name: &str) -> Delivery {
        Delivery {
            webhook: hook(hook_id),
            body: json!({"reference": reference, "name": name}),
        }
    }

    fn names(claimed: &[(QueueKey, Pending)]) -> Vec<String> {
        claimed
            .iter()
            .map(|(k, p)| format!("{}:{}:{}", k.0, k.1, p.body["name"].as_str().unwrap()))
            .collect()
    }

    #[test]
    fn the_backoff_doubles_up_to_an_hour() {
        let pauses: Vec<u64> = (1..=12).map(|n| pause_after(n).as_secs()).collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600]);
        assert_eq!(pause_after(1000), LONGEST_PAUSE);
    }

    #[test]
    fn a_payments_later_event_waits_for_the_earlier_one_per_registration() {
        let mut o = Outbox::default();
        o.enqueue(
            vec![
                event("w1", "ref-a", "AUTHORIZED"),
                event("w2", "ref-a", "AUTHORIZED"),
                event("w1", "ref-b", "CREATED"),
            ],
            t(0),
        );
        o.enqueue(vec![event("w1", "ref-a", "CAPTURED")], t(1));
        let claimed = o.claim_due(t(1), None);
        assert_eq!(
            names(&claimed),
            ["w1:ref-a:AUTHORIZED", "w1:ref-b:CREATED", "w2:ref-a:AUTHORIZED"]
        );
        assert!(
            o.claim_due(t(1), None).is_empty(),
            "claimed heads are not claimed twice"
        );
        // w1 fails ref-a's AUTHORIZED: its CAPTURED is held; w2 and ref-b go on.
        let key_a1 = ("w1".to_string(), "ref-a".to_string());
        let retry = o.settle(&key_a1, claimed[0].1.seq, false, "500".into(), t(2), 1.0);
        assert_eq!(retry, Settled::Retry(t(12)));
        for (key, p) in &claimed[1..] {
            assert_eq!(o.settle(key, p.seq, true, "200".into(), t(2), 1.0), Settled::Delivered);
        }
        assert!(o.claim_due(t(11), None).is_empty(), "nothing due before the pause ends");
        let view = o.view();
        assert_eq!(view.as_array().unwrap().len(), 2);
        assert_eq!(view[1]["name"], "CAPTURED");
        assert_eq!(view[1]["heldBehindEarlierEvent"], true);
        let again = o.claim_due(t(12), None);
        assert_eq!(names(&again), ["w1:ref-a:AUTHORIZED"], "the earlier event first");
        o.settle(&key_a1, again[0].1.seq, true, "200".into(), t(12), 1.0);
        assert_eq!(
            names(&o.claim_due(t(12), None)),
            ["w1:ref-a:CAPTURED"],
            "then at once the next"
        );
    }

    #[test]
    fn a_failing_receiver_is_retried_for_seven_days_then_dropped() {
        let mut o = Outbox::default();
        let key = o.enqueue(vec![event("w1", "ref-a", "AUTHORIZED")], t(0)).remove(0);
        let mut now = t(0);
        let mut attempts = 0;
        loop {
            let claimed = o.claim_due(now, None);
            assert_eq!(claimed.len(), 1);
            attempts += 1;
            match o.settle(&key, claimed[0].1.seq, false, "503".into(), now, 1.0) {
                Settled::Retry(at) => now = at,
                Settled::GaveUp => break,
                Settled::Delivered => unreachable!(),
            }
        }
        assert!(now - t(0) >= scaled(GIVE_UP_AFTER, 1.0));
        assert!(now - t(0) < scaled(GIVE_UP_AFTER + LONGEST_PAUSE, 1.0));
        assert!((170..=180).contains(&attempts), "{attempts} attempts in 7 days");
        assert!(o.is_empty());
    }

    #[test]
    fn the_schedule_compresses_and_fast_forward_makes_everything_due() {
        let mut o = Outbox::default();
        let key = o.enqueue(vec![event("w1", "ref-a", "AUTHORIZED")], t(0)).remove(0);
        let claimed = o.claim_due(t(0), None);
        let at = o.settle(&key, claimed[0].1.seq, false, "timeout".into(), t(0), 0.001);
        assert_eq!(at, Settled::Retry(t(0) + chrono::Duration::milliseconds(10)));
        let claimed = o.claim_due(t(1), None);
        o.settle(&key, claimed[0].1.seq, false, "timeout".into(), t(1), 1.0);
        assert!(o.claim_due(t(2), None).is_empty());
        o.fast_forward(t(2));
        assert_eq!(o.claim_due(t(2), None).len(), 1);
    }

    #[test]
    fn a_deleted_registrations_waiting_deliveries_go_with_it() {
        let mut o = Outbox::default();
        o.enqueue(
            vec![event("w1", "ref-a", "AUTHORIZED"), event("w2", "ref-a", "AUTHORIZED")],
            t(0),
        );
        o.forget_webhook("w1");
        assert_eq!(names(&o.claim_due(t(0), None)), ["w2:ref-a:AUTHORIZED"]);
    }
}
