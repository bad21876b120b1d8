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
    /// The Vipps payment API to use: `ecom` (eCom v2, callbacks) or `epayment`
    /// (ePayment v1, webhooks; what Vipps MobilePay asks new integrations to use, and the
    /// only one in Denmark and Finland). The widget and its contract are the same for both.
    #[arg(long, env = "VIPPS_API", value_enum, default_value_t = crate::gateway::Api::Ecom)]
    pub api: crate::gateway::Api,
    /// The currency of the default store's prices and payments: `NOK` (Norway), `DKK`
    /// (Denmark) or `EUR` (Finland). The eCom API takes NOK only.
    #[arg(long, env = "VIPPS_PROXY_CURRENCY", default_value = "NOK")]
    pub currency: String,
    #[arg(long, env = "VIPPS_CLIENT_ID")]
    pub client_id: String,
    #[arg(long, env = "VIPPS_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: String,
    #[arg(long, env = "VIPPS_SUBSCRIPTION_KEY", hide_env_values = true)]
    pub subscription_key: String,
    /// Merchant serial number (sales unit).
    #[arg(long, env = "VIPPS_MSN")]
    pub msn: String,
    /// Where orders are kept: a SQLite file (`sqlite:orders.db` or a path; created when
    /// missing) or a PostgreSQL database (`postgres://user:password@host:5432/db`, which
    /// several instances may share). Migrated at start-up.
    #[arg(long, env = "VIPPS_PROXY_DB", default_value = "sqlite:vipps-proxy.db")]
    pub db: crate::db::Location,
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
    /// More stores (JSON, see `stores.rs` and the README): each with its own sales unit or
    /// sharing this one, its own orderId prefix, name and catalogue. The flags above are
    /// the default store, for requests that name none.
    #[arg(long)]
    pub stores: Option<PathBuf>,
    /// Express shipping methods and rules (JSON). Default: built-in demo methods.
    #[arg(long)]
    pub shipping: Option<PathBuf>,
    /// Send the shipping methods with the payment (`staticShippingDetails`) instead of
    /// answering Vipps' shipping callback: a faster express flow, priced for the cart only.
    #[arg(long)]
    pub static_shipping: bool,
    /// Bearer token for the staff API (`/api/vipps/admin/...`), at least
    /// [`MIN_ADMIN_TOKEN`] characters; absent: staff API off. Set but empty is refused.
    #[arg(long, env = "VIPPS_PROXY_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Origins allowed to call the widget API from another site (CORS), exactly as the
    /// browser sends them (`https://shop.example`, no path, no `*`). Repeatable.
    #[arg(long)]
    pub allow_origin: Vec<String>,
    /// Behind a reverse proxy: the header it puts the client's address in (`X-Real-IP`,
    /// or `X-Forwarded-For`, whose last entry is taken). Only trusted when set; without
    /// it the abuse limits count the connecting address.
    #[arg(long, env = "VIPPS_PROXY_CLIENT_IP_HEADER")]
    pub client_ip_header: Option<String>,
    /// Payments one client address may start per minute (0: no limit).
    #[arg(long, default_value_t = 30)]
    pub payments_per_minute_per_client: u32,
    /// Payments all clients together may start per minute (0: no limit).
    #[arg(long, default_value_t = 600)]
    pub payments_per_minute: u32,
    /// Status checks one client address may make per minute (0: no limit). The return
    /// page checks every 2-5 s, so the default leaves room for many tabs behind one NAT.
    #[arg(long, default_value_t = 300)]
    pub polls_per_minute_per_client: u32,
    /// Status checks all clients together may make per minute (0: no limit).
    #[arg(long, default_value_t = 30_000)]
    pub polls_per_minute: u32,
    /// Calls one client address may make a minute to what Vipps calls (callbacks,
    /// shipping requests, webhooks): far above what Vipps' own traffic reaches, so a
    /// flood of forgeries is refused cheaply (429) before it reaches the database. 0: no limit.
    #[arg(long, default_value_t = 1200)]
    pub hooks_per_minute_per_client: u32,
    /// Ask the shopper, with every regular payment, to share these Userinfo fields
    /// (space-separated: `name email address phoneNumber birthDate`; `nin` needs Vipps'
    /// approval). Never with express, which shares its own.
    #[arg(long = "scope", env = "VIPPS_PROXY_SCOPE")]
    pub userinfo_scope: Option<String>,
    /// Hours a sign-in to the staff dashboard (`/admin/`) lasts.
    #[arg(long, default_value_t = 8)]
    pub staff_session_hours: u32,
    /// The sales unit is whitelisted by Vipps for `skipLandingPage` (a till, a vending
    /// machine): `POST /payments` with `"flow": "push"` and a mobile number sends the
    /// payment request straight to that phone. Without it such a request is refused
    /// (403 `push_not_allowed`); Vipps refuses units it has not whitelisted (error 38).
    #[arg(long)]
    pub skip_landing_page: bool,
    /// Send no receipts to the Vipps app. By default every paid order's receipt (its
    /// lines, VAT and shipping, with a link to the order's page) goes to Vipps' Order
    /// Management API once the payment is reserved.
    #[arg(long, env = "VIPPS_PROXY_NO_RECEIPTS")]
    pub no_receipts: bool,
    /// Start without asking Vipps whether it takes the keys (an offline start). By
    /// default each sales unit's keys are checked first (an access token; on ePayment its
    /// webhook registrations) and keys Vipps refuses stop the start, naming the unit and
    /// the call. `vipps-proxy check [flags]` does only that and exits 0 or 1.
    #[arg(long, env = "VIPPS_PROXY_SKIP_STARTUP_CHECK")]
    pub skip_startup_check: bool,
    /// Hours a return link (its status token) stays valid after the payment window.
    #[arg(long, default_value_t = 24)]
    pub status_link_hours: u32,
    /// Days events, idempotency keys, received calls and the shoppers' personal data are
    /// kept (what was bought and paid is kept for the bookkeeping period).
    #[arg(long, default_value_t = 90)]
    pub retention_days: u32,
    /// Years the money facts (each reservation, capture, refund and release, when, for
    /// which order) and the orders they belong to are kept, as bookkeeping rules ask
    /// (Norway's bokføringsloven: 5 years); then they go.
    #[arg(long, default_value_t = 5)]
    pub bookkeeping_years: u32,
    /// Prefix of generated orderIds, e.g. `nordlys` → `nordlys-20261122-k3j9x2m4qa`.
    #[arg(long, default_value = "shop")]
    pub order_prefix: String,
    /// Shown in the Vipps app with every payment.
    #[arg(long, default_value = "Nettbutikk")]
    pub shop_name: String,
    /// Seconds between reconciliation runs for orders still pending after 10 minutes.
    #[arg(long, default_value_t = 60)]
    pub reconcile_every: u64,
    /// Seconds a payment may stay pending before the reconciler asks Vipps about it
    /// (default: Vipps' payment window).
    #[arg(long, default_value_t = contract::PAYMENT_WINDOW_SECS)]
    pub reconcile_after: u64,
}

