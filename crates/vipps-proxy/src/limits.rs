//! Abuse limits (tower_governor): how many payments one client address, and everybody
//! together, may start per minute, and how many status checks they may make. A request
//! over a limit gets 429 with `Retry-After`; the widget waits and retries.
//!
//! The per-client limit is checked first, so a flood from one address is stopped before
//! it spends the shared budget: other shoppers keep paying.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderName, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use contract::error::ErrorCode;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::{GlobalKeyExtractor, KeyExtractor};
use tower_governor::{GovernorError, GovernorLayer};

use crate::error::ProxyError;

/// The client a request counts against: the connecting address, or the last entry of
/// the configured header when a trusted reverse proxy sets it. IPv6 clients count by
/// their /64 (one household or server usually holds a whole /64).
#[derive(Clone, Debug)]
pub struct ClientAddress {
    pub header: Option<HeaderName>,
}

/// Where rate limits group an address.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

impl ClientAddress {
    /// The client a request with these headers and extensions counts as (see
    /// [`client_key`]).
    pub fn of(&self, headers: &axum::http::HeaderMap, extensions: &axum::http::Extensions) -> IpAddr {
        let in_header = self.header.as_ref().and_then(|name| {
            let value = headers.get_all(name).iter().next_back()?.to_str().ok()?;
            value.rsplit(',').next()?.trim().parse().ok()
        });
        let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        // Without connection info (a router embedded without
        // `into_make_service_with_connect_info`), every client counts as one.
        client_key(
            in_header
                .or(peer)
                .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)),
        )
    }
}

impl KeyExtractor for ClientAddress {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        Ok(self.of(req.headers(), req.extensions()))
    }
}

type NoOp = governor::middleware::NoOpMiddleware<governor::clock::QuantaInstant>;
type Config<K> = Arc<GovernorConfig<K, NoOp>>;

/// `per_minute` requests a minute: one more every `60 s / per_minute`, in bursts of up
/// to half a minute's worth (at least 1). `None` for 0 (no limit).
pub fn rate(per_minute: u32) -> Option<(Duration, u32)> {
    (per_minute > 0).then(|| {
        (
            Duration::from_nanos(60_000_000_000 / u64::from(per_minute)),
            (per_minute / 2).max(1),
        )
    })
}

fn quota<K: KeyExtractor>(per_minute: u32, key: K) -> Option<Config<K>> {
    quota_with_burst(per_minute, None, key)
}

/// [`quota`] with a burst of at most `max_burst`.
fn quota_with_burst<K: KeyExtractor>(per_minute: u32, max_burst: Option<u32>, key: K) -> Option<Config<K>> {
    let (period, burst) = rate(per_minute)?;
    let burst = max_burst.map_or(burst, |m| burst.min(m).max(1));
    GovernorConfigBuilder::default()
        .key_extractor(key)
        .period(period)
        .burst_size(burst)
        .finish()
        .map(Arc::new)
}

/// One limit: per client address, and overall.
#[derive(Clone)]
pub struct Limit {
    per_client: Option<Config<ClientAddress>>,
    overall: Option<Config<GlobalKeyExtractor>>,
}

impl Limit {
    pub fn new(clients: &ClientAddress, per_client_per_minute: u32, overall_per_minute: u32) -> Self {
        Limit {
            per_client: quota(per_client_per_minute, clients.clone()),
            overall: quota(overall_per_minute, GlobalKeyExtractor),
        }
    }

    /// Per client address only, in bursts of at most `max_burst` (what Vipps calls: its
    /// traffic comes steadily, and a flood must reach the database in small doses).
    pub fn per_client_steady(clients: &ClientAddress, per_minute: u32, max_burst: u32) -> Self {
        Limit {
            per_client: quota_with_burst(per_minute, Some(max_burst), clients.clone()),
            overall: None,
        }
    }

    /// Forgets addresses whose budget is full again, so memory does not grow with
    /// every address ever seen.
    pub fn forget_idle(&self) {
        if let Some(c) = &self.per_client {
            c.limiter().retain_recent();
            c.limiter().shrink_to_fit();
        }
    }

