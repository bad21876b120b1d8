//! Which Vipps API the backend speaks (`--api`). The widget's contract is the same for
//! both; only how a payment is started, read, adjusted and announced differs.

/// The Vipps payment API in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Api {
    /// eCom v2: `orderId`, `/details`, callbacks with an `authToken`, `X-Request-Id`.
    #[default]
    Ecom,
    /// ePayment v1: `reference`, get payment, signed webhooks, `Idempotency-Key`.
    Epayment,
}

impl Api {
    /// The header that makes a retried adjustment the same request to Vipps.
    pub fn idempotency_header(self) -> &'static str {
        match self {
            Api::Ecom => "X-Request-Id",
            Api::Epayment => "Idempotency-Key",
        }
    }

    /// The currencies the API takes payments in: eCom NOK only; ePayment every one
    /// Vipps MobilePay takes (`contract::CURRENCIES`).
    pub fn currencies(self) -> &'static [&'static str] {
        match self {
            Api::Ecom => &["NOK"],
            Api::Epayment => &contract::CURRENCIES,
        }
    }
}
