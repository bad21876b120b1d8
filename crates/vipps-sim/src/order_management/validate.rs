//! What the Order Management API v2 accepts, as Vipps specifies it: a receipt (order
//! lines and a bottom line), a category (a link with its kind), the path's payment type
//! and order id. Pure: each refusal is an `invalidParams` entry `{name, reason}`.
//!
//! Source: `vippsas/vipps-order-management-api` `docs/swagger.yaml` at
//! 5476e510fb5eaa2fbef7c4b124677636c5aa21a4 (v2.1: `Receipt`, `OrderLine`, `UnitInfo`,
//! `BottomLine`, `Order`, the path parameters), and for the receipt ePayment's create
//! takes inline, the same file at tag 2.3.24 (4edbf3c2b8409b1d5ad782a5fe05b0b2c6f5229c:
//! `taxPercentage` required, no `taxRate`), which `vippsas/vipps-epayment-api`
//! `docs/epayment.v1.yml` at e7a5c6eebfa2249e29d43dab08f1e4caf9a291f7 refers to.
//! Where the sources are silent the simulator chooses, and says so here:
//! - the lines' sums are not checked against each other or the payment (the changelog
//!   at d10b546fcebb744234b7539615a850537d8feda5: "Removed validation of sum, tax and
//!   discount in the bottom lines", August 2022), but no line amount may be negative
//!   (the same changelog: returns are `isReturn`);
//! - with both `taxPercentage` and `taxRate`, they must say the same rate;
//! - names and ids must not be empty (no `minLength` is given; an empty line is no
//!   receipt line).

use serde_json::Value;

/// One refused field, as the API's `ErrorResponse.invalidParams` lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidParam {
    pub name: String,
    pub reason: String,
}

fn refuse(name: impl Into<String>, reason: impl Into<String>) -> InvalidParam {
    InvalidParam {
        name: name.into(),
        reason: reason.into(),
    }
}

/// The path's `paymentType`: `ECOM` (eCom and ePayment payments alike) or `RECURRING`,
/// in any case (the guide writes `ecom`, Vipps' Postman collection `eCom`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentType {
    Ecom,
    Recurring,
}

impl PaymentType {
    pub fn parse(text: &str) -> Option<PaymentType> {
        match text.to_ascii_uppercase().as_str() {
            "ECOM" => Some(PaymentType::Ecom),
            "RECURRING" => Some(PaymentType::Recurring),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PaymentType::Ecom => "ECOM",
            PaymentType::Recurring => "RECURRING",
        }
    }
}

/// The path's `orderId`: `^[0-9A-Za-z-_\.]+$`.
pub fn is_order_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Which edition of the `Receipt` schema applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// The Order Management API v2 today: `taxRate` (0-10000) or `taxPercentage` (0-100).
    V2,
    /// ePayment's inline `receipt` (tag 2.3.24): `taxPercentage` required.
    EpaymentInline,
}

pub const CURRENCIES: [&str; 3] = ["NOK", "DKK", "EUR"];
const QUANTITY_UNITS: [&str; 6] = ["PCS", "KG", "KM", "MINUTE", "LITRE", "KWH"];
const BARCODE_FORMATS: [&str; 3] = ["EAN-13", "CODE 39", "CODE 128"];
/// Schemes that are no app's own: a link in the app must not run script or read files.
const NOT_APP_SCHEMES: [&str; 14] = [
    "javascript",
    "data",
    "file",
    "blob",
    "about",
    "vbscript",
    "ftp",
    "ws",
    "wss",
    "ms-msdt",
    "search-ms",
    "intent",
    "shell",
    "smb",
];
pub const CATEGORIES: [&str; 6] = [
    "GENERAL",
    "RECEIPT",
    "ORDER_CONFIRMATION",
    "DELIVERY",
    "TICKET",
    "BOOKING",
];

/// Collects refusals while a body is read.
struct Check<'a> {
    refused: &'a mut Vec<InvalidParam>,
}

