//! An order as the staff API shows it: what Vipps holds and what staff may still do,
//! `mismatch` before a plain `reserved`, the address with every field.

use serde_json::{json, Value};

use crate::db::Order;

/// The delivery address as the staff API has always shown it: every field, the second
/// line `null` when there is none (the contract's type leaves it out).
fn staff_address(a: &contract::Address) -> Value {
    json!({
        "addressLine1": a.address_line1,
        "addressLine2": a.address_line2,
        "postCode": a.post_code,
        "city": a.city,
        "country": a.country,
    })
}

/// An order as the staff API shows it (also the answer to a staff operation).
pub fn view(order: &Order) -> Value {
    let remaining = if order.status.is_confirmed() {
        (order.total_amount - order.captured_amount).max(0)
    } else {
        0
    };
    // A reservation of another amount than the shop priced is never shown as a plain
    // `reserved`: staff see `mismatch` (and Vipps' own status beside it) until they act.
    let mismatch = order.mismatch_json();
    let status = order.staff_status().as_str();
    json!({
        "orderId": order.order_id,
        "store": order.store,
        "status": status,
        "vippsStatus": order.status.as_str(),
        "mismatch": mismatch,
        "express": order.express,
        "goodsAmount": order.goods_amount,
        "totalAmount": order.total_amount,
        "currency": order.currency,
        "capturedAmount": order.captured_amount,
        "refundedAmount": order.refunded_amount,
        "remainingToCapture": remaining,
        "cart": order.cart_json(),
        "transactionText": order.transaction_text,
        "shipping": order.shipping_method.as_ref().map(|m| json!({
            "method": m, "methodId": order.shipping_method_id, "cost": order.shipping_cost,
        })),
        "address": order.shipping_address().map(|a| staff_address(&a)),
        "userDetails": order.user_details.as_deref().and_then(|u| serde_json::from_str::<Value>(u).ok()),
        "userinfo": order.userinfo.as_deref().and_then(|u| serde_json::from_str::<Value>(u).ok()),
        "mobileNumber": order.mobile_number,
        "createdAt": order.created_at,
        "updatedAt": order.updated_at,
        "expiresAt": order.expires_at,
        "reservedForDays": order.reserved_for_days(),
        "ageing": order.reserved_for_days().is_some_and(|d| d >= crate::money::AGEING_FROM_DAYS),
    })
}
