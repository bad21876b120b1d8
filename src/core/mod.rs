//! The widget's pure logic: no DOM, no network, no clock of its own. Everything here is
//! plain Rust, tested natively with `cargo test`; `crate::web` only wires it to the page.

pub mod allowlist;
pub mod brand;
pub mod events;
pub mod flow;
pub mod i18n;
pub mod in_place;
pub mod lang;
pub mod money;
pub mod options;
pub mod phone;
pub mod polling;
pub mod problem;
pub mod qr;
pub mod retry;