    /// Wraps `routes` in the per-client limit and then the overall one.
    pub fn apply<S: Clone + Send + Sync + 'static>(&self, routes: Router<S>) -> Router<S> {
        let mut routes = routes;
        // Layers wrap outwards: the overall limit is added first, so the per-client one
        // runs before it.
        if let Some(config) = &self.overall {
            routes = routes.route_layer(GovernorLayer::new(config.clone()).error_handler(too_many));
        }
        if let Some(config) = &self.per_client {
            routes = routes.route_layer(GovernorLayer::new(config.clone()).error_handler(too_many));
        }
        routes
    }
}

/// The most calls one address may make at once to what Vipps calls; then the
/// per-minute rate (`--hooks-per-minute-per-client`) refills it.
pub const HOOKS_BURST: u32 = 100;

/// Consent removals one client address may send a minute. Vipps sends one per shopper
/// who removes the shop, unauthenticated (`routes::vipps_callbacks::consent_removal`); far more
/// from one address is somebody guessing user ids. No overall limit: a stranger's flood
/// must not use up Vipps' own budget.
pub const CONSENT_REMOVALS_PER_MINUTE: u32 = 60;

/// Staff sign-ins one client address may try a minute: their own budget, apart from
/// shoppers' payment starts (a shop's staff often share an address with its till).
pub const SIGN_INS_PER_MINUTE_PER_CLIENT: u32 = 20;

/// A budget per key (a phone number, a token's fingerprint): `burst` at once, then one
/// more every `refill`. `Err(seconds)` says how long until the next is allowed.
pub struct KeyedLimit(governor::DefaultKeyedRateLimiter<String>);

impl KeyedLimit {
    pub fn new(burst: u32, refill: Duration) -> Self {
        let quota = governor::Quota::with_period(refill)
            .expect("a period")
            .allow_burst(std::num::NonZeroU32::new(burst).expect("not zero"));
        KeyedLimit(governor::RateLimiter::keyed(quota))
    }

    /// Counts one use of `key`.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        use governor::clock::{Clock, DefaultClock};
        self.0
            .check_key(&key.to_string())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1))
    }

    /// Forgets keys whose budget is full again.
    pub fn forget_idle(&self) {
        self.0.retain_recent();
    }
}

/// Failed sign-ins with one and the same token, from anywhere: a wrong token tried over
/// and over from many addresses is slowed too (the per-address limit cannot see it).
/// [`TRIES_PER_TOKEN`] at once, then one more every [`TOKEN_TRY_REFILL`].
pub fn token_tries() -> KeyedLimit {
    KeyedLimit::new(TRIES_PER_TOKEN, TOKEN_TRY_REFILL)
}

pub const TRIES_PER_TOKEN: u32 = 5;
pub const TOKEN_TRY_REFILL: Duration = Duration::from_secs(12);

/// Payment requests pushed to one phone number (`flow: push`): a till sends one per sale
/// and maybe a retry; more is somebody using the shop's public endpoint to pester a
/// stranger's phone. [`PUSHES_PER_NUMBER`] at once, then one more every
/// [`PUSH_REFILL`].
pub struct PushLimit(KeyedLimit);

pub const PUSHES_PER_NUMBER: u32 = 3;
pub const PUSH_REFILL: Duration = Duration::from_secs(200);

impl Default for PushLimit {
    fn default() -> Self {
        PushLimit(KeyedLimit::new(PUSHES_PER_NUMBER, PUSH_REFILL))
    }
}

impl PushLimit {
    /// Counts a push to `number`; refused (429, `Retry-After`) over the limit.
    pub fn check(&self, number: &str) -> Result<(), ProxyError> {
        self.0.check(number).map_err(|wait| {
            ProxyError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                format!("Too many payment requests to this number. Try again in {wait} seconds."),
            )
            .with_retry_after(wait)
        })
    }

    /// Forgets numbers whose count is back to full.
    pub fn forget_idle(&self) {
        self.0.forget_idle();
    }
}

