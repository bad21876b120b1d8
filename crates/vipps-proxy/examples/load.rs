//! Load benchmark of the backend itself (`make load-proxy`): ORDERS open payments, each
//! watched by POLLERS / ORDERS return pages polling `GET /api/vipps/payments/{id}` every
//! 2 s for SECONDS, as a campaign's shoppers would; then a minute of payment starts with
//! every click retried (same Idempotency-Key). Reports errors, latency, throughput and
//! how many `/details` calls reached Vipps per order per 2 s. A report, never a test.
//!
//! PROXY may list several instances sharing one store (`http://a,http://b,http://c`): the
//! load is spread round-robin, as a load balancer would, and a retried click goes to the
//! next instance, not the one that took the first.
//!
//! cargo run --release -p vipps-proxy --example load -- PROXY SIM [ORDERS] [POLLERS] [SECONDS] [STARTS_PER_MIN]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn arg<T: std::str::FromStr>(args: &[String], i: usize, default: T) -> T {
    args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted
        .get(((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

async fn start(http: &reqwest::Client, proxy: &str, key: &str) -> Result<Value, String> {
    let res = http
        .post(format!("{proxy}/api/vipps/payments"))
        .header("Idempotency-Key", key)
        .json(&json!({"payload": {"items": [{"sku": "socks", "qty": 1}]}}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    match res.status().as_u16() {
        201 => res.json().await.map_err(|e| e.to_string()),
        409 => Ok(Value::Null), // the same click still in progress: a retry would follow
        s => Err(format!("start: HTTP {s}")),
    }
}

/// The simulator's ledger: how many payments it holds, and `/details` calls in all.
async fn ledger(sim: &str) -> (usize, u64) {
    let payments = vipps_sim::testkit::Control::new(sim).payments().await.unwrap();
    let details = payments
        .iter()
        .map(|p| p["apiCalls"]["details"].as_u64().unwrap_or(0))
        .sum();
    (payments.len(), details)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let proxies: Vec<String> = arg(&args, 1, "http://127.0.0.1:8080".to_string())
        .split(',')
        .map(str::to_string)
        .collect();
    let instance = |i: usize| proxies[i % proxies.len()].clone();
    let sim = arg(&args, 2, "http://127.0.0.1:8081".to_string());
    let orders: usize = arg(&args, 3, 200);
    let pollers: usize = arg(&args, 4, 10_000);
    let seconds: u64 = arg(&args, 5, 60);
    let starts_per_min: u64 = arg(&args, 6, 1000);
    let interval = Duration::from_secs(2);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(pollers)
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let run = std::process::id();

    println!("starting {orders} payments ...");
    let mut open = Vec::new();
    for i in 0..orders {
        match start(&http, &instance(i), &format!("load-{run}-open-{i}")).await {
            Ok(created) if !created.is_null() => open.push((
                created["orderId"].as_str().unwrap().to_string(),
                created["statusToken"].as_str().unwrap().to_string(),
            )),
            other => panic!("could not start payment {i}: {other:?}"),
        }
    }
    let (_, details_before) = ledger(&sim).await;

    println!(
        "{pollers} pollers over {orders} open orders on {} instance(s), one request every {interval:?} each, for {seconds} s ...",
        proxies.len()
    );
    let began = Instant::now();
    let deadline = began + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for i in 0..pollers {
        let (order_id, token) = open[i % open.len()].clone();
        // Pollers of one order reach every instance.
        let (http, proxy) = (http.clone(), instance(i / open.len()));
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(interval.mul_f64(i as f64 / pollers as f64)).await;
            let (mut latencies, mut errors) = (Vec::new(), Vec::new());
            let url = format!("{proxy}/api/vipps/payments/{order_id}?t={token}");
            while Instant::now() < deadline {
                let t = Instant::now();
                match http.get(&url).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push(t.elapsed());
                    }
                    Ok(r) => errors.push(format!("HTTP {}", r.status())),
                    Err(e) => errors.push(e.to_string()),
                }
                tokio::time::sleep(interval.saturating_sub(t.elapsed())).await;
            }
            (latencies, errors)
        }));
    }
    let (mut latencies, mut errors) = (Vec::new(), Vec::new());
    for t in tasks {
        let (l, e) = t.await.unwrap();
        latencies.extend(l);
        errors.extend(e);
    }
    let elapsed = began.elapsed().as_secs_f64();
    latencies.sort();
    let (payments_after, details_after) = ledger(&sim).await;
    let per_order_per_2s = (details_after - details_before) as f64 / orders as f64 / (elapsed / 2.0);
    println!(
        "polls ok: {}  errors: {}  ({:.0} requests/s)",
        latencies.len(),
        errors.len(),
        latencies.len() as f64 / elapsed
    );
    println!(
        "latency p50 {:.2?}  p95 {:.2?}  p99 {:.2?}  max {:.2?}",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.95),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default()
    );
    println!("upstream /details calls per order per 2 s: {per_order_per_2s:.2} (goal: at most 1)");

    if starts_per_min > 0 {
        println!("{starts_per_min} payment starts a minute for 60 s, every click sent twice ...");
        let pause = Duration::from_secs_f64(60.0 / starts_per_min as f64);
        let before = payments_after;
        let began = Instant::now();
        let mut clicks = Vec::new();
        let mut keys = HashSet::new();
        for i in 0..starts_per_min {
            let key = format!("load-{run}-click-{i}");
            keys.insert(key.clone());
            let (http, first_at, again_at) = (http.clone(), instance(i as usize), instance(i as usize + 1));
            clicks.push(tokio::spawn(async move {
                let first = start(&http, &first_at, &key).await;
                let again = start(&http, &again_at, &key).await;
                (first, again)
            }));
            tokio::time::sleep((pause * (i as u32 + 1)).saturating_sub(began.elapsed())).await;
        }
        let mut failed = Vec::new();
        for c in clicks {
            let (a, b) = c.await.unwrap();
            failed.extend(a.err());
            failed.extend(b.err());
        }
        let made = ledger(&sim).await.0 - before;
        println!(
            "distinct clicks: {}  payments at the simulator: {made}  failed requests: {}",
            keys.len(),
            failed.len()
        );
        failed.sort();
        failed.dedup();
        for e in failed.iter().take(5) {
            println!("  error: {e}");
        }
        if made != keys.len() {
            println!("  MISMATCH: every click must make exactly one payment");
            std::process::exit(1);
        }
    }
    errors.sort();
    errors.dedup();
    for e in errors.iter().take(10) {
        println!("  error: {e}");
    }
    if !errors.is_empty() {
        std::process::exit(1);
    }
}
