//! The create-payment request as the ePayment API checks it (`docs/vipps-epayment-v1.md`):
//! required fields, the reference's pattern, amounts and currencies, which user flow needs
//! what, and the URLs. Pure: the body in, a checked request or the problem out.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::payment::Problem;
use crate::ecom::validate::{is_loopback_host, is_public_name, UrlRules};

/// What a create is checked against beside the body: the URL rules, what this sales
/// unit may do, and the time (for `expiresAt`).
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub urls: UrlRules,
    /// Production's rules: `CARD` is available (Vipps' test environment has no card
    /// payments: `docs/operations/create.md` at 31a14f71470a00c1bb686b279a2ec6a7efbb88ac).
    pub production: bool,
    /// The sales unit is approved for long-living payments (`expiresAt`).
    pub long_living: bool,
    pub now: DateTime<Utc>,
}

/// `expiresAt`: more than this ahead ...
pub const EXPIRES_AT_MIN: chrono::Duration = chrono::Duration::minutes(10);
/// ... and less than this (the spec, v1.4.1; later versions allow 60 days, README).
pub const EXPIRES_AT_MAX: chrono::Duration = chrono::Duration::days(28);

/// Who a payment is for, the spec's `Customer` oneOf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Customer {
    /// MSISDN, e.g. `4791234567`.
    PhoneNumber(String),
    /// The code in the user's app (5 to 255 characters).
    PersonalQr(String),
    /// A token the merchant got for the user earlier.
    CustomerToken(String),
}

pub const CURRENCIES: [&str; 3] = ["NOK", "DKK", "EUR"];
pub const MAX_VALUE: i64 = 65_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserFlow {
    WebRedirect,
    NativeRedirect,
    PushMessage,
    Qr,
}

impl UserFlow {
    pub fn name(self) -> &'static str {
        match self {
            UserFlow::WebRedirect => "WEB_REDIRECT",
            UserFlow::NativeRedirect => "NATIVE_REDIRECT",
            UserFlow::PushMessage => "PUSH_MESSAGE",
            UserFlow::Qr => "QR",
        }
    }
}

/// A create request that passed the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    pub reference: String,
    pub currency: String,
    pub value: i64,
    pub user_flow: UserFlow,
    /// `WALLET` or `CARD`.
    pub method: String,
    pub return_url: Option<String>,
    /// MSISDN, e.g. `4791234567` (`customer.phoneNumber`).
    pub phone: Option<String>,
    pub customer: Option<Customer>,
    /// A long-living payment's end (`expiresAt`).
    pub expires_at: Option<DateTime<Utc>>,
    pub description: Option<String>,
    pub scope: Option<String>,
    pub metadata: Option<Value>,
    /// Express: the shipping options the app offers.
    pub shipping: Option<super::shipping::Setup>,
    /// `QR`: what `redirectUrl` leads to (an image by default).
    pub qr_format: crate::qr::QrFormat,
}

fn missing(field: &str) -> Problem {
    Problem {
        status: 400,
        title: "Missing required parameter",
        detail: format!("The parameter {field} is required."),
    }
}

fn invalid(title: &'static str, detail: String) -> Problem {
    Problem {
        status: 400,
        title,
        detail,
    }
}

pub fn is_valid_reference(reference: &str) -> bool {
    (8..=50).contains(&reference.len()) && reference.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `https://` on a public name, a custom scheme (an app), or (unless strict) loopback
/// over http or https: the simulator's development exception, as for eCom.
fn check_url(field: &str, value: &str, rules: UrlRules) -> Result<(), Problem> {
    let bad = || invalid("Invalid URL", format!("The parameter {field} ({value}) is invalid."));
    let parsed = url::Url::parse(value).map_err(|_| bad())?;
    match parsed.scheme() {
        "https" | "http" => {
            let host = parsed.host().ok_or_else(bad)?;
            let loopback = !rules.strict && is_loopback_host(&host);
            let fine = (parsed.scheme() == "https" && is_public_name(&host)) || loopback;
            fine.then_some(()).ok_or_else(bad)
        }
        "javascript" | "data" | "file" | "ftp" => Err(bad()),
        _ => Ok(()),
    }
}

fn string<'a>(obj: &'a Value, key: &str, path: &str) -> Result<Option<&'a str>, Problem> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(
            "Invalid parameter",
            format!("The parameter {path} must be a string."),
        )),
    }
}