impl Check<'_> {
    fn no(&mut self, name: impl Into<String>, reason: impl Into<String>) {
        self.refused.push(refuse(name, reason));
    }

    /// A present, non-null field.
    fn field<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
        v.get(key).filter(|f| !f.is_null())
    }

    fn required_text(&mut self, v: &Value, key: &str, name: &str) {
        match Self::field(v, key) {
            None => self.no(name, format!("The {name} field is required.")),
            Some(Value::String(s)) if s.trim().is_empty() => self.no(name, format!("The {name} field is required.")),
            Some(Value::String(_)) => {}
            Some(_) => self.no(name, format!("The {name} field must be a string.")),
        }
    }

    fn optional_text(&mut self, v: &Value, key: &str, name: &str) {
        if let Some(f) = Self::field(v, key) {
            if !f.is_string() {
                self.no(name, format!("The {name} field must be a string."));
            }
        }
    }

    fn optional_bool(&mut self, v: &Value, key: &str, name: &str) {
        if let Some(f) = Self::field(v, key) {
            if !f.is_boolean() {
                self.no(name, format!("The {name} field must be true or false."));
            }
        }
    }

    /// An integer field within `min..=max`; `None` when absent or null.
    fn integer(&mut self, v: &Value, key: &str, name: &str, required: bool, min: i64, max: i64) -> Option<i64> {
        match Self::field(v, key) {
            None => {
                if required {
                    self.no(name, format!("The {name} field is required."));
                }
                None
            }
            Some(f) => match f.as_i64() {
                Some(n) if (min..=max).contains(&n) => Some(n),
                Some(_) => {
                    self.no(name, format!("The field {name} must be between {min} and {max}."));
                    None
                }
                None => {
                    self.no(name, format!("The {name} field must be a whole number of minor units."));
                    None
                }
            },
        }
    }
}

/// A `Receipt`: `{orderLines: [OrderLine] (at least one), bottomLine: BottomLine}`.
pub fn receipt(body: &Value, schema: Schema) -> Result<(), Vec<InvalidParam>> {
    let mut refused = Vec::new();
    let mut c = Check { refused: &mut refused };
    if !body.is_object() {
        c.no("receipt", "The receipt must be a JSON object.");
        return Err(refused);
    }
    match Check::field(body, "orderLines") {
        None => c.no("orderLines", "The orderLines field is required."),
        Some(Value::Array(lines)) if lines.is_empty() => {
            c.no("orderLines", "The field orderLines must have at least 1 item.")
        }
        Some(Value::Array(lines)) => {
            for (i, line) in lines.iter().enumerate() {
                order_line(&mut c, line, &format!("orderLines[{i}]"), schema);
            }
        }
        Some(_) => c.no("orderLines", "The orderLines field must be an array."),
    }
    match Check::field(body, "bottomLine") {
        None => c.no("bottomLine", "The bottomLine field is required."),
        Some(b) if b.is_object() => bottom_line(&mut c, b),
        Some(_) => c.no("bottomLine", "The bottomLine field must be an object."),
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(refused)
    }
}

fn order_line(c: &mut Check, line: &Value, at: &str, schema: Schema) {
    if !line.is_object() {
        c.no(at, "An order line must be an object.");
        return;
    }
    let name = |field: &str| format!("{at}.{field}");
    c.required_text(line, "name", &name("name"));
    c.required_text(line, "id", &name("id"));
    for field in ["totalAmount", "totalAmountExcludingTax", "totalTaxAmount"] {
        c.integer(line, field, &name(field), true, 0, i64::MAX);
    }
    let percentage = c.integer(line, "taxPercentage", &name("taxPercentage"), false, 0, 100);
    match schema {
        Schema::EpaymentInline => {
            if Check::field(line, "taxPercentage").is_none() {
                c.no(
                    name("taxPercentage"),
                    format!("The {} field is required.", name("taxPercentage")),
                );
            }
        }
        Schema::V2 => {
            let rate = c.integer(line, "taxRate", &name("taxRate"), false, 0, 10_000);
            let given = |key| Check::field(line, key).is_some();
            if !given("taxPercentage") && !given("taxRate") {
                c.no(name("taxRate"), "Either taxRate or taxPercentage must be set.");
            }
            if let (Some(p), Some(r)) = (percentage, rate) {
                if p * 100 != r {
                    c.no(name("taxRate"), "taxRate and taxPercentage give different rates.");
                }
            }
        }
    }
    c.integer(line, "discount", &name("discount"), false, 0, i64::MAX);
    c.optional_text(line, "productUrl", &name("productUrl"));
    c.optional_bool(line, "isReturn", &name("isReturn"));
    c.optional_bool(line, "isShipping", &name("isShipping"));
    match Check::field(line, "unitInfo") {
        None => {}
        Some(unit) if unit.is_object() => {
            let unit_name = |field: &str| format!("{at}.unitInfo.{field}");
            if unit.get("unitPrice").is_none() {
                c.no(
                    unit_name("unitPrice"),
                    format!("The {} field is required.", unit_name("unitPrice")),
                );
            }
            c.integer(unit, "unitPrice", &unit_name("unitPrice"), false, 0, i64::MAX);
            match Check::field(unit, "quantity") {
                Some(Value::String(q)) if is_quantity(q) => {}
                Some(Value::String(_)) => c.no(
                    unit_name("quantity"),
                    "The quantity must be a whole or decimal number as text (at most 10 characters, up to 8 decimals).",
                ),
                Some(_) => c.no(unit_name("quantity"), "The quantity must be a string, such as \"2\"."),
                None => c.no(
                    unit_name("quantity"),
                    format!("The {} field is required.", unit_name("quantity")),
                ),
            }
            if let Some(u) = Check::field(unit, "quantityUnit") {
                if !u.as_str().is_some_and(|u| QUANTITY_UNITS.contains(&u)) {
                    c.no(
                        unit_name("quantityUnit"),
                        format!("quantityUnit is one of {}.", QUANTITY_UNITS.join(", ")),
                    );
                }
            }
        }
        Some(_) => c.no(format!("{at}.unitInfo"), "unitInfo must be an object."),
    }
}

