//! Test harness: a simulator on an ephemeral port, an HTTP client with credentials, and
//! a recording merchant that receives callbacks and answers shipping requests.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;
use clap::Parser;
use serde_json::{json, Value};
use vipps_sim::Config;

pub const MSN: &str = "123456";

pub struct Sim {
    pub base: String,
    pub http: reqwest::Client,
    pub token: String,
    pub state: vipps_sim::AppState,
}

/// Starts a simulator with extra flags (`--payment-timeout 1`, ...).
pub async fn sim_with(flags: &[&str]) -> Sim {
    let mut args = vec!["vipps-sim", "--listen", "127.0.0.1:0"];
    args.extend_from_slice(flags);
    let running = vipps_sim::spawn(Config::parse_from(args))
        .await
        .expect("simulator starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut sim = Sim {
        base: running.base_url,
        http,
        token: String::new(),
        state: running.state,
    };
    sim.token = sim.access_token().await;
    sim
}

pub async fn sim() -> Sim {
    sim_with(&[]).await
}

impl Sim {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn access_token(&self) -> String {
        let res = self
            .http
            .post(self.url("/accesstoken/get"))
            .header("client_id", "sim-client-id")
            .header("client_secret", "sim-client-secret")
            .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A request to the eCom API with every header a good client sends.
    pub fn api(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
            .header("Merchant-Serial-Number", MSN)
            .header("Vipps-System-Name", "vipps-sim-tests")
    }

