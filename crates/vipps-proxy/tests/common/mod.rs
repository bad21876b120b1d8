//! Test harness: a vipps-sim and a vipps-proxy pointed at it, both on ephemeral ports,
//! talking real HTTP; the proxy's store fresh for each stack: a SQLite file in a new
//! temporary folder, or with `VIPPS_TEST_DB=postgres` a new database on a throwaway
//! PostgreSQL cluster (`pg-throwaway`, one per test binary).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use clap::Parser;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const ADMIN: &str = "staff-secret-token-of-32-characters";

pub struct Stack {
    pub sim: String,
    pub proxy: String,
    pub http: reqwest::Client,
    pub dir: PathBuf,
    /// The proxy's `--db`.
    pub db: String,
    pub proxy_app: vipps_proxy::App,
}

/// An ePayment gateway to the stack's simulator with the default store's keys: a test
/// acting at Vipps as the backend would (its webhook registrations).
pub fn epayment_gateway(sim: &str) -> vipps_proxy::gateway::epayment::EpaymentGateway {
    vipps_proxy::gateway::epayment::EpaymentGateway::new(vipps_proxy::gateway::VippsClient::new(
        sim,
        vipps_proxy::gateway::client::Credentials {
            client_id: "sim-client-id".into(),
            client_secret: "sim-client-secret".into(),
            subscription_key: "sim-subscription-key".into(),
            msn: "123456".into(),
        },
        vipps_proxy::gateway::Api::Epayment,
    ))
}

/// Whether this run's stores are PostgreSQL (`VIPPS_TEST_DB=postgres`) or SQLite.
pub fn postgres() -> bool {
    std::env::var("VIPPS_TEST_DB").is_ok_and(|v| v == "postgres")
}

/// A new, empty store for one proxy (or several sharing it): its `--db` value.
pub fn fresh_db(dir: &Path) -> String {
    if postgres() {
        pg_throwaway::shared()
            .fresh_database("proxy")
            .expect("a database on the throwaway cluster")
    } else {
        dir.join("orders.db").to_string_lossy().into_owned()
    }
}

/// Everything the store holds, as bytes to search for personal data: SQLite's file and
/// its write-ahead log, or on PostgreSQL every row of every table as text (its files are
/// the server's; old row versions are its vacuum's business).
pub async fn stored_bytes(s: &Stack) -> (Vec<u8>, Vec<u8>) {
    if !postgres() {
        let file = std::fs::read(s.dir.join("orders.db")).unwrap();
        let wal = std::fs::read(s.dir.join("orders.db-wal")).unwrap_or_default();
        return (file, wal);
    }
    let mut rows = Vec::new();
    for table in [
        "settings",
        "orders",
        "order_events",
        "idempotency_keys",
        "callbacks",
        "staff_sessions",
        "leases",
    ] {
        let text: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM {table} t"))
            .fetch_all(&s.proxy_app.db.pool)
            .await
            .unwrap();
        rows.extend(text);
    }
    (rows.join("\n").into_bytes(), Vec::new())
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "vipps-proxy-test-{name}-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Unique within the test process (a counter) and across runs (the clock): two stacks
/// started at the same instant must never share a folder and its store.
fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let clock = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 % 1_000_000_007;
    clock * 1_000 + NEXT.fetch_add(1, Ordering::Relaxed) % 1_000
}

