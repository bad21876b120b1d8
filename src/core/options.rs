//! The options of a button or return view, from element attributes or the JS API, checked
//! once: a misconfigured widget says so instead of failing at the first click.

use super::allowlist::Origin;
use super::brand::{Brand, Market};
use super::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Pay,
    Express,
    /// A QR code of the payment on the page (a customer screen), watched in place.
    Qr,
    /// The payment pushed to the customer's phone (a till), watched in place.
    Push,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Pay => "pay",
            Mode::Express => "express",
            Mode::Qr => "qr",
            Mode::Push => "push",
        }
    }

    /// How a payment of this mode reaches the shopper (express is a redirect too).
    pub fn flow(self) -> contract::Flow {
        match self {
            Mode::Pay | Mode::Express => contract::Flow::Redirect,
            Mode::Qr => contract::Flow::Qr,
            Mode::Push => contract::Flow::Push,
        }
    }

    /// The payment stays on the page (QR or push) instead of leaving for Vipps.
    pub fn in_place(self) -> bool {
        matches!(self, Mode::Qr | Mode::Push)
    }
}

/// What `mount()` or the attributes of `<vipps-checkout>` give, besides the payload
/// (which stays a JS value on the page, or JSON in Rust, and is never looked into).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ButtonInput {
    pub endpoint: Option<String>,
    pub mode: Option<String>,
    pub lang: Option<String>,
    /// `vipps` or `mobilepay`; default: the market's.
    pub brand: Option<String>,
    /// `NO`, `DK` or `FI`; default: the language's.
    pub market: Option<String>,
    /// Origins besides Vipps' that payment URLs may point to (a simulator).
    pub allow_origins: Vec<String>,
    pub mobile_number: Option<String>,
    /// The store, when the backend serves several.
    pub store: Option<String>,
}

/// What `mountReturn()` or the attributes of `<vipps-checkout-return>` give.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReturnInput {
    pub endpoint: Option<String>,
    pub lang: Option<String>,
    pub brand: Option<String>,
    pub market: Option<String>,
    /// Defaults: `orderId` and `t` from the page's URL.
    pub order_id: Option<String>,
    pub token: Option<String>,
    /// Default: `store` from the page's URL (the backend puts it in the return URL).
    pub store: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ButtonOptions {
    pub endpoint: String,
    pub mode: Mode,
    /// Mode "qr": how long a code may be scanned ([`super::in_place::CODE_WINDOW_MS`];
    /// shorter only in tests).
    pub code_window_ms: f64,
    pub lang: Option<Lang>,
    pub brand: Option<Brand>,
    pub market: Option<Market>,
    pub allow_origins: Vec<Origin>,
    pub mobile_number: Option<String>,
    pub store: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReturnOptions {
    pub endpoint: String,
    /// How long to poll before giving up ([`super::polling::WINDOW_MS`]; shorter only in
    /// tests).
    pub window_ms: f64,
    pub lang: Option<Lang>,
    pub brand: Option<Brand>,
    pub market: Option<Market>,
    pub order_id: Option<String>,
    pub token: Option<String>,
    pub store: Option<String>,
}

pub const DEFAULT_ENDPOINT: &str = "/api/vipps";

/// The option names the JS API accepts (anything else is a typo worth reporting).
pub const BUTTON_KEYS: &[&str] = &[
    "endpoint",
    "payload",
    "mode",
    "lang",
    "brand",
    "market",
    "allowOrigins",
    "mobileNumber",
    "store",
];
pub const RETURN_KEYS: &[&str] = &["endpoint", "lang", "brand", "market", "orderId", "token", "store"];

/// A brand named by the page: absent, or `vipps` / `mobilepay` (a typo is an error, not
/// silently another brand).
fn brand(given: Option<String>) -> Result<Option<Brand>, String> {
    match given.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Brand::parse(s)
            .map(Some)
            .ok_or_else(|| format!("brand must be \"vipps\" or \"mobilepay\", not '{s}'")),
    }
}

/// A market named by the page: absent, or `NO`, `DK`, `FI`.
fn market(given: Option<String>) -> Result<Option<Market>, String> {
    match given.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Market::parse(s)
            .map(Some)
            .ok_or_else(|| format!("market must be \"NO\", \"DK\" or \"FI\", not '{s}'")),
    }
}

/// A store named by the page: absent, or an id the backend can know.
fn store(given: Option<String>) -> Result<Option<String>, String> {
    match given.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if contract::validate::is_valid_store_id(&s) => Ok(Some(s)),
        Some(s) => Err(format!("store must be 1-20 of a-z, 0-9 and '-', not '{s}'")),
    }
}

/// The query of a request to the backend: the status `token` (`t=`) of a payment's
/// own requests, and `store=` whenever the widget names a store.
pub fn api_query<'a>(token: Option<&'a str>, store: Option<&'a str>) -> Vec<(&'static str, &'a str)> {
    let mut query = Vec::new();
    if let Some(t) = token {
        query.push(("t", t));
    }
    if let Some(s) = store {
        query.push(("store", s));
    }
    query
}