    pub async fn initiate(&self, body: &Value) -> (StatusCode, Value) {
        let res = self
            .api(Method::POST, "/ecomm/v2/payments")
            .json(body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn details(&self, order_id: &str) -> Value {
        let res = self
            .api(Method::GET, &format!("/ecomm/v2/payments/{order_id}/details"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "details of {order_id}");
        res.json().await.unwrap()
    }

    /// Any call of the control API, through the test kit shops use
    /// ([`vipps_sim::testkit::Control`]).
    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        vipps_sim::testkit::Control::new(&self.base)
            .request(method, path, body)
            .await
    }

    /// Approves through the control API (answers after the callback was delivered).
    pub async fn approve(&self, order_id: &str, body: Value) -> Value {
        let (status, view) = self
            .control(Method::POST, &format!("/_sim/payments/{order_id}/approve"), Some(body))
            .await;
        assert_eq!(status, 200, "approve {order_id}: {view}");
        view
    }

    pub async fn modify(
        &self,
        method: Method,
        order_id: &str,
        op: &str,
        request_id: Option<&str>,
        body: Value,
    ) -> (StatusCode, Value) {
        let mut req = self
            .api(method, &format!("/ecomm/v2/payments/{order_id}/{op}"))
            .json(&body);
        if let Some(id) = request_id {
            req = req.header("X-Request-Id", id);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

/// The first error's code in a Vipps error array.
pub fn error_code(body: &Value) -> &str {
    body[0]["errorCode"].as_str().unwrap_or("<no error array>")
}

/// One request the merchant received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: Method,
    pub path_and_query: String,
    pub authorization: Option<String>,
    pub body: Value,
}

#[derive(Clone, Default)]
struct MerchantState {
    received: Arc<Mutex<Vec<Received>>>,
    shipping_reply: Arc<Mutex<Value>>,
    delay: Arc<Mutex<Duration>>,
    /// Answer every other request with this status (a failing endpoint).
    failing: Arc<Mutex<Option<StatusCode>>>,
}

/// The merchant side Vipps talks to: records every request; answers shipping requests
/// with the configured reply (with `{orderId}` and `{addressId}` echoed).
pub struct Merchant {
    pub base: String,
    state: MerchantState,
}

impl Merchant {
    pub async fn start() -> Merchant {
        let state = MerchantState::default();
        *state.shipping_reply.lock().unwrap() = json!([
            {"isDefault": "N", "priority": 2, "shippingCost": "49.00", "shippingMethod": "Hent i butikk", "shippingMethodId": "pickup"},
            {"isDefault": "Y", "priority": 1, "shippingCost": 99.0, "shippingMethod": "Posten Servicepakke", "shippingMethodId": "posten"},
            {"isDefault": "N", "priority": 3, "shippingCost": 149.5, "shippingMethod": "Helthjem", "shippingMethodId": "helthjem"}
        ]);
        let app = Router::new().fallback(record).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Merchant { base, state }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    pub fn set_shipping_methods(&self, reply: Value) {
        *self.state.shipping_reply.lock().unwrap() = reply;
    }

    /// Answers callbacks and webhooks with `status` from now on (`None`: 200 again).
    pub fn set_failing(&self, status: Option<StatusCode>) {
        *self.state.failing.lock().unwrap() = status;
    }

    pub fn set_delay(&self, delay: Duration) {
        *self.state.delay.lock().unwrap() = delay;
    }

    /// The callbacks received so far (POSTs whose path is not a shipping request).
    pub fn callbacks(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.method == Method::POST && !r.path_and_query.ends_with("/shippingDetails"))
            .collect()
    }

    /// Waits (bounded) until `n` callbacks have arrived.
    pub async fn wait_for_callbacks(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            let callbacks = self.callbacks();
            if callbacks.len() >= n {
                return callbacks;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("expected {n} callbacks, got {:?}", self.callbacks());
    }

    pub fn regular_payment(&self, order_id: &str, amount: i64) -> Value {
        json!({
            "customerInfo": {},
            "merchantInfo": {
                "merchantSerialNumber": MSN,
                "callbackPrefix": format!("{}/vipps/callbacks?tk=abc&callback=", self.base),
                "fallBack": format!("{}/return?orderId={order_id}", self.base),
                "authToken": "Basic VmlwcHM6c2VjcmV0"
            },
            "transaction": {"orderId": order_id, "amount": amount, "transactionText": "Ullsokker, 1 par"}
        })
    }

    /// An ePayment create for 499 kr, back to this merchant: what every ePayment test
    /// starts from.
    pub fn epayment_payment(&self, reference: &str) -> Value {
        json!({
            "reference": reference,
            "amount": {"currency": "NOK", "value": 49900},
            "paymentMethod": {"type": "WALLET"},
            "userFlow": "WEB_REDIRECT",
            "returnUrl": format!("{}/return?orderId={reference}", self.base),
            "paymentDescription": "Ullsokker",
        })
    }

    pub fn express_payment(&self, order_id: &str, amount: i64) -> Value {
        let mut body = self.regular_payment(order_id, amount);
        let info = &mut body["merchantInfo"];
        info["paymentType"] = json!("eComm Express Payment");
        info["shippingDetailsPrefix"] = json!(format!("{}/vipps/shipping", self.base));
        info["consentRemovalPrefix"] = json!(format!("{}/vipps/consents", self.base));
        body
    }
}

async fn record(
    State(state): State<MerchantState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let delay = *state.delay.lock().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path_and_query = uri.path_and_query().map(|p| p.to_string()).unwrap_or_default();
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    state.received.lock().unwrap().push(Received {
        method: method.clone(),
        path_and_query: path_and_query.clone(),
        authorization,
        body: body.clone(),
    });
    if path_and_query.ends_with("/shippingDetails") {
        let order_id = path_and_query.rsplit('/').nth(1).unwrap_or_default().to_string();
        let reply = json!({
            "addressId": body["addressId"],
            "orderId": order_id,
            "shippingDetails": state.shipping_reply.lock().unwrap().clone(),
        });
        return (StatusCode::OK, axum::Json(reply)).into_response();
    }
    // ePayment express's dynamic options: the groups set with `set_shipping_methods`.
    if path_and_query.ends_with("/express-options") {
        let reply = json!({"groups": state.shipping_reply.lock().unwrap().clone()});
        return (StatusCode::OK, axum::Json(reply)).into_response();
    }
    let failing = *state.failing.lock().unwrap();
    failing.unwrap_or(StatusCode::OK).into_response()
}