/// The project's error shape for a refused request, with `Retry-After` in whole seconds
/// (at least 1, so a client never retries at once).
fn too_many(error: GovernorError) -> Response<Body> {
    let wait = match error {
        GovernorError::TooManyRequests { wait_time, .. } => wait_time.max(1),
        GovernorError::UnableToExtractKey | GovernorError::Other { .. } => 1,
    };
    let mut response = ProxyError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        "Too many attempts. Please wait a moment.",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)], peer: &str) -> Request<()> {
        let mut req = Request::builder();
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req.body(()).unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        req
    }

    #[test]
    fn the_header_is_trusted_only_when_configured() {
        let plain = ClientAddress { header: None };
        let proxied = ClientAddress {
            header: Some(HeaderName::from_static("x-forwarded-for")),
        };
        let req = request(&[("x-forwarded-for", "203.0.113.9, 198.51.100.7")], "10.0.0.2:5000");
        assert_eq!(
            plain.extract(&req).unwrap().to_string(),
            "10.0.0.2",
            "a shopper cannot pick their key"
        );
        assert_eq!(
            proxied.extract(&req).unwrap().to_string(),
            "198.51.100.7",
            "the entry our own proxy added"
        );
        let missing = request(&[], "10.0.0.2:5000");
        assert_eq!(proxied.extract(&missing).unwrap().to_string(), "10.0.0.2");
        let junk = request(&[("x-forwarded-for", "not an address")], "10.0.0.2:5000");
        assert_eq!(proxied.extract(&junk).unwrap().to_string(), "10.0.0.2");
    }

    #[test]
    fn ipv6_counts_by_its_64() {
        let a = client_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = client_key("2001:db8:1:2:bbbb::9".parse().unwrap());
        let c = client_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(client_key("::ffff:192.0.2.1".parse().unwrap()).to_string(), "192.0.2.1");
    }

    #[test]
    fn each_configured_limit_is_built_and_zero_builds_none() {
        let clients = ClientAddress { header: None };
        let both = Limit::new(&clients, 30, 600);
        assert!(both.per_client.is_some() && both.overall.is_some());
        let only_overall = Limit::new(&clients, 0, 600);
        assert!(only_overall.per_client.is_none() && only_overall.overall.is_some());
        let none = Limit::new(&clients, 0, 0);
        assert!(none.per_client.is_none() && none.overall.is_none());
    }

    #[test]
    fn a_refusal_is_429_with_a_retry_after_of_at_least_a_second() {
        let r = too_many(GovernorError::TooManyRequests {
            wait_time: 0,
            headers: None,
        });
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()[header::RETRY_AFTER], "1");
        let r = too_many(GovernorError::TooManyRequests {
            wait_time: 7,
            headers: None,
        });
        assert_eq!(r.headers()[header::RETRY_AFTER], "7");
    }

    #[test]
    fn addresses_whose_budget_is_full_again_are_forgotten() {
        let clients = ClientAddress { header: None };
        let limit = Limit::new(&clients, 60_000, 0);
        let config = limit.per_client.as_ref().unwrap();
        for peer in ["10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1"] {
            let key = clients.extract(&request(&[], peer)).unwrap();
            config.limiter().check_key(&key).unwrap();
        }
        assert_eq!(config.limiter().len(), 3);
        std::thread::sleep(Duration::from_millis(50));
        limit.forget_idle();
        assert_eq!(config.limiter().len(), 0);
    }

    #[test]
    fn zero_means_no_limit_and_bursts_are_half_a_minute() {
        assert_eq!(rate(0), None);
        assert_eq!(rate(30), Some((Duration::from_secs(2), 15)));
        assert_eq!(rate(1), Some((Duration::from_secs(60), 1)));
        assert_eq!(rate(30_000), Some((Duration::from_millis(2), 15_000)));
    }
}
