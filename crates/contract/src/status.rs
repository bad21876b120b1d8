//! The few states a shopper cares about.

use serde::{Deserialize, Serialize};

/// The status the backend reports for an order: its lowercase name on the wire, read
/// through [`PaymentStatus::parse`] (one table of names, and a smaller reader in the
/// widget's bundle than serde's enum visitor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum PaymentStatus {
    /// Waiting for the shopper in Vipps.
    Pending,
    /// Approved: the money is reserved. The order is confirmed.
    Reserved,
    /// The shop has captured (some of) the money. The order is confirmed.
    Captured,
    /// The shopper rejected it, or the shop cancelled it.
    Cancelled,
    /// The payment failed (card declined, shipping failure, Vipps error).
    Failed,
    /// Nobody approved it in time.
    Expired,
}

impl PaymentStatus {
    /// Every status, in the order of a payment's life.
    pub const ALL: [PaymentStatus; 6] = [
        PaymentStatus::Pending,
        PaymentStatus::Reserved,
        PaymentStatus::Captured,
        PaymentStatus::Cancelled,
        PaymentStatus::Failed,
        PaymentStatus::Expired,
    ];

    /// No later status can follow a terminal one, except `Reserved` → `Captured` and
    /// `Reserved`/`Captured` → `Cancelled` by the shop (void, refund).
    pub fn is_final_for_shopper(self) -> bool {
        !matches!(self, PaymentStatus::Pending)
    }

    /// The shopper has paid (reserved or captured).
    pub fn is_confirmed(self) -> bool {
        matches!(self, PaymentStatus::Reserved | PaymentStatus::Captured)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Reserved => "reserved",
            PaymentStatus::Captured => "captured",
            PaymentStatus::Cancelled => "cancelled",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => PaymentStatus::Pending,
            "reserved" => PaymentStatus::Reserved,
            "captured" => PaymentStatus::Captured,
            "cancelled" => PaymentStatus::Cancelled,
            "failed" => PaymentStatus::Failed,
            "expired" => PaymentStatus::Expired,
            _ => return None,
        })
    }
}

/// For stores that keep the status as text (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for PaymentStatus {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        PaymentStatus::parse(&text).ok_or_else(|| format!("unknown payment status '{text}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_as_lowercase() {
        for s in ["pending", "reserved", "captured", "cancelled", "failed", "expired"] {
            let status = PaymentStatus::parse(s).unwrap();
            assert_eq!(status.as_str(), s);
            assert_eq!(serde_json::to_value(status).unwrap(), s);
        }
        assert!(PaymentStatus::parse("RESERVED").is_none());
        assert_eq!(
            PaymentStatus::ALL.map(PaymentStatus::as_str),
            ["pending", "reserved", "captured", "cancelled", "failed", "expired"]
        );
    }

    #[test]
    fn only_a_payment_is_confirmed_and_only_pending_is_open() {
        use PaymentStatus::*;
        for (status, confirmed, final_) in [
            (Pending, false, false),
            (Reserved, true, true),
            (Captured, true, true),
            (Cancelled, false, true),
            (Failed, false, true),
            (Expired, false, true),
        ] {
            assert_eq!(status.is_confirmed(), confirmed, "{status:?}");
            assert_eq!(status.is_final_for_shopper(), final_, "{status:?}");
        }
    }
}
