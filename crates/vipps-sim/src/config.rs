//! Command-line flags. Every flag has a default, so `vipps-sim` alone starts a sandbox.

use std::net::SocketAddr;

use clap::Parser;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "vipps-sim",
    version,
    about = "A faithful local sandbox of the Vipps eCom API v2, ePayment API v1 and Webhooks API"
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
    /// More sales units on this simulator, as a shop with several stores has them:
    /// `MSN:CLIENT_ID:CLIENT_SECRET:SUBSCRIPTION_KEY[:MERCHANT NAME]` (repeatable). The
    /// subscription key says which unit calls; its access tokens, orders and MSN are its own.
    #[arg(long = "sales-unit", value_parser = parse_unit)]
    pub sales_units: Vec<SalesUnit>,
    /// Behave as Vipps' production environment where it differs from the test one:
    /// ePayment's `CARD` payment method is available (the test environment has none).
    #[arg(long)]
    pub production: bool,
    /// The sales units are approved for ePayment's long-living payments (`expiresAt`);
    /// without it such a create is refused, as for a unit Vipps has not approved.
    #[arg(long)]
    pub long_living_payments: bool,
    /// Compresses the webhook retry schedule by this factor (Vipps: retries with
    /// exponential backoff for 7 days; `0.0001` plays those days in about a minute, for
    /// tests). `POST /_sim/webhooks/fast-forward` makes every waiting delivery due now.
    #[arg(long, default_value_t = 1.0, value_parser = parse_scale)]
    pub webhook_retry_scale: f64,
    /// Lifetime of access tokens in seconds (Vipps test: 3600, production: 86400).
    #[arg(long, default_value_t = 3600)]
    pub token_lifetime: u64,
}

fn parse_scale(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 0.0 => Ok(f),
        _ => Err("a factor of 0 or more, e.g. 0.001".into()),
    }
}

fn parse_msn(value: &str) -> Result<String, String> {
    if (5..=6).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_string())
    } else {
        Err("the MSN must be 5 or 6 digits".into())
    }
}

/// A Vipps sales unit: its MSN, its keys, and the name the landing page and app show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesUnit {
    pub msn: String,
    pub client_id: String,
    pub client_secret: String,
    pub subscription_key: String,
    pub merchant_name: String,
}

fn parse_unit(value: &str) -> Result<SalesUnit, String> {
    let parts: Vec<&str> = value.splitn(5, ':').collect();
    if parts.len() < 4 || parts[1..4].iter().any(|p| p.is_empty()) {
        return Err("a sales unit is MSN:CLIENT_ID:CLIENT_SECRET:SUBSCRIPTION_KEY[:MERCHANT NAME]".into());
    }
    Ok(SalesUnit {
        msn: parse_msn(parts[0])?,
        client_id: parts[1].to_string(),
        client_secret: parts[2].to_string(),
        subscription_key: parts[3].to_string(),
        merchant_name: parts
            .get(4)
            .map_or_else(|| format!("Merchant {}", parts[0]), |n| n.to_string()),
    })
}

impl Config {
    /// Every sales unit: the flags' (`--msn` and its keys) first, then `--sales-unit`s.
    pub fn units(&self) -> Vec<SalesUnit> {
        let mut units = vec![SalesUnit {
            msn: self.msn.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            subscription_key: self.subscription_key.clone(),
            merchant_name: self.merchant_name.clone(),
        }];
        units.extend(self.sales_units.iter().cloned());
        units
    }

    /// The sales unit with `msn`.
    pub fn unit(&self, msn: &str) -> Option<SalesUnit> {
        self.units().into_iter().find(|u| u.msn == msn)
    }

    /// The name shown for a payment of `msn`.
    pub fn merchant_name_of(&self, msn: &str) -> String {
        self.unit(msn)
            .map_or_else(|| self.merchant_name.clone(), |u| u.merchant_name)
    }

    /// A configuration with every default, listening on an ephemeral loopback port.
    pub fn for_tests() -> Self {
        Config::parse_from(["vipps-sim", "--listen", "127.0.0.1:0"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_sales_units_come_with_their_own_keys() {
        let config = Config::parse_from([
            "vipps-sim",
            "--sales-unit",
            "654321:fjord-id:fjord-secret:fjord-key:Fjord Kaffe",
            "--sales-unit",
            "65432:b:c:d",
        ]);
        let units = config.units();
        assert_eq!(units.len(), 3);
        assert_eq!(units[0].msn, "123456", "the flags' unit first");
        assert_eq!(units[1].subscription_key, "fjord-key");
        assert_eq!(config.merchant_name_of("654321"), "Fjord Kaffe");
        assert_eq!(config.merchant_name_of("65432"), "Merchant 65432");
        for bad in ["65:a:b:c", "654321:a:b", "654321::b:c"] {
            assert!(parse_unit(bad).is_err(), "{bad}");
        }
    }
}
