//! A test phone: the payment requests waiting in the Vipps app of one number (pushed to
//! it when the number was entered on the landing page), each with "Approve" and
//! "Reject", so that flows without a browser redirect (a QR code on a screen, a till)
//! can be played in a browser. Below them, the payments a shop added a receipt or a link
//! to (the Order Management API), as the app shows them on a payment.

use maud::{html, Markup};
use serde_json::Value;

use super::{app, layout, money, spaced_mobile};

/// One request waiting in the app.
pub struct Waiting<'a> {
    pub token: &'a str,
    pub merchant: &'a str,
    pub text: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    /// Express payments choose an address and shipping in the app screen.
    pub express: bool,
}

/// A payment of this number that a shop added to: its receipt and its link.
pub struct Enriched<'a> {
    pub merchant: &'a str,
    pub order_id: &'a str,
    pub receipt: Option<&'a Value>,
    pub category: Option<&'a Value>,
}

/// How the app names a category's link.
fn link_label(category: &str) -> &'static str {
    match category {
        "RECEIPT" => "Receipt",
        "ORDER_CONFIRMATION" => "Order confirmation",
        "DELIVERY" => "Delivery information",
        "TICKET" => "Ticket",
        "BOOKING" => "Booking",
        _ => "More information",
    }
}

fn receipt_part(receipt: &Value) -> Markup {
    let currency = receipt
        .pointer("/bottomLine/currency")
        .and_then(Value::as_str)
        .unwrap_or("NOK");
    let lines = receipt["orderLines"].as_array().cloned().unwrap_or_default();
    let amount = |l: &Value| {
        let total = l["totalAmount"].as_i64().unwrap_or(0);
        if l["isReturn"].as_bool() == Some(true) {
            -total
        } else {
            total
        }
    };
    let sum: i64 = lines.iter().map(amount).sum();
    let tax: i64 = lines.iter().map(|l| l["totalTaxAmount"].as_i64().unwrap_or(0)).sum();
    html! {
        table.receipt {
            @for l in &lines {
                tr {
                    td { (l["name"].as_str().unwrap_or_default()) }
                    td { @if let Some(q) = l.pointer("/unitInfo/quantity").and_then(Value::as_str) { (q) " ×" } }
                    td.money { (money(amount(l), currency)) }
                }
            }
            tr.sum { td { "Total" } td {} td.money { (money(sum, currency)) } }
            tr { td { "Of which VAT" } td {} td.money { (money(tax, currency)) } }
        }
    }
}

pub fn page(mobile: &str, owner: &str, waiting: &[Waiting], enriched: &[Enriched]) -> Markup {
    layout(
        "Phone",
        html! {
            section.card {
                p.brand aria-hidden="true" { "vipps" }
                h1 { "Payment requests" }
                p.who { (owner) " (" (spaced_mobile(mobile)) ")" }
                @if waiting.is_empty() {
                    p { "No payment requests are waiting." }
                }
                @for w in waiting {
                    article.request aria-label=(format!("{}: {}", w.merchant, w.text)) {
                        h2 { (w.merchant) }
                        p { (w.text) }
                        @if w.express {
                            a.button.primary href=(format!("/app?token={}", w.token)) { "Open in Vipps" }
                        } @else {
                            p.amount { (money(w.amount, w.currency)) }
                            (app::decision(w.token, None))
                        }
                    }
                }
            }
            @if !enriched.is_empty() {
                section.card aria-labelledby="paid-title" {
                    h1 #paid-title { "Payments" }
                    @for e in enriched {
                        article.paid aria-label=(format!("{}: order {}", e.merchant, e.order_id)) {
                            h2 { (e.merchant) }
                            p.who { "Order " (e.order_id) }
                            @if let Some(r) = e.receipt { (receipt_part(r)) }
                            @if let Some(c) = e.category {
                                @if let Some(url) = c["orderDetailsUrl"].as_str() {
                                    a.button href=(url) { (link_label(c["category"].as_str().unwrap_or_default())) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