/// `^\d+([\.]\d{1,8})?$`, at most 10 characters.
fn is_quantity(q: &str) -> bool {
    if q.is_empty() || q.len() > 10 {
        return false;
    }
    let (whole, fraction) = match q.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (q, None),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    digits(whole) && fraction.is_none_or(|f| digits(f) && f.len() <= 8)
}

fn bottom_line(c: &mut Check, bottom: &Value) {
    match Check::field(bottom, "currency") {
        None => c.no("bottomLine.currency", "The bottomLine.currency field is required."),
        Some(v) if v.as_str().is_some_and(|s| CURRENCIES.contains(&s)) => {}
        Some(_) => c.no("bottomLine.currency", "currency is one of NOK, DKK, EUR."),
    }
    for field in [
        "tipAmount",
        "giftCardAmount",
        "totalTax",
        "totalDiscount",
        "shippingAmount",
    ] {
        c.integer(bottom, field, &format!("bottomLine.{field}"), false, 0, i64::MAX);
    }
    c.integer(
        bottom,
        "totalAmount",
        "bottomLine.totalAmount",
        false,
        i64::MIN,
        i64::MAX,
    );
    for field in ["posId", "terminalId", "receiptNumber"] {
        c.optional_text(bottom, field, &format!("bottomLine.{field}"));
    }
    if let Some(sources) = Check::field(bottom, "paymentSources") {
        for field in ["giftCard", "card", "voucher", "cash"] {
            c.integer(
                sources,
                field,
                &format!("bottomLine.paymentSources.{field}"),
                false,
                i64::MIN,
                i64::MAX,
            );
        }
    }
    if let Some(barcode) = Check::field(bottom, "barcode") {
        match Check::field(barcode, "format") {
            Some(f) if f.as_str().is_some_and(|f| BARCODE_FORMATS.contains(&f)) => {}
            _ => c.no(
                "bottomLine.barcode.format",
                "format is one of EAN-13, CODE 39, CODE 128.",
            ),
        }
        c.required_text(barcode, "data", "bottomLine.barcode.data");
    }
}

