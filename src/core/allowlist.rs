//! Where the button may send the browser: `https` URLs on Vipps' landing hosts, plus the exact
//! origins a page allows explicitly (a simulator or development host). Anything else —
//! `javascript:`, `data:`, another host, `http:`, credentials in the URL — is refused and
//! nothing navigates. The URL is never rewritten: an allowed URL is used as it is.

/// Where Vipps sends a shopper's browser, exact hosts only, production and test (issue
/// 25: no wildcard subdomains, so no other host of Vipps' domains, whoever runs it, can
/// receive a shopper). Sources:
/// - eCom's landing page, `https://{api,apitest}.vipps.no/dwo-api-application/…`:
///   `vippsas/vipps-ecom-api` `docs/swagger.yaml` at 3b079c36040e5b17f030a262cb4de9434d6e8f50
///   and `vipps-ecom-api.md` at ad690940cd22e27da9ab0b6f58f99c33a3f97d6f (test);
/// - ePayment's `redirectUrl` on `landing.vipps.no`: the spec's examples,
///   `vippsas/vipps-epayment-api` `docs/epayment.v1.yml` at e7a5c6eebfa2249e29d43dab08f1e4caf9a291f7;
/// - the redirect hosts Vipps' own WooCommerce plugin allows (citing Vipps' servers page):
///   `pay.vipps.no`, `pay.mobilepay.dk`, `pay.mobilepay.fi`, `api.mobilepay.dk`,
///   `api.mobilepay.fi` and their test hosts `pay-mt.vipps.no`, `pay-mt.mobilepay.dk`,
///   `pay-mt.mobilepay.fi` (`vippsas/vipps-woocommerce`
///   `recurring/includes/wc-gateway-vipps-recurring.php` at 160e322b60b89a55870a588e4b85f805f373e5e0);
/// - from MobilePay's rename on 12 January 2027, `pay.vipps.dk` and `pay.vipps.fi`
///   (issue 13's sources).
///
/// A host Vipps starts using that is not here is refused until it is added; a page can
/// allow it meanwhile as an exact origin (`allowed-origins`).
pub const LANDING_HOSTS: &[&str] = &[
    "api.vipps.no",
    "apitest.vipps.no",
    "landing.vipps.no",
    "pay.vipps.no",
    "pay-mt.vipps.no",
    "api.mobilepay.dk",
    "pay.mobilepay.dk",
    "pay-mt.mobilepay.dk",
    "api.mobilepay.fi",
    "pay.mobilepay.fi",
    "pay-mt.mobilepay.fi",
    "pay.vipps.dk",
    "pay.vipps.fi",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    /// Not an absolute `scheme://host` URL this module can read safely.
    Malformed,
    /// A user name or password before the host (`https://vipps.no@evil.example`).
    Credentials,
    /// `javascript:`, `data:`, `ftp:` ... or `http:` to a host not explicitly allowed.
    Scheme(String),
    /// A host that is neither Vipps' nor explicitly allowed.
    Host(String),
}

impl UrlError {
    /// What was wrong, and with what: for the console.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            UrlError::Malformed => ("malformed URL", ""),
            UrlError::Credentials => ("credentials in the URL", ""),
            UrlError::Scheme(s) => ("scheme not allowed:", s),
            UrlError::Host(h) => ("host not allowed:", h),
        }
    }
}

/// An origin: `scheme://host[:port]`, lower case, default ports left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
}

impl Origin {
    /// Parses an origin as a page gives it (`http://127.0.0.1:8081`, a trailing `/` is fine).
    pub fn parse(text: &str) -> Option<Origin> {
        let parsed = parse(text.trim().trim_end_matches('/')).ok()?;
        parsed.1.is_empty().then_some(parsed.0)
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.port {
            Some(p) => write!(f, "{}://{}:{p}", self.scheme, self.host),
            None => write!(f, "{}://{}", self.scheme, self.host),
        }
    }
}

fn is_vipps_host(host: &str) -> bool {
    LANDING_HOSTS.contains(&host)
}

/// Splits a URL into its origin and the rest (path, query, fragment), refusing anything
/// that browsers might read differently from this parser.
fn parse(url: &str) -> Result<(Origin, &str), UrlError> {
    if url.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\') {
        return Err(UrlError::Malformed);
    }
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b)) => {
            (s.to_ascii_lowercase(), r)
        }
        _ => {
            let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
            return Err(if url.contains(':') && !scheme.is_empty() {
                UrlError::Scheme(scheme)
            } else {
                UrlError::Malformed
            });
        }
    };
    if scheme != "https" && scheme != "http" {
        return Err(UrlError::Scheme(scheme));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err(UrlError::Credentials);
    }
    // An empty host, a percent-escape or any other odd byte fails the label check below.
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (inner, after) = v6.split_once(']').ok_or(UrlError::Malformed)?;
        if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
            return Err(UrlError::Malformed);
        }
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or(UrlError::Malformed)?),
        };
        (format!("[{}]", inner.to_ascii_lowercase()), port)
    } else {
        let (h, p) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let host = h.to_ascii_lowercase();
        let labels_ok = host
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        if !labels_ok {
            return Err(UrlError::Malformed);
        }
        (host, p)
    };
    let port = match port {
        None => None,
        Some(p) => {
            let n: u16 = p.parse().map_err(|_| UrlError::Malformed)?;
            if n == 0 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(UrlError::Malformed);
            }
            let default = if scheme == "https" { 443 } else { 80 };
            (n != default).then_some(n)
        }
    };
    Ok((Origin { scheme, host, port }, tail))
}

