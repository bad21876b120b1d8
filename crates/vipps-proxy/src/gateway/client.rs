//! The HTTP under both gateways: access token cached until shortly before expiry, the
//! `Merchant-Serial-Number` and `Vipps-System-*` headers on every call, connect and read
//! timeouts, and only safe retries (reads; adjustments with the same `X-Request-Id` or
//! `Idempotency-Key`). The calls both APIs share are here too: the keys, Userinfo.
//! Each API's own calls are in its gateway (`ecom/`, `epayment/`).

use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;

use super::api::Api;
use super::error::{parse_errors, VippsError};
use super::lenient::lenient_i64;

#[derive(Debug, Clone, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(deserialize_with = "lenient_i64")]
    pub expires_in: i64,
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

/// Decodes an answer into the type the API promises.
pub fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, VippsError> {
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

    /// The headers every call carries: the sales unit and the `Vipps-System-*` four.
    fn identified(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request
            .header("Merchant-Serial-Number", &self.credentials.msn)
            .header("Vipps-System-Name", SYSTEM_NAME)
            .header("Vipps-System-Version", env!("CARGO_PKG_VERSION"))
            .header("Vipps-System-Plugin-Name", PLUGIN_NAME)
            .header("Vipps-System-Plugin-Version", env!("CARGO_PKG_VERSION"))
    }

    /// Which API the client speaks: only [`super::for_api`] asks.
    pub(super) fn api(&self) -> Api {
        self.api
    }

    /// The sales unit the keys belong to.
    pub fn msn(&self) -> &str {
        &self.credentials.msn
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
        let request = self
            .http
            .post(format!("{}/accesstoken/get", self.base))
            .header("client_id", &c.client_id)
            .header("client_secret", &c.client_secret)
            .header("Ocp-Apim-Subscription-Key", &c.subscription_key);
        let response = self.identified(request).send().await.map_err(unreachable)?;
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
    pub async fn call(
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
            request = self.identified(request);
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
    pub async fn call_with_retries(
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_expiry_may_be_a_string_or_a_number() {
        let a: TokenResponse = serde_json::from_value(json!({"access_token": "x", "expires_in": "86398"})).unwrap();
        let b: TokenResponse = serde_json::from_value(json!({"access_token": "x", "expires_in": 3600})).unwrap();
        assert_eq!((a.expires_in, b.expires_in), (86398, 3600));
    }
}
