//! Express shipping methods: parsing `staticShippingDetails` and the merchant's answer to
//! the shipping-details callback, as strictly as the Vipps app does. A reply Vipps would
//! not accept (boolean `isDefault`, a cost in øre that is not a number, an empty list, a
//! wrong `addressId`) is a [`ShippingError`], which the app shows as "Payment failed".

use serde_json::{json, Value};

use crate::users::Address;

#[derive(Debug, Clone, PartialEq)]
pub struct ShippingOption {
    pub is_default: bool,
    pub priority: Option<i64>,
    /// The cost in øre, converted from the NOK decimal Vipps uses for shipping.
    pub cost_ore: i64,
    pub method: String,
    pub method_id: String,
}

impl ShippingOption {
    /// NOK as a decimal number, the unit of every `shippingCost` on the wire.
    pub fn cost_nok(&self) -> f64 {
        self.cost_ore as f64 / 100.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShippingError {
    Timeout { seconds: u64 },
    Unreachable(String),
    HttpStatus(u16),
    Malformed(String),
    Empty,
}

impl std::fmt::Display for ShippingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShippingError::Timeout { seconds } => {
                write!(f, "the shop's shipping endpoint did not answer within {seconds} s")
            }
            ShippingError::Unreachable(why) => write!(f, "the shop's shipping endpoint could not be reached ({why})"),
            ShippingError::HttpStatus(code) => write!(f, "the shop's shipping endpoint answered HTTP {code}"),
            ShippingError::Malformed(why) => write!(f, "the shop's shipping reply was malformed: {why}"),
            ShippingError::Empty => write!(f, "the shop offered no shipping methods"),
        }
    }
}

/// Parses a list of `ShippingDetails` items; `context` names the list in messages.
pub fn parse_options(items: &Value, context: &str) -> Result<Vec<ShippingOption>, String> {
    let items = items.as_array().ok_or_else(|| format!("{context} must be an array"))?;
    if items.is_empty() {
        return Err(format!("{context} is empty"));
    }
    let mut options = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = |field: &str| format!("{context}[{i}].{field}");
        let is_default = match item.get("isDefault") {
            Some(Value::String(s)) if s == "Y" => true,
            Some(Value::String(s)) if s == "N" => false,
            _ => return Err(format!("{} must be the string \"Y\" or \"N\"", at("isDefault"))),
        };
        let priority = match item.get("priority") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_i64()
                    .ok_or_else(|| format!("{} must be an integer", at("priority")))?,
            ),
        };
        let cost_ore = item
            .get("shippingCost")
            .and_then(nok_to_ore)
            .ok_or_else(|| format!("{} must be a non-negative NOK amount such as 49.00", at("shippingCost")))?;
        let method = bounded_string(item, "shippingMethod", 256).map_err(|e| at(&e))?;
        let method_id = bounded_string(item, "shippingMethodId", 100).map_err(|e| at(&e))?;
        if options.iter().any(|o: &ShippingOption| o.method_id == method_id) {
            return Err(format!("{} '{method_id}' is used twice", at("shippingMethodId")));
        }
        options.push(ShippingOption {
            is_default,
            priority,
            cost_ore,
            method,
            method_id,
        });
    }
    // Vipps shows methods by ascending priority; unprioritised ones keep their order, last.
    options.sort_by_key(|o| o.priority.unwrap_or(i64::MAX));
    Ok(options)
}

fn bounded_string(item: &Value, field: &str, max: usize) -> Result<String, String> {
    match item.get(field).and_then(Value::as_str) {
        Some(s) if !s.trim().is_empty() && s.chars().count() <= max => Ok(s.to_string()),
        _ => Err(format!(
            "{field} must be a non-empty string of at most {max} characters"
        )),
    }
}

