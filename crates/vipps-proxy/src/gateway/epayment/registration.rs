//! ePayment's news channel: each sales unit's webhook registration at Vipps, made once
//! for all instances on one database, and checked again on every reconciler run (Vipps may
//! have lost it; a registration left behind by a crash is removed).
//!
//! Invariant: deliveries are only believed when signed with the secret in the database;
//! even then a delivery is a hint, and the get payment call stays the truth.

use super::wire::Registered;
use super::EpaymentGateway;
use crate::db::registrations::Webhook;
use crate::db::Db;
use crate::gateway::VippsError;
use crate::hook_paths::webhooks_path;

/// Where Vipps delivers `msn`'s webhooks.
pub fn url(public_url: &str, msn: &str) -> String {
    format!("{public_url}{}", webhooks_path(msn))
}

#[derive(Debug)]
pub enum RegistrationError {
    Vipps(VippsError),
    Db(sqlx::Error),
}

impl std::fmt::Display for RegistrationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegistrationError::Vipps(e) => write!(f, "Vipps: {e}"),
            RegistrationError::Db(e) => write!(f, "database: {e}"),
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
        RegistrationError::Db(e)
    }
}

/// Makes sure Vipps delivers `vipps`' sales unit's payment events to `url`, signed with
/// a secret the database holds: keeps a registration Vipps still lists, or registers anew.
///
/// Vipps allows 5 registrations per event and sales unit (`vippsas/webhooks-api`
/// `docs/swagger.yaml` at d1c57d2288df7a1fbf4c7ab8084158eb1a06bfe8), so this never
/// leaves one behind: registrations of the same URL that are not the stored one (a
/// crash between registering and storing, an instance that lost a race) are deleted
/// *before* a new one is made, and a registration made in vain is deleted at once. So
/// however many restarts and instances, the unit holds one registration per URL; and
/// when Vipps refuses one anyway (the unit is full of other systems' registrations),
/// the error says so and what to do.
pub async fn ensure(db: &Db, vipps: &EpaymentGateway, msn: &str, url: &str) -> Result<Webhook, RegistrationError> {
    let listed = vipps.webhooks().await?;
    let stored = db.webhook(msn, url).await?;
    if let Some(w) = stored.as_ref().filter(|w| listed.iter().any(|r| r.id == w.id)) {
        tracing::debug!(%msn, id = %w.id, "the webhook registration Vipps lists is the stored one");
        remove_strays(vipps, msn, url, &listed, Some(&w.id)).await?;
        return Ok(w.clone());
    }
    remove_strays(vipps, msn, url, &listed, None).await?;
    let registered = vipps
        .register_webhook(url)
        .await
        .map_err(|e| refused(msn, url, &listed, e))?;
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
    Ok(kept)
}

/// Deletes the registrations of `url` other than `keep` (all of them for `None`).
async fn remove_strays(
    vipps: &EpaymentGateway,
    msn: &str,
    url: &str,
    listed: &[Registered],
    keep: Option<&str>,
) -> Result<(), VippsError> {
    for stray in listed.iter().filter(|r| r.url == url && Some(r.id.as_str()) != keep) {
        tracing::info!(%msn, id = %stray.id, "removing a webhook registration left behind");
        vipps.delete_webhook(&stray.id).await?;
    }
    Ok(())
}

/// A registration Vipps refused, said so that whoever reads the log can act on it.
fn refused(msn: &str, url: &str, listed: &[Registered], e: VippsError) -> RegistrationError {
    if e.status() == Some(400) {
        let others: Vec<&str> = listed.iter().map(|r| r.url.as_str()).collect();
        tracing::error!(
            %msn,
            %url,
            error = %e,
            registered = ?others,
            "Vipps refused the webhook registration for sales unit {msn}: Vipps allows at most {PER_EVENT} \
             registrations per event and sales unit, and these are taken (see `registered`). Delete the \
             ones no longer used (DELETE /webhooks/v1/webhooks/{{id}} with this unit's keys); until then \
             this backend learns of payments by polling only"
        );
    }
    RegistrationError::Vipps(e)
}

/// Registrations Vipps allows per event and sales unit.
pub const PER_EVENT: usize = 5;
