//! Command-line flags. Secrets can come from the environment so they stay out of `ps`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "vipps-proxy",
    version,
    about = "The reference merchant backend for the Vipps checkout widget"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "VIPPS_PROXY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The URL Vipps and browsers reach this server at (callbacks and the return page are
    /// built from it). HTTPS in production; `http://` only on loopback for development.
    /// Default: `http://` + the listen address.
    #[arg(long, env = "VIPPS_PROXY_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The Vipps API base URL: `https://apitest.vipps.no` (test), `https://api.vipps.no`
    /// (production), or a vipps-sim.
    #[arg(long, env = "VIPPS_URL", default_value = "https://apitest.vipps.no")]
    pub vipps_url: String,
    #[arg(long, env = "VIPPS_CLIENT_ID")]
    pub client_id: String,
    #[arg(long, env = "VIPPS_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: String,
    #[arg(long, env = "VIPPS_SUBSCRIPTION_KEY", hide_env_values = true)]
    pub subscription_key: String,
    /// Merchant serial number (sales unit).
    #[arg(long, env = "VIPPS_MSN")]
    pub msn: String,
    /// SQLite database file (created, and migrated, at start-up).
    #[arg(long, env = "VIPPS_PROXY_DB", default_value = "vipps-proxy.db")]
    pub db: PathBuf,
    /// Serve the shop's static files from this folder (with a strict CSP).
    #[arg(long)]
    pub www: Option<PathBuf>,
    /// Serve the widget's npm package (wasm-pack output) from this folder under `/pkg/`.
    #[arg(long)]
    pub pkg: Option<PathBuf>,
    /// Path of the shop's return page; `fallBack` = public URL + this + `?orderId=…&t=…`.
    #[arg(long, default_value = "/return.html")]
    pub return_path: String,
    /// Product catalogue (JSON). Default: a built-in demo catalogue.
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Express shipping methods and rules (JSON). Default: built-in demo methods.
    #[arg(long)]
    pub shipping: Option<PathBuf>,
    /// Send the shipping methods with the payment (`staticShippingDetails`) instead of
    /// answering Vipps' shipping callback: a faster express flow, priced for the cart only.
    #[arg(long)]
    pub static_shipping: bool,
    /// Bearer token for the staff API (`/api/vipps/admin/...`); absent: staff API off.
    #[arg(long, env = "VIPPS_PROXY_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Origins allowed to call the widget API from another site (CORS). Repeatable.
    #[arg(long)]
    pub allow_origin: Vec<String>,
    /// Prefix of generated orderIds, e.g. `nordlys` → `nordlys-20261122-k3j9x2m4qa`.
    #[arg(long, default_value = "shop")]
    pub order_prefix: String,
    /// Shown in the Vipps app with every payment.
    #[arg(long, default_value = "Nettbutikk")]
    pub shop_name: String,
    /// Seconds between reconciliation runs for orders still pending after 10 minutes.
    #[arg(long, default_value_t = 60)]
    pub reconcile_every: u64,
    /// Seconds a payment may stay pending before the reconciler asks Vipps about it.
    #[arg(long, default_value_t = 600)]
    pub reconcile_after: u64,
}

impl Config {
    /// Checks what clap cannot: URLs, the MSN and the order prefix.
    pub fn check(&self) -> Result<(), String> {
        url::Url::parse(&self.vipps_url).map_err(|e| format!("--vipps-url: {e}"))?;
        if let Some(public) = &self.public_url {
            let parsed = url::Url::parse(public).map_err(|e| format!("--public-url: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err("--public-url must be http(s)".into());
            }
        }
        if !(5..=6).contains(&self.msn.len()) || !self.msn.bytes().all(|b| b.is_ascii_digit()) {
            return Err("--msn must be 5 or 6 digits".into());
        }
        if self.order_prefix.is_empty()
            || self.order_prefix.len() > 20
            || !self
                .order_prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err("--order-prefix must be 1-20 letters, digits or dashes".into());
        }
        if !self.return_path.starts_with('/') {
            return Err("--return-path must start with /".into());
        }
        Ok(())
    }
}
