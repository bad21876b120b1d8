//! The details of the widget's DOM events, as typed structs: `vipps:statechange`'s and
//! `vipps:beforenavigate`'s (documented in the README). `crate::web` turns them into JS
//! objects with serde-wasm-bindgen; amounts and shipping are the contract's own types.

use contract::{Amount, PaymentStatus, Shipping};
use serde::Serialize;

use super::flow::FlowState;
use super::i18n::Words;
use super::problem::Problem;

/// What a view knows about its payment, for the event (each part absent when unknown).
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    pub order_id: Option<&'a str>,
    /// The payment URL: where the button is leaving for, or the QR code shown.
    pub url: Option<&'a str>,
    pub status: Option<PaymentStatus>,
    pub amount: Option<&'a Amount>,
    pub shipping: Option<&'a Shipping>,
}

/// `vipps:statechange`'s `detail`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateDetail<'a> {
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<PaymentStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<&'a Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping: Option<&'a Shipping>,
}

/// `detail.error`: the code, the words the shopper was shown, and the backend's own
/// message for the developer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail<'a> {
    pub code: &'a str,
    /// What the shopper reads (the widget's words, in the page's language and brand).
    pub message: String,
    pub retryable: bool,
    /// The backend's `message`, as it sent it (never shown to the shopper).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend_message: Option<&'a str>,
}

impl<'a> StateDetail<'a> {
    pub fn new(state: FlowState, words: Words, problem: Option<&'a Problem>, facts: Facts<'a>) -> Self {
        StateDetail {
            state: state.as_str(),
            error: problem.map(|p| ErrorDetail {
                code: p.code(),
                message: words.say(p.text(words.lang)),
                retryable: p.retryable,
                backend_message: p.message.as_deref(),
            }),
            order_id: facts.order_id,
            url: facts.url,
            status: facts.status,
            amount: facts.amount,
            shipping: facts.shipping,
        }
    }
}

/// `vipps:beforenavigate`'s `detail`.
#[derive(Debug, Serialize)]
pub struct NavigateDetail<'a> {
    pub url: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::brand::Brand;
    use crate::core::lang::Lang;
    use crate::core::problem::Why;
    use contract::error::ErrorCode;
    use serde_json::json;

    #[test]
    fn an_error_carries_the_shown_words_and_the_backends_message_apart() {
        let mut problem = Problem::new(Why::Backend(ErrorCode::RateLimited), true);
        problem.message = Some("Too many attempts. Please wait a moment.".into());
        let words = Words::new(Lang::Nb, Brand::Vipps);
        let detail = StateDetail::new(FlowState::Error, words, Some(&problem), Facts::default());
        assert_eq!(
            serde_json::to_value(&detail).unwrap(),
            json!({"state": "error", "error": {
                "code": "rate_limited",
                "message": "For mange forsøk. Vent litt og prøv igjen.",
                "retryable": true,
                "backendMessage": "Too many attempts. Please wait a moment.",
            }})
        );
    }

    #[test]
    fn the_facts_are_the_contracts_shapes() {
        let amount = Amount::of(29_800, "DKK");
        let shipping = Shipping {
            method: "Posten".into(),
            method_id: "posten".into(),
            cost: Amount::of(4_900, "DKK"),
            address: None,
        };
        let facts = Facts {
            order_id: Some("shop-1"),
            url: None,
            status: Some(PaymentStatus::Reserved),
            amount: Some(&amount),
            shipping: Some(&shipping),
        };
        let words = Words::new(Lang::Da, Brand::MobilePay);
        let detail = serde_json::to_value(StateDetail::new(FlowState::Confirmed, words, None, facts)).unwrap();
        assert_eq!(
            detail,
            json!({"state": "confirmed", "orderId": "shop-1", "status": "reserved",
                   "amount": {"value": 29_800, "currency": "DKK"},
                   "shipping": {"method": "Posten", "methodId": "posten", "cost": {"value": 4_900, "currency": "DKK"}}})
        );
        assert_eq!(
            serde_json::from_value::<Shipping>(detail["shipping"].clone()).unwrap(),
            shipping
        );
    }
}
