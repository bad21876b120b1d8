//! Command-line flags. Every flag has a default, so `vipps-sim` alone starts a sandbox.

use std::net::SocketAddr;

use clap::Parser;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "vipps-sim",
    version,
    about = "A faithful local sandbox of the Vipps eCom API v2"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "VIPPS_SIM_LISTEN", default_value = "127.0.0.1:8081")]
    pub listen: SocketAddr,
    /// The `client_id` header value that `POST /accesstoken/get` accepts.
    #[arg(long, env = "VIPPS_SIM_CLIENT_ID", default_value = "sim-client-id")]
    pub client_id: String,
    /// The `client_secret` header value that `POST /accesstoken/get` accepts.
    #[arg(
        long,
        env = "VIPPS_SIM_CLIENT_SECRET",
        default_value = "sim-client-secret",
        hide_env_values = true
    )]
    pub client_secret: String,
    /// The `Ocp-Apim-Subscription-Key` every call must carry.
    #[arg(
        long,
        env = "VIPPS_SIM_SUBSCRIPTION_KEY",
        default_value = "sim-subscription-key",
        hide_env_values = true
    )]
    pub subscription_key: String,
    /// The merchant serial number (sales unit) these keys belong to: 5 or 6 digits.
    #[arg(long, env = "VIPPS_SIM_MSN", default_value = "123456", value_parser = parse_msn)]
    pub msn: String,
    /// The merchant name the landing page and the app show.
    #[arg(long, env = "VIPPS_SIM_MERCHANT_NAME", default_value = "Test Merchant")]
    pub merchant_name: String,
    /// Base URL browsers use to reach the simulator (payment URLs point here).
    /// Default: `http://` + the listen address.
    #[arg(long, env = "VIPPS_SIM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Seconds before a payment nobody acts on is rejected (Vipps: 10 minutes).
    #[arg(long, default_value_t = 600)]
    pub payment_timeout: u64,
    /// Seconds the payment URL (the landing page, or a QR code of it) stays valid: a
    /// payment that has not reached the user's app by then times out (Vipps: 5 minutes).
    #[arg(long, default_value_t = 300)]
    pub link_timeout: u64,
    /// This sales unit is whitelisted for `skipLandingPage` (a till or vending machine):
    /// such a payment goes straight to the app of `customerInfo.mobileNumber`. Without
    /// it, asking for `skipLandingPage` is error 38, as at Vipps.
    #[arg(long)]
    pub skip_landing_page: bool,
    /// Approvals become `SALE` (reserve and capture in one step), as for sales units
    /// configured for direct capture.
    #[arg(long)]
    pub direct_capture: bool,
    /// Switch off the per-orderId rate limits (details/status 120 a minute, ...).
    #[arg(long)]
    pub no_rate_limits: bool,
    /// Check callback, fallback, shipping and consent URLs exactly as Vipps does: no
    /// loopback exception (a shop's set-up checked as Vipps would).
    #[arg(long)]
    pub strict_urls: bool,
    /// Seconds the simulated app waits for the merchant's shipping-details reply.
    #[arg(long, default_value_t = 10)]
    pub shipping_timeout: u64,
    /// Seconds a callback may take before it counts as failed (Vipps: 3).
    #[arg(long, default_value_t = 3)]
    pub callback_timeout: u64,
    /// Lifetime of access tokens in seconds (Vipps test: 3600, production: 86400).
    #[arg(long, default_value_t = 3600)]
    pub token_lifetime: u64,
}

fn parse_msn(value: &str) -> Result<String, String> {
    if (5..=6).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_string())
    } else {
        Err("the MSN must be 5 or 6 digits".into())
    }
}

impl Config {
    /// A configuration with every default, listening on an ephemeral loopback port.
    pub fn for_tests() -> Self {
        Config::parse_from(["vipps-sim", "--listen", "127.0.0.1:0"])
    }
}
