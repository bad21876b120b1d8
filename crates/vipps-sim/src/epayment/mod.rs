//! The ePayment API v1 beside eCom v2 (`ecom/`; `docs/vipps-epayment-v1.md`): the
//! payment's life (`payment/`), the create request's checks (`validate/`), what the
//! simulator holds (`book.rs`), what the user does (`user_acts.rs`), express shipping
//! (`shipping.rs`), eCom payments seen through ePayment (`from_ecom.rs`), each
//! problem's `type` (`problems.rs`) and the webhooks it causes (`news.rs` what one is,
//! `deliveries.rs` sends them, `outbox.rs` holds and retries them). The HTTP surface is
//! `routes/epayment.rs`.

pub mod book;
pub mod deliveries;
pub mod from_ecom;
pub mod news;
pub mod outbox;
pub mod payment;
pub mod problems;
pub mod shipping;
pub mod user_acts;
pub mod validate;
