//! The shop's money over days and years (issue 27): the bookkeeper's export of every
//! money movement; money facts kept past the retention while personal data goes, and
//! gone after the bookkeeping period; a reservation's age with its warning and filter;
//! a refund past 365 days after capture refused before Vipps is asked; the history as
//! sentences. On SQLite and PostgreSQL, against the simulator. Dates in the past are
//! written into the store (no waiting days).

mod common;

use chrono::{Duration, Utc};
use common::{new_key, shipping_price, socks, socks_price, stack_with, Stack, ADMIN};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Moves an order (its creation, its events and its money movements) `days` into the past.
async fn backdate(s: &Stack, order_id: &str, days: i64) {
    let at = vipps_proxy::db::time_text(Utc::now() - Duration::days(days));
    for sql in [
        "UPDATE orders SET created_at = $1 WHERE order_id = $2",
        "UPDATE order_events SET at = $1 WHERE order_id = $2",
        "UPDATE money_movements SET at = $1 WHERE order_id = $2",
    ] {
        sqlx::query(sql)
            .bind(&at)
            .bind(order_id)
            .execute(&s.proxy_app.db.pool)
            .await
            .unwrap();
    }
}

async fn paid(s: &Stack, body: &Value) -> String {
    let (order_id, token, _) = s.start(body).await;
    s.sim_act(&order_id, "approve", None).await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    order_id
}

async fn operate(s: &Stack, order_id: &str, op: &str, body: Value) -> (StatusCode, Value) {
    s.admin(
        Method::POST,
        &format!("/orders/{order_id}/{op}"),
        Some(&new_key()),
        Some(body),
    )
    .await
}

/// The export's rows (header checked) for `query`, with `token`.
async fn export(s: &Stack, query: &str, token: &str) -> (StatusCode, Vec<Vec<String>>) {
    let (status, text) = s.export_csv(query, token).await;
    if status != StatusCode::OK {
        return (status, Vec::new());
    }
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("date,store,order_id,vipps_reference,movement,amount,currency")
    );
    (
        status,
        lines.map(|l| l.split(',').map(str::to_string).collect()).collect(),
    )
}

