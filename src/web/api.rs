//! The backend client: gloo-net's `fetch` with a timeout and the widget's abort signal,
//! every JSON shape the contract's serde type (`crates/contract`), read from and written
//! to JS values by serde-wasm-bindgen, and errors sorted into what the flow needs to know.
//! `tests/contract_shapes.rs` checks in the browser that what the contract writes is
//! read back unchanged and what it refuses is refused here too.

use contract::{Code, CreatePayment, ErrorBody, Flow, PaymentCreated, PaymentState};
use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestCredentials};

use crate::core::options::{api_query, encode_component};
use crate::core::problem::{Problem, Why};
use crate::core::retry::{is_retryable_check, is_retryable_status};

/// How long one request may take.
pub const TIMEOUT_MS: i32 = 15_000;

#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// No answer: offline, refused, timed out.
    Network,
    /// An HTTP error, with the contract's error body when there was one.
    Http {
        status: u16,
        code: Option<Code>,
        message: Option<String>,
    },
    /// An answer that is not the contract's.
    BadBody,
}

impl FetchError {
    /// As a problem for the button (`POST /payments`).
    pub fn for_start(&self) -> Problem {
        match self {
            FetchError::Network => Problem::new(Why::Network, true),
            FetchError::Http { status, code, message } => Problem {
                why: Why::of_refusal(code.clone(), *status),
                message: message.clone(),
                retryable: is_retryable_status(*status),
            },
            FetchError::BadBody => Problem::new(Why::BadResponse, false),
        }
    }

    /// As a problem for the return page (`GET /payments/{id}`): 401/403/404 stop polling.
    pub fn for_status(&self) -> Problem {
        match self {
            FetchError::Network => Problem::new(Why::Network, true),
            FetchError::Http { status, code, message } => Problem {
                why: match (status, code) {
                    (401 | 403 | 404, None) => Why::NotFound,
                    (_, None) => Why::Server,
                    _ => Why::of_refusal(code.clone(), *status),
                },
                message: message.clone(),
                retryable: !matches!(status, 401 | 403 | 404) && is_retryable_check(*status),
            },
            // Something in between answered oddly: worth another try.
            FetchError::BadBody => Problem::new(Why::Server, true),
        }
    }
}

/// A parsed JSON answer as the contract's type `T`; anything else is a [`FetchError::BadBody`].
pub fn typed<T: DeserializeOwned>(json: JsValue) -> Result<T, FetchError> {
    serde_wasm_bindgen::from_value(json).map_err(|_| FetchError::BadBody)
}

/// `value` as a plain JS object (absent options left out, amounts as numbers).
fn to_js(value: &impl Serialize) -> Option<JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::new()).ok()
}

/// One request to `url` with `query` (gloo-net writes the query: a URL given one would
/// get a stray `&`): the status and the parsed JSON (or null), aborted after
/// [`TIMEOUT_MS`] or when `stop` aborts (the widget was unmounted; `None` for a request
/// that must outlive it). With `key`, the click's idempotency key and this page's secret
/// go with it. A status other than 2xx is a [`refusal`].
async fn send(
    method: Method,
    url: &str,
    query: Vec<(&str, &str)>,
    body: Option<JsValue>,
    key: Option<&str>,
    stop: Option<&AbortSignal>,
) -> Result<JsValue, FetchError> {
    let window = web_sys::window().ok_or(FetchError::Network)?;
    if stop.is_some_and(AbortSignal::aborted) {
        return Err(FetchError::Network);
    }
    let controller = AbortController::new().map_err(|_| FetchError::Network)?;
    let mut builder = RequestBuilder::new(url)
        .query(query)
        .method(method)
        .credentials(RequestCredentials::SameOrigin)
        .abort_signal(Some(&controller.signal()))
        .header("Accept", "application/json");
    if let Some(key) = key {
        builder = builder
            .header(contract::IDEMPOTENCY_HEADER, key)
            .header(contract::CLIENT_HEADER, &page_secret());
    }
    let request = match body {
        Some(body) => builder.header("Content-Type", "application/json").body(body),
        None => builder.build(),
    }
    .map_err(|_| FetchError::Network)?;
    let abort: Closure<dyn Fn()> = Closure::new(move || controller.abort());
    let abort_fn: &js_sys::Function = abort.as_ref().unchecked_ref();
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(abort_fn, TIMEOUT_MS)
        .ok();
    if let Some(stop) = stop {
        let _ = stop.add_event_listener_with_callback("abort", abort_fn);
    }
    let outcome = match request.send().await {
        Ok(response) => {
            let status = response.status();
            let raw = web_sys::Response::from(response);
            let json = match raw.json() {
                Ok(p) => JsFuture::from(p).await.ok(),
                Err(_) => None,
            };
            let json = json.unwrap_or(JsValue::NULL);
            match status {
                200..=299 => Ok(json),
                _ => Err(refusal(status, json)),
            }
        }
        Err(_) => Err(FetchError::Network),
    };
    if let Some(t) = timer {
        window.clear_timeout_with_handle(t);
    }
    if let Some(stop) = stop {
        let _ = stop.remove_event_listener_with_callback("abort", abort_fn);
    }
    drop(abort);
    outcome
}

