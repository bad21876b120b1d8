//! The eCom API v2 as Vipps runs it: what initiate accepts (`validate`), each payment's
//! life and its log (`ledger`), and what the user does in the app (`user_acts`). The
//! ePayment API lives beside it in `epayment/`; the HTTP routes of both are in `routes/`.

pub mod ledger;
pub mod user_acts;
pub mod validate;
