//! The backend client: `fetch` with a timeout, JSON in and out, and errors sorted into
//! what the flow needs to know (retry or not).

use contract::{PaymentCreated, PaymentState};
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Request, RequestInit, Response};

use crate::core::flow::Problem;
use crate::core::options::encode_component;
use crate::core::retry::is_retryable_status;

/// How long one request may take.
pub const TIMEOUT_MS: i32 = 15_000;

#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// No answer: offline, refused, timed out.
    Network,
    /// An HTTP error, with the contract's error body when there was one.
    Http {
        status: u16,
        code: Option<String>,
        message: Option<String>,
    },
    /// An answer that is not the contract's.
    BadBody,
}

impl FetchError {
    /// As a problem for the button (`POST /payments`).
    pub fn for_start(&self) -> Problem {
        match self {
            FetchError::Network => Problem::new("network", true),
            FetchError::Http { status, code, message } => Problem {
                code: code.clone().unwrap_or_else(|| {
                    if *status >= 500 {
                        "server".into()
                    } else {
                        "bad_response".into()
                    }
                }),
                message: message.clone(),
                retryable: is_retryable_status(*status),
            },
            FetchError::BadBody => Problem::new("bad_response", false),
        }
    }

    /// As a problem for the return page (`GET /payments/{id}`): 401/403/404 stop polling.
    pub fn for_status(&self) -> Problem {
        match self {
            FetchError::Network => Problem::new("network", true),
            FetchError::Http {
                status: 401 | 403 | 404,
                code,
                ..
            } => Problem::new(code.as_deref().unwrap_or("not_found"), false),
            FetchError::Http { status, code, message } => Problem {
                code: code.clone().unwrap_or_else(|| "server".into()),
                message: message.clone(),
                retryable: *status == 429 || *status >= 500 || *status == 408,
            },
            // A proxy in between answered something odd: worth another try.
            FetchError::BadBody => Problem::new("server", true),
        }
    }
}

async fn send(method: &str, url: &str, body: Option<&str>, key: Option<&str>) -> Result<(u16, JsValue), FetchError> {
    let window = web_sys::window().ok_or(FetchError::Network)?;
    let controller = AbortController::new().map_err(|_| FetchError::Network)?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_signal(Some(&controller.signal()));
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(|_| FetchError::Network)?;
    let _ = headers.set("Accept", "application/json");
    if let Some(body) = body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&JsValue::from_str(body));
    }
    if let Some(key) = key {
        let _ = headers.set(contract::IDEMPOTENCY_HEADER, key);
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| FetchError::Network)?;
    let abort = wasm_bindgen::closure::Closure::once(move || controller.abort());
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(abort.as_ref().unchecked_ref(), TIMEOUT_MS)
        .ok();
    let result = JsFuture::from(window.fetch_with_request(&request)).await;
    let response: Response = match result {
        Ok(r) => r.unchecked_into(),
        Err(_) => {
            if let Some(t) = timer {
                window.clear_timeout_with_handle(t);
            }
            return Err(FetchError::Network);
        }
    };
    let json = match response.json() {
        Ok(p) => JsFuture::from(p).await.ok(),
        Err(_) => None,
    };
    if let Some(t) = timer {
        window.clear_timeout_with_handle(t);
    }
    drop(abort);
    Ok((response.status(), json.unwrap_or(JsValue::NULL)))
}

fn http_error(status: u16, body: &JsValue) -> FetchError {
    let error = Reflect::get(body, &"error".into()).ok().filter(|e| e.is_object());
    let field = |name: &str| {
        error
            .as_ref()
            .and_then(|e| Reflect::get(e, &name.into()).ok())
            .and_then(|v| v.as_string())
    };
    FetchError::Http {
        status,
        code: field("code"),
        message: field("message"),
    }
}

/// `POST {endpoint}/payments` with the click's idempotency key.
pub async fn create_payment(
    endpoint: &str,
    body: &contract::CreatePayment,
    key: &str,
) -> Result<PaymentCreated, FetchError> {
    let text = serde_json::to_string(body).map_err(|_| FetchError::BadBody)?;
    let (status, json) = send("POST", &format!("{endpoint}/payments"), Some(&text), Some(key)).await?;
    if !(200..300).contains(&status) {
        return Err(http_error(status, &json));
    }
    serde_wasm_bindgen::from_value(json).map_err(|_| FetchError::BadBody)
}

/// `GET {endpoint}/payments/{orderId}?t=…`.
pub async fn payment_state(endpoint: &str, order_id: &str, token: &str) -> Result<PaymentState, FetchError> {
    let url = format!(
        "{endpoint}/payments/{}?t={}",
        encode_component(order_id),
        encode_component(token)
    );
    let (status, json) = send("GET", &url, None, None).await?;
    if status != 200 {
        return Err(http_error(status, &json));
    }
    serde_wasm_bindgen::from_value(json).map_err(|_| FetchError::BadBody)
}

/// A fresh idempotency key: a random UUID from the browser's crypto.
pub fn fresh_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("k-{}", js_sys::Math::random().to_bits()))
}

/// A plain JS object from key/value pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}