fn today() -> String {
    Utc::now().format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn the_export_has_one_row_per_money_movement_of_the_period() {
    for api in ["ecom", "epayment"] {
        let s = stack_with(&[], &["--api", api]).await;
        let sold = paid(&s, &socks(1)).await;
        assert_eq!(operate(&s, &sold, "capture", json!({"amount": 10_000})).await.0, 200);
        assert_eq!(operate(&s, &sold, "capture", json!({})).await.0, 200, "the rest");
        assert_eq!(operate(&s, &sold, "refund", json!({"amount": 5_000})).await.0, 200);
        let released = paid(&s, &socks(2)).await;
        assert_eq!(operate(&s, &released, "cancel", json!({})).await.0, 200);
        let (never, _, _) = s.start(&socks(3)).await; // not paid: no money moved

        let today = today();
        let (status, rows) = export(&s, &format!("from={today}&to={today}"), common::ADMIN).await;
        assert_eq!(status, StatusCode::OK);
        let of = |order: &str| -> Vec<(String, String)> {
            rows.iter()
                .filter(|r| r[2] == order)
                .map(|r| (r[4].clone(), r[5].clone()))
                .collect()
        };
        let total = format!("{:.2}", (socks_price() + shipping_price()) as f64 / 100.0);
        let rest = format!("{:.2}", (socks_price() + shipping_price() - 10_000) as f64 / 100.0);
        assert_eq!(
            of(&sold),
            [
                ("reserved".to_string(), total),
                ("captured".to_string(), "100.00".to_string()),
                ("captured".to_string(), rest),
                ("refunded".to_string(), "50.00".to_string()),
            ],
            "{api}: {rows:?}"
        );
        let double = format!("{:.2}", (2 * socks_price() + shipping_price()) as f64 / 100.0);
        assert_eq!(
            of(&released),
            [
                ("reserved".to_string(), double.clone()),
                ("cancelled".to_string(), double)
            ],
            "{api}"
        );
        assert!(of(&never).is_empty(), "{api}");
        for r in &rows {
            assert_eq!(
                (r[3].as_str(), r[6].as_str()),
                (r[2].as_str(), "NOK"),
                "the Vipps reference and currency"
            );
            assert!(r[0].starts_with(&today), "{r:?}");
        }

        // Another period: nothing; a wrong one: a clear 400.
        let (_, rows) = export(&s, "from=2020-01-01&to=2020-12-31", common::ADMIN).await;
        assert!(rows.is_empty());
        for bad in [
            "from=2026-12-31&to=2026-01-01",
            "from=yesterday&to=2026-01-01",
            "to=2026-01-01",
        ] {
            assert_eq!(export(&s, bad, common::ADMIN).await.0, StatusCode::BAD_REQUEST, "{bad}");
        }
        assert_eq!(
            export(&s, "from=2026-01-01&to=2026-01-02", "wrong-token").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn money_facts_outlive_the_retention_while_personal_data_goes_and_the_books_end_after_the_period() {
    let s = stack_with(&[], &["--api", "epayment"]).await;
    let (order_id, token, _) = s
        .start(&json!({"payload": {"items": [{"sku": "sweater"}]}, "express": true}))
        .await;
    s.sim_act(&order_id, "approve", Some(json!({"shippingMethodId": "helthjem"})))
        .await;
    s.wait_for_status(&order_id, &token, "reserved").await;
    assert_eq!(operate(&s, &order_id, "capture", json!({})).await.0, 200);
    let (_, before) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert!(
        before["address"].is_object() && before["userDetails"].is_object(),
        "{before}"
    );

    // 100 days later, past the 90 days' retention.
    backdate(&s, &order_id, 100).await;
    let db = &s.proxy_app.db;
    db.prune(Utc::now() - Duration::days(90)).await.unwrap();
    let (_, after) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    for personal in ["address", "userDetails", "userinfo", "mobileNumber"] {
        assert!(after[personal].is_null(), "{personal} gone: {after}");
    }
    assert!(
        after["events"].as_array().unwrap().is_empty(),
        "the technical history goes"
    );
    assert_eq!(after["capturedAmount"], 89_900 + 12_900, "what was paid stays");
    let day = (Utc::now() - Duration::days(100)).format("%Y-%m-%d").to_string();
    let (_, rows) = export(&s, &format!("from={day}&to={day}"), ADMIN).await;
    let kinds: Vec<&str> = rows
        .iter()
        .filter(|r| r[2] == order_id)
        .map(|r| r[4].as_str())
        .collect();
    assert_eq!(kinds, ["reserved", "captured"], "the money facts stay");
    // A refresh does not bring the personal data back.
    s.proxy_app.refresher.refresh(&order_id, true).await.unwrap();
    let (_, refreshed) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert!(refreshed["address"].is_null(), "{refreshed}");

    // Kept five years after the end of their year: last year's order stays, one of
    // seven years ago goes, with its money facts.
    let kept_from = vipps_proxy::money::books_kept_from(Utc::now(), 5);
    let last_year = paid(&s, &socks(1)).await;
    backdate(&s, &last_year, 365).await;
    backdate(&s, &order_id, 7 * 365).await;
    db.prune_books(kept_from).await.unwrap();
    let (status, _) = s.admin(Method::GET, &format!("/orders/{order_id}"), None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(db.movements(&order_id).await.unwrap().is_empty());
    let (status, _) = s.admin(Method::GET, &format!("/orders/{last_year}"), None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(db.movements(&last_year).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_ageing_reservation_is_warned_about_and_found_by_its_filter() {
    let s = stack_with(&[], &[]).await;
    let old = paid(&s, &socks(1)).await;
    let fresh = paid(&s, &socks(1)).await;
    let old_but_captured = paid(&s, &socks(1)).await;
    assert_eq!(operate(&s, &old_but_captured, "capture", json!({})).await.0, 200);
    backdate(&s, &old, 5).await;
    backdate(&s, &old_but_captured, 5).await;

    let (_, order) = s.admin(Method::GET, &format!("/orders/{old}"), None, None).await;
    assert_eq!(
        (order["reservedForDays"].clone(), order["ageing"].clone()),
        (json!(5), json!(true))
    );
    let (_, order) = s.admin(Method::GET, &format!("/orders/{fresh}"), None, None).await;
    assert_eq!(
        (order["reservedForDays"].clone(), order["ageing"].clone()),
        (json!(0), json!(false))
    );
    let (_, order) = s
        .admin(Method::GET, &format!("/orders/{old_but_captured}"), None, None)
        .await;
    assert_eq!(order["reservedForDays"], Value::Null, "captured: nothing to lose");

    let (status, list) = s.admin(Method::GET, "/orders?status=ageing", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = list["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["orderId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [old.as_str()]);
}

#[tokio::test]
async fn a_refund_more_than_a_year_after_the_capture_is_refused_before_vipps_is_asked() {
    for api in ["ecom", "epayment"] {
        let s = stack_with(&[], &["--api", api]).await;
        let order_id = paid(&s, &socks(1)).await;
        assert_eq!(operate(&s, &order_id, "capture", json!({})).await.0, 200);
        backdate(&s, &order_id, 366).await;
        let (status, refused) = operate(&s, &order_id, "refund", json!({"amount": 5_000})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{api}: {refused}");
        assert_eq!(refused["error"]["code"], "refund_too_late");
        assert!(
            refused["error"]["message"].as_str().unwrap().contains("365 days"),
            "{refused}"
        );
        let (_, calls) = s.sim_control(Method::GET, "/_sim/calls", None).await;
        assert!(!calls.to_string().contains("/refund"), "{api}: Vipps was not asked");

        backdate(&s, &order_id, 364).await;
        assert_eq!(
            operate(&s, &order_id, "refund", json!({"amount": 5_000})).await.0,
            200,
            "{api}"
        );
    }
}

#[tokio::test]
async fn the_history_reads_as_sentences_in_the_staffs_language() {
    let s = stack_with(&[], &[]).await;
    let order_id = paid(&s, &socks(1)).await;
    assert_eq!(
        operate(&s, &order_id, "capture", json!({"amount": 10_000})).await.0,
        200
    );
    for (lang, status, capture) in [
        (
            "nb-NO,nb;q=0.9",
            "Status endret fra venter til reservert.",
            "Butikken trakk 100,00\u{a0}kr.",
        ),
        (
            "en-GB",
            "Status changed from pending to reserved.",
            "Staff captured 100,00\u{a0}kr.",
        ),
    ] {
        let order: Value = s
            .http
            .get(format!("{}/api/vipps/admin/orders/{order_id}", s.proxy))
            .bearer_auth(ADMIN)
            .header("Accept-Language", lang)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let texts: Vec<&str> = order["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["text"].as_str().unwrap())
            .collect();
        assert!(texts.contains(&status), "{lang}: {texts:?}");
        assert!(texts.contains(&capture), "{lang}: {texts:?}");
        assert!(texts.iter().all(|t| !t.contains('{')), "no JSON: {texts:?}");
    }
}