/// A category (`Order`): `{category, orderDetailsUrl, imageId?}`. The URL must be
/// absolute, `https:` or an app's own scheme (the spec says only `format: uri`; Vipps'
/// 2021 draft (`Orders.md` at c76835c2e0c8820995a0d6a7ac55f31f97b47d62) and ePayment's
/// `receiptUrl` ask for https or an app scheme: the simulator holds shops to that).
/// With `allow_http`, `http:` is accepted for a loopback address (a local demo), as the
/// simulator's other URLs are unless `--strict-urls`.
pub fn category(body: &Value, allow_http: bool) -> Result<(), Vec<InvalidParam>> {
    let mut refused = Vec::new();
    let mut c = Check { refused: &mut refused };
    if !body.is_object() {
        c.no("category", "The body must be a JSON object.");
        return Err(refused);
    }
    match Check::field(body, "category") {
        Some(v) if v.as_str().is_some_and(|s| CATEGORIES.contains(&s)) => {}
        Some(_) => c.no("category", format!("category is one of {}.", CATEGORIES.join(", "))),
        None => c.no("category", "The category field is required."),
    }
    match Check::field(body, "orderDetailsUrl") {
        Some(Value::String(url)) => {
            let scheme_ok = match url::Url::parse(url) {
                Ok(u) => match u.scheme() {
                    "https" => u.host_str().is_some(),
                    "http" => allow_http && u.host().is_some_and(|h| crate::ecom::validate::is_loopback_host(&h)),
                    // An app's own scheme (`ruter:///min/bilett`), not one a browser
                    // runs or reads locally.
                    scheme => !NOT_APP_SCHEMES.contains(&scheme),
                },
                Err(_) => false,
            };
            if !scheme_ok {
                c.no(
                    "orderDetailsUrl",
                    "orderDetailsUrl must be an absolute https URL (or an app's own scheme).",
                );
            }
        }
        Some(_) => c.no("orderDetailsUrl", "The orderDetailsUrl field must be a string."),
        None => c.no("orderDetailsUrl", "The orderDetailsUrl field is required."),
    }
    if let Some(image) = Check::field(body, "imageId") {
        if !image.as_str().is_some_and(|i| i.len() <= 128 && is_order_id(i)) {
            c.no("imageId", "imageId is 1 to 128 letters, digits, '-', '_' and '.'.");
        }
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The example of the guide's "Receipts" section, in v2's shape.
    fn example() -> Value {
        json!({
            "orderLines": [
                {"name": "Ullsokker", "id": "socks", "totalAmount": 39800, "totalAmountExcludingTax": 31840,
                 "totalTaxAmount": 7960, "taxRate": 2500,
                 "unitInfo": {"unitPrice": 19900, "quantity": "2", "quantityUnit": "PCS"}},
                {"name": "Posten", "id": "posten", "totalAmount": 9900, "totalAmountExcludingTax": 7920,
                 "totalTaxAmount": 1980, "taxPercentage": 25, "isShipping": true}
            ],
            "bottomLine": {"currency": "NOK", "posId": "web"}
        })
    }

    fn names(r: Result<(), Vec<InvalidParam>>) -> Vec<String> {
        r.err().unwrap_or_default().into_iter().map(|p| p.name).collect()
    }

    /// `v` with the field at `pointer` set to `to` (added when absent).
    fn with(mut v: Value, pointer: &str, to: Value) -> Value {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let parent = v.pointer_mut(parent).unwrap();
        match parent {
            Value::Array(items) => items[key.parse::<usize>().unwrap()] = to,
            other => other[key] = to,
        }
        v
    }

    #[test]
    fn a_receipt_as_specified_is_taken() {
        assert_eq!(receipt(&example(), Schema::V2), Ok(()));
    }

    #[test]
    fn each_rule_refuses_its_field() {
        for (pointer, to, field) in [
            ("/orderLines", json!([]), "orderLines"),
            ("/orderLines/0/name", json!(""), "orderLines[0].name"),
            ("/orderLines/0/totalAmount", json!(398.5), "orderLines[0].totalAmount"),
            ("/orderLines/0/totalAmount", json!(-100), "orderLines[0].totalAmount"),
            (
                "/orderLines/0/totalTaxAmount",
                json!("7960"),
                "orderLines[0].totalTaxAmount",
            ),
            ("/orderLines/0/taxRate", json!(10_001), "orderLines[0].taxRate"),
            ("/orderLines/1/taxPercentage", json!(101), "orderLines[1].taxPercentage"),
            (
                "/orderLines/0/unitInfo/quantity",
                json!(2),
                "orderLines[0].unitInfo.quantity",
            ),
            (
                "/orderLines/0/unitInfo/quantity",
                json!("-2"),
                "orderLines[0].unitInfo.quantity",
            ),
            (
                "/orderLines/0/unitInfo/quantity",
                json!("1.123456789"),
                "orderLines[0].unitInfo.quantity",
            ),
            (
                "/orderLines/0/unitInfo/quantityUnit",
                json!("BOX"),
                "orderLines[0].unitInfo.quantityUnit",
            ),
            ("/orderLines/0/discount", json!(-1), "orderLines[0].discount"),
            ("/bottomLine/currency", json!("SEK"), "bottomLine.currency"),
            ("/bottomLine/tipAmount", json!(-5), "bottomLine.tipAmount"),
        ] {
            assert_eq!(
                names(receipt(&with(example(), pointer, to.clone()), Schema::V2)),
                [field],
                "{pointer} = {to}"
            );
        }
        let mut no_tax = example();
        no_tax["orderLines"][0].as_object_mut().unwrap().remove("taxRate");
        assert_eq!(names(receipt(&no_tax, Schema::V2)), ["orderLines[0].taxRate"]);
        let both = with(example(), "/orderLines/0/taxPercentage", json!(15));
        assert_eq!(
            names(receipt(&both, Schema::V2)),
            ["orderLines[0].taxRate"],
            "two rates disagree"
        );
        let mut no_currency = example();
        no_currency["bottomLine"].as_object_mut().unwrap().remove("currency");
        assert_eq!(names(receipt(&no_currency, Schema::V2)), ["bottomLine.currency"]);
        assert_eq!(names(receipt(&json!([]), Schema::V2)), ["receipt"]);
    }

    #[test]
    fn sums_are_not_checked_as_vipps_stopped_checking_them() {
        let off = with(example(), "/orderLines/0/totalTaxAmount", json!(1));
        assert_eq!(receipt(&off, Schema::V2), Ok(()));
    }

    #[test]
    fn epayments_inline_receipt_needs_a_tax_percentage() {
        assert_eq!(
            names(receipt(&example(), Schema::EpaymentInline)),
            ["orderLines[0].taxPercentage"],
            "taxRate is not in the 2.3.24 schema"
        );
        let percent = with(example(), "/orderLines/0/taxPercentage", json!(25));
        assert_eq!(receipt(&percent, Schema::EpaymentInline), Ok(()));
    }

    #[test]
    fn quantities_are_text_with_up_to_eight_decimals() {
        for ok in ["1", "2.5", "0.12345678", "1234567890"] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["", "1.", ".5", "1,5", "12345678901", "1e3", "+1"] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn a_category_is_a_kind_and_a_link_that_can_stay_in_the_app() {
        let ok = json!({"category": "ORDER_CONFIRMATION", "orderDetailsUrl": "https://shop.example/orders/1"});
        assert_eq!(category(&ok, false), Ok(()));
        assert_eq!(
            category(
                &json!({"category": "TICKET", "orderDetailsUrl": "ruter:///min/bilett"}),
                false
            ),
            Ok(())
        );
        for (body, field) in [
            (
                json!({"category": "INVOICE", "orderDetailsUrl": "https://s.example/"}),
                "category",
            ),
            (json!({"orderDetailsUrl": "https://s.example/"}), "category"),
            (
                json!({"category": "RECEIPT", "orderDetailsUrl": "/orders/1"}),
                "orderDetailsUrl",
            ),
            (
                json!({"category": "RECEIPT", "orderDetailsUrl": "http://s.example/"}),
                "orderDetailsUrl",
            ),
            (
                json!({"category": "RECEIPT", "orderDetailsUrl": "javascript:alert(1)"}),
                "orderDetailsUrl",
            ),
            (
                json!({"category": "RECEIPT", "orderDetailsUrl": "data:text/html,hi"}),
                "orderDetailsUrl",
            ),
            (json!({"category": "RECEIPT"}), "orderDetailsUrl"),
            (
                json!({"category": "RECEIPT", "orderDetailsUrl": "https://s.example/", "imageId": "a b"}),
                "imageId",
            ),
        ] {
            assert_eq!(names(category(&body, false)), [field], "{body}");
        }
        assert_eq!(
            category(
                &json!({"category": "RECEIPT", "orderDetailsUrl": "http://127.0.0.1:8080/r"}),
                true
            ),
            Ok(())
        );
    }

    #[test]
    fn payment_types_and_order_ids_as_the_path_takes_them() {
        for text in ["ecom", "ECOM", "eCom"] {
            assert_eq!(PaymentType::parse(text), Some(PaymentType::Ecom));
        }
        assert_eq!(PaymentType::parse("recurring"), Some(PaymentType::Recurring));
        assert_eq!(PaymentType::parse("epayment"), None);
        assert!(is_order_id("nordlys-20261205-abc.1_2"));
        assert!(!is_order_id("a b") && !is_order_id("") && !is_order_id("æ"));
    }
}