pub async fn start_sim(flags: &[&str]) -> String {
    let mut args = vec![
        "vipps-sim",
        "--listen",
        "127.0.0.1:0",
        "--merchant-name",
        "Nordlys Strikk",
    ];
    args.extend_from_slice(flags);
    vipps_sim::spawn(vipps_sim::Config::parse_from(args))
        .await
        .unwrap()
        .base_url
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The proxy binary as a process; killed and waited for when dropped.
pub struct Proxy(pub Child);

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the proxy binary on `port`, its output to `log` (or nowhere), with debug logs.
pub async fn launch(sim: &str, db: &str, port: u16, log: Option<&Path>) -> Proxy {
    launch_with(sim, db, port, log, &[]).await
}

/// [`launch`] with extra flags; a flag the defaults set already (`--admin-token`, ...)
/// replaces the default.
pub async fn launch_with(sim: &str, db: &str, port: u16, log: Option<&Path>, flags: &[&str]) -> Proxy {
    let mut args = proxy_args(sim, db);
    for flag in flags.iter().filter(|f| f.starts_with("--")) {
        if let Some(at) = args.iter().position(|a| a == flag) {
            args.drain(at..at + 2);
        }
    }
    args.extend(flags.iter().map(|f| f.to_string()));
    let at = args.iter().position(|a| a == "--listen").unwrap();
    args[at + 1] = format!("127.0.0.1:{port}");
    let output = || match log {
        Some(path) => Stdio::from(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .unwrap(),
        ),
        None => Stdio::null(),
    };
    // Wrapped at once, so that every path (a panic too) kills and waits for it.
    let proxy = Proxy(
        Command::new(env!("CARGO_BIN_EXE_vipps-proxy"))
            .args(&args[1..])
            .env("RUST_LOG", "debug")
            .stdout(output())
            .stderr(output())
            .spawn()
            .expect("the proxy binary starts"),
    );
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if http
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok()
        {
            return proxy;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the proxy did not come up");
}

pub fn proxy_args(sim: &str, db: &str) -> Vec<String> {
    [
        "vipps-proxy",
        "--listen",
        "127.0.0.1:0",
        "--vipps-url",
        sim,
        "--client-id",
        "sim-client-id",
        "--client-secret",
        "sim-client-secret",
        "--subscription-key",
        "sim-subscription-key",
        "--msn",
        "123456",
        "--db",
        db,
        "--admin-token",
        ADMIN,
        "--order-prefix",
        "nordlys",
        "--shop-name",
        "Nordlys Strikk",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// A stack with extra flags for the simulator and the proxy.
pub async fn stack_with(sim_flags: &[&str], proxy_flags: &[&str]) -> Stack {
    let sim = start_sim(sim_flags).await;
    let dir = temp_dir("stack");
    let db = fresh_db(&dir);
    let mut args = proxy_args(&sim, &db);
    args.extend(proxy_flags.iter().map(|s| s.to_string()));
    let running = vipps_proxy::spawn(vipps_proxy::Config::parse_from(args)).await.unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Stack {
        sim,
        proxy: running.base_url,
        http,
        dir,
        db,
        proxy_app: running.app,
    }
}

pub async fn stack() -> Stack {
    stack_with(&[], &[]).await
}

/// What one pair of socks costs: the demo catalogue's price (`www/catalogue.json`),
/// as the backend prices it.
pub fn socks_price() -> i64 {
    vipps_proxy::catalogue::Catalogue::demo()
        .price(&socks(1)["payload"])
        .expect("the demo catalogue sells socks")
        .total
}

/// The shipping a regular payment of one pair of socks includes: the demo shipping's
/// default method for their weight (Posten Servicepakke).
pub fn shipping_price() -> i64 {
    let cart = vipps_proxy::catalogue::Catalogue::demo()
        .price(&socks(1)["payload"])
        .expect("the demo catalogue sells socks");
    vipps_proxy::shipping::ShippingConfig::demo()
        .included(cart.total, cart.weight)
        .expect("the demo ships socks")
        .cost
}

pub fn socks(qty: i64) -> Value {
    json!({ "payload": { "items": [{ "sku": "socks", "qty": qty }] } })
}

pub fn new_key() -> String {
    format!("click-{}", rand_suffix())
}

impl Stack {
    pub async fn create(&self, key: Option<&str>, body: &Value) -> (StatusCode, Value) {
        let mut req = self.http.post(format!("{}/api/vipps/payments", self.proxy)).json(body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Starts a payment that must succeed; returns (orderId, statusToken, url).
    pub async fn start(&self, body: &Value) -> (String, String, String) {
        let (status, created) = self.create(Some(&new_key()), body).await;
        assert_eq!(status, 201, "{created}");
        (
            created["orderId"].as_str().unwrap().to_string(),
            created["statusToken"].as_str().unwrap().to_string(),
            created["url"].as_str().unwrap().to_string(),
        )
    }

    pub async fn status(&self, order_id: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut url = format!("{}/api/vipps/payments/{order_id}", self.proxy);
        if let Some(t) = token {
            url.push_str(&format!("?t={t}"));
        }
        let res = self.http.get(url).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// The shopper withdraws the payment (`POST …/cancel`), with its status token or none.
    pub async fn withdraw(&self, order_id: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut url = format!("{}/api/vipps/payments/{order_id}/cancel", self.proxy);
        if let Some(t) = token {
            url.push_str(&format!("?t={t}"));
        }
        let res = self.http.post(url).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Polls the status endpoint (as the return page does) until `want` or a bound.
    pub async fn wait_for_status(&self, order_id: &str, token: &str, want: &str) -> Value {
        let mut last = Value::Null;
        for _ in 0..100 {
            let (code, body) = self.status(order_id, Some(token)).await;
            assert_eq!(code, 200, "{body}");
            if body["status"] == want {
                return body;
            }
            last = body;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("order {order_id} never became {want}; last: {last}");
    }

    /// Any call of the simulator's control API (through the test kit).
    pub async fn sim_control(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.control().request(method, path, body).await
    }

    /// The simulator's control API, through the test kit shops use too.
    pub fn control(&self) -> vipps_sim::testkit::Control {
        vipps_sim::testkit::Control::new(&self.sim)
    }

    /// Injects a simulator fault (`POST /_sim/faults`).
    pub async fn fault(&self, spec: Value) {
        self.control().fault(spec).await.expect("a fault the simulator takes");
    }

    /// The shopper acts in the simulated app: `approve` (with choices), `reject`,
    /// `fail`, `expire`, `remove-consent`. Returns the simulator's answer.
    pub async fn sim_act(&self, order_id: &str, action: &str, body: Option<Value>) -> (StatusCode, Value) {
        match self
            .control()
            .act(order_id, action, body.unwrap_or_else(|| json!({})))
            .await
        {
            Ok(v) => (StatusCode::OK, v),
            Err(e) => (StatusCode::from_u16(e.status.as_u16()).unwrap(), e.body),
        }
    }

    pub async fn sim_payment(&self, order_id: &str) -> Value {
        self.control()
            .payment(order_id)
            .await
            .expect("a payment the simulator knows")
    }

    /// The `authToken` the proxy keeps for an order: what it gives Vipps (eCom's
    /// `authToken`, ePayment's `callbackAuthorizationToken`) and Vipps sends back.
    pub async fn auth_token(&self, order_id: &str) -> String {
        let order = self.proxy_app.db.order(order_id).await.unwrap();
        order.expect("an order the backend knows").auth_token
    }

    pub async fn sim_payments(&self) -> Vec<Value> {
        self.control().payments().await.expect("the ledger")
    }

    /// `GET /api/vipps/admin/export.csv?{query}` with staff `token`: the status and the
    /// CSV text.
    pub async fn export_csv(&self, query: &str, token: &str) -> (StatusCode, String) {
        let res = self
            .http
            .get(format!("{}/api/vipps/admin/export.csv?{query}", self.proxy))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = res.status();
        if status == StatusCode::OK {
            assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        }
        (status, res.text().await.unwrap())
    }

    pub async fn admin(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/api/vipps/admin{path}", self.proxy))
            .bearer_auth(ADMIN);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

/// The default sales unit's ePayment webhook registration, once the backend has made it
/// (the reconciler does at start-up).
pub async fn registration(s: &Stack) -> vipps_proxy::db::registrations::Webhook {
    let url = format!("{}/api/vipps/webhooks/123456", s.proxy);
    for _ in 0..100 {
        if let Some(w) = s.proxy_app.db.webhook("123456", &url).await.unwrap() {
            return w;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the backend never registered for webhooks");
}

/// A delivery of `body` to the default unit's webhook URL, signed with `secret` as of
/// `at` as Vipps signs it, ready to send (and to send again).
pub fn signed_webhook(
    s: &Stack,
    secret: &str,
    body: &[u8],
    at: chrono::DateTime<chrono::Utc>,
) -> reqwest::RequestBuilder {
    let url = url::Url::parse(&format!("{}/api/vipps/webhooks/123456", s.proxy)).unwrap();
    let signed = vipps_sim::webhook_signature::sign(secret, &url, &vipps_sim::webhook_signature::http_date(at), body);
    s.http
        .post(url)
        .header("x-ms-date", signed.date)
        .header("x-ms-content-sha256", signed.content_sha256)
        .header("authorization", signed.authorization)
        .body(body.to_vec())
}

/// Starts a payment of one pair of socks on the backend at `base` (a launched binary);
/// the answer (`orderId`, `statusToken`, `url`).
pub async fn start_at(base: &str) -> Value {
    reqwest::Client::new()
        .post(format!("{base}/api/vipps/payments"))
        .header("Idempotency-Key", new_key())
        .json(&socks(1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
