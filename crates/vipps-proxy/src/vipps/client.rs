//! A Vipps client: access token cached until shortly before expiry, the
//! `Merchant-Serial-Number` and `Vipps-System-*` headers on every call, connect and read
//! timeouts, and only safe retries (reads; adjustments with the same `X-Request-Id` or
//! `Idempotency-Key`). The eCom v2 calls are here, the ePayment ones in `epayment.rs`;
//! [`VippsClient::modify`] is the staff's capture, refund and cancel on either.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::Mutex;

use super::api::Api;
use super::epayment::Adjustment;
use super::wire::{parse_errors, Details, InitiateResponse, TokenResponse, VippsErrorItem};

#[derive(Debug, Clone, PartialEq)]
pub enum VippsError {
    /// Vipps answered with an error status.
    Http { status: u16, errors: Vec<VippsErrorItem> },
    /// No answer: connection refused, reset, or timed out. The request may or may not
    /// have been processed.
    Unreachable(String),
    /// An answer that is not what the API promises.
    Decode(String),
}

impl VippsError {
    /// The first Vipps error code (`"81"`, `"35"`, a field name ...).
    pub fn code(&self) -> Option<String> {
        match self {
            VippsError::Http { errors, .. } => errors.first().map(VippsErrorItem::code),
            _ => None,
        }
    }

    /// An ePayment problem's `type` and `traceId`, when Vipps sent them.
    pub fn problem(&self) -> (Option<String>, Option<String>) {
        match self {
            VippsError::Http { errors, .. } => errors
                .first()
                .map(|e| (e.problem_type.clone(), e.trace_id.clone()))
                .unwrap_or_default(),
            _ => (None, None),
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            VippsError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Worth retrying with the same request: no answer, 5xx, or 429.
    pub fn is_transient(&self) -> bool {
        match self {
            VippsError::Unreachable(_) => true,
            VippsError::Http { status, .. } => *status >= 500 || *status == 429,
            VippsError::Decode(_) => false,
        }
    }
}

impl std::fmt::Display for VippsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VippsError::Http { status, errors } => {
                write!(f, "Vipps answered HTTP {status}")?;
                for e in errors {
                    write!(f, " [{} {}: {}", e.error_group, e.code(), e.error_message)?;
                    if let Some(t) = &e.problem_type {
                        write!(f, "; type {t}")?;
                    }
                    if let Some(t) = &e.trace_id {
                        write!(f, "; traceId {t}")?;
                    }
                    write!(f, "]")?;
                }
                Ok(())
            }
            VippsError::Unreachable(why) => write!(f, "Vipps could not be reached: {why}"),
            VippsError::Decode(why) => write!(f, "unexpected answer from Vipps: {why}"),
        }
    }
}

pub struct Credentials {
    pub client_id: String,
    pub client_secret: String,
    pub subscription_key: String,
    pub msn: String,
}

pub struct VippsClient {
    http: reqwest::Client,
    base: String,
    credentials: Credentials,
    token: Mutex<Option<(String, Instant)>>,
    retry_pause: Duration,
    api: Api,
}

/// What staff do to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modification {
    Capture,
    Refund,
    /// Cancel; on eCom, `release_remaining` after a partial capture; on ePayment,
    /// `transaction_only` cancels only a payment nobody approved yet
    /// (`cancelTransactionOnly`: an authorization that raced in stays reserved).
    Cancel {
        release_remaining: bool,
        transaction_only: bool,
    },
}

/// Decodes an answer into the type the API promises.
pub(super) fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, VippsError> {
    serde_json::from_value(value).map_err(|e| VippsError::Decode(e.to_string()))
}

const SYSTEM_NAME: &str = "vipps-proxy";
const PLUGIN_NAME: &str = "vipps-checkout";