impl Config {
    /// Checks what clap cannot: URLs, secrets, the MSN and the order prefix. Everything a
    /// shop could get wrong in a compose or systemd file is refused here, with a message
    /// that names the flag, rather than found out by a shopper or an attacker.
    pub fn check(&self) -> Result<(), String> {
        url::Url::parse(&self.vipps_url).map_err(|e| format!("--vipps-url: {e}"))?;
        check_currency(&self.currency, self.api).map_err(|e| format!("--currency: {e}"))?;
        if let Some(public) = &self.public_url {
            check_public_url(public)?;
        }
        match self.admin_token.as_deref() {
            Some("") => {
                return Err(
                    "--admin-token / VIPPS_PROXY_ADMIN_TOKEN is set but empty: unset it to turn the staff API off"
                        .into(),
                )
            }
            Some(t) if t.chars().count() < MIN_ADMIN_TOKEN => {
                return Err(format!(
                    "--admin-token must be at least {MIN_ADMIN_TOKEN} characters (e.g. `openssl rand -base64 33`)"
                ))
            }
            _ => {}
        }
        for origin in &self.allow_origin {
            check_origin(origin)?;
        }
        if let Some(name) = &self.client_ip_header {
            axum::http::HeaderName::try_from(name.as_str())
                .map_err(|_| format!("--client-ip-header: '{name}' is not a header name"))?;
        }
        if !(5..=6).contains(&self.msn.len()) || !self.msn.bytes().all(|b| b.is_ascii_digit()) {
            return Err("--msn must be 5 or 6 digits".into());
        }
        if !is_valid_order_prefix(&self.order_prefix) {
            return Err("--order-prefix must be 1-20 letters, digits or dashes".into());
        }
        if !self.return_path.starts_with('/') || self.return_path.contains(['?', '#']) {
            return Err("--return-path must be a path starting with /, without ? or #".into());
        }
        if let Some(scope) = &self.userinfo_scope {
            check_scope(scope)?;
        }
        if self.status_link_hours == 0 {
            return Err("--status-link-hours must be at least 1".into());
        }
        if self.staff_session_hours == 0 || self.staff_session_hours > 24 * 7 {
            return Err("--staff-session-hours must be 1 to 168".into());
        }
        if self.retention_days == 0 {
            return Err("--retention-days must be at least 1".into());
        }
        if self.bookkeeping_years == 0 || u64::from(self.retention_days) > u64::from(self.bookkeeping_years) * 365 {
            return Err(
                "--bookkeeping-years must be at least 1, and no shorter than --retention-days: money facts outlive the \
                 history"
                    .into(),
            );
        }
        Ok(())
    }
}

/// The Userinfo scopes Vipps knows for eCom payments.
pub const USERINFO_SCOPES: [&str; 6] = ["name", "email", "address", "phoneNumber", "birthDate", "nin"];

fn check_scope(scope: &str) -> Result<(), String> {
    if scope.split_whitespace().next().is_none() {
        return Err("--scope is empty: leave it out to ask for nothing".into());
    }
    match scope.split_whitespace().find(|s| !USERINFO_SCOPES.contains(s)) {
        Some(bad) => Err(format!(
            "--scope: unknown '{bad}'; Vipps knows {}",
            USERINFO_SCOPES.join(", ")
        )),
        None => Ok(()),
    }
}

