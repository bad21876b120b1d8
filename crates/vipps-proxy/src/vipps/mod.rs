//! The proxy's side of the Vipps eCom API v2.

pub mod client;
pub mod wire;

pub use client::{VippsClient, VippsError};
