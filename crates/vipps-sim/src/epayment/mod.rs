//! The ePayment API v1 beside eCom v2 (issue 13; `docs/vipps-epayment-v1.md`): the
//! payment's life (`payment.rs`), the create request's checks (`validate.rs`), what the
//! simulator holds (`book.rs`), what the user does (`flows.rs`), express shipping
//! (`shipping.rs`) and the webhooks it
//! causes (`webhooks.rs`). The HTTP surface is `routes/epayment.rs`.

pub mod book;
pub mod flows;
pub mod payment;
pub mod shipping;
pub mod validate;
pub mod webhooks;