/// A NOK decimal (number or numeric string, as WooCommerce sends `"49.00"`) in øre.
pub fn nok_to_ore(value: &Value) -> Option<i64> {
    let nok = match value {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (nok.is_finite() && (0.0..1e9).contains(&nok)).then(|| (nok * 100.0).round() as i64)
}

/// The option preselected in the app: the one marked default, else the first shown.
pub fn default_option(options: &[ShippingOption]) -> Option<&ShippingOption> {
    options.iter().find(|o| o.is_default).or_else(|| options.first())
}

/// The body Vipps POSTs to `[shippingDetailsPrefix]/v2/payments/{orderId}/shippingDetails`.
pub fn request_body(address: &Address) -> Value {
    json!({
        "addressId": address.address_id,
        "addressLine1": address.line1,
        "addressLine2": address.line2,
        "country": "Norway",
        "city": address.city,
        "postCode": address.post_code,
        "postalCode": address.post_code,
        "addressType": address.address_type,
    })
}

/// Checks the merchant's reply to the shipping-details request.
pub fn parse_reply(reply: &Value, address_id: i64, order_id: &str) -> Result<Vec<ShippingOption>, ShippingError> {
    let malformed = ShippingError::Malformed;
    if !reply.is_object() {
        return Err(malformed("the body is not a JSON object".into()));
    }
    match reply.get("addressId").and_then(Value::as_i64) {
        Some(id) if id == address_id => {}
        _ => return Err(malformed(format!("addressId must echo {address_id}"))),
    }
    if reply.get("orderId").and_then(Value::as_str) != Some(order_id) {
        return Err(malformed(format!("orderId must echo '{order_id}'")));
    }
    match reply.get("shippingDetails") {
        Some(Value::Array(items)) if items.is_empty() => Err(ShippingError::Empty),
        Some(items) => parse_options(items, "shippingDetails").map_err(malformed),
        None => Err(malformed("shippingDetails is missing".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(items: Value) -> Value {
        json!({"addressId": 3960, "orderId": "o-1", "shippingDetails": items})
    }

    #[test]
    fn parses_the_documented_example_sorted_by_priority() {
        let items = json!([
            {"isDefault": "N", "priority": 2, "shippingCost": 99.0, "shippingMethod": "Walking", "shippingMethodId": "123abc"},
            {"isDefault": "Y", "priority": 1, "shippingCost": "199.50", "shippingMethod": "Running", "shippingMethodId": "321abc"}
        ]);
        let options = parse_reply(&reply(items), 3960, "o-1").unwrap();
        assert_eq!(options[0].method_id, "321abc");
        assert_eq!(options[0].cost_ore, 19950);
        assert_eq!(options[1].cost_ore, 9900);
        assert_eq!(default_option(&options).unwrap().method, "Running");
    }

    #[test]
    fn refuses_what_the_app_refuses() {
        let bad_default =
            json!([{"isDefault": true, "shippingCost": 1, "shippingMethod": "A", "shippingMethodId": "a"}]);
        assert!(matches!(
            parse_reply(&reply(bad_default), 3960, "o-1"),
            Err(ShippingError::Malformed(_))
        ));
        let bad_cost =
            json!([{"isDefault": "Y", "shippingCost": "kr 49", "shippingMethod": "A", "shippingMethodId": "a"}]);
        assert!(matches!(
            parse_reply(&reply(bad_cost), 3960, "o-1"),
            Err(ShippingError::Malformed(_))
        ));
        assert_eq!(parse_reply(&reply(json!([])), 3960, "o-1"), Err(ShippingError::Empty));
        let ok = json!([{"isDefault": "Y", "shippingCost": 0, "shippingMethod": "A", "shippingMethodId": "a"}]);
        assert!(matches!(
            parse_reply(&reply(ok.clone()), 1, "o-1"),
            Err(ShippingError::Malformed(_))
        ));
        assert!(matches!(
            parse_reply(&reply(ok), 3960, "other"),
            Err(ShippingError::Malformed(_))
        ));
    }

    #[test]
    fn first_option_is_default_when_none_is_marked() {
        let items = json!([
            {"isDefault": "N", "shippingCost": 10, "shippingMethod": "B", "shippingMethodId": "b"},
            {"isDefault": "N", "shippingCost": 20, "shippingMethod": "C", "shippingMethodId": "c"}
        ]);
        let options = parse_options(&items, "x").unwrap();
        assert_eq!(default_option(&options).unwrap().method_id, "b");
    }
}
