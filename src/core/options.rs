//! The options of a button or return view, from element attributes or the JS API, checked
//! once: a misconfigured widget says so instead of failing at the first click.

use serde::Deserialize;
use serde_json::Value;

use super::allowlist::Origin;
use super::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Pay,
    Express,
}

/// What `mount()` and the attributes of `<vipps-checkout>` give.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ButtonInput {
    pub endpoint: Option<String>,
    /// The opaque payload: a JSON value, or (from an attribute) its text.
    pub payload: Option<Value>,
    pub mode: Option<String>,
    pub lang: Option<String>,
    /// Origins besides Vipps' that payment URLs may point to (a simulator), space- or
    /// comma-separated text or a list.
    pub allow_origins: Option<Value>,
    pub mobile_number: Option<String>,
}

/// What `mountReturn()` and the attributes of `<vipps-checkout-return>` give.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReturnInput {
    pub endpoint: Option<String>,
    pub lang: Option<String>,
    /// Defaults: `orderId` and `t` from the page's URL.
    pub order_id: Option<String>,
    pub token: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ButtonOptions {
    pub endpoint: String,
    pub payload: Value,
    pub mode: Mode,
    pub lang: Option<Lang>,
    pub allow_origins: Vec<Origin>,
    pub mobile_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReturnOptions {
    pub endpoint: String,
    pub lang: Option<Lang>,
    pub order_id: Option<String>,
    pub token: Option<String>,
}

pub const DEFAULT_ENDPOINT: &str = "/api/vipps";

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

fn origins(given: Option<Value>) -> Result<Vec<Origin>, String> {
    let items: Vec<String> = match given {
        None | Some(Value::Null) => vec![],
        Some(Value::String(s)) => s
            .split([' ', ','])
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
        Some(Value::Array(a)) => a
            .into_iter()
            .map(|v| v.as_str().map(str::to_string).ok_or("allowOrigins must hold strings"))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("allowOrigins must be text or a list of origins".into()),
    };
    items
        .iter()
        .map(|o| Origin::parse(o).ok_or_else(|| format!("'{o}' is not an origin such as http://127.0.0.1:8081")))
        .collect()
}

impl ButtonOptions {
    pub fn from_input(input: ButtonInput) -> Result<Self, String> {
        let payload = match input.payload {
            None | Some(Value::Null) => {
                return Err(
                    "payload is required (what to buy, e.g. {\"items\":[{\"sku\":\"socks\",\"qty\":1}]})".into(),
                )
            }
            Some(Value::String(text)) => {
                serde_json::from_str(&text).map_err(|e| format!("payload is not valid JSON: {e}"))?
            }
            Some(v) => v,
        };
        let mode = match input.mode.as_deref().map(str::trim) {
            None | Some("") | Some("pay") => Mode::Pay,
            Some("express") => Mode::Express,
            Some(other) => return Err(format!("mode must be \"pay\" or \"express\", not '{other}'")),
        };
        Ok(ButtonOptions {
            endpoint: endpoint(input.endpoint)?,
            payload,
            mode,
            lang: input.lang.as_deref().and_then(Lang::parse),
            allow_origins: origins(input.allow_origins)?,
            mobile_number: input.mobile_number.filter(|m| !m.trim().is_empty()),
        })
    }

    /// The body of `POST {endpoint}/payments`. Never a price: only the page's payload.
    pub fn request_body(&self) -> contract::CreatePayment {
        contract::CreatePayment {
            payload: self.payload.clone(),
            express: self.mode == Mode::Express,
            mobile_number: self.mobile_number.clone(),
        }
    }
}

impl ReturnOptions {
    pub fn from_input(input: ReturnInput) -> Result<Self, String> {
        Ok(ReturnOptions {
            endpoint: endpoint(input.endpoint)?,
            lang: input.lang.as_deref().and_then(Lang::parse),
            order_id: input.order_id.filter(|s| !s.is_empty()),
            token: input.token.filter(|s| !s.is_empty()),
        })
    }
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
    use serde_json::json;

    #[test]
    fn attributes_become_options() {
        let input = ButtonInput {
            endpoint: Some("/api/vipps/".into()),
            payload: Some(json!("{\"items\":[{\"sku\":\"socks\",\"qty\":1}]}")),
            mode: Some("express".into()),
            lang: Some("nb-NO".into()),
            allow_origins: Some(json!("http://127.0.0.1:8081, http://localhost:8081")),
            mobile_number: None,
        };
        let o = ButtonOptions::from_input(input).unwrap();
        assert_eq!(o.endpoint, "/api/vipps");
        assert_eq!(o.mode, Mode::Express);
        assert_eq!(o.lang, Some(Lang::Nb));
        assert_eq!(o.allow_origins.len(), 2);
        let body = serde_json::to_value(o.request_body()).unwrap();
        assert_eq!(
            body,
            json!({"payload": {"items": [{"sku": "socks", "qty": 1}]}, "express": true})
        );
    }

    #[test]
    fn misconfiguration_is_reported() {
        let bad = [
            ButtonInput {
                payload: None,
                ..Default::default()
            },
            ButtonInput {
                payload: Some(json!("{not json")),
                ..Default::default()
            },
            ButtonInput {
                payload: Some(json!({})),
                mode: Some("buy".into()),
                ..Default::default()
            },
            ButtonInput {
                payload: Some(json!({})),
                endpoint: Some("javascript:x".into()),
                ..Default::default()
            },
            ButtonInput {
                payload: Some(json!({})),
                allow_origins: Some(json!("not-an-origin")),
                ..Default::default()
            },
        ];
        for input in bad {
            assert!(ButtonOptions::from_input(input).is_err());
        }
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
        assert_eq!(encode_component("a b/c"), "a%20b%2Fc");
    }
}
