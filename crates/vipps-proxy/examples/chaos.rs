//! Faults, reported by `make chaos` (a report with a verdict per run, never a timed test).
//!
//! Each run, from its seed: two backend instances (release binaries, as processes) on one
//! fresh PostgreSQL database of a throwaway cluster, and a fresh simulator that injects
//! 5xx answers, latency and dropped callbacks. Shoppers click (each click retried with
//! its key, on the other instance when one does not answer), then approve, reject or
//! walk away; one instance is killed with SIGKILL mid-run and restarted. Then walked-away
//! payments time out at Vipps, and the run waits for the backends to settle. Checked:
//! - no acknowledged order is missing from the store;
//! - every order's final state equals what the simulator's ledger says (an order Vipps
//!   never saw is failed, or still pending if its instance died before answering);
//! - every payment at the simulator is an order of the store (none the shop cannot see);
//! - no click made two payments, and every click's answers name one order.
//!
//! With `CHAOS_API=epayment` the backends speak ePayment: news comes by webhooks (some
//! dropped), and a create's answer may be lost after Vipps made the payment (the backend
//! retries it with its key: still one payment).
//!
//! cargo run --release -p vipps-proxy --example chaos -- [RUNS] [FIRST_SEED]
//! CHAOS_SEEDS=7,31 replays those seeds. Exits 1 if any run failed, printing its seed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use vipps_proxy::db::{Db, Location};
use vipps_sim::testkit::Control;

/// How long a run waits for the backends to agree with the simulator.
const SETTLE: Duration = Duration::from_secs(25);

/// What the shopper does once a payment is started.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Choice {
    Approve,
    Reject,
    WalkAway,
}

/// What one click got: every order id any answer named, and whether it was acknowledged.
#[derive(Debug, Default)]
struct Click {
    orders: BTreeSet<String>,
    acknowledged: Option<String>,
}

struct Instance {
    port: u16,
    child: Option<Child>,
}

fn proxy_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("VIPPS_PROXY_BIN") {
        return p.into();
    }
    let exe = std::env::current_exe().expect("own path");
    // target/release/examples/chaos -> target/release/vipps-proxy
    exe.parent()
        .and_then(|p| p.parent())
        .expect("in target/")
        .join("vipps-proxy")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The Vipps API the backends speak (`CHAOS_API`, default eCom).
fn api() -> String {
    std::env::var("CHAOS_API").unwrap_or_else(|_| "ecom".into())
}

