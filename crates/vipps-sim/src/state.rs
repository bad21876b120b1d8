//! Shared state: the payments, access tokens, rate limiter and fault table.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::config::Config;
use crate::ecom::ledger::{Payment, TxIds};
use crate::faults::Faults;
use crate::rate_limit::RateLimiter;

/// What the simulated Vipps remembers: every payment of both APIs, tokens, the calls
/// made and what shops added, behind one lock ([`AppState::memory`]).
#[derive(Default)]
pub struct Memory {
    pub payments: HashMap<String, Payment>,
    /// Payment-URL token → orderId.
    pub by_token: HashMap<String, String>,
    /// Access token → expiry and the MSN of the keys it was issued for.
    pub access_tokens: HashMap<String, (Instant, String)>,
    /// Access tokens issued since the start (or the last reset).
    pub access_tokens_issued: u64,
    pub txids: TxIds,
    /// The ePayment API's payments, keys and webhook registrations.
    pub epayments: crate::epayment::book::Book,
    /// The headers each API call carried (`calls.rs`).
    pub calls: crate::calls::Calls,
    /// What shops added to payments with the Order Management API.
    pub order_management: crate::order_management::Book,
}

impl Memory {
    pub fn payment_by_token(&mut self, token: &str) -> Option<&mut Payment> {
        let order_id = self.by_token.get(token)?;
        self.payments.get_mut(order_id)
    }
}

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub public_url: Arc<str>,
    pub memory: Arc<Mutex<Memory>>,
    pub limiter: Arc<Mutex<RateLimiter>>,
    pub faults: Arc<Mutex<Faults>>,
    pub http: reqwest::Client,
}

impl AppState {
    pub fn new(config: Config, public_url: String) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("vipps-sim/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds");
        AppState {
            config: Arc::new(config),
            public_url: public_url.trim_end_matches('/').into(),
            memory: Arc::default(),
            limiter: Arc::default(),
            faults: Arc::default(),
            http,
        }
    }

    pub fn memory(&self) -> MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn limiter(&self) -> MutexGuard<'_, RateLimiter> {
        self.limiter.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A random token of URL-safe characters.
pub fn random_token(len: usize) -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
