//! ePayment express (`docs/vipps-epayment-v1.md`, "Express"): a create's `shipping`
//! (fixed option groups, or a dynamic callback to the merchant), the body the app sends
//! that callback for an address, and the merchant's answer (`{"groups": [...]}`), checked
//! as strictly as the app would show them. Pure. Groups become the same
//! [`ShippingOption`] list the app page shows for eCom, in the order the app shows them.

use serde_json::{json, Value};

use crate::shipping::ShippingOption;
use crate::users::Address;

/// The delivery kinds and carriers a group may name (Vipps' express guide and its
/// WooCommerce plugin; `OTHER` for anything else).
pub const TYPES: [&str; 4] = ["HOME_DELIVERY", "PICKUP_POINT", "MAILBOX", "OTHER"];
pub const BRANDS: [&str; 10] = [
    "POSTEN",
    "POSTNORD",
    "POSTI",
    "HELTHJEM",
    "PORTERBUDDY",
    "BRING",
    "DAO",
    "GLS",
    "INSTABOX",
    "OTHER",
];

/// The scope an express payment must ask for: all four.
pub const EXPRESS_SCOPE: [&str; 4] = ["name", "address", "email", "phoneNumber"];

/// Where the app asks for options for an address, and the token it sends in `Authorization`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dynamic {
    pub callback_url: String,
    pub token: String,
}

/// A create's `shipping`: fixed options, a callback, or both (the fixed ones are then
/// what the app falls back to when the callback fails).
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub fixed: Option<Vec<ShippingOption>>,
    pub dynamic: Option<Dynamic>,
    /// As the merchant sent it, for the control API.
    pub raw: Value,
}

fn field<'a>(item: &'a Value, key: &str, at: &str) -> Result<&'a str, String> {
    item.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| format!("{at}.{key} must be a non-empty string"))
}

fn flag(item: &Value, key: &str, at: &str) -> Result<bool, String> {
    match item.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(format!("{at}.{key} must be true or false")),
    }
}

fn priority(item: &Value, at: &str) -> Result<i64, String> {
    match item.get("priority") {
        None | Some(Value::Null) => Ok(i64::MAX),
        Some(v) => v.as_i64().ok_or_else(|| format!("{at}.priority must be an integer")),
    }
}

/// Parses option groups (`fixedOptions`, or a callback's `groups`) priced in `currency`.
pub fn parse_groups(groups: &Value, currency: &str, context: &str) -> Result<Vec<ShippingOption>, String> {
    let groups = groups.as_array().ok_or_else(|| format!("{context} must be an array"))?;
    if groups.is_empty() {
        return Err(format!("{context} is empty"));
    }
    // (group priority, option priority, position) orders what the app shows.
    let mut shown: Vec<((i64, i64, usize), ShippingOption)> = Vec::new();
    let mut default_set = false;
    for (g, group) in groups.iter().enumerate() {
        let at = format!("{context}[{g}]");
        let kind = field(group, "type", &at)?;
        if !TYPES.contains(&kind) {
            return Err(format!("{at}.type {kind} is not one of {}", TYPES.join(", ")));
        }
        let brand = field(group, "brand", &at)?;
        if !BRANDS.contains(&brand) {
            return Err(format!("{at}.brand {brand} is not one of {}", BRANDS.join(", ")));
        }
        let group_default = flag(group, "isDefault", &at)?;
        let group_priority = priority(group, &at)?;
        let options = group
            .get("options")
            .and_then(Value::as_array)
            .filter(|o| !o.is_empty())
            .ok_or_else(|| format!("{at}.options must be a non-empty array"))?;
        for (o, option) in options.iter().enumerate() {
            let at = format!("{at}.options[{o}]");
            let id = field(option, "id", &at)?;
            let name = field(option, "name", &at)?;
            if id.chars().count() > 100 || name.chars().count() > 256 {
                return Err(format!("{at}: id at most 100 characters, name at most 256"));
            }
            if shown.iter().any(|(_, s)| s.method_id == id) {
                return Err(format!("{at}.id '{id}' is used twice"));
            }
            let amount = option.get("amount").ok_or_else(|| format!("{at}.amount is required"))?;
            if amount.get("currency").and_then(Value::as_str) != Some(currency) {
                return Err(format!("{at}.amount.currency must be the payment's, {currency}"));
            }
            let value = amount
                .get("value")
                .and_then(Value::as_i64)
                .filter(|v| *v >= 0)
                .ok_or_else(|| format!("{at}.amount.value must be a whole number of minor units, 0 or more"))?;
            let is_default = flag(option, "isDefault", &at)? || (group_default && o == 0);
            if is_default && default_set {
                return Err(format!("{at}: only one option may be the default"));
            }
            default_set |= is_default;
            shown.push((
                (group_priority, priority(option, &at)?, shown.len()),
                ShippingOption {
                    is_default,
                    priority: None,
                    cost_ore: value,
                    method: name.to_string(),
                    method_id: id.to_string(),
                },
            ));
        }
    }
    shown.sort_by_key(|(order, _)| *order);
    Ok(shown
        .into_iter()
        .enumerate()
        .map(|(i, (_, option))| ShippingOption {
            priority: Some(i as i64),
            ..option
        })
        .collect())
}