impl VippsClient {
    pub fn new(base: &str, credentials: Credentials, api: Api) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("vipps-proxy/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds");
        VippsClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            credentials,
            token: Mutex::new(None),
            retry_pause: Duration::from_millis(300),
            api,
        }
    }

    pub fn api(&self) -> Api {
        self.api
    }

    /// Asks Vipps for a fresh access token: whether it takes the keys.
    pub async fn check_keys(&self) -> Result<(), VippsError> {
        self.access_token(true).await.map(|_| ())
    }

    async fn access_token(&self, force: bool) -> Result<String, VippsError> {
        let mut cached = self.token.lock().await;
        if let (false, Some((token, valid_until))) = (force, cached.as_ref()) {
            if Instant::now() < *valid_until {
                return Ok(token.clone());
            }
        }
        let c = &self.credentials;
        let response = self
            .http
            .post(format!("{}/accesstoken/get", self.base))
            .header("client_id", &c.client_id)
            .header("client_secret", &c.client_secret)
            .header("Ocp-Apim-Subscription-Key", &c.subscription_key)
            .header("Merchant-Serial-Number", &c.msn)
            .header("Vipps-System-Name", SYSTEM_NAME)
            .header("Vipps-System-Version", env!("CARGO_PKG_VERSION"))
            .header("Vipps-System-Plugin-Name", PLUGIN_NAME)
            .header("Vipps-System-Plugin-Version", env!("CARGO_PKG_VERSION"))
            .send()
            .await
            .map_err(unreachable)?;
        let body = read(response).await?;
        let token: TokenResponse = serde_json::from_value(body).map_err(|e| VippsError::Decode(e.to_string()))?;
        // Renew a little before Vipps says it expires.
        let lifetime = token.expires_in.max(0) as u64;
        let margin = (lifetime / 10).min(300);
        let valid_until = Instant::now() + Duration::from_secs(lifetime - margin);
        *cached = Some((token.access_token.clone(), valid_until));
        Ok(token.access_token)
    }

    /// One call with the current token; a 401 renews the token and tries once more
    /// (401 means the request was not processed).
    pub(super) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        request_id: Option<&str>,
    ) -> Result<Value, VippsError> {
        self.call_as(method, path, body, request_id, true).await
    }

    /// [`call`](Self::call), with or without the subscription key (Userinfo refuses it).
    async fn call_as(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        request_id: Option<&str>,
        with_subscription_key: bool,
    ) -> Result<Value, VippsError> {
        let mut force = false;
        loop {
            let token = self.access_token(force).await?;
            let c = &self.credentials;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(&token);
            if with_subscription_key {
                request = request.header("Ocp-Apim-Subscription-Key", &c.subscription_key);
            }
            request = request
                .header("Merchant-Serial-Number", &c.msn)
                .header("Vipps-System-Name", SYSTEM_NAME)
                .header("Vipps-System-Version", env!("CARGO_PKG_VERSION"))
                .header("Vipps-System-Plugin-Name", PLUGIN_NAME)
                .header("Vipps-System-Plugin-Version", env!("CARGO_PKG_VERSION"));
            if let Some(id) = request_id {
                request = request.header(self.api.idempotency_header(), id);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let result = match request.send().await {
                Ok(response) => read(response).await,
                Err(e) => Err(unreachable(e)),
            };
            match result {
                Err(VippsError::Http { status: 401, .. }) if !force => force = true,
                other => return other,
            }
        }
    }

    /// Retries a call that is safe to repeat, twice, on transient errors.
    pub(super) async fn call_with_retries(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        request_id: Option<&str>,
    ) -> Result<Value, VippsError> {
        let mut attempt = 0;
        loop {
            match self.call(method.clone(), path, body, request_id).await {
                Err(e) if e.is_transient() && attempt < 2 => {
                    attempt += 1;
                    tracing::warn!(%path, attempt, error = %e, "retrying a safe Vipps call");
                    tokio::time::sleep(self.retry_pause * attempt).await;
                }
                other => return other,
            }
        }
    }

    /// `POST /ecomm/v2/payments`. Never retried: initiate is not idempotent.
    pub async fn initiate(&self, body: &Value) -> Result<InitiateResponse, VippsError> {
        let value = self.call(Method::POST, "/ecomm/v2/payments", Some(body), None).await?;
        serde_json::from_value(value).map_err(|e| VippsError::Decode(e.to_string()))
    }

    pub async fn details(&self, order_id: &str) -> Result<Details, VippsError> {
        let value = self
            .call_with_retries(
                Method::GET,
                &format!("/ecomm/v2/payments/{order_id}/details"),
                None,
                None,
            )
            .await?;
        serde_json::from_value(value).map_err(|e| VippsError::Decode(e.to_string()))
    }

    /// `GET /vipps-userinfo-api/userinfo/{sub}`: what the shopper consented to share with
    /// a `scope` payment (OIDC claims). Without the subscription key, as Vipps requires.
    pub async fn userinfo(&self, sub: &str) -> Result<Value, VippsError> {
        let sub: String = url::form_urlencoded::byte_serialize(sub.as_bytes()).collect();
        self.call_as(
            Method::GET,
            &format!("/vipps-userinfo-api/userinfo/{sub}"),
            None,
            None,
            false,
        )
        .await
    }

    fn modification(&self, amount: Option<i64>, text: &str) -> Value {
        let mut transaction = json!({ "transactionText": text });
        if let Some(amount) = amount {
            transaction["amount"] = json!(amount);
        }
        json!({ "merchantInfo": { "merchantSerialNumber": self.credentials.msn }, "transaction": transaction })
    }

    /// Capture or refund (`amount` None: all that is left), retried with the same
    /// `X-Request-Id`, so Vipps applies it once.
    async fn capture_or_refund(
        &self,
        op: &str,
        order_id: &str,
        amount: Option<i64>,
        text: &str,
        request_id: &str,
    ) -> Result<Value, VippsError> {
        let body = self.modification(amount, text);
        let path = format!("/ecomm/v2/payments/{order_id}/{op}");
        self.call_with_retries(Method::POST, &path, Some(&body), Some(request_id))
            .await
    }

    pub async fn capture(
        &self,
        order_id: &str,
        amount: Option<i64>,
        text: &str,
        request_id: &str,
    ) -> Result<Value, VippsError> {
        self.capture_or_refund("capture", order_id, amount, text, request_id)
            .await
    }

    pub async fn refund(
        &self,
        order_id: &str,
        amount: Option<i64>,
        text: &str,
        request_id: &str,
    ) -> Result<Value, VippsError> {
        self.capture_or_refund("refund", order_id, amount, text, request_id)
            .await
    }

    /// Cancel (void after reservation). Retried with the same `X-Request-Id`.
    pub async fn cancel(
        &self,
        order_id: &str,
        text: &str,
        release_remaining: bool,
        request_id: &str,
    ) -> Result<Value, VippsError> {
        let mut body = self.modification(None, text);
        body["shouldReleaseRemainingFunds"] = json!(release_remaining);
        self.call_with_retries(
            Method::PUT,
            &format!("/ecomm/v2/payments/{order_id}/cancel"),
            Some(&body),
            Some(request_id),
        )
        .await
    }
}

