//! The shop's money over time, pure: which movements (reserved, captured, refunded,
//! cancelled) an order's change from Vipps makes; how old a reservation is and when it
//! needs a warning; whether a refund is still possible. The store writes the movements
//! (`db::money`), the staff see and export them.
//!
//! Vipps' rules (`vippsas/vipps-ecom-api` `vipps-ecom-api-faq.md` at
//! e7c22874328fbd9de17e6c254c80f87eb0294524, the edition of the seed FAQ v1.8.2): "Most
//! banks keep reservations for 7 days ... Some banks only keep reservations for 4 days",
//! and "Refunds can be made up to 365 days after capture" (at
//! a2a3ebd44b659e08ceee98a364a0b237db682471: "after payment or reservation"; we count
//! from the capture, the later and the one staff see).

use chrono::{DateTime, Duration, Utc};
use contract::PaymentStatus;

/// What a movement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    /// The shopper approved: the money is reserved.
    Reserved,
    Captured,
    Refunded,
    /// A reservation released: cancelled before (all of) it was captured.
    Cancelled,
}

impl Movement {
    pub fn as_str(self) -> &'static str {
        match self {
            Movement::Reserved => "reserved",
            Movement::Captured => "captured",
            Movement::Refunded => "refunded",
            Movement::Cancelled => "cancelled",
        }
    }
}

/// An order's money as Vipps reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub status: PaymentStatus,
    /// What was (or is to be) reserved.
    pub total: i64,
    pub captured: i64,
    pub refunded: i64,
}

/// The movements from `before` to `after`, each with its amount (none of 0).
pub fn movements(before: Money, after: Money) -> Vec<(Movement, i64)> {
    let mut out = Vec::new();
    let was_paid = before.status.is_confirmed() || before.captured > 0;
    let is_paid = after.status.is_confirmed() || after.captured > 0;
    if !was_paid && is_paid {
        out.push((Movement::Reserved, after.total));
    }
    if after.captured > before.captured {
        out.push((Movement::Captured, after.captured - before.captured));
    }
    if after.refunded > before.refunded {
        out.push((Movement::Refunded, after.refunded - before.refunded));
    }
    if was_paid && before.status != PaymentStatus::Cancelled && after.status == PaymentStatus::Cancelled {
        let released = after.total - after.captured;
        if released > 0 {
            out.push((Movement::Cancelled, released));
        }
    }
    out.retain(|(_, amount)| *amount > 0);
    out
}

/// From this many days a reservation not yet captured gets a warning: banks drop a
/// reservation after 4 to 7 days.
pub const AGEING_FROM_DAYS: i64 = 4;

/// How long a refund stays possible after the capture.
pub const REFUND_WINDOW_DAYS: i64 = 365;

/// The start of the oldest financial year still kept: money records are kept `years`
/// after the end of the financial year they belong to (Norway's bokføringsloven § 13:
/// five years; the calendar year is the financial year here). With 5 years, in 2031 the
/// books of 2026 and later stay.
pub fn books_kept_from(now: DateTime<Utc>, years: u32) -> DateTime<Utc> {
    use chrono::{Datelike, TimeZone};
    let year = now.year() - i32::try_from(years).unwrap_or(i32::MAX).min(now.year() - 1);
    Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).single().unwrap_or(now)
}

/// Whole days since `since`.
pub fn age_in_days(since: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - since).num_days().max(0)
}

/// Whole days a reservation nothing of which is captured yet has been held since
/// `reserved_at`; `None` for any other order.
pub fn reserved_for_days(
    status: PaymentStatus,
    captured: i64,
    reserved_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<i64> {
    (status == PaymentStatus::Reserved && captured == 0).then(|| age_in_days(reserved_at, now))
}

/// A reservation that still holds money to capture and is old enough to lose it.
pub fn is_ageing(status: PaymentStatus, reserved_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status == PaymentStatus::Reserved && age_in_days(reserved_at, now) >= AGEING_FROM_DAYS
}

/// Whether a refund of a payment captured at `captured_at` is too late.
pub fn refund_too_late(captured_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - captured_at > Duration::days(REFUND_WINDOW_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentStatus::*;

    fn m(status: PaymentStatus, total: i64, captured: i64, refunded: i64) -> Money {
        Money {
            status,
            total,
            captured,
            refunded,
        }
    }

    #[test]
    fn each_change_makes_its_movements() {
        use Movement as M;
        assert_eq!(
            movements(m(Pending, 26_800, 0, 0), m(Reserved, 26_800, 0, 0)),
            [(M::Reserved, 26_800)]
        );
        assert_eq!(
            movements(m(Pending, 26_800, 0, 0), m(Captured, 26_800, 26_800, 0)),
            [(M::Reserved, 26_800), (M::Captured, 26_800)],
            "a sale: reserved and captured at once"
        );
        assert_eq!(
            movements(m(Reserved, 26_800, 0, 0), m(Captured, 26_800, 10_000, 0)),
            [(M::Captured, 10_000)]
        );
        assert_eq!(
            movements(m(Captured, 26_800, 10_000, 0), m(Captured, 26_800, 26_800, 5_000)),
            [(M::Captured, 16_800), (M::Refunded, 5_000)]
        );
        assert_eq!(
            movements(m(Captured, 26_800, 10_000, 0), m(Cancelled, 26_800, 10_000, 0)),
            [(M::Cancelled, 16_800)],
            "the rest released"
        );
        assert_eq!(
            movements(m(Reserved, 26_800, 0, 0), m(Cancelled, 26_800, 0, 0)),
            [(M::Cancelled, 26_800)]
        );
        assert_eq!(
            movements(m(Pending, 26_800, 0, 0), m(Cancelled, 26_800, 0, 0)),
            [],
            "no money moved"
        );
        assert_eq!(movements(m(Pending, 26_800, 0, 0), m(Expired, 26_800, 0, 0)), []);
        assert_eq!(
            movements(m(Reserved, 26_800, 0, 0), m(Reserved, 26_800, 0, 0)),
            [],
            "a poll"
        );
        assert_eq!(
            movements(
                m(Captured, 26_800, 26_800, 26_800),
                m(Cancelled, 26_800, 26_800, 26_800)
            ),
            [],
            "refunded in full, then shown as cancelled: nothing more released"
        );
    }

    #[test]
    fn the_books_are_kept_five_years_after_the_end_of_their_year() {
        use chrono::TimeZone;
        let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap();
        assert_eq!(
            books_kept_from(at(2031, 6, 1), 5),
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(
            books_kept_from(at(2031, 12, 31), 5).to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
        assert_eq!(
            books_kept_from(at(2032, 1, 1), 5).to_rfc3339(),
            "2027-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn a_reservation_ages_from_day_four_and_a_refund_closes_after_a_year() {
        let now = Utc::now();
        assert!(!is_ageing(Reserved, now - Duration::days(3) - Duration::hours(23), now));
        assert!(is_ageing(Reserved, now - Duration::days(4), now));
        assert!(
            !is_ageing(Captured, now - Duration::days(9), now),
            "captured: nothing to lose"
        );
        assert_eq!(age_in_days(now - Duration::hours(50), now), 2);
        assert!(!refund_too_late(now - Duration::days(365), now));
        assert!(refund_too_late(now - Duration::days(366), now));
    }
}
