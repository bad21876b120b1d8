//! Load test: N concurrent pollers, each polling `/details` of its own payment every
//! `interval` for `duration`, as a shop's return pages would. Reports errors and latency.
//! Not a test with timed assertions: run it (`make load`) and read the report.
//!
//! cargo run --release -p vipps-sim --example load -- BASE_URL [POLLERS] [SECONDS] [INTERVAL_MS]

use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args.get(1).cloned().unwrap_or_else(|| "http://127.0.0.1:8081".into());
    let pollers: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(30);
    let interval = Duration::from_millis(args.get(4).and_then(|s| s.parse().ok()).unwrap_or(2000));

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(pollers)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let token: Value = http
        .post(format!("{base}/accesstoken/get"))
        .header("client_id", "sim-client-id")
        .header("client_secret", "sim-client-secret")
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
        .send()
        .await
        .expect("the simulator answers")
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let run = std::process::id();

    println!("creating {pollers} payments ...");
    let started = Instant::now();
    let mut creates = Vec::new();
    for i in 0..pollers {
        let (http, base, bearer) = (http.clone(), base.clone(), bearer.clone());
        creates.push(tokio::spawn(async move {
            let order_id = format!("load-{run}-order-{i:05}");
            let body = json!({
                "customerInfo": {},
                "merchantInfo": {"merchantSerialNumber": "123456", "callbackPrefix": "http://127.0.0.1:9/cb",
                                 "fallBack": "http://127.0.0.1:9/return"},
                "transaction": {"orderId": order_id, "amount": 19900, "transactionText": "Load test"}
            });
            let res = http
                .post(format!("{base}/ecomm/v2/payments"))
                .header("Authorization", &bearer)
                .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
                .json(&body)
                .send()
                .await;
            match res {
                Ok(r) if r.status().is_success() => Ok(order_id),
                Ok(r) => Err(format!("initiate {}", r.status())),
                Err(e) => Err(format!("initiate: {e}")),
            }
        }));
    }
    let mut order_ids = Vec::new();
    for c in creates {
        match c.await.unwrap() {
            Ok(id) => order_ids.push(id),
            Err(e) => eprintln!("{e}"),
        }
    }
    println!("created {} payments in {:.2?}", order_ids.len(), started.elapsed());

    println!("{pollers} pollers, one request every {interval:?} each, for {seconds} s ...");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (i, order_id) in order_ids.into_iter().enumerate() {
        let (http, base, bearer) = (http.clone(), base.clone(), bearer.clone());
        tasks.push(tokio::spawn(async move {
            // Spread the pollers over the first interval, as real page loads would be.
            tokio::time::sleep(interval.mul_f64(i as f64 / pollers as f64)).await;
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let res = http
                    .get(format!("{base}/ecomm/v2/payments/{order_id}/details"))
                    .header("Authorization", &bearer)
                    .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push(t.elapsed());
                    }
                    Ok(r) => errors.push(format!("HTTP {}", r.status())),
                    Err(e) => errors.push(format!("{e}")),
                }
                tokio::time::sleep(interval.saturating_sub(t.elapsed())).await;
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = Vec::new();
    for t in tasks {
        let (l, e) = t.await.unwrap();
        latencies.extend(l);
        errors.extend(e);
    }
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!("requests ok: {}  errors: {}", latencies.len(), errors.len());
    println!(
        "latency p50 {:.2?}  p95 {:.2?}  p99 {:.2?}  max {:.2?}",
        pct(0.50),
        pct(0.95),
        pct(0.99),
        latencies.last().copied().unwrap_or_default()
    );
    errors.sort();
    errors.dedup();
    for e in errors.iter().take(10) {
        println!("  error: {e}");
    }
    if !errors.is_empty() {
        std::process::exit(1);
    }
}