/// Checks a create's `shipping` for a payment in `currency`; `check_url` checks the
/// callback's address as every other URL of the create.
pub fn parse_setup(
    shipping: &Value,
    currency: &str,
    check_url: impl Fn(&str) -> Result<(), String>,
) -> Result<Setup, String> {
    if !shipping.is_object() {
        return Err("shipping must be an object".into());
    }
    let fixed = match shipping.get("fixedOptions") {
        None | Some(Value::Null) => None,
        Some(groups) => Some(parse_groups(groups, currency, "shipping.fixedOptions")?),
    };
    let dynamic = match shipping.get("dynamicOptions") {
        None | Some(Value::Null) => None,
        Some(d) => {
            let url = field(d, "callbackUrl", "shipping.dynamicOptions")?;
            check_url(url)?;
            let token = field(d, "callbackAuthorizationToken", "shipping.dynamicOptions")?;
            Some(Dynamic {
                callback_url: url.to_string(),
                token: token.to_string(),
            })
        }
    };
    if fixed.is_none() && dynamic.is_none() {
        return Err("shipping needs fixedOptions or dynamicOptions".into());
    }
    Ok(Setup {
        fixed,
        dynamic,
        raw: shipping.clone(),
    })
}

/// Whether `scope` asks for everything express shares.
pub fn has_express_scope(scope: Option<&str>) -> bool {
    let words: Vec<&str> = scope.unwrap_or("").split_whitespace().collect();
    EXPRESS_SCOPE.iter().all(|w| words.contains(w))
}

/// The address as ePayment writes it (`country` an ISO code: the test users live in Norway).
pub fn address_json(address: &Address) -> Value {
    json!({
        "addressLine1": address.line1,
        "addressLine2": address.line2,
        "city": address.city,
        "country": "NO",
        "postCode": address.post_code,
    })
}

/// The body the app POSTs to `dynamicOptions.callbackUrl` for an address.
pub fn callback_body(reference: &str, address: &Address) -> Value {
    let mut body = address_json(address);
    body["reference"] = json!(reference);
    body
}

