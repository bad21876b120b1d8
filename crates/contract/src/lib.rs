//! The contract between the checkout widget and the merchant's backend ("the proxy").
//!
//! Serde types only: no tokio, no web-sys, no HTTP client. The widget (wasm) and the
//! reference proxy (native) both use these, so the two cannot drift apart. The same
//! contract is documented for other languages in `docs/proxy-api.yaml`.

pub mod error;
pub mod status;
pub mod types;
pub mod validate;

pub use error::{ErrorBody, ErrorDetail};
pub use status::PaymentStatus;
pub use types::*;
