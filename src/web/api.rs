//! The backend client: `fetch` with a timeout, JSON in and out, and errors sorted into
//! what the flow needs to know.
//!
//! The JSON is read and written field by field, not through serde: typed reading through
//! serde-wasm-bindgen costs 13.7 KB gzip of the 100 KB budget (measured, see
//! ARCHITECTURE.md). `crates/contract` still decides every shape: `tests/contract_shapes.rs`
//! checks in the browser that what the contract writes is read back unchanged, that what
//! it refuses is refused here too, and that what is sent here the contract accepts.

use contract::{Address, Amount, PaymentState, PaymentStatus, Shipping};
use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Request, RequestInit, Response};

use crate::core::flow::Problem;
use crate::core::options::{api_url, encode_component};
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
                retryable: is_retryable_check(*status),
            },
            // Something in between answered oddly: worth another try.
            FetchError::BadBody => Problem::new("server", true),
        }
    }
}

/// A string field of a JS object.
pub fn text(v: &JsValue, name: &str) -> Option<String> {
    Reflect::get(v, &JsValue::from_str(name)).ok()?.as_string()
}

fn field(v: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(v, &JsValue::from_str(name)).ok().filter(|f| f.is_object())
}

/// One request: JSON back (or null), aborted after [`TIMEOUT_MS`] or when `stop` aborts
/// (the widget was unmounted; `None` for a request that must outlive it).
async fn send(
    method: &str,
    url: &str,
    body: Option<&str>,
    key: Option<&str>,
    stop: Option<&AbortSignal>,
) -> Result<(u16, JsValue), FetchError> {
    let window = web_sys::window().ok_or(FetchError::Network)?;
    if stop.is_some_and(AbortSignal::aborted) {
        return Err(FetchError::Network);
    }
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
        let _ = headers.set(contract::CLIENT_HEADER, &page_secret());
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| FetchError::Network)?;
    let abort: Closure<dyn Fn()> = Closure::new(move || controller.abort());
    let abort_fn: &js_sys::Function = abort.as_ref().unchecked_ref();
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(abort_fn, TIMEOUT_MS)
        .ok();
    if let Some(stop) = stop {
        let _ = stop.add_event_listener_with_callback("abort", abort_fn);
    }
    let result = JsFuture::from(window.fetch_with_request(&request)).await;
    let outcome = match result {
        Ok(r) => {
            let response: Response = r.unchecked_into();
            let json = match response.json() {
                Ok(p) => JsFuture::from(p).await.ok(),
                Err(_) => None,
            };
            Ok((response.status(), json.unwrap_or(JsValue::NULL)))
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

fn http_error(status: u16, body: &JsValue) -> FetchError {
    let error = field(body, "error");
    FetchError::Http {
        status,
        code: error.as_ref().and_then(|e| text(e, "code")),
        message: error.as_ref().and_then(|e| text(e, "message")),
    }
}

/// The parts of `201 {orderId, url, statusToken, expiresAt}` the widget needs.
pub struct Created {
    pub order_id: String,
    pub url: String,
    pub status_token: String,
}

/// What to start: express or not, how it reaches the shopper (`contract::Flow`'s name,
/// `None` for the default redirect), and a number to prefill or push to.
pub struct StartRequest<'a> {
    pub express: bool,
    pub flow: Option<&'a str>,
    pub mobile: Option<&'a str>,
}

/// `POST {endpoint}/payments` with the click's idempotency key. `payload` is the page's,
/// sent as it is: never a price.
pub async fn create_payment(
    endpoint: &str,
    store: Option<&str>,
    payload: &JsValue,
    how: &StartRequest<'_>,
    key: &str,
    stop: Option<&AbortSignal>,
) -> Result<Created, FetchError> {
    let body = request_body(payload, how).ok_or(FetchError::BadBody)?;
    let (status, json) = send(
        "POST",
        &api_url(endpoint, "/payments", store),
        Some(&body),
        Some(key),
        stop,
    )
    .await?;
    if !(200..300).contains(&status) {
        return Err(http_error(status, &json));
    }
    parse_created(&json).ok_or(FetchError::BadBody)
}

/// The body of `POST /payments` (`contract::CreatePayment`) as JSON text; `None` when the
/// page's payload cannot be written as JSON.
pub fn request_body(payload: &JsValue, how: &StartRequest<'_>) -> Option<String> {
    let mut pairs = vec![
        ("payload", payload.clone()),
        ("express", JsValue::from_bool(how.express)),
    ];
    if let Some(m) = how.mobile {
        pairs.push(("mobileNumber", JsValue::from_str(m)));
    }
    if let Some(flow) = how.flow {
        pairs.push(("flow", JsValue::from_str(flow)));
    }
    JSON::stringify(&object(&pairs)).ok().map(String::from)
}

/// Reads `contract::PaymentCreated`: `{orderId, url, statusToken, expiresAt}`, every one
/// a string (the widget keeps the first three).
pub fn parse_created(v: &JsValue) -> Option<Created> {
    text(v, "expiresAt")?;
    Some(Created {
        order_id: text(v, "orderId")?,
        url: text(v, "url")?,
        status_token: text(v, "statusToken")?,
    })
}

// The readers below follow the contract's serde types exactly (tests/contract_shapes.rs):
// a required field missing or of another type fails the whole answer; an optional one
// may be absent or null, and is otherwise read as strictly.

/// A field's value (`undefined` when absent).
fn get(v: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(v, &JsValue::from_str(name)).ok()
}

/// A nested struct: an object, and not an array.
fn record(f: JsValue) -> Option<JsValue> {
    (f.is_object() && !js_sys::Array::is_array(&f)).then_some(f)
}

/// A required nested struct, read by `read`.
fn nested<T>(v: &JsValue, name: &str, read: impl FnOnce(&JsValue) -> Option<T>) -> Option<T> {
    read(&record(get(v, name)?)?)
}

/// An `Option` field: absent or null is `Some(None)`; anything else is read by `read`
/// (`None`: the answer does not match).
fn optional<T>(v: &JsValue, name: &str, read: impl FnOnce(JsValue) -> Option<T>) -> Option<Option<T>> {
    let f = get(v, name)?;
    if f.is_null() || f.is_undefined() {
        return Some(None);
    }
    read(f).map(Some)
}

/// `{value, currency}`: `value` a whole number of minor units that a JS number holds
/// exactly.
fn amount(v: &JsValue) -> Option<Amount> {
    let value = get(v, "value")?;
    if !js_sys::Number::is_safe_integer(&value) {
        return None;
    }
    Some(Amount {
        value: value.as_f64()? as i64,
        currency: text(v, "currency")?,
    })
}

fn address(v: &JsValue) -> Option<Address> {
    Some(Address {
        address_line1: text(v, "addressLine1")?,
        address_line2: optional(v, "addressLine2", |f| f.as_string())?,
        post_code: text(v, "postCode")?,
        city: text(v, "city")?,
        country: text(v, "country")?,
    })
}

fn shipping(v: &JsValue) -> Option<Shipping> {
    Some(Shipping {
        method: text(v, "method")?,
        method_id: text(v, "methodId")?,
        cost: nested(v, "cost", amount)?,
        address: optional(v, "address", |f| record(f).as_ref().and_then(address))?,
    })
}

/// Reads `contract::PaymentState`: `{orderId, status, amount, shipping?, updatedAt}`.
pub fn parse_state(v: &JsValue) -> Option<PaymentState> {
    Some(PaymentState {
        order_id: text(v, "orderId")?,
        status: PaymentStatus::parse(&text(v, "status")?)?,
        amount: nested(v, "amount", amount)?,
        shipping: optional(v, "shipping", |f| record(f).as_ref().and_then(shipping))?,
        updated_at: text(v, "updatedAt")?,
    })
}

/// `GET {endpoint}/payments/{orderId}?t=…`.
pub async fn payment_state(
    endpoint: &str,
    store: Option<&str>,
    order_id: &str,
    token: &str,
    stop: Option<&AbortSignal>,
) -> Result<PaymentState, FetchError> {
    let path = format!("/payments/{}?t={}", encode_component(order_id), encode_component(token));
    let url = api_url(endpoint, &path, store);
    let (status, json) = send("GET", &url, None, None, stop).await?;
    if status != 200 {
        return Err(http_error(status, &json));
    }
    parse_state(&json).ok_or(FetchError::BadBody)
}

/// `POST {endpoint}/payments/{orderId}/cancel?t=…`: withdraws a payment nobody approved.
pub async fn withdraw(
    endpoint: &str,
    store: Option<&str>,
    order_id: &str,
    token: &str,
    stop: Option<&AbortSignal>,
) -> Result<PaymentState, FetchError> {
    let path = format!(
        "/payments/{}/cancel?t={}",
        encode_component(order_id),
        encode_component(token)
    );
    let url = api_url(endpoint, &path, store);
    let (status, json) = send("POST", &url, None, None, stop).await?;
    if status != 200 {
        return Err(http_error(status, &json));
    }
    parse_state(&json).ok_or(FetchError::BadBody)
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

/// A plain JS object from key/value pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// `{value, currency}` as a JS object, for event details.
pub fn amount_js(a: &Amount) -> JsValue {
    object(&[
        ("value", JsValue::from_f64(a.value as f64)),
        ("currency", JsValue::from_str(&a.currency)),
    ])
}

/// `{method, methodId, cost, address?}` as a JS object, for event details.
pub fn shipping_js(s: &Shipping) -> JsValue {
    let mut pairs = vec![
        ("method", JsValue::from_str(&s.method)),
        ("methodId", JsValue::from_str(&s.method_id)),
        ("cost", amount_js(&s.cost)),
    ];
    if let Some(a) = &s.address {
        let mut address = vec![
            ("addressLine1", JsValue::from_str(&a.address_line1)),
            ("postCode", JsValue::from_str(&a.post_code)),
            ("city", JsValue::from_str(&a.city)),
            ("country", JsValue::from_str(&a.country)),
        ];
        if let Some(l2) = &a.address_line2 {
            address.push(("addressLine2", JsValue::from_str(l2)));
        }
        pairs.push(("address", object(&address)));
    }
    object(&pairs)
}