/// A string field that Vipps' own examples also send as a JSON number (the Postman
/// collection's `reference` and `phoneNumber`; `features/long-living-payments.md`'s
/// `"phoneNumber":4791234567`, at 31a14f71470a00c1bb686b279a2ec6a7efbb88ac): a whole
/// number is read as its digits, as Vipps reads it.
fn digits_or_string(obj: &Value, key: &str, path: &str) -> Result<Option<String>, Problem> {
    match obj.get(key) {
        Some(Value::Number(n)) if n.is_u64() => Ok(Some(n.to_string())),
        _ => string(obj, key, path).map(|s| s.map(str::to_string)),
    }
}

pub fn create(body: &Value, rules: &Rules) -> Result<Create, Problem> {
    let urls = rules.urls;
    if !body.is_object() {
        return Err(invalid("Invalid request", "The body must be a JSON object.".into()));
    }
    let reference = digits_or_string(body, "reference", "reference")?.ok_or_else(|| missing("reference"))?;
    let reference = reference.as_str();
    if !is_valid_reference(reference) {
        return Err(invalid(
            "Invalid parameter",
            format!("The reference {reference} must be 8 to 50 letters, digits and dashes."),
        ));
    }
    let amount = body
        .get("amount")
        .filter(|a| a.is_object())
        .ok_or_else(|| missing("amount"))?;
    let currency = string(amount, "currency", "amount.currency")?.ok_or_else(|| missing("amount.currency"))?;
    if !CURRENCIES.contains(&currency) {
        return Err(invalid(
            "Amount invalid",
            format!("The currency {currency} is not NOK, DKK or EUR."),
        ));
    }
    let value = match amount.get("value") {
        None | Some(Value::Null) => return Err(missing("amount.value")),
        Some(v) => v.as_i64().filter(|v| (0..=MAX_VALUE).contains(v)).ok_or_else(|| {
            invalid(
                "Amount invalid",
                "Amounts are whole numbers of minor units (øre, cents), 0 to 65000000.".into(),
            )
        })?,
    };
    if currency == "NOK" && value < 100 {
        return Err(invalid(
            "Amount too small",
            "For NOK the minimum is 100 (1 krone).".into(),
        ));
    }
    let method = body
        .get("paymentMethod")
        .and_then(|m| m.get("type"))
        .and_then(Value::as_str)
        .ok_or_else(|| missing("paymentMethod.type"))?;
    if method != "WALLET" && method != "CARD" {
        return Err(invalid(
            "Invalid parameter",
            format!("paymentMethod.type {method} is not WALLET or CARD."),
        ));
    }
    let user_flow = match string(body, "userFlow", "userFlow")?.ok_or_else(|| missing("userFlow"))? {
        "WEB_REDIRECT" => UserFlow::WebRedirect,
        "NATIVE_REDIRECT" => UserFlow::NativeRedirect,
        "PUSH_MESSAGE" => UserFlow::PushMessage,
        "QR" => UserFlow::Qr,
        other => {
            return Err(invalid(
                "Invalid parameter",
                format!("userFlow {other} is not a known flow."),
            ))
        }
    };
    if method == "CARD" && !rules.production {
        return Err(invalid(
            "Invalid parameter",
            "paymentMethod.type CARD is not available in the test environment.".into(),
        ));
    }
    if method == "CARD" && user_flow != UserFlow::WebRedirect {
        return Err(invalid(
            "Operation not supported",
            "CARD needs userFlow WEB_REDIRECT.".into(),
        ));
    }
    let return_url = string(body, "returnUrl", "returnUrl")?;
    if let Some(url) = return_url {
        check_url("returnUrl", url, urls)?;
    }
    if matches!(user_flow, UserFlow::WebRedirect | UserFlow::NativeRedirect) && return_url.is_none() {
        return Err(missing("returnUrl"));
    }
    if let Some(url) = string(body, "receiptUrl", "receiptUrl")? {
        check_url("receiptUrl", url, urls)?;
    }
    let customer = match body.get("customer") {
        None | Some(Value::Null) => None,
        Some(c) => Some(customer_of(c)?),
    };
    let phone = match &customer {
        Some(Customer::PhoneNumber(p)) => Some(p.clone()),
        _ => None,
    };
    if user_flow == UserFlow::PushMessage && customer.is_none() {
        return Err(missing("customer"));
    }
    let description = string(body, "paymentDescription", "paymentDescription")?;
    if let Some(d) = description {
        if !(3..=100).contains(&d.chars().count()) {
            return Err(invalid(
                "Invalid parameter",
                "paymentDescription must be 3 to 100 characters.".into(),
            ));
        }
    }
    // The inline receipt is the Order Management API's `Receipt` at tag 2.3.24 (the spec
    // v1.4.1 refers to it): validated as that API validates it.
    if let Some(receipt) = body.get("receipt").filter(|r| !r.is_null()) {
        use crate::order_management::validate::{receipt as check_receipt, Schema};
        check_receipt(receipt, Schema::EpaymentInline).map_err(|refused| {
            let reasons: Vec<String> = refused.iter().map(|p| format!("{}: {}", p.name, p.reason)).collect();
            invalid("Invalid parameter", format!("receipt: {}", reasons.join(" ")))
        })?;
    }
    let expires_at = expires_at(body, user_flow, rules)?;
    let metadata = body.get("metadata").filter(|m| !m.is_null()).cloned();
    if let Some(m) = &metadata {
        let fine = m.as_object().is_some_and(|o| {
            o.len() <= 5
                && o.iter()
                    .all(|(k, v)| k.chars().count() <= 100 && v.as_str().is_some_and(|v| v.chars().count() <= 500))
        });
        if !fine {
            return Err(invalid(
                "Invalid parameter",
                "metadata: at most 5 string pairs (keys 100, values 500).".into(),
            ));
        }
    }
    let scope = body.get("profile").and_then(|p| p.get("scope")).and_then(Value::as_str);
    let qr_format = match body.get("qrFormat") {
        None | Some(Value::Null) => crate::qr::QrFormat::Svg,
        Some(q) => crate::qr::QrFormat::parse(q).map_err(|detail| invalid("Invalid parameter", detail))?,
    };
    let shipping = match body.get("shipping") {
        None | Some(Value::Null) => None,
        Some(s) => Some(express(s, currency, method, user_flow, scope, urls)?),
    };
    Ok(Create {
        reference: reference.to_string(),
        currency: currency.to_string(),
        value,
        user_flow,
        method: method.to_string(),
        return_url: return_url.map(str::to_string),
        phone,
        customer,
        expires_at,
        description: description.map(str::to_string),
        scope: scope.map(str::to_string),
        metadata,
        shipping,
        qr_format,
    })
}