/// A refusal: the contract's error body when the answer is one, else only the status.
pub fn refusal(status: u16, body: JsValue) -> FetchError {
    let body = typed::<ErrorBody>(body).ok();
    FetchError::Http {
        status,
        code: body.as_ref().map(|b| b.error.code.clone()),
        message: body.map(|b| b.error.message),
    }
}

/// What to start: express or not, how it reaches the shopper, and a number to prefill
/// or push to.
pub struct StartRequest<'a> {
    pub express: bool,
    pub flow: Flow,
    pub mobile: Option<&'a str>,
}

/// The page's payload, sent as the page gave it (never a price): passed through to the
/// request's JSON untouched.
#[derive(Serialize)]
#[serde(transparent)]
pub struct PagePayload(#[serde(with = "serde_wasm_bindgen::preserve")] pub JsValue);

/// `POST {endpoint}/payments` with the click's idempotency key.
pub async fn create_payment(
    endpoint: &str,
    store: Option<&str>,
    payload: &JsValue,
    how: &StartRequest<'_>,
    key: &str,
    stop: Option<&AbortSignal>,
) -> Result<PaymentCreated, FetchError> {
    let body = request_body(payload, how).ok_or(FetchError::BadBody)?;
    let url = format!("{endpoint}/payments");
    let query = api_query(None, store);
    typed(send(Method::POST, &url, query, Some(body.into()), Some(key), stop).await?)
}

/// The body of `POST /payments`: `contract::CreatePayment` as JSON text; `None` when the
/// page's payload cannot be written as JSON.
pub fn request_body(payload: &JsValue, how: &StartRequest<'_>) -> Option<String> {
    let request = CreatePayment {
        payload: PagePayload(payload.clone()),
        express: how.express,
        mobile_number: how.mobile.map(String::from),
        flow: how.flow,
    };
    js_sys::JSON::stringify(&to_js(&request)?).ok().map(String::from)
}

/// Reads `contract::PaymentCreated`.
pub fn parse_created(v: &JsValue) -> Option<PaymentCreated> {
    typed(v.clone()).ok()
}

/// Reads `contract::PaymentState`.
pub fn parse_state(v: &JsValue) -> Option<PaymentState> {
    typed(v.clone()).ok()
}

/// `GET {endpoint}/payments/{orderId}?t=…`.
pub async fn payment_state(
    endpoint: &str,
    store: Option<&str>,
    order_id: &str,
    token: &str,
    stop: Option<&AbortSignal>,
) -> Result<PaymentState, FetchError> {
    let url = format!("{endpoint}/payments/{}", encode_component(order_id));
    let query = api_query(Some(token), store);
    typed(send(Method::GET, &url, query, None, None, stop).await?)
}

/// `POST {endpoint}/payments/{orderId}/cancel?t=…`: withdraws a payment nobody approved.
pub async fn withdraw(
    endpoint: &str,
    store: Option<&str>,
    order_id: &str,
    token: &str,
    stop: Option<&AbortSignal>,
) -> Result<PaymentState, FetchError> {
    let url = format!("{endpoint}/payments/{}/cancel", encode_component(order_id));
    let query = api_query(Some(token), store);
    typed(send(Method::POST, &url, query, None, None, stop).await?)
}

/// This page's secret for [`contract::CLIENT_HEADER`], drawn once and held only in
/// memory: the backend replays a retried click's answer only to the page that clicked.
fn page_secret() -> String {
    thread_local! {
        static SECRET: String = fresh_key();
    }
    SECRET.with(Clone::clone)
}

/// A fresh idempotency key: a random UUID from the browser's crypto.
pub fn fresh_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("k-{}", js_sys::Math::random().to_bits()))
}
