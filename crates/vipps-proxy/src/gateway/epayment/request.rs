//! The ePayment create request (`POST /epayment/v1/payments`) for a [`StartPayment`],
//! pure: the reference is the order id, the return URL eCom's `fallBack`, a push goes
//! to the number as an MSISDN. Express asks for everything it shares (name, address,
//! e-mail, phone) and offers the shop's shipping: fixed, or asked for per address
//! (`Authorization` = the order's authToken).

use contract::Amount;
use serde_json::{json, Value};

use contract::Flow;

use crate::gateway::{ExpressShipping, StartPayment};
use crate::hook_paths::EPAYMENT_SHIPPING;

pub fn create_body(p: &StartPayment<'_>) -> Value {
    let mut body = json!({
        "reference": p.order_id,
        "amount": Amount::of(p.amount, p.currency),
        "paymentMethod": {"type": "WALLET"},
        "userFlow": if p.flow == Flow::Push { "PUSH_MESSAGE" } else { "WEB_REDIRECT" },
        "returnUrl": p.return_url,
        "paymentDescription": p.description,
    });
    if let Some(m) = p.mobile {
        body["customer"] = json!({"phoneNumber": format!("47{m}")});
    }
    if let Some(scope) = express_scope(p.scope, p.express.is_some()) {
        body["profile"] = json!({"scope": scope});
    }
    match &p.express {
        Some(ExpressShipping::Fixed(offers)) => {
            body["shipping"] = json!({"fixedOptions": crate::shipping::groups(offers, p.currency)});
        }
        Some(ExpressShipping::PerAddress) => {
            body["shipping"] = json!({"dynamicOptions": {
                "callbackUrl": format!("{}{EPAYMENT_SHIPPING}/{}", p.public_url, p.order_id),
                "callbackAuthorizationToken": p.auth_token,
            }});
        }
        None => {}
    }
    body
}

/// What ePayment's `profile.scope` asks for: the shop's scope, and for express all
/// four words express needs.
fn express_scope(scope: Option<&str>, express: bool) -> Option<String> {
    let mut words: Vec<&str> = scope.unwrap_or("").split_whitespace().collect();
    if express {
        for w in ["name", "address", "email", "phoneNumber"] {
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn express_asks_for_the_four_words_once() {
        assert_eq!(express_scope(None, false), None);
        assert_eq!(express_scope(Some("name email"), false).as_deref(), Some("name email"));
        assert_eq!(
            express_scope(None, true).as_deref(),
            Some("name address email phoneNumber")
        );
        assert_eq!(
            express_scope(Some("birthDate name"), true).as_deref(),
            Some("birthDate name address email phoneNumber")
        );
    }
}