fn launch(sim: &str, db: &str, port: u16, log: &std::path::Path) -> Child {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    Command::new(proxy_bin())
        .args(["--listen", &format!("127.0.0.1:{port}"), "--vipps-url", sim])
        .args(["--api", &api()])
        .args(["--client-id", "sim-client-id", "--client-secret", "sim-client-secret"])
        .args([
            "--subscription-key",
            "sim-subscription-key",
            "--msn",
            "123456",
            "--db",
            db,
        ])
        .args([
            "--order-prefix",
            "chaos",
            "--reconcile-every",
            "1",
            "--reconcile-after",
            "2",
        ])
        .args(["--payments-per-minute-per-client", "0", "--payments-per-minute", "0"])
        .args(["--polls-per-minute-per-client", "0", "--polls-per-minute", "0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("the proxy binary starts (cargo build --release -p vipps-proxy)")
}

async fn wait_up(http: &reqwest::Client, port: u16) -> bool {
    for _ in 0..200 {
        if http
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

/// The shopper's state for a payment the simulator holds.
fn expected(sim_state: &str) -> &'static str {
    match sim_state {
        "initiated" => "pending",
        "reserved" => "reserved",
        "captured" => "captured",
        "cancelled" | "voided" => "cancelled",
        "failed" => "failed",
        "expired" => "expired",
        _ => "?",
    }
}

/// One click: retried with its key until an instance acknowledges it, or given up.
async fn click(http: reqwest::Client, ports: Vec<u16>, key: String, first: usize) -> Click {
    let mut got = Click::default();
    for attempt in 0..10 {
        let port = ports[(first + attempt) % ports.len()];
        let res = http
            .post(format!("http://127.0.0.1:{port}/api/vipps/payments"))
            .header("Idempotency-Key", &key)
            .json(&json!({"payload": {"items": [{"sku": "socks", "qty": 1}]}}))
            .send()
            .await;
        if let Ok(res) = res {
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            if let Some(id) = body["orderId"].as_str() {
                got.orders.insert(id.to_string());
                if status == 201 {
                    got.acknowledged = Some(id.to_string());
                    return got;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    got
}

struct Run {
    seed: u64,
    clicks: usize,
    acknowledged: usize,
    faults: Vec<Value>,
    killed: String,
    settled_in: Duration,
    problems: Vec<String>,
}

async fn run(seed: u64, cluster: &pg_throwaway::Cluster, logs: &std::path::Path) -> Run {
    let mut rng = StdRng::seed_from_u64(seed);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let sim_url = vipps_sim::spawn(vipps_sim::Config::parse_from([
        "vipps-sim",
        "--listen",
        "127.0.0.1:0",
        "--no-rate-limits",
    ]))
    .await
    .unwrap()
    .base_url;
    let sim = Control::new(&sim_url);
    let db_url = cluster.fresh_database(&format!("chaos_{seed}")).unwrap();
    let log = logs.join(format!("seed-{seed}.log"));
    let mut instances: Vec<Instance> = (0..2)
        .map(|_| {
            let port = free_port();
            Instance {
                port,
                child: Some(launch(&sim_url, &db_url, port, &log)),
            }
        })
        .collect();
    for i in &instances {
        assert!(
            wait_up(&http, i.port).await,
            "seed {seed}: an instance did not start; see {}",
            log.display()
        );
    }
    let ports: Vec<u16> = instances.iter().map(|i| i.port).collect();

    // The simulator's faults for this run.
    let mut faults = Vec::new();
    faults.push(json!({"route": "details", "status": 503, "count": rng.gen_range(1..8)}));
    faults.push(json!({"route": "details", "latencyMs": rng.gen_range(50..400), "count": rng.gen_range(1..10)}));
    faults.push(json!({"route": "callback", "drop": true, "count": rng.gen_range(1..6)}));
    if rng.gen_bool(0.6) {
        faults.push(json!({"route": "initiate", "status": 500, "count": rng.gen_range(1..3)}));
    }
    if rng.gen_bool(0.6) {
        faults.push(json!({"route": "initiate", "latencyMs": rng.gen_range(100..800), "count": rng.gen_range(1..4)}));
    }
    if rng.gen_bool(0.3) {
        faults.push(json!({"route": "accessToken", "status": 503, "count": 1}));
    }
    // ePayment's create is keyed: a lost answer is retried into the same payment.
    if api() == "epayment" && rng.gen_bool(0.6) {
        faults.push(json!({"route": "initiate", "status": 502, "after": true, "count": rng.gen_range(1..3)}));
    }
    for f in &faults {
        sim.fault(f.clone()).await.unwrap();
    }

    // Shoppers: click, then after a while approve, reject, or walk away.
    let shoppers = rng.gen_range(8..16);
    let mut tasks = Vec::new();
    for i in 0..shoppers {
        let choice = match rng.gen_range(0..4) {
            0 | 1 => Choice::Approve,
            2 => Choice::Reject,
            _ => Choice::WalkAway,
        };
        let start_after = Duration::from_millis(rng.gen_range(0..2500));
        let think = Duration::from_millis(rng.gen_range(100..1500));
        let first = rng.gen_range(0..ports.len());
        let (http, ports, sim) = (http.clone(), ports.clone(), Control::new(&sim_url));
        let key = format!("chaos-{seed}-{i}");
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(start_after).await;
            let got = click(http.clone(), ports.clone(), key.clone(), first).await;
            if let Some(order_id) = &got.acknowledged {
                tokio::time::sleep(think).await;
                match choice {
                    Choice::Approve => drop(sim.approve(order_id, json!({})).await),
                    Choice::Reject => drop(sim.reject(order_id).await),
                    Choice::WalkAway => {}
                }
                // The return page polls a few times, on either instance.
                for (n, port) in ports.iter().cycle().take(4).enumerate() {
                    let _ = http
                        .get(format!("http://127.0.0.1:{port}/api/vipps/payments/{order_id}"))
                        .send()
                        .await;
                    tokio::time::sleep(Duration::from_millis(150 * n as u64)).await;
                }
            }
            (key, got)
        }));
    }

    // One instance killed with SIGKILL mid-run, restarted a moment later on its port.
    let victim = rng.gen_range(0..instances.len());
    let kill_at = Duration::from_millis(rng.gen_range(300..2500));
    let down_for = Duration::from_millis(rng.gen_range(200..1500));
    tokio::time::sleep(kill_at).await;
    let mut dead = instances[victim].child.take().unwrap();
    dead.kill().unwrap();
    dead.wait().unwrap();
    tokio::time::sleep(down_for).await;
    instances[victim].child = Some(launch(&sim_url, &db_url, instances[victim].port, &log));
    let restarted = wait_up(&http, instances[victim].port).await;
    let killed = format!("instance {victim} at {kill_at:.1?} for {down_for:.1?}");

    let mut clicks: BTreeMap<String, Click> = BTreeMap::new();
    for t in tasks {
        let (key, got) = t.await.unwrap();
        clicks.insert(key, got);
    }
    sim.clear_faults().await.unwrap();
    // Walked away: Vipps times the payment out (so does a payment whose click was never
    // answered). Approvals and rejections are done by now.
    for p in sim.payments().await.unwrap() {
        if p["state"] == "initiated" {
            let _ = sim.expire(p["orderId"].as_str().unwrap()).await;
        }
    }

    let db = Db::open(&db_url.parse::<Location>().unwrap()).await.unwrap();
    let began = Instant::now();
    let mut problems = check(&db, &sim, &clicks).await;
    while !problems.is_empty() && began.elapsed() < SETTLE {
        tokio::time::sleep(Duration::from_millis(500)).await;
        problems = check(&db, &sim, &clicks).await;
    }
    if !restarted {
        problems.push("the killed instance did not come back".into());
    }
    db.pool.close().await;
    for i in &mut instances {
        if let Some(mut c) = i.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
    let _ = cluster.psql(
        "postgres",
        &format!("DROP DATABASE IF EXISTS {}", db_url.rsplit('/').next().unwrap()),
    );
    Run {
        seed,
        clicks: clicks.len(),
        acknowledged: clicks.values().filter(|c| c.acknowledged.is_some()).count(),
        faults,
        killed,
        settled_in: began.elapsed(),
        problems,
    }
}

/// Everything that does not hold (yet): empty when the store and the ledger agree.
async fn check(db: &Db, sim: &Control, clicks: &BTreeMap<String, Click>) -> Vec<String> {
    let mut problems = Vec::new();
    let orders: BTreeMap<String, String> = db
        .orders(None, None, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.order_id, o.status.as_str().to_string()))
        .collect();
    let ledger: BTreeMap<String, String> = sim
        .payments()
        .await
        .unwrap()
        .into_iter()
        .map(|p| {
            (
                p["orderId"].as_str().unwrap().to_string(),
                p["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let acknowledged: BTreeSet<&String> = clicks.values().filter_map(|c| c.acknowledged.as_ref()).collect();
    for (key, c) in clicks {
        if c.orders.len() > 1 {
            problems.push(format!("click {key} was answered with several orders: {:?}", c.orders));
        }
    }
    if ledger.len() > clicks.len() {
        problems.push(format!(
            "{} payments at Vipps for {} clicks",
            ledger.len(),
            clicks.len()
        ));
    }
    for id in &acknowledged {
        if !orders.contains_key(*id) {
            problems.push(format!("acknowledged order {id} is missing from the store"));
        }
        if !ledger.contains_key(*id) {
            problems.push(format!("acknowledged order {id} is unknown to Vipps"));
        }
    }
    for (id, state) in &ledger {
        match orders.get(id) {
            None => problems.push(format!("Vipps holds {id} ({state}), the store does not")),
            Some(status) if status != expected(state) => {
                problems.push(format!("{id}: the store says {status}, Vipps says {state}"))
            }
            Some(_) => {}
        }
    }
    for (id, status) in &orders {
        if ledger.contains_key(id) {
            continue;
        }
        let fine = status == "failed" || (status == "pending" && !acknowledged.contains(id));
        if !fine {
            problems.push(format!("{id} is {status} in the store but Vipps never saw it"));
        }
    }
    problems
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    let first: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let seeds: Vec<u64> = match std::env::var("CHAOS_SEEDS") {
        Ok(list) if !list.trim().is_empty() => list.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        _ => (first..first + runs).collect(),
    };
    let cluster = Arc::new(pg_throwaway::Cluster::start(&[("fsync", "off")]).expect("a throwaway PostgreSQL cluster"));
    let logs = std::env::temp_dir().join(format!("vipps-chaos-{}", std::process::id()));
    std::fs::create_dir_all(&logs).unwrap();
    println!(
        "{} chaos runs ({}): 2 instances on one PostgreSQL, simulator faults, one kill -9 each (logs in {})",
        seeds.len(),
        api(),
        logs.display()
    );
    let began = Instant::now();
    let mut failed = Vec::new();
    for seed in &seeds {
        let r = run(*seed, &cluster, &logs).await;
        let faults: Vec<String> = r
            .faults
            .iter()
            .map(|f| {
                let what = f
                    .get("status")
                    .map(|s| s.to_string())
                    .or_else(|| f.get("latencyMs").map(|l| format!("+{l}ms")))
                    .unwrap_or_else(|| "drop".into());
                let lost = if f["after"] == true { "(after)" } else { "" };
                format!("{}:{what}{lost}x{}", f["route"].as_str().unwrap_or("?"), f["count"])
            })
            .collect();
        let verdict = if r.problems.is_empty() { "ok" } else { "FAILED" };
        println!(
            "seed {:>3}: {verdict:6} {:>2} clicks, {:>2} acknowledged, killed {}, settled in {:.1?}; faults {}",
            r.seed,
            r.clicks,
            r.acknowledged,
            r.killed,
            r.settled_in,
            faults.join(" ")
        );
        for p in r.problems.iter().take(8) {
            println!("          {p}");
        }
        if !r.problems.is_empty() {
            failed.push(r.seed);
        }
    }
    println!(
        "{} runs in {:.0?}: {} failed",
        seeds.len(),
        began.elapsed(),
        failed.len()
    );
    if !failed.is_empty() {
        let list: Vec<String> = failed.iter().map(u64::to_string).collect();
        println!("replay: CHAOS_SEEDS={} make chaos", list.join(","));
        std::process::exit(1);
    }
    let _ = std::fs::remove_dir_all(&logs);
}
