//! Validation of `POST /ecomm/v2/payments`, field by field as the eCom v2 contract gives it,
//! including its quirks: an integer MSN, a float amount or `fallback` in lower case are
//! answered with HTTP 500, as Vipps does.

use std::net::IpAddr;

use serde_json::Value;

use crate::error::ApiError;
use crate::shipping::{parse_options, ShippingOption};
use crate::users::normalize_mobile;

pub const REGULAR: &str = "eComm Regular Payment";
pub const EXPRESS: &str = "eComm Express Payment";

#[derive(Debug, Clone, PartialEq)]
pub struct ExpressSetup {
    pub shipping_details_prefix: Option<String>,
    pub consent_removal_prefix: String,
    pub static_shipping: Option<Vec<ShippingOption>>,
}

/// A validated initiate request.
#[derive(Debug, Clone, PartialEq)]
pub struct Initiate {
    pub order_id: String,
    pub amount: i64,
    pub transaction_text: String,
    pub mobile: Option<String>,
    pub callback_prefix: String,
    pub fall_back: String,
    pub auth_token: Option<String>,
    pub is_app: bool,
    pub express: Option<ExpressSetup>,
    pub scope: Option<String>,
    /// Where a consent removal goes: required for express, optional otherwise (a `scope`
    /// payment's shared data).
    pub consent_removal_prefix: Option<String>,
    /// `transaction.skipLandingPage`: a push straight to `mobile`'s app. Whether the sales
    /// unit may do that is the caller's check (error 38).
    pub skip_landing_page: bool,
}

/// `^[a-zA-Z0-9-]{1,50}$`
pub fn is_valid_order_id(id: &str) -> bool {
    (1..=50).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Checks `merchantInfo.merchantSerialNumber`: a string of 5-6 digits equal to ours.
/// An integer gives HTTP 500 (FAQ); another MSN than the keys belong to gives 401.
pub fn check_msn(merchant_info: &Value, our_msn: &str) -> Result<(), ApiError> {
    match merchant_info.get("merchantSerialNumber") {
        None | Some(Value::Null) => Err(ApiError::invalid(
            "merchantInfo.merchantSerialNumber",
            "merchantSerialNumber is required",
        )),
        Some(Value::Number(_)) => Err(ApiError::internal(
            "An internal error occurred (merchantSerialNumber must be sent as a string)",
        )),
        Some(Value::String(s)) if !(5..=6).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) => {
            Err(ApiError::invalid(
                "merchantInfo.merchantSerialNumber",
                "merchantSerialNumber must be 5 or 6 digits",
            ))
        }
        Some(Value::String(s)) if s != our_msn => Err(ApiError::unauthorized(format!(
            "Access denied: merchantSerialNumber {s} does not belong to the keys used"
        ))),
        Some(Value::String(_)) => Ok(()),
        Some(_) => Err(ApiError::invalid(
            "merchantInfo.merchantSerialNumber",
            "merchantSerialNumber must be a string",
        )),
    }
}

/// Whether `host` is a loopback address (`127.0.0.0/8`, `::1`): the development
/// exception, allowed over plain `http://` unless `--strict-urls`. A name (even
/// `localhost`) never is: Vipps refuses `http://localhost`.
pub fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(_) => false,
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// Top-level names that are not on the public internet (RFC 6761, RFC 6762, ICANN's
/// `.internal`, and the usual private ones).
const PRIVATE_TLDS: &[&str] = &[
    "localhost",
    "local",
    "internal",
    "test",
    "example",
    "invalid",
    "lan",
    "home",
    "corp",
    "intranet",
    "private",
];

/// Whether `host` is a name under a public top-level domain, as Vipps' validator wants:
/// at least two labels, an alphabetic last label of 2+ letters that is not private.
pub fn is_public_name(host: &url::Host<&str>) -> bool {
    let url::Host::Domain(name) = host else {
        return false;
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let Some((rest, tld)) = name.rsplit_once('.') else {
        return false;
    };
    !rest.is_empty()
        && tld.len() >= 2
        && (tld.bytes().all(|b| b.is_ascii_alphabetic()) || tld.starts_with("xn--"))
        && !PRIVATE_TLDS.contains(&tld)
}

/// How strictly URLs are checked: as Vipps does, plus (unless `strict`) the loopback
/// development exception.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrlRules {
    pub strict: bool,
}

