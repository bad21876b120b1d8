//! ePayment's news channel: each sales unit's webhook registration at Vipps, made once
//! for all instances on the store, and checked again on every reconciler run (Vipps may
//! have lost it; a registration left behind by a crash is removed).
//!
//! Invariant: deliveries are only believed when signed with the secret in the store;
//! even then a delivery is a hint, and the get payment call stays the truth.

use crate::db::webhooks::Webhook;
use crate::db::Db;
use crate::vipps::{VippsClient, VippsError};

/// The path a unit's deliveries arrive at (the route is `/api/vipps/webhooks/{msn}`).
pub fn path(msn: &str) -> String {
    format!("/api/vipps/webhooks/{msn}")
}

/// Where Vipps delivers `msn`'s webhooks.
pub fn url(public_url: &str, msn: &str) -> String {
    format!("{public_url}{}", path(msn))
}

#[derive(Debug)]
pub enum RegistrationError {
    Vipps(VippsError),
    Store(sqlx::Error),
}

impl std::fmt::Display for RegistrationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegistrationError::Vipps(e) => write!(f, "Vipps: {e}"),
            RegistrationError::Store(e) => write!(f, "store: {e}"),
        }
    }
}

impl From<VippsError> for RegistrationError {
    fn from(e: VippsError) -> Self {
        RegistrationError::Vipps(e)
    }
}

impl From<sqlx::Error> for RegistrationError {
    fn from(e: sqlx::Error) -> Self {
        RegistrationError::Store(e)
    }
}

/// Makes sure Vipps delivers `vipps`' sales unit's payment events to `url`, signed with
/// a secret the store holds: keeps a registration Vipps still lists, or registers anew.
/// Registrations of the same URL that are not the stored one are deleted at Vipps.
pub async fn ensure(db: &Db, vipps: &VippsClient, msn: &str, url: &str) -> Result<Webhook, RegistrationError> {
    let listed = vipps.webhooks().await?;
    let stored = db.webhook(msn, url).await?;
    let kept = match &stored {
        Some(w) if listed.iter().any(|r| r.id == w.id) => w.clone(),
        _ => {
            let registered = vipps.register_webhook(url).await?;
            let fresh = Webhook {
                id: registered.id,
                secret: registered.secret,
            };
            let kept = db
                .keep_webhook(msn, url, &fresh, stored.as_ref().map(|w| w.id.as_str()))
                .await?;
            if kept.id != fresh.id {
                // Another instance registered first.
                vipps.delete_webhook(&fresh.id).await?;
            } else {
                tracing::info!(%msn, %url, id = %kept.id, "registered for ePayment webhooks");
            }
            kept
        }
    };
    for stray in listed.iter().filter(|r| r.url == url && r.id != kept.id) {
        tracing::info!(%msn, id = %stray.id, "removing a webhook registration left behind");
        vipps.delete_webhook(&stray.id).await?;
    }
    Ok(kept)
}
