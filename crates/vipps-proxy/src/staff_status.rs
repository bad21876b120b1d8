//! What staff see of an order's status, typed: Vipps' own status, except a reservation
//! of another amount than the shop priced, which staff see as `mismatch` until they act
//! (Vipps' status is shown beside it); and the lists they ask for by it.

use contract::PaymentStatus;

/// An order's status as the staff API and the dashboard show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffStatus {
    Vipps(PaymentStatus),
    /// Reserved, but not the amount the shop priced (flagged by the refresh).
    Mismatch,
}

impl StaffStatus {
    /// `flagged`: the order has a recorded mismatch. Only a reservation shows it: once
    /// captured, cancelled or failed, Vipps' status is the news.
    pub fn of(status: PaymentStatus, flagged: bool) -> StaffStatus {
        match (flagged, status) {
            (true, PaymentStatus::Reserved) => StaffStatus::Mismatch,
            (_, status) => StaffStatus::Vipps(status),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StaffStatus::Vipps(status) => status.as_str(),
            StaffStatus::Mismatch => "mismatch",
        }
    }
}

/// Which orders staff list: those of one status, or the reservations old enough to
/// lose (`money::AGEING_FROM_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffFilter {
    Is(StaffStatus),
    Ageing,
}

impl StaffFilter {
    /// Every filter, in the order the dashboard offers them.
    pub const ALL: [StaffFilter; 8] = [
        StaffFilter::Is(StaffStatus::Vipps(PaymentStatus::Reserved)),
        StaffFilter::Ageing,
        StaffFilter::Is(StaffStatus::Vipps(PaymentStatus::Captured)),
        StaffFilter::Is(StaffStatus::Vipps(PaymentStatus::Pending)),
        StaffFilter::Is(StaffStatus::Mismatch),
        StaffFilter::Is(StaffStatus::Vipps(PaymentStatus::Cancelled)),
        StaffFilter::Is(StaffStatus::Vipps(PaymentStatus::Expired)),
        StaffFilter::Is(StaffStatus::Vipps(PaymentStatus::Failed)),
    ];

    pub fn parse(text: &str) -> Option<StaffFilter> {
        StaffFilter::ALL.into_iter().find(|f| f.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StaffFilter::Is(status) => status.as_str(),
            StaffFilter::Ageing => "ageing",
        }
    }

    /// The Vipps status asked for, if the filter is one.
    pub fn vipps_status(self) -> Option<PaymentStatus> {
        match self {
            StaffFilter::Is(StaffStatus::Vipps(status)) => Some(status),
            _ => None,
        }
    }

    pub fn is_mismatch(self) -> bool {
        self == StaffFilter::Is(StaffStatus::Mismatch)
    }

    pub fn is_ageing(self) -> bool {
        self == StaffFilter::Ageing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flagged_reservation_is_a_mismatch_and_nothing_else_is() {
        use PaymentStatus::*;
        assert_eq!(StaffStatus::of(Reserved, true), StaffStatus::Mismatch);
        assert_eq!(StaffStatus::of(Reserved, false), StaffStatus::Vipps(Reserved));
        assert_eq!(StaffStatus::of(Captured, true), StaffStatus::Vipps(Captured));
        assert_eq!(StaffStatus::Mismatch.as_str(), "mismatch");
    }

    #[test]
    fn every_filter_reads_back_and_nothing_else_is_one() {
        for f in StaffFilter::ALL {
            assert_eq!(StaffFilter::parse(f.as_str()), Some(f));
        }
        for s in PaymentStatus::ALL {
            assert_eq!(
                StaffFilter::parse(s.as_str()).and_then(StaffFilter::vipps_status),
                Some(s)
            );
        }
        assert_eq!(StaffFilter::parse("ageing"), Some(StaffFilter::Ageing));
        assert!(StaffFilter::parse("mismatch").unwrap().is_mismatch());
        assert_eq!(StaffFilter::parse("?"), None);
        assert_eq!(StaffFilter::parse(""), None);
    }
}
