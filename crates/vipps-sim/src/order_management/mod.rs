//! The Order Management API v2: what a shop adds to a payment in the user's app, a
//! receipt (order lines and a bottom line) and a category (a link with its kind), kept
//! per sales unit, payment type and order id.
//!
//! As Vipps documents it (`vippsas/vipps-order-management-api` at
//! d10b546fcebb744234b7539615a850537d8feda5, `order-management-api-guide.md` and
//! `order-management-api-faq.md`; the spec `docs/swagger.yaml` at
//! 5476e510fb5eaa2fbef7c4b124677636c5aa21a4):
//! - the API "does no validation if the order exists": a receipt or a category may come
//!   before or after the payment (the simulator shows them on the payment once both are
//!   there);
//! - a receipt is immutable and can be sent once (a second one: 409, the code the spec
//!   lists for it); a category is replaced by each `PUT`, and the app shows the latest;
//! - ePayment payments use payment type `ECOM` with their `reference` as the order id,
//!   and a receipt given inline in ePayment's create is that payment's receipt.

pub mod validate;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

pub use validate::PaymentType;

/// What a shop added to one order.
#[derive(Debug, Clone, Default)]
pub struct Enrichment {
    pub receipt: Option<Value>,
    /// The id the API answered the receipt with.
    pub receipt_id: Option<String>,
    pub receipt_at: Option<DateTime<Utc>>,
    pub category: Option<Value>,
    pub category_id: Option<String>,
}

/// The key of an order's enrichment: the sales unit, the payment type, the order id.
pub type Key = (String, PaymentType, String);

#[derive(Debug, Default)]
pub struct Book {
    pub orders: HashMap<Key, Enrichment>,
}

/// A receipt is there already: it cannot be replaced.
#[derive(Debug, PartialEq, Eq)]
pub struct AlreadySent;

impl Book {
    fn key(msn: &str, payment_type: PaymentType, order_id: &str) -> Key {
        (msn.to_string(), payment_type, order_id.to_string())
    }

    /// Keeps `receipt` (already validated) as the order's one receipt; its new id.
    pub fn add_receipt(
        &mut self,
        msn: &str,
        payment_type: PaymentType,
        order_id: &str,
        receipt: Value,
        id: String,
    ) -> Result<String, AlreadySent> {
        let entry = self.orders.entry(Self::key(msn, payment_type, order_id)).or_default();
        if entry.receipt.is_some() {
            return Err(AlreadySent);
        }
        entry.receipt = Some(receipt);
        entry.receipt_id = Some(id.clone());
        entry.receipt_at = Some(Utc::now());
        Ok(id)
    }

    /// Sets (or replaces) the order's category; its new id.
    pub fn set_category(
        &mut self,
        msn: &str,
        payment_type: PaymentType,
        order_id: &str,
        category: Value,
        id: String,
    ) -> String {
        let entry = self.orders.entry(Self::key(msn, payment_type, order_id)).or_default();
        entry.category = Some(category);
        entry.category_id = Some(id.clone());
        id
    }

    pub fn get(&self, msn: &str, payment_type: PaymentType, order_id: &str) -> Option<&Enrichment> {
        self.orders.get(&Self::key(msn, payment_type, order_id))
    }

    /// What the app shows on a payment of either API (payment type `ECOM`).
    pub fn of_payment(&self, msn: &str, order_id: &str) -> Option<&Enrichment> {
        self.get(msn, PaymentType::Ecom, order_id)
    }

    pub fn clear(&mut self) {
        self.orders.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_receipt_is_kept_once_and_a_category_replaced() {
        let mut book = Book::default();
        let receipt = json!({"orderLines": [], "bottomLine": {"currency": "NOK"}});
        assert_eq!(
            book.add_receipt("123456", PaymentType::Ecom, "o-1", receipt.clone(), "r1".into()),
            Ok("r1".into())
        );
        assert_eq!(
            book.add_receipt("123456", PaymentType::Ecom, "o-1", json!({}), "r2".into()),
            Err(AlreadySent)
        );
        assert_eq!(book.of_payment("123456", "o-1").unwrap().receipt, Some(receipt));
        assert!(book.get("654321", PaymentType::Ecom, "o-1").is_none(), "per sales unit");
        assert!(
            book.get("123456", PaymentType::Recurring, "o-1").is_none(),
            "per payment type"
        );
        book.set_category(
            "123456",
            PaymentType::Ecom,
            "o-1",
            json!({"category": "GENERAL"}),
            "c1".into(),
        );
        book.set_category(
            "123456",
            PaymentType::Ecom,
            "o-1",
            json!({"category": "RECEIPT"}),
            "c2".into(),
        );
        let e = book.of_payment("123456", "o-1").unwrap();
        assert_eq!(e.category, Some(json!({"category": "RECEIPT"})));
        assert_eq!(e.category_id.as_deref(), Some("c2"));
    }
}
