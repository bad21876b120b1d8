//! What the simulator sends to the merchant, exactly as Vipps sends it: transaction
//! callbacks (one attempt, short timeout, no retry), shipping-details requests and
//! consent removals. Each delivery is recorded on its payment for the control API.

use std::time::Duration;

use chrono::Utc;
use serde_json::Value;

use crate::ecom::ledger::{timestamp, Callback, Delivery};
use crate::faults::Route;
use crate::shipping::{self, ShippingError, ShippingOption};
use crate::state::AppState;
use crate::users::Address;

fn record(state: &AppState, order_id: &str, delivery: Delivery) {
    if let Some(payment) = state.memory().payments.get_mut(order_id) {
        payment.deliveries.push(delivery);
    }
}

/// Sends the callback in the background.
pub fn spawn_callback(state: &AppState, callback: Callback) {
    let state = state.clone();
    tokio::spawn(async move { deliver_callback(&state, callback).await });
}

/// One attempt, `--callback-timeout` seconds, `Authorization` = `authToken` verbatim.
pub async fn deliver_callback(state: &AppState, callback: Callback) {
    let fault = state.faults().take(Route::Callback, Some(&callback.order_id));
    let sent_at = timestamp(Utc::now());
    let mut delivery = Delivery {
        kind: "callback",
        status: Some(callback.status.to_string()),
        url: callback.url.clone(),
        sent_at,
        outcome: String::new(),
        http_status: None,
    };
    if let Some(fault) = &fault {
        if fault.drop {
            delivery.outcome = "dropped (fault injected)".into();
            tracing::info!(order_id = %callback.order_id, "callback dropped by an injected fault");
            return record(state, &callback.order_id, delivery);
        }
        if let Some(latency) = fault.latency() {
            tokio::time::sleep(latency).await;
        }
    }
    let mut request = state
        .http
        .post(&callback.url)
        .timeout(Duration::from_secs(state.config.callback_timeout))
        .json(&callback.body);
    if let Some(token) = &callback.auth_token {
        request = request.header("Authorization", token);
    }
    match request.send().await {
        Ok(response) => {
            delivery.http_status = Some(response.status().as_u16());
            delivery.outcome = if response.status().is_success() {
                "delivered".into()
            } else {
                "refused by the merchant".into()
            };
        }
        Err(e) if e.is_timeout() => delivery.outcome = format!("timed out after {} s", state.config.callback_timeout),
        Err(e) => delivery.outcome = format!("failed: {}", error_chain(&e)),
    }
    tracing::info!(order_id = %callback.order_id, status = callback.status, outcome = %delivery.outcome, "callback sent");
    record(state, &callback.order_id, delivery);
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Asks the merchant for shipping methods for `address`, as the Vipps app does:
/// `POST [shippingDetailsPrefix]/v2/payments/{orderId}/shippingDetails`.
pub async fn fetch_shipping(
    state: &AppState,
    prefix: &str,
    auth_token: Option<&str>,
    order_id: &str,
    address: &Address,
) -> Result<Vec<ShippingOption>, ShippingError> {
    let url = format!("{prefix}/v2/payments/{order_id}/shippingDetails");
    let body = shipping::request_body(address);
    let result = ask_for_shipping(state, &url, auth_token, order_id, &body, |reply| {
        shipping::parse_reply(reply, address.address_id, order_id)
    })
    .await;
    record(state, order_id, shipping_delivery(url, &result));
    result
}

/// Asks the merchant for an ePayment express payment's options for `address`:
/// `POST {dynamicOptions.callbackUrl}` with `Authorization: {callbackAuthorizationToken}`.
pub async fn fetch_epayment_shipping(
    state: &AppState,
    dynamic: &crate::epayment::shipping::Dynamic,
    reference: &str,
    currency: &str,
    address: &Address,
) -> Result<Vec<ShippingOption>, ShippingError> {
    use crate::epayment::shipping as express;
    let body = express::callback_body(reference, address);
    let url = &dynamic.callback_url;
    let result = ask_for_shipping(
        state,
        url,
        Some(&dynamic.token),
        reference,
        &body,
        |answer| match answer.get("groups") {
            Some(serde_json::Value::Array(groups)) if groups.is_empty() => Err(ShippingError::Empty),
            _ => express::parse_answer(answer, currency).map_err(ShippingError::Malformed),
        },
    )
    .await;
    let delivery = shipping_delivery(url.clone(), &result);
    if let Some(entry) = state.memory().epayments.by_reference(reference) {
        entry.deliveries.push(delivery);
    }
    result
}

fn shipping_delivery(url: String, result: &Result<Vec<ShippingOption>, ShippingError>) -> Delivery {
    Delivery {
        kind: "shippingDetails",
        status: None,
        url,
        sent_at: timestamp(Utc::now()),
        outcome: match result {
            Ok(options) => format!("{} shipping methods", options.len()),
            Err(e) => e.to_string(),
        },
        http_status: None,
    }
}

/// One shipping request within `--shipping-timeout` (faults of the `shipping` route apply).
async fn ask_for_shipping(
    state: &AppState,
    url: &str,
    auth_token: Option<&str>,
    order_id: &str,
    body: &Value,
    parse: impl FnOnce(&Value) -> Result<Vec<ShippingOption>, ShippingError>,
) -> Result<Vec<ShippingOption>, ShippingError> {
    let limit = Duration::from_secs(state.config.shipping_timeout);
    let timeout = ShippingError::Timeout {
        seconds: limit.as_secs(),
    };
    let fault = state.faults().take(Route::Shipping, Some(order_id));
    if let Some(fault) = fault {
        if let Some(latency) = fault.latency() {
            if latency >= limit {
                tokio::time::sleep(limit).await;
                return Err(timeout);
            }
            tokio::time::sleep(latency).await;
        }
        if let Some(status) = fault.status {
            return Err(ShippingError::HttpStatus(status));
        }
    }
    let mut request = state.http.post(url).timeout(limit).json(body);
    if let Some(token) = auth_token {
        request = request.header("Authorization", token);
    }
    let response = request.send().await.map_err(|e| {
        if e.is_timeout() {
            timeout.clone()
        } else {
            ShippingError::Unreachable(error_chain(&e))
        }
    })?;
    if !response.status().is_success() {
        return Err(ShippingError::HttpStatus(response.status().as_u16()));
    }
    let reply: Value = response.json().await.map_err(|e| {
        if e.is_timeout() {
            timeout.clone()
        } else {
            ShippingError::Malformed("the body is not JSON".into())
        }
    })?;
    parse(&reply)
}

/// `DELETE [consentRemovalPrefix]/v2/consents/{userId}`, sent when the user removes the
/// shop under "Companies that remember you". Returns the merchant's HTTP status.
///
/// Sent with **no** `Authorization`: Vipps sends the `authToken` only with the payment
/// callback and the shipping-details request (eCom guide, "Authorization for
/// callbacks"), and the swagger's `removeUserConsentUsingDELETE` has no parameter but
/// the `userId` (`vippsas/vipps-ecom-api`, see the README's sources).
pub async fn remove_consent(state: &AppState, prefix: &str, order_id: &str, user_id: &str) -> Result<u16, String> {
    let encoded: String = url::form_urlencoded::byte_serialize(user_id.as_bytes()).collect();
    let url = format!("{prefix}/v2/consents/{encoded}");
    let request = state
        .http
        .delete(&url)
        .timeout(Duration::from_secs(state.config.callback_timeout));
    let result = request
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| error_chain(&e));
    record(
        state,
        order_id,
        Delivery {
            kind: "consentRemoval",
            status: None,
            url,
            sent_at: timestamp(Utc::now()),
            outcome: match &result {
                Ok(code) if (200..300).contains(code) => "delivered".into(),
                Ok(_) => "refused by the merchant".into(),
                Err(e) => format!("failed: {e}"),
            },
            http_status: result.as_ref().ok().copied(),
        },
    );
    result
}