/// An HTTPS URL on a public name (or, unless strict, a loopback address over http or
/// https), at most 255 characters.
fn check_url(field: &str, value: &str, rules: UrlRules) -> Result<(), ApiError> {
    if value.len() > 255 {
        return Err(ApiError::invalid(
            field,
            format!("{field} must be at most 255 characters"),
        ));
    }
    let parsed = url::Url::parse(value).map_err(|_| ApiError::invalid(field, format!("{field} is not a valid URL")))?;
    let host = parsed
        .host()
        .ok_or_else(|| ApiError::invalid(field, format!("{field} has no host")))?;
    let loopback_allowed = !rules.strict && is_loopback_host(&host);
    match parsed.scheme() {
        "https" if is_public_name(&host) || loopback_allowed => Ok(()),
        "https" => Err(ApiError::invalid(
            field,
            format!("{field} must be on a public domain name (not {host})"),
        )),
        "http" if loopback_allowed => Ok(()),
        _ => Err(ApiError::invalid(field, format!("{field} must use HTTPS"))),
    }
}

fn opt_string<'a>(obj: &'a Value, key: &str, path: &str, max: usize) -> Result<Option<&'a str>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(s)),
        Some(Value::String(_)) => Err(ApiError::invalid(
            path,
            format!("{key} must be at most {max} characters"),
        )),
        Some(_) => Err(ApiError::invalid(path, format!("{key} must be a string"))),
    }
}

fn required_object<'a>(body: &'a Value, key: &str) -> Result<&'a Value, ApiError> {
    match body.get(key) {
        Some(v @ Value::Object(_)) => Ok(v),
        Some(_) => Err(ApiError::invalid(key, format!("{key} must be an object"))),
        None => Err(ApiError::invalid(key, format!("{key} is required"))),
    }
}

/// Validates an initiate body. `our_msn` is the MSN the credentials belong to.
pub fn initiate(body: &Value, our_msn: &str, rules: UrlRules) -> Result<Initiate, ApiError> {
    if !body.is_object() {
        return Err(ApiError::invalid("body", "The request body must be a JSON object"));
    }
    let customer = required_object(body, "customerInfo")?;
    let merchant = required_object(body, "merchantInfo")?;
    let transaction = required_object(body, "transaction")?;

    check_msn(merchant, our_msn)?;

    let mobile = match customer.get("mobileNumber") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            Some(normalize_mobile(s).ok_or_else(|| ApiError::user("81", "User is not registered with Vipps"))?)
        }
        Some(Value::Number(n)) => Some(
            normalize_mobile(&n.to_string())
                .ok_or_else(|| ApiError::user("81", "User is not registered with Vipps"))?,
        ),
        Some(_) => {
            return Err(ApiError::invalid(
                "customerInfo.mobileNumber",
                "mobileNumber must be a string of 8 digits",
            ))
        }
    };

    let is_app = match merchant.get("isApp") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ApiError::invalid("merchantInfo.isApp", "isApp must be a boolean")),
    };

    let callback_prefix = opt_string(merchant, "callbackPrefix", "merchantInfo.callbackPrefix", 255)?
        .ok_or_else(|| ApiError::invalid("merchantInfo.callbackPrefix", "callbackPrefix is required"))?;
    check_url("merchantInfo.callbackPrefix", callback_prefix, rules)?;

    let fall_back = match opt_string(merchant, "fallBack", "merchantInfo.fallBack", 255)? {
        Some(f) => f,
        // The FAQ: `fallback` in lower case gives HTTP 500.
        None if merchant.get("fallback").is_some() => {
            return Err(ApiError::internal("An internal error occurred (fallBack is missing)"))
        }
        None => return Err(ApiError::invalid("merchantInfo.fallBack", "fallBack is required")),
    };
    if !is_app {
        check_url("merchantInfo.fallBack", fall_back, rules)?;
    }

    let auth_token = opt_string(merchant, "authToken", "merchantInfo.authToken", 255)?.map(str::to_string);

    let payment_type = opt_string(merchant, "paymentType", "merchantInfo.paymentType", 100)?.unwrap_or(REGULAR);
    let express = match payment_type {
        REGULAR => None,
        EXPRESS => Some(express_setup(merchant, rules)?),
        other => {
            return Err(ApiError::invalid(
                "merchantInfo.paymentType",
                format!("paymentType '{other}' is not one of \"{REGULAR}\", \"{EXPRESS}\""),
            ))
        }
    };

    let order_id = match transaction.get("orderId") {
        Some(Value::String(s)) if is_valid_order_id(s) => s.clone(),
        Some(_) => {
            return Err(ApiError::invalid(
                "transaction.orderId",
                "orderId must match ^[a-zA-Z0-9-]{1,50}$",
            ))
        }
        None => return Err(ApiError::invalid("transaction.orderId", "orderId is required")),
    };

    let amount = match transaction.get("amount") {
        Some(Value::Number(n)) if n.is_f64() => {
            return Err(ApiError::internal(
                "An internal error occurred (amount must be an integer in øre)",
            ))
        }
        Some(Value::Number(n)) => match n.as_i64() {
            Some(a) if (100..=i32::MAX as i64).contains(&a) => a,
            _ => {
                return Err(ApiError::invalid(
                    "transaction.amount",
                    "amount must be at least 100 øre (1 NOK)",
                ))
            }
        },
        Some(_) => {
            return Err(ApiError::invalid(
                "transaction.amount",
                "amount must be an integer in øre",
            ))
        }
        None => return Err(ApiError::invalid("transaction.amount", "amount is required")),
    };

    let transaction_text = match opt_string(transaction, "transactionText", "transaction.transactionText", 100)? {
        Some(t) if !t.trim().is_empty() => t.to_string(),
        _ => {
            return Err(ApiError::invalid(
                "transaction.transactionText",
                "transactionText is required",
            ))
        }
    };

    // Only `transaction.skipLandingPage` is the flag; the same key in `merchantInfo` is
    // not in the spec, and Vipps ignores it.
    let skip_landing_page = match transaction.get("skipLandingPage") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) if mobile.is_none() => {
            return Err(ApiError::invalid(
                "customerInfo.mobileNumber",
                "mobileNumber is required when skipLandingPage is true",
            ))
        }
        Some(Value::Bool(true)) => true,
        Some(_) => {
            return Err(ApiError::invalid(
                "transaction.skipLandingPage",
                "skipLandingPage must be a boolean",
            ))
        }
    };

    let scope = opt_string(transaction, "scope", "transaction.scope", 255)?.map(str::to_string);
    if scope.is_some() && express.is_some() {
        return Err(ApiError::invalid(
            "transaction.scope",
            "scope cannot be combined with express checkout",
        ));
    }
    if let Some(scope) = &scope {
        const KNOWN: [&str; 7] = [
            "name",
            "address",
            "email",
            "phoneNumber",
            "birthDate",
            "nin",
            "accountNumbers",
        ];
        if let Some(bad) = scope.split_whitespace().find(|s| !KNOWN.contains(s)) {
            return Err(ApiError::invalid("transaction.scope", format!("unknown scope '{bad}'")));
        }
        if scope.split_whitespace().any(|s| s == "nin") {
            return Err(ApiError::backend(
                axum::http::StatusCode::FORBIDDEN,
                crate::error::Group::Merchant,
                "51",
                "This sales unit is not allowed to ask for the nin scope",
            ));
        }
    }

    Ok(Initiate {
        order_id,
        amount,
        transaction_text,
        mobile,
        callback_prefix: callback_prefix.to_string(),
        fall_back: fall_back.to_string(),
        auth_token,
        is_app,
        consent_removal_prefix: match &express {
            Some(setup) => Some(setup.consent_removal_prefix.clone()),
            None => optional_url(merchant, "consentRemovalPrefix", rules)?.map(str::to_string),
        },
        express,
        scope,
        skip_landing_page,
    })
}