/// `customer`: exactly one of `phoneNumber` (MSISDN, 10-15 digits), `personalQr` (5 to
/// 255 characters) or `customerToken` (the spec's `Customer` oneOf, v1.4.1).
fn customer_of(customer: &Value) -> Result<Customer, Problem> {
    let given = ["phoneNumber", "personalQr", "customerToken"]
        .iter()
        .filter(|k| customer.get(**k).is_some_and(|v| !v.is_null()))
        .count();
    if given != 1 {
        return Err(invalid(
            "Invalid parameter",
            "Give the customer by one of phoneNumber, personalQr or customerToken.".into(),
        ));
    }
    if let Some(p) = digits_or_string(customer, "phoneNumber", "customer.phoneNumber")? {
        if (10..=15).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Customer::PhoneNumber(p));
        }
        return Err(invalid(
            "Invalid phone number",
            "Phone numbers are MSISDN: country code and number, digits only (4791234567).".into(),
        ));
    }
    if let Some(qr) = string(customer, "personalQr", "customer.personalQr")? {
        if !(5..=255).contains(&qr.chars().count()) {
            return Err(invalid(
                "Invalid parameter",
                "customer.personalQr must be 5 to 255 characters.".into(),
            ));
        }
        return Ok(Customer::PersonalQr(qr.to_string()));
    }
    let token = string(customer, "customerToken", "customer.customerToken")?.unwrap_or_default();
    if token.is_empty() {
        return Err(invalid("Invalid parameter", "customer.customerToken is empty.".into()));
    }
    Ok(Customer::CustomerToken(token.to_string()))
}

