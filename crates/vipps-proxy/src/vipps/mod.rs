//! The proxy's side of Vipps: the eCom API v2 (`client`, `wire`), the ePayment API v1
//! and the Webhooks API (`epayment`), which one is spoken (`api`), receipts and links in
//! the app for either (`order_management`), and the signature that proves a webhook
//! delivery is from Vipps (`webhook_signature`).

pub mod api;
pub mod client;
pub mod epayment;
pub mod order_management;
pub mod webhook_signature;
pub mod wire;

pub use api::Api;
pub use client::{Modification, VippsClient, VippsError};
