//! The ePayment API v1 beside eCom v2 (issue 13; `docs/vipps-epayment-v1.md`). So far
//! the payment's life (`payment.rs`); the HTTP surface, the Webhooks API and the landing
//! page's part come next.

pub mod payment;
pub mod validate;
