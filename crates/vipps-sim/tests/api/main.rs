//! The eCom API surface over real HTTP: credentials, initiate, details, status, capture,
//! cancel, refund, force approve, idempotency, rate limits and faults; one file per
//! concern.

#[path = "../common/mod.rs"]
mod common;

mod adjustments;
mod initiate;
mod limits_and_faults;
mod tokens;

use axum::http::Method;
use common::{error_code, sim, sim_with, Merchant, MSN};
use serde_json::{json, Value};