fn endpoint(given: Option<String>) -> Result<String, String> {
    let e = given
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| DEFAULT_ENDPOINT.into());
    let lower = e.to_ascii_lowercase();
    if !(e.starts_with('/') || lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(format!("endpoint must be a path or an http(s) URL, not '{e}'"));
    }
    Ok(e.trim_end_matches('/').to_string())
}

/// `"http://a:1, http://b:2"` (an attribute) as a list.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([' ', ','])
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

impl ButtonOptions {
    pub fn from_input(input: ButtonInput) -> Result<Self, String> {
        let mode = match input.mode.as_deref().map(str::trim) {
            None | Some("") | Some("pay") => Mode::Pay,
            Some("express") => Mode::Express,
            Some("qr") => Mode::Qr,
            Some("push") => Mode::Push,
            Some(other) => {
                return Err(format!(
                    "mode must be \"pay\", \"express\", \"qr\" or \"push\", not '{other}'"
                ))
            }
        };
        let allow_origins = input
            .allow_origins
            .iter()
            .map(|o| Origin::parse(o).ok_or_else(|| format!("'{o}' is not an origin such as http://127.0.0.1:8081")))
            .collect::<Result<_, _>>()?;
        Ok(ButtonOptions {
            endpoint: endpoint(input.endpoint)?,
            mode,
            code_window_ms: super::in_place::CODE_WINDOW_MS,
            lang: input.lang.as_deref().and_then(Lang::parse),
            brand: brand(input.brand)?,
            market: market(input.market)?,
            allow_origins,
            mobile_number: input.mobile_number.filter(|m| !m.trim().is_empty()),
            store: store(input.store)?,
        })
    }
}

impl ReturnOptions {
    pub fn from_input(input: ReturnInput) -> Result<Self, String> {
        Ok(ReturnOptions {
            endpoint: endpoint(input.endpoint)?,
            window_ms: super::polling::WINDOW_MS,
            lang: input.lang.as_deref().and_then(Lang::parse),
            brand: brand(input.brand)?,
            market: market(input.market)?,
            order_id: input.order_id.filter(|s| !s.is_empty()),
            token: input.token.filter(|s| !s.is_empty()),
            store: store(input.store)?,
        })
    }
}

/// `store` from a query string (the return URL of a backend serving several stores).
pub fn store_from_query(query: &str) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "store")
        .map(|(_, v)| percent_decode(v))
        .filter(|s| !s.is_empty())
}

/// `orderId` and `t` from a query string (`?orderId=…&t=…`), percent-decoded.
pub fn order_from_query(query: &str) -> (Option<String>, Option<String>) {
    let mut order_id = None;
    let mut token = None;
    for pair in query.trim_start_matches('?').split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v);
        match k {
            "orderId" if order_id.is_none() => order_id = Some(v),
            "t" if token.is_none() => token = Some(v),
            _ => {}
        }
    }
    (order_id.filter(|s| !s.is_empty()), token.filter(|s| !s.is_empty()))
}