impl VippsClient {
    /// Capture or refund `amount` of `currency` (`None`: all that is left), or cancel,
    /// once per `request_id`, on whichever API the backend speaks. `text` is eCom's
    /// transaction text (ePayment has none).
    pub async fn modify(
        &self,
        order_id: &str,
        what: Modification,
        amount: Option<i64>,
        currency: &str,
        text: &str,
        request_id: &str,
    ) -> Result<Value, VippsError> {
        match (self.api, what) {
            (Api::Ecom, Modification::Capture) => self.capture(order_id, amount, text, request_id).await,
            (Api::Ecom, Modification::Refund) => self.refund(order_id, amount, text, request_id).await,
            (Api::Ecom, Modification::Cancel { release_remaining, .. }) => {
                self.cancel(order_id, text, release_remaining, request_id).await
            }
            (Api::Epayment, Modification::Cancel { transaction_only, .. }) => {
                let op = if transaction_only {
                    Adjustment::CancelTransactionOnly
                } else {
                    Adjustment::Cancel
                };
                self.adjust(order_id, op, None, request_id).await
            }
            (Api::Epayment, capture_or_refund) => {
                let op = if capture_or_refund == Modification::Capture {
                    Adjustment::Capture
                } else {
                    Adjustment::Refund
                };
                let value = match amount {
                    Some(value) => value,
                    None => {
                        let a = self.payment(order_id).await?.aggregate;
                        match op {
                            Adjustment::Capture => {
                                a.authorized_amount.value - a.captured_amount.value - a.cancelled_amount.value
                            }
                            _ => a.captured_amount.value - a.refunded_amount.value,
                        }
                    }
                };
                self.adjust(order_id, op, Some((currency, value)), request_id).await
            }
        }
    }
}

fn unreachable(e: reqwest::Error) -> VippsError {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    VippsError::Unreachable(kind.to_string())
}

async fn read(response: reqwest::Response) -> Result<Value, VippsError> {
    let status = response.status();
    let bytes = response.bytes().await.map_err(unreachable)?;
    let body: Value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    };
    if status.is_success() {
        Ok(body)
    } else {
        Err(VippsError::Http {
            status: status.as_u16(),
            errors: parse_errors(&body),
        })
    }
}
