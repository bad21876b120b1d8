//! The proxy as a process: killed with SIGKILL right after acknowledging orders, it
//! restarts with every order and its status token intact.

mod common;

use common::{free_port, launch, new_key, socks, start_sim, temp_dir};
use serde_json::Value;

#[tokio::test]
async fn kill_9_loses_no_acknowledged_order() {
    let sim = start_sim(&[]).await;
    let dir = temp_dir("kill9");
    let db = common::fresh_db(&dir);
    let port = free_port();
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");

    let mut proxy = launch(&sim, &db, port, None).await;
    let mut created = Vec::new();
    let keys: Vec<String> = (0..5).map(|_| new_key()).collect();
    for (i, key) in keys.iter().enumerate() {
        let res = http
            .post(format!("{base}/api/vipps/payments"))
            .header("Idempotency-Key", key)
            .json(&socks(i as i64 + 1))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        created.push(res.json::<Value>().await.unwrap());
    }
    // SIGKILL: no shutdown, no flush.
    proxy.0.kill().unwrap();
    proxy.0.wait().unwrap();
    drop(proxy);

    let _proxy = launch(&sim, &db, port, None).await;
    for c in &created {
        let (id, t) = (c["orderId"].as_str().unwrap(), c["statusToken"].as_str().unwrap());
        let res = http
            .get(format!("{base}/api/vipps/payments/{id}?t={t}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "order {id} survived with its token");
        assert_eq!(res.json::<Value>().await.unwrap()["status"], "pending");
    }
    // The idempotency keys survived too: the first click, sent again as it was, answers
    // the same order and starts nothing new at Vipps.
    let res = http
        .post(format!("{base}/api/vipps/payments"))
        .header("Idempotency-Key", &keys[0])
        .json(&socks(1))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let again = res.json::<Value>().await.unwrap();
    assert_eq!(again["orderId"], created[0]["orderId"]);
    assert_eq!(again["url"], created[0]["url"]);
    let payments = Value::Array(vipps_sim::testkit::Control::new(&sim).payments().await.unwrap());
    assert_eq!(payments.as_array().unwrap().len(), 5);
}

/// Why a kill loses nothing on SQLite: the store as the proxy opens it writes ahead (WAL)
/// and syncs every commit to disk (`synchronous=FULL`) before an answer leaves.
#[tokio::test]
async fn the_sqlite_store_is_write_ahead_and_fully_synchronous() {
    let dir = temp_dir("pragmas");
    let db = vipps_proxy::db::Db::open(&vipps_proxy::db::Location::Sqlite(dir.join("orders.db")))
        .await
        .unwrap();
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(synchronous, 2, "2 is FULL");
}