/// A sales unit not whitelisted for `skipLandingPage` (POS, vending machines) gets
/// error 38 when it asks for it.
pub fn check_skip_landing_page(init: &Initiate, whitelisted: bool) -> Result<(), ApiError> {
    if init.skip_landing_page && !whitelisted {
        return Err(ApiError::merchant(
            "38",
            "This sales unit is not allowed to skip the landing page",
        ));
    }
    Ok(())
}

/// `merchantInfo.<key>`: absent, or a URL as [`check_url`] wants it.
fn optional_url<'a>(merchant: &'a Value, key: &str, rules: UrlRules) -> Result<Option<&'a str>, ApiError> {
    let field = format!("merchantInfo.{key}");
    let url = opt_string(merchant, key, &field, 255)?;
    if let Some(url) = url {
        check_url(&field, url, rules)?;
    }
    Ok(url)
}

fn express_setup(merchant: &Value, rules: UrlRules) -> Result<ExpressSetup, ApiError> {
    let consent = opt_string(
        merchant,
        "consentRemovalPrefix",
        "merchantInfo.consentRemovalPrefix",
        255,
    )?
    .ok_or_else(|| {
        ApiError::invalid(
            "merchantInfo.consentRemovalPrefix",
            "consentRemovalPrefix is required for express payments",
        )
    })?;
    check_url("merchantInfo.consentRemovalPrefix", consent, rules)?;
    let shipping_prefix = optional_url(merchant, "shippingDetailsPrefix", rules)?;
    let static_shipping = match merchant.get("staticShippingDetails") {
        None | Some(Value::Null) => None,
        Some(items) => Some(
            parse_options(items, "staticShippingDetails")
                .map_err(|why| ApiError::invalid("merchantInfo.staticShippingDetails", why))?,
        ),
    };
    if shipping_prefix.is_none() && static_shipping.is_none() {
        return Err(ApiError::invalid(
            "merchantInfo.shippingDetailsPrefix",
            "express payments need shippingDetailsPrefix or staticShippingDetails",
        ));
    }
    Ok(ExpressSetup {
        shipping_details_prefix: shipping_prefix.map(str::to_string),
        consent_removal_prefix: consent.to_string(),
        static_shipping,
    })
}

#[cfg(test)]
mod tests;
