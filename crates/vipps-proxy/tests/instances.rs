//! Several instances on one store (issue 12): what holds for one process holds for all of
//! them together. Run on SQLite and, with `VIPPS_TEST_DB=postgres`, on one PostgreSQL
//! database shared by every instance (the case this is for).

mod common;

use std::time::{Duration, Instant};

use clap::Parser;
use common::{fresh_db, launch_with, new_key, proxy_args, socks, start_sim, temp_dir};
use serde_json::{json, Value};
use vipps_proxy::db::{Db, RECONCILER};
use vipps_sim::testkit::Control;

/// An instance in this process on `db` (pollers come from one address: limits off).
async fn instance(sim: &str, db: &str) -> String {
    let mut args = proxy_args(sim, db);
    args.extend(["--polls-per-minute-per-client", "0", "--polls-per-minute", "0"].map(String::from));
    vipps_proxy::spawn(vipps_proxy::Config::parse_from(args))
        .await
        .unwrap()
        .base_url
}

async fn start(http: &reqwest::Client, proxy: &str, key: &str) -> (u16, Value) {
    let res = http
        .post(format!("{proxy}/api/vipps/payments"))
        .header("Idempotency-Key", key)
        .json(&socks(1))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn details_calls(sim: &Control, order_id: &str) -> u64 {
    sim.payment(order_id).await.unwrap()["apiCalls"]["details"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn pollers_on_two_instances_make_one_details_call_per_order_per_two_seconds() {
    let sim_url = start_sim(&[]).await;
    let sim = Control::new(&sim_url);
    let db = fresh_db(&temp_dir("two-instances"));
    let (a, b) = (instance(&sim_url, &db).await, instance(&sim_url, &db).await);
    let http = reqwest::Client::new();
    let mut orders = Vec::new();
    for _ in 0..3 {
        let (status, created) = start(&http, &a, &new_key()).await;
        assert_eq!(status, 201, "{created}");
        orders.push(created);
    }
    let mut before = Vec::new();
    for order in &orders {
        before.push(details_calls(&sim, order["orderId"].as_str().unwrap()).await);
    }

    // 10 pollers per order on each instance, each asking every 100 ms, for 6 s.
    let began = Instant::now();
    let run_for = Duration::from_secs(6);
    let mut pollers = Vec::new();
    for order in &orders {
        for proxy in [&a, &b] {
            for _ in 0..10 {
                let url = format!(
                    "{proxy}/api/vipps/payments/{}?t={}",
                    order["orderId"].as_str().unwrap(),
                    order["statusToken"].as_str().unwrap()
                );
                let http = http.clone();
                pollers.push(tokio::spawn(async move {
                    let mut answered = 0;
                    while began.elapsed() < run_for {
                        let res = http.get(&url).send().await.unwrap();
                        assert_eq!(res.status(), 200);
                        answered += 1;
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    answered
                }));
            }
        }
    }
    let mut answered = 0;
    for p in pollers {
        answered += p.await.unwrap();
    }
    let elapsed = began.elapsed();
    // A window starts with the first poll: ceil(elapsed / 2 s) windows, plus one for a
    // window that straddles the start.
    let allowed = (elapsed.as_secs_f64() / 2.0).ceil() as u64 + 1;
    for (order, before) in orders.iter().zip(before) {
        let id = order["orderId"].as_str().unwrap();
        let calls = details_calls(&sim, id).await - before;
        println!("{id}: {calls} /details calls in {elapsed:.1?} from both instances ({answered} polls in all)");
        assert!(calls >= 2, "the pollers did reach Vipps ({calls})");
        assert!(
            calls <= allowed,
            "{calls} /details calls for {id} in {elapsed:?}: at most {allowed}"
        );
    }
}

#[tokio::test]
async fn one_click_sent_to_both_instances_makes_one_vipps_payment() {
    let sim_url = start_sim(&[]).await;
    let db = fresh_db(&temp_dir("one-click"));
    let (a, b) = (instance(&sim_url, &db).await, instance(&sim_url, &db).await);
    let http = reqwest::Client::new();
    for _ in 0..5 {
        let key = new_key();
        // At the same moment, then again on each until both have the answer.
        let ((sa, ca), (sb, cb)) = tokio::join!(start(&http, &a, &key), start(&http, &b, &key));
        let mut answers = [(sa, ca), (sb, cb)];
        for _ in 0..50 {
            if answers.iter().all(|(s, _)| *s == 201) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            for (i, proxy) in [&a, &b].iter().enumerate() {
                if answers[i].0 != 201 {
                    assert_eq!(answers[i].0, 409, "in progress on the other instance: {}", answers[i].1);
                    answers[i] = start(&http, proxy, &key).await;
                }
            }
        }
        assert_eq!(answers[0].0, 201, "{}", answers[0].1);
        assert_eq!(answers[1].0, 201, "{}", answers[1].1);
        assert_eq!(
            answers[0].1["orderId"], answers[1].1["orderId"],
            "one order for one click"
        );
    }
    let payments = Control::new(&sim_url).payments().await.unwrap();
    assert_eq!(payments.len(), 5, "five clicks, five Vipps payments");
}

/// Behind a load balancer, Vipps' callback for an order one instance started may reach
/// another: it is authenticated against the shared store and refreshes the order there.
#[tokio::test]
async fn a_callback_reaching_the_other_instance_is_authenticated_and_acted_on() {
    let sim_url = start_sim(&[]).await;
    let sim = Control::new(&sim_url);
    let db = fresh_db(&temp_dir("callback-elsewhere"));
    let (a, b) = (instance(&sim_url, &db).await, instance(&sim_url, &db).await);
    let http = reqwest::Client::new();
    // Vipps' own callback (to a) is dropped; the one that reaches b is Vipps' too.
    sim.fault(json!({"route": "callback", "drop": true})).await.unwrap();
    let (status, created) = start(&http, &a, &new_key()).await;
    assert_eq!(status, 201, "{created}");
    let order_id = created["orderId"].as_str().unwrap();
    sim.approve(order_id, json!({})).await.unwrap();
    let auth_token = sim.payment(order_id).await.unwrap()["merchantInfo"]["authToken"]
        .as_str()
        .unwrap()
        .to_string();
    let callback = |token: &str| {
        http.post(format!("{b}/api/vipps/callbacks/v2/payments/{order_id}"))
            .header("Authorization", token.to_string())
            .json(&json!({"orderId": order_id, "transactionInfo": {"status": "RESERVED", "amount": 26800}}))
            .send()
    };
    assert_eq!(
        callback("forged-token").await.unwrap().status(),
        401,
        "b checks the shared store's authToken"
    );
    assert_eq!(callback(&auth_token).await.unwrap().status(), 200);
    let store = Db::open(&db.parse().unwrap()).await.unwrap();
    let began = Instant::now();
    while store.order(order_id).await.unwrap().unwrap().status.as_str() != "reserved" {
        assert!(
            began.elapsed() < Duration::from_secs(5),
            "b refreshed the order from /details"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The reconciler runs on one instance at a time; when that one is killed, another takes
/// its lease over and does the work.
#[tokio::test]
async fn the_reconciler_moves_to_another_instance_when_its_holder_dies() {
    let sim_url = start_sim(&[]).await;
    let sim = Control::new(&sim_url);
    let dir = temp_dir("reconciler");
    let db_url = fresh_db(&dir);
    let flags = ["--reconcile-every", "1", "--reconcile-after", "1"];
    let ports = [common::free_port(), common::free_port()];
    let mut procs = [
        Some(launch_with(&sim_url, &db_url, ports[0], None, &flags).await),
        Some(launch_with(&sim_url, &db_url, ports[1], None, &flags).await),
    ];
    let pids: Vec<u32> = procs.iter().map(|p| p.as_ref().unwrap().0.id()).collect();
    let db = Db::open(&db_url.parse().unwrap()).await.unwrap();
    let holder_pid = |holder: &str| holder.split('-').next().unwrap().parse::<u32>().unwrap();

    let mut holder = None;
    for _ in 0..50 {
        if let Some((h, _)) = db.lease(RECONCILER).await.unwrap() {
            holder = Some(h);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let first = holder.expect("one instance holds the reconciler lease");
    let first_pid = holder_pid(&first);
    for _ in 0..15 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            db.lease(RECONCILER).await.unwrap().unwrap().0,
            first,
            "held, not passed around"
        );
    }
    let killed = pids.iter().position(|p| *p == first_pid).unwrap();
    let survivor_port = ports[1 - killed];
    // kill -9: no shutdown, the lease is not released.
    let mut dead = procs[killed].take().unwrap();
    dead.0.kill().unwrap();
    dead.0.wait().unwrap();

    // A payment whose callback never comes, which nobody polls: only a reconciler can learn it.
    sim.fault(json!({"route": "callback", "drop": true})).await.unwrap();
    let http = reqwest::Client::new();
    let (status, created) = start(&http, &format!("http://127.0.0.1:{survivor_port}"), &new_key()).await;
    assert_eq!(status, 201, "{created}");
    let order_id = created["orderId"].as_str().unwrap().to_string();
    sim.approve(&order_id, json!({})).await.unwrap();

    let began = Instant::now();
    let lease = vipps_proxy::background::reconciler_lease(1);
    let mut taken_over = None;
    while began.elapsed() < lease + Duration::from_secs(10) {
        let now = db.lease(RECONCILER).await.unwrap().map(|(h, _)| h);
        let order = db.order(&order_id).await.unwrap().unwrap();
        if order.status.as_str() == "reserved" {
            taken_over = now;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let new_holder = taken_over.expect("the surviving instance reconciled the order");
    assert_eq!(
        holder_pid(&new_holder),
        pids[1 - killed],
        "the survivor holds the lease"
    );
    let events = db.events(&order_id).await.unwrap();
    let reconciled: Vec<&Value> = events.iter().filter(|e| e["kind"] == "reconcile").collect();
    assert!(!reconciled.is_empty(), "{events:?}");
    assert!(
        reconciled.iter().all(|e| e["detail"]["by"] == new_holder.as_str()),
        "only the survivor reconciled: {reconciled:?}"
    );
}