/// The merchant's answer to the callback: `{"groups": [...]}`, at least one option.
pub fn parse_answer(answer: &Value, currency: &str) -> Result<Vec<ShippingOption>, String> {
    let groups = answer
        .get("groups")
        .ok_or_else(|| "the answer has no groups".to_string())?;
    parse_groups(groups, currency, "groups")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(kind: &str, brand: &str, options: Value) -> Value {
        json!({"type": kind, "brand": brand, "options": options})
    }

    fn option(id: &str, value: i64) -> Value {
        json!({"id": id, "name": format!("Option {id}"), "amount": {"currency": "NOK", "value": value}})
    }

    #[test]
    fn groups_flatten_in_the_order_the_app_shows_them() {
        let groups = json!([
            {"type": "HOME_DELIVERY", "brand": "HELTHJEM", "priority": 2, "options": [option("home", 12900)]},
            {"type": "PICKUP_POINT", "brand": "POSTEN", "priority": 1, "isDefault": true,
             "options": [option("pp-1", 6900), option("pp-2", 6900)]},
        ]);
        let options = parse_groups(&groups, "NOK", "g").unwrap();
        let ids: Vec<_> = options.iter().map(|o| o.method_id.as_str()).collect();
        assert_eq!(ids, ["pp-1", "pp-2", "home"]);
        assert!(options[0].is_default, "a default group preselects its first option");
        assert_eq!(options.iter().filter(|o| o.is_default).count(), 1);
        assert_eq!(options[2].cost_ore, 12900, "minor units, as every ePayment amount");
    }

    #[test]
    fn what_the_app_would_not_show_is_refused() {
        let bad = [
            (json!([]), "empty"),
            (json!([group("DRONE", "POSTEN", json!([option("a", 1)]))]), "type"),
            (json!([group("MAILBOX", "ACME", json!([option("a", 1)]))]), "brand"),
            (json!([group("MAILBOX", "POSTEN", json!([]))]), "options"),
            (
                json!([group("MAILBOX", "POSTEN", json!([option("a", 1), option("a", 2)]))]),
                "twice",
            ),
            (json!([group("MAILBOX", "POSTEN", json!([option("a", -1)]))]), "value"),
            (
                json!([group(
                    "MAILBOX",
                    "POSTEN",
                    json!([{"id": "a", "name": "A", "amount": {"currency": "DKK", "value": 1}}])
                )]),
                "currency",
            ),
            (
                json!([group(
                    "MAILBOX",
                    "POSTEN",
                    json!([{"id": "a", "name": "A", "amount": {"currency": "NOK", "value": 1}, "isDefault": "Y"}])
                )]),
                "true or false",
            ),
        ];
        for (groups, says) in bad {
            let e = parse_groups(&groups, "NOK", "g").unwrap_err();
            assert!(e.contains(says), "{says}: {e}");
        }
    }

    #[test]
    fn a_setup_has_fixed_options_or_a_callback() {
        let fine = |_: &str| Ok(());
        let fixed = json!({"fixedOptions": [group("OTHER", "OTHER", json!([option("a", 0)]))]});
        assert!(parse_setup(&fixed, "NOK", fine).unwrap().fixed.is_some());
        let dynamic =
            json!({"dynamicOptions": {"callbackUrl": "https://shop.example/s", "callbackAuthorizationToken": "t"}});
        let setup = parse_setup(&dynamic, "NOK", fine).unwrap();
        assert_eq!(setup.dynamic.unwrap().token, "t");
        assert!(parse_setup(&json!({}), "NOK", fine).is_err());
        let no_token = json!({"dynamicOptions": {"callbackUrl": "https://shop.example/s"}});
        assert!(parse_setup(&no_token, "NOK", fine).is_err());
        let refused = parse_setup(&dynamic, "NOK", |_| Err("bad url".into())).unwrap_err();
        assert_eq!(refused, "bad url");
    }

    #[test]
    fn express_asks_for_all_four() {
        assert!(has_express_scope(Some("name address email phoneNumber")));
        assert!(has_express_scope(Some("phoneNumber email address name birthDate")));
        assert!(!has_express_scope(Some("name email phoneNumber")));
        assert!(!has_express_scope(None));
    }

    #[test]
    fn the_answer_is_groups() {
        let answer = json!({"groups": [group("HOME_DELIVERY", "POSTEN", json!([option("a", 9900)]))]});
        assert_eq!(parse_answer(&answer, "NOK").unwrap()[0].method_id, "a");
        assert!(parse_answer(&json!({"shippingDetails": []}), "NOK").is_err());
        assert!(parse_answer(&json!({"groups": []}), "NOK").is_err());
    }
}