/// `expiresAt` (long-living payments; the spec v1.4.1 and `features/long-living-payments.md`
/// at 31a14f71470a00c1bb686b279a2ec6a7efbb88ac, titles from `faq.md` there): only with
/// `PUSH_MESSAGE` or `QR`, only for a sales unit Vipps approved for it, more than 10
/// minutes and less than 28 days ahead, and with a `receipt`.
fn expires_at(body: &Value, user_flow: UserFlow, rules: &Rules) -> Result<Option<DateTime<Utc>>, Problem> {
    let Some(raw) = string(body, "expiresAt", "expiresAt")? else {
        return Ok(None);
    };
    if !matches!(user_flow, UserFlow::PushMessage | UserFlow::Qr) {
        return Err(invalid(
            "ExpiresAt not allowed",
            format!("Cannot set ExpiresAt for flow {}.", user_flow.name()),
        ));
    }
    if !rules.long_living {
        return Err(Problem {
            status: 403,
            title: "Long-living payment not allowed",
            detail: "The sales unit is not allowed to make long-living payments.".into(),
        });
    }
    let at = DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            invalid(
                "Expiration date invalid",
                format!("expiresAt {raw} is not an RFC 3339 time."),
            )
        })?;
    let ahead = at - rules.now;
    if ahead <= EXPIRES_AT_MIN || ahead >= EXPIRES_AT_MAX {
        return Err(invalid(
            "Expiration date invalid",
            "expiresAt must be more than 10 minutes and less than 28 days from now.".into(),
        ));
    }
    let receipt = body
        .get("receipt")
        .filter(|r| !r.is_null())
        .ok_or_else(|| missing("receipt"))?;
    let lines = receipt.get("orderLines").and_then(Value::as_array);
    let currency = receipt.pointer("/bottomLine/currency").and_then(Value::as_str);
    if lines.is_none_or(|l| l.is_empty()) || currency.is_none() {
        return Err(invalid(
            "Invalid parameter",
            "receipt needs orderLines (at least one) and bottomLine.currency.".into(),
        ));
    }
    Ok(Some(at))
}

/// An express create: its shipping options, paid from the app (`WALLET`) by a user sent
/// there (a redirect flow), who shares all of name, address, e-mail and phone number.
fn express(
    shipping: &Value,
    currency: &str,
    method: &str,
    user_flow: UserFlow,
    scope: Option<&str>,
    rules: UrlRules,
) -> Result<super::shipping::Setup, Problem> {
    let setup = super::shipping::parse_setup(shipping, currency, |url| {
        check_url("shipping.dynamicOptions.callbackUrl", url, rules).map_err(|p| p.detail)
    })
    .map_err(|detail| invalid("Invalid parameter", detail))?;
    if method != "WALLET" || !matches!(user_flow, UserFlow::WebRedirect | UserFlow::NativeRedirect) {
        return Err(invalid(
            "Operation not supported",
            "Express (shipping) needs paymentMethod WALLET and userFlow WEB_REDIRECT or NATIVE_REDIRECT.".into(),
        ));
    }
    if !super::shipping::has_express_scope(scope) {
        return Err(invalid(
            "Invalid parameter",
            "Express (shipping) needs profile.scope with all of name, address, email and phoneNumber.".into(),
        ));
    }
    Ok(setup)
}

#[cfg(test)]
mod tests;