/// The query string without its `t` parameters (`?orderId=…`, or `""` when nothing is
/// left), or `None` when it carries no `t`: the return view takes the token out of the
/// address bar once read, so a copied link, a bookmark or a screenshot does not carry it.
pub fn query_without_token(query: &str) -> Option<String> {
    let pairs: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .collect();
    let kept: Vec<&str> = pairs
        .iter()
        .copied()
        .filter(|p| p.split_once('=').map_or(*p, |(k, _)| k) != "t")
        .collect();
    (kept.len() != pairs.len()).then(|| {
        if kept.is_empty() {
            String::new()
        } else {
            format!("?{}", kept.join("&"))
        }
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters stay).
pub fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_have_their_names_and_two_stay_on_the_page() {
        let all = [Mode::Pay, Mode::Express, Mode::Qr, Mode::Push];
        assert_eq!(all.map(Mode::as_str), ["pay", "express", "qr", "push"]);
        assert_eq!(all.map(Mode::in_place), [false, false, true, true]);
        use contract::Flow::*;
        assert_eq!(all.map(Mode::flow), [Redirect, Redirect, Qr, Push]);
    }

    #[test]
    fn brand_and_market_are_read_and_a_typo_is_a_config_error() {
        let input = |brand: Option<&str>, market: Option<&str>| ButtonInput {
            brand: brand.map(str::to_string),
            market: market.map(str::to_string),
            ..Default::default()
        };
        let o = ButtonOptions::from_input(input(Some("MobilePay"), Some("dk"))).unwrap();
        assert_eq!((o.brand, o.market), (Some(Brand::MobilePay), Some(Market::Denmark)));
        let o = ButtonOptions::from_input(input(None, Some(" "))).unwrap();
        assert_eq!((o.brand, o.market), (None, None));
        assert!(ButtonOptions::from_input(input(Some("mobilpay"), None))
            .unwrap_err()
            .contains("brand must be"));
        let r = ReturnOptions::from_input(ReturnInput {
            market: Some("SE".into()),
            ..Default::default()
        });
        assert!(r.unwrap_err().contains("market must be"));
    }

    #[test]
    fn a_store_goes_into_every_request_url() {
        assert!(api_query(None, None).is_empty());
        assert_eq!(api_query(None, Some("fjord")), [("store", "fjord")]);
        assert_eq!(
            api_query(Some("a.b"), Some("fjord")),
            [("t", "a.b"), ("store", "fjord")]
        );
        assert_eq!(store_from_query("?orderId=o-1&t=x&store=fjord"), Some("fjord".into()));
        assert_eq!(store_from_query("?orderId=o-1&store="), None);
        assert_eq!(store_from_query(""), None);
        for bad in ["Fjord", "fjord&x=1", "a/b"] {
            let input = ButtonInput {
                store: Some(bad.into()),
                ..Default::default()
            };
            assert!(
                ButtonOptions::from_input(input).unwrap_err().contains("store must be"),
                "{bad}"
            );
        }
    }

    #[test]
    fn attributes_become_options() {
        let input = ButtonInput {
            endpoint: Some("/api/vipps/".into()),
            mode: Some("express".into()),
            lang: Some("nb-NO".into()),
            brand: None,
            market: Some("no".into()),
            allow_origins: split_list("http://127.0.0.1:8081, http://localhost:8081"),
            mobile_number: Some(" ".into()),
            store: Some(" fjord ".into()),
        };
        let o = ButtonOptions::from_input(input).unwrap();
        assert_eq!(o.endpoint, "/api/vipps");
        assert_eq!(o.mode, Mode::Express);
        assert_eq!(o.lang, Some(Lang::Nb));
        assert_eq!(o.allow_origins.len(), 2);
        assert_eq!(o.mobile_number, None);
        assert_eq!(o.store.as_deref(), Some("fjord"));
        assert_eq!(
            ButtonOptions::from_input(ButtonInput::default()).unwrap().endpoint,
            DEFAULT_ENDPOINT
        );
    }

    #[test]
    fn endpoints_are_paths_or_http_urls() {
        for (given, want) in [
            ("/api/vipps/", "/api/vipps"),
            ("https://shop.example/api/vipps", "https://shop.example/api/vipps"),
            ("http://127.0.0.1:8080/api/vipps", "http://127.0.0.1:8080/api/vipps"),
        ] {
            let input = ReturnInput {
                endpoint: Some(given.into()),
                ..Default::default()
            };
            assert_eq!(ReturnOptions::from_input(input).unwrap().endpoint, want);
        }
        let empty = ReturnOptions::from_input(ReturnInput {
            order_id: Some(String::new()),
            token: Some(String::new()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((empty.order_id, empty.token), (None, None), "empty is absent");
        let given = ReturnOptions::from_input(ReturnInput {
            order_id: Some("o-1".into()),
            token: Some("t".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            (given.order_id.as_deref(), given.token.as_deref()),
            (Some("o-1"), Some("t"))
        );
    }

    #[test]
    fn misconfiguration_is_reported() {
        let bad = [
            ButtonInput {
                mode: Some("buy".into()),
                ..Default::default()
            },
            ButtonInput {
                endpoint: Some("javascript:x".into()),
                ..Default::default()
            },
            ButtonInput {
                allow_origins: vec!["not-an-origin".into()],
                ..Default::default()
            },
        ];
        for input in bad {
            assert!(ButtonOptions::from_input(input).is_err());
        }
    }

    #[test]
    fn the_token_leaves_the_query_and_nothing_else_does() {
        assert_eq!(
            query_without_token("?orderId=shop-1&t=123.abc&utm=x").as_deref(),
            Some("?orderId=shop-1&utm=x")
        );
        assert_eq!(query_without_token("?t=1").as_deref(), Some(""));
        assert_eq!(query_without_token("?t").as_deref(), Some(""));
        assert_eq!(query_without_token("?t=1&t=2&orderId=a").as_deref(), Some("?orderId=a"));
        assert_eq!(query_without_token("?orderId=a&tt=1"), None, "only t itself");
        assert_eq!(query_without_token(""), None);
        assert_eq!(query_without_token("?orderId=a"), None);
    }

    #[test]
    fn the_return_url_gives_order_and_token() {
        assert_eq!(
            order_from_query("?orderId=shop-1&t=ab%2Bc"),
            (Some("shop-1".into()), Some("ab+c".into()))
        );
        assert_eq!(order_from_query("?t=x"), (None, Some("x".into())));
        assert_eq!(order_from_query(""), (None, None));
        assert_eq!(order_from_query("?orderId=a%zz"), (Some("a%zz".into()), None));
        assert_eq!(
            order_from_query("?orderId=a%4"),
            (Some("a%4".into()), None),
            "a cut escape"
        );
        assert_eq!(
            order_from_query("?orderId=x%41%42&t=1"),
            (Some("xAB".into()), Some("1".into()))
        );
        assert_eq!(
            order_from_query("?orderId=first&t=one&orderId=second&t=two"),
            (Some("first".into()), Some("one".into())),
            "the first of each wins"
        );
        assert_eq!(encode_component("a b/c"), "a%20b%2Fc");
    }
}
