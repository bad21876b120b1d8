//! The proxy's side of the Vipps eCom API v2, and of the Webhooks API that ePayment's
//! news comes by (`webhook_signature`).

pub mod client;
pub mod webhook_signature;
pub mod wire;

pub use client::{VippsClient, VippsError};
