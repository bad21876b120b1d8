//! The keys checked before the first shopper's click: for each sales unit the stores
//! use, an access token is asked for (`POST /accesstoken/get`), and on ePayment the
//! unit's webhook registrations are read (`GET /webhooks/v1/webhooks`). Keys Vipps
//! refuses stop the start with the unit and the call named; a Vipps that does not
//! answer is logged and the start goes on (the keys are tried again at the first
//! payment). `vipps-proxy check` runs only this, for a deploy pipeline.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::gateway::VippsError;
use crate::stores::{Store, Stores};

/// What the check found for one sales unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok(String),
    /// Vipps refused the keys: the call and Vipps' answer.
    Refused(String),
    /// Vipps did not answer (or failed): the keys could not be checked.
    Unknown(String),
}

/// One sales unit's result: its MSN, the stores that use it, the verdict.
#[derive(Debug, Clone)]
pub struct UnitCheck {
    pub msn: String,
    pub stores: Vec<String>,
    pub verdict: Verdict,
}

impl UnitCheck {
    /// `sales unit 123456 (stores: default, fjord)`.
    fn name(&self) -> String {
        let stores: Vec<&str> = self
            .stores
            .iter()
            .map(|s| if s.is_empty() { "the default store" } else { s.as_str() })
            .collect();
        format!("sales unit {} ({})", self.msn, stores.join(", "))
    }

    pub fn line(&self) -> String {
        match &self.verdict {
            Verdict::Ok(what) => format!("ok       {}: {what}", self.name()),
            Verdict::Refused(why) => format!("REFUSED  {}: {why}", self.name()),
            Verdict::Unknown(why) => format!("UNKNOWN  {}: {why}", self.name()),
        }
    }
}

/// How a failed call reads: Vipps' refusal of the keys, or no verdict.
fn verdict_of(call: &str, e: &VippsError, hint: &str) -> Verdict {
    match e.status() {
        Some(status @ (400 | 401 | 403)) => Verdict::Refused(format!("{call} answered {status} ({e}); {hint}")),
        _ => Verdict::Unknown(format!("{call} failed ({e}); the keys could not be checked")),
    }
}

async fn check_unit(store: &Store) -> Verdict {
    let hint = if store.is_default() {
        "check --client-id, --client-secret (VIPPS_CLIENT_SECRET), --subscription-key (VIPPS_SUBSCRIPTION_KEY) and --msn"
    } else {
        "check this store's msn, clientId and the secrets its clientSecretEnv and subscriptionKeyEnv name in --stores"
    };
    if let Err(e) = store.vipps.client().check_keys().await {
        return verdict_of("POST /accesstoken/get", &e, hint);
    }
    match store.vipps.check_setup().await {
        Ok(what) => Verdict::Ok(what),
        Err((call, e)) => verdict_of(call, &e, hint),
    }
}

/// Checks each sales unit once (stores may share one).
pub async fn check(stores: &Stores) -> Vec<UnitCheck> {
    let mut units: BTreeMap<String, (Arc<Store>, Vec<String>)> = BTreeMap::new();
    for store in stores.all() {
        units
            .entry(store.msn.clone())
            .or_insert_with(|| (store.clone(), Vec::new()))
            .1
            .push(store.id.clone());
    }
    let mut out = Vec::new();
    for (msn, (store, ids)) in units {
        out.push(UnitCheck {
            msn,
            stores: ids,
            verdict: check_unit(&store).await,
        });
    }
    out
}

/// Before the backend starts: refuses keys Vipps refuses; a Vipps that does not answer
/// is logged.
pub async fn before_start(stores: &Stores) -> Result<(), String> {
    let results = check(stores).await;
    let refused: Vec<String> = results
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Refused(_)))
        .map(UnitCheck::line)
        .collect();
    for r in &results {
        match &r.verdict {
            Verdict::Ok(_) => tracing::info!("start-up check: {}", r.line()),
            Verdict::Unknown(_) => tracing::warn!("start-up check: {}", r.line()),
            Verdict::Refused(_) => {}
        }
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "Vipps refused the keys of {} sales unit(s), so no payment could start:\n  {}\n(--skip-startup-check starts anyway)",
            refused.len(),
            refused.join("\n  ")
        ))
    }
}