/// The shortest staff token accepted.
pub const MIN_ADMIN_TOKEN: usize = 32;

/// A currency Vipps takes (`contract::CURRENCIES`), and one the API takes
/// ([`crate::gateway::Api::currencies`]: eCom is NOK only).
pub fn check_currency(currency: &str, api: crate::gateway::Api) -> Result<(), String> {
    if !contract::CURRENCIES.contains(&currency) {
        return Err(format!("'{currency}' is not NOK, DKK or EUR"));
    }
    if !api.currencies().contains(&currency) {
        return Err(format!(
            "the eCom API takes NOK only; {currency} (Denmark, Finland) needs --api epayment"
        ));
    }
    Ok(())
}

/// An http(s) URL; plain http only on a loopback host (development).
pub fn check_public_url(public: &str) -> Result<(), String> {
    let parsed = url::Url::parse(public).map_err(|e| format!("--public-url {public}: {e}"))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&parsed) => Ok(()),
        "http" => Err(format!(
            "--public-url {public}: plain http is for a loopback address only; Vipps and shoppers need https"
        )),
        _ => Err(format!("--public-url {public}: must be https")),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// An origin as a browser sends it: scheme, host and port only.
fn check_origin(origin: &str) -> Result<(), String> {
    let refuse = |why: &str| Err(format!("--allow-origin '{origin}': {why}"));
    if origin.contains('*') {
        return refuse("wildcards are not allowed; name each shop origin");
    }
    let Ok(parsed) = url::Url::parse(origin) else {
        return refuse("not a URL; write it as https://shop.example");
    };
    if !matches!(parsed.scheme(), "http" | "https") || parsed.origin().ascii_serialization() != origin {
        return refuse("write the origin alone, as https://shop.example (no path, no trailing /)");
    }
    Ok(())
}

/// An orderId prefix: 1-20 letters, digits or dashes (the orderId is at most 50).
pub fn is_valid_order_prefix(prefix: &str) -> bool {
    (1..=20).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// Checks a configuration with the required flags and `extra` (an MSN of its own, or
    /// 123456).
    fn config(extra: &[&str]) -> Result<(), String> {
        let mut args = vec![
            "vipps-proxy",
            "--client-id",
            "c",
            "--client-secret",
            "s",
            "--subscription-key",
            "k",
        ];
        if !extra.contains(&"--msn") {
            args.extend(["--msn", "123456"]);
        }
        args.extend_from_slice(extra);
        Config::try_parse_from(args).map_err(|e| e.to_string())?.check()
    }

    #[test]
    fn secrets_and_origins_are_checked() {
        assert!(config(&[]).is_ok());
        assert!(config(&["--admin-token", ""]).unwrap_err().contains("empty"));
        assert!(config(&["--admin-token", "x"]).unwrap_err().contains("32"));
        assert!(config(&["--admin-token", &"x".repeat(32)]).is_ok());
        assert!(config(&["--allow-origin", "*"]).unwrap_err().contains("wildcard"));
        assert!(config(&["--allow-origin", "https://shop.example/"]).is_err());
        assert!(config(&["--allow-origin", "shop.example"]).is_err());
        assert!(config(&["--allow-origin", "https://shop.example"]).is_ok());
        assert!(config(&["--allow-origin", "http://localhost:5173"]).is_ok());
        assert!(config(&["--return-path", "/return.html?x=1"]).is_err());
        assert!(config(&["--return-path", "/return"]).is_ok());
        assert!(config(&["--client-ip-header", "X Real"]).is_err());
        assert!(config(&["--scope", "name email"]).is_ok());
        assert!(config(&["--scope", "name shoeSize"]).unwrap_err().contains("shoeSize"));
        assert!(config(&["--scope", " "]).is_err());
    }

    #[test]
    fn msn_and_order_prefix_have_limits() {
        let with = |msn: &str, prefix: &str| config(&["--msn", msn, "--order-prefix", prefix]);
        assert!(with("12345", "a").is_ok());
        assert!(with("123456", &"a".repeat(20)).is_ok(), "the longest prefix");
        assert!(with("1234", "shop").is_err());
        assert!(with("1234567", "shop").is_err());
        assert!(with("12345a", "shop").is_err());
        assert!(with("123456", "").is_err());
        assert!(with("123456", &"a".repeat(21)).is_err());
        assert!(with("123456", "shop_1").is_err());
        assert!(with("123456", "nordlys-2").is_ok(), "dashes are fine");
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(check_public_url("https://shop.example").is_ok());
        assert!(check_public_url("http://127.0.0.1:8080").is_ok());
        assert!(check_public_url("http://localhost:8080").is_ok());
        assert!(check_public_url("http://[::1]:8080").is_ok());
        assert!(check_public_url("http://shop.example").unwrap_err().contains("https"));
        assert!(check_public_url("http://0.0.0.0:8080").is_err());
        assert!(check_public_url("ftp://shop.example").is_err());
    }
}