/// Checks a payment URL. `extra` are the origins the page allows besides Vipps' hosts.
/// Returns the URL unchanged when the browser may go there.
pub fn check<'a>(url: &'a str, extra: &[Origin]) -> Result<&'a str, UrlError> {
    let (origin, _) = parse(url)?;
    if extra.contains(&origin) {
        return Ok(url);
    }
    if origin.scheme != "https" {
        return Err(UrlError::Scheme(origin.scheme));
    }
    if is_vipps_host(&origin.host) {
        Ok(url)
    } else {
        Err(UrlError::Host(origin.host))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim() -> Vec<Origin> {
        vec![Origin::parse("http://127.0.0.1:8081").unwrap()]
    }

    #[test]
    fn a_refusal_says_why() {
        assert_eq!(UrlError::Malformed.parts(), ("malformed URL", ""));
        assert_eq!(UrlError::Credentials.parts(), ("credentials in the URL", ""));
        assert_eq!(UrlError::Scheme("data".into()).parts(), ("scheme not allowed:", "data"));
        assert_eq!(
            UrlError::Host("evil.example".into()).parts(),
            ("host not allowed:", "evil.example")
        );
    }

    #[test]
    fn vipps_urls_pass_unchanged() {
        for url in [
            "https://api.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=eyJraWQ",
            "https://apitest.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=x",
            "https://pay.vipps.no/x",
            "https://pay-mt.vipps.no/?token=x",
            "https://landing.vipps.no?token=abc123",
            "https://API.VIPPS.NO/x",
            "https://api.vipps.no:443/x",
            "https://pay.mobilepay.dk/?token=x",
            "https://pay-mt.mobilepay.fi/?token=x",
            "https://pay.vipps.dk/?token=x",
            "https://PAY.VIPPS.FI/?token=x",
        ] {
            assert_eq!(check(url, &[]), Ok(url), "{url}");
        }
    }

    #[test]
    fn the_landing_hosts_are_exact_no_other_host_of_vipps_domains() {
        for url in [
            "https://vipps.no/x",
            "https://www.vipps.no/x",
            "https://evil.vipps.no/x",
            "https://api-test.vipps.no/x",
            "https://pay.vipps.no.evil.example/x",
            "https://landing.vippsmobilepay.com/?token=x",
            "https://developer.vippsmobilepay.com/x",
            "https://www.mobilepay.dk/x",
            "https://mobilepay.dk/x",
            "https://evil.pay.mobilepay.dk/x",
            "https://vipps.dk/x",
            "https://shop.vipps.fi/x",
            "http://pay.vipps.dk/x",
        ] {
            assert!(check(url, &[]).is_err(), "{url}");
        }
    }

    #[test]
    fn everything_else_is_refused() {
        let cases = [
            ("javascript:alert(1)", UrlError::Scheme("javascript".into())),
            ("JaVaScRiPt:alert(1)", UrlError::Scheme("javascript".into())),
            (
                "data:text/html,<script>alert(1)</script>",
                UrlError::Scheme("data".into()),
            ),
            ("http://api.vipps.no/x", UrlError::Scheme("http".into())),
            ("https://evil.example/x", UrlError::Host("evil.example".into())),
            (
                "https://vipps.no.evil.example/x",
                UrlError::Host("vipps.no.evil.example".into()),
            ),
            ("https://evilvipps.no/x", UrlError::Host("evilvipps.no".into())),
            ("vippsMT://?token=x", UrlError::Scheme("vippsmt".into())),
        ];
        for (url, want) in cases {
            assert_eq!(check(url, &sim()), Err(want), "{url}");
        }
        for url in [
            "https://api.vipps.no@evil.example/",
            "https://evil.example%2f@api.vipps.no/",
            "https://user:pass@api.vipps.no/",
        ] {
            assert_eq!(check(url, &sim()), Err(UrlError::Credentials), "{url:?}");
        }
        for url in [
            "https://evil.example\\@api.vipps.no/",
            "https://api.vipps.no%2e/",
            "://api.vipps.no/x",
            "https://api.vipps.no:0/x",
            "https://api.vipps.no:+443/x",
            "http://[]:8081/x",
            "//api.vipps.no/x",
            "/relative",
            " https://api.vipps.no/",
            "https://api.vipps.no\n.evil/",
            "https://api.vipps.no:99999/",
            "https://api..vipps.no/",
            "https:///path",
            "",
        ] {
            assert_eq!(check(url, &sim()), Err(UrlError::Malformed), "{url:?}");
        }
    }

    #[test]
    fn a_page_may_allow_its_simulator_exactly() {
        let url = "http://127.0.0.1:8081/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=t";
        assert_eq!(check(url, &sim()), Ok(url));
        assert!(check(url, &[]).is_err(), "not without the page's say-so");
        assert!(
            check("http://127.0.0.1:8082/x", &sim()).is_err(),
            "another port is another origin"
        );
        assert!(
            check("https://127.0.0.1:8081/x", &sim()).is_err(),
            "another scheme is another origin"
        );
        let v6 = vec![Origin::parse("http://[::1]:9000/").unwrap()];
        assert!(check("http://[::1]:9000/x", &v6).is_ok());
        let mapped = vec![Origin::parse("http://[::ffff:127.0.0.1]:9000").unwrap()];
        assert!(check("http://[::ffff:127.0.0.1]:9000/x", &mapped).is_ok());
    }

    #[test]
    fn origins_print_as_browsers_do() {
        assert_eq!(
            Origin::parse("HTTP://Localhost:8081/").unwrap().to_string(),
            "http://localhost:8081"
        );
        assert_eq!(
            Origin::parse("https://shop.example:443").unwrap().to_string(),
            "https://shop.example"
        );
        assert!(Origin::parse("https://shop.example/path").is_none());
    }
}
