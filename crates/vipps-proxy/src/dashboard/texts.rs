//! The dashboard's words, in Norwegian (bokmål) and English, chosen by the browser's
//! `Accept-Language`.

use contract::PaymentStatus;

use crate::staff_status::{StaffFilter, StaffStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nb,
    En,
}

impl Lang {
    /// The first of the browser's languages the dashboard speaks; English otherwise.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        for tag in header.unwrap_or_default().split(',') {
            let primary = tag.split(';').next().unwrap_or_default().trim();
            let primary = primary.split('-').next().unwrap_or_default().to_ascii_lowercase();
            match primary.as_str() {
                "nb" | "no" | "nn" => return Lang::Nb,
                "en" => return Lang::En,
                _ => {}
            }
        }
        Lang::En
    }

    /// `n` days.
    pub fn days(self, n: i64) -> String {
        match (self, n) {
            (Lang::Nb, 1) => "1 dag".into(),
            (Lang::Nb, n) => format!("{n} dager"),
            (Lang::En, 1) => "1 day".into(),
            (Lang::En, n) => format!("{n} days"),
        }
    }

    /// The warning on a reservation old enough to lose (`money::AGEING_FROM_DAYS`).
    pub fn ageing_warning(self, days: i64) -> String {
        match self {
            Lang::Nb => format!(
                "Reservasjonen er {} gammel. Bankene holder en reservasjon i 4 til 7 dager: trekk beløpet nå, ellers kan trekket feile.",
                self.days(days)
            ),
            Lang::En => format!(
                "The reservation is {} old. Banks hold a reservation for 4 to 7 days: capture now, or the capture may fail.",
                self.days(days)
            ),
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }

    /// An order status as staff see it, in words.
    pub fn status(self, status: StaffStatus) -> &'static str {
        use PaymentStatus::*;
        match (self, status) {
            (Lang::Nb, StaffStatus::Vipps(Pending)) => "venter",
            (Lang::Nb, StaffStatus::Vipps(Reserved)) => "reservert",
            (Lang::Nb, StaffStatus::Vipps(Captured)) => "trukket",
            (Lang::Nb, StaffStatus::Vipps(Cancelled)) => "kansellert",
            (Lang::Nb, StaffStatus::Vipps(Failed)) => "feilet",
            (Lang::Nb, StaffStatus::Vipps(Expired)) => "utløpt",
            (Lang::Nb, StaffStatus::Mismatch) => "avvik",
            (Lang::En, StaffStatus::Vipps(status)) => status.as_str(),
            (Lang::En, StaffStatus::Mismatch) => "amount differs",
        }
    }

    /// A list filter in words.
    pub fn filter(self, filter: StaffFilter) -> &'static str {
        match (self, filter) {
            (_, StaffFilter::Is(status)) => self.status(status),
            (Lang::Nb, StaffFilter::Ageing) => "gamle reservasjoner",
            (Lang::En, StaffFilter::Ageing) => "ageing reservations",
        }
    }

    /// Why a typed amount was refused, in words.
    pub fn amount_problem(self, why: super::kroner::AmountProblem) -> &'static str {
        use super::kroner::AmountProblem::*;
        match (self, why) {
            (Lang::Nb, NotAnAmount) => "Skriv et beløp i kroner, for eksempel 199 eller 199,50.",
            (Lang::Nb, TooLarge) => "Beløpet er for stort.",
            (Lang::Nb, Zero) => "Beløpet må være mer enn 0 kr.",
            (Lang::En, NotAnAmount) => "Write an amount in kroner, such as 199 or 199,50.",
            (Lang::En, TooLarge) => "That amount is too large.",
            (Lang::En, Zero) => "The amount must be more than 0 kr.",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Nb => &NB,
            Lang::En => &EN,
        }
    }
}

pub struct Texts {
    pub title: &'static str,
    pub sign_in: &'static str,
    pub token: &'static str,
    pub token_hint: &'static str,
    pub wrong_token: &'static str,
    pub expired: &'static str,
    pub sign_out: &'static str,
    pub orders: &'static str,
    pub all: &'static str,
    pub search: &'static str,
    pub search_label: &'static str,
    pub order: &'static str,
    pub store: &'static str,
    pub status: &'static str,
    pub amount: &'static str,
    pub captured: &'static str,
    pub refunded: &'static str,
    pub remaining: &'static str,
    pub created: &'static str,
    pub none_found: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
    pub items: &'static str,
    pub qty: &'static str,
    pub shipping: &'static str,
    pub address: &'static str,
    pub shopper: &'static str,
    pub history: &'static str,
    pub callbacks: &'static str,
    /// ePayment: the payment's event log at Vipps.
    pub at_vipps: &'static str,
    pub accepted: &'static str,
    pub refused: &'static str,
    pub capture: &'static str,
    pub capture_hint: &'static str,
    pub cancel: &'static str,
    pub release: &'static str,
    pub refund: &'static str,
    pub amount_kr: &'static str,
    pub everything: &'static str,
    pub confirm: &'static str,
    pub back: &'static str,
    pub confirm_capture: &'static str,
    pub confirm_cancel: &'static str,
    pub confirm_release: &'static str,
    pub confirm_refund: &'static str,
    pub cannot_undo: &'static str,
    pub done_capture: &'static str,
    pub done_cancel: &'static str,
    pub done_refund: &'static str,
    pub failed: &'static str,
    pub mismatch: &'static str,
    pub nothing_to_do: &'static str,
    /// How long a reservation not yet captured has been held.
    pub reserved_for: &'static str,
    pub export: &'static str,
    pub export_hint: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub download: &'static str,
}

static NB: Texts = Texts {
    title: "Vipps-betalinger",
    sign_in: "Logg inn",
    token: "Tilgangsnøkkel",
    token_hint: "Nøkkelen for ansatte (VIPPS_PROXY_ADMIN_TOKEN, eller butikkens egen).",
    wrong_token: "Feil tilgangsnøkkel.",
    expired: "Økten er utløpt. Logg inn på nytt.",
    sign_out: "Logg ut",
    orders: "Ordrer",
    all: "Alle",
    search: "Søk",
    search_label: "Ordrenummer",
    order: "Ordre",
    store: "Butikk",
    status: "Status",
    amount: "Beløp",
    captured: "Trukket",
    refunded: "Refundert",
    remaining: "Igjen å trekke",
    created: "Opprettet",
    none_found: "Ingen ordrer.",
    newer: "Nyere",
    older: "Eldre",
    items: "Varer",
    qty: "Antall",
    shipping: "Frakt",
    address: "Leveringsadresse",
    shopper: "Kunden",
    history: "Historikk",
    callbacks: "Kall fra Vipps",
    at_vipps: "Hos Vipps",
    accepted: "godtatt",
    refused: "avvist",
    capture: "Trekk beløp",
    capture_hint: "Trekk først når varene er sendt.",
    cancel: "Kanseller reservasjonen",
    release: "Frigi resten",
    refund: "Refunder",
    amount_kr: "Beløp i kroner",
    everything: "tomt: alt",
    confirm: "Bekreft",
    back: "Tilbake",
    confirm_capture: "Trekke",
    confirm_cancel: "Kansellere hele reservasjonen",
    confirm_release: "Frigi det som ikke er trukket",
    confirm_refund: "Refundere",
    cannot_undo: "Dette kan ikke angres.",
    done_capture: "Beløpet er trukket.",
    done_cancel: "Reservasjonen er kansellert.",
    done_refund: "Beløpet er refundert.",
    failed: "Det gikk ikke",
    mismatch: "Vipps reserverte et annet beløp enn butikken beregnet. Sjekk før du trekker.",
    nothing_to_do: "Ingen handlinger er mulige for denne ordren nå.",
    reserved_for: "Reservert i",
    export: "Eksport til regnskapet",
    export_hint: "Én linje per pengebevegelse (reservert, trukket, refundert, kansellert), datoer i UTC.",
    from: "Fra",
    to: "Til",
    download: "Last ned CSV",
};

static EN: Texts = Texts {
    title: "Vipps payments",
    sign_in: "Sign in",
    token: "Access token",
    token_hint: "The staff token (VIPPS_PROXY_ADMIN_TOKEN, or your store's own).",
    wrong_token: "Wrong access token.",
    expired: "Your session has expired. Sign in again.",
    sign_out: "Sign out",
    orders: "Orders",
    all: "All",
    search: "Search",
    search_label: "Order reference",
    order: "Order",
    store: "Store",
    status: "Status",
    amount: "Amount",
    captured: "Captured",
    refunded: "Refunded",
    remaining: "Left to capture",
    created: "Created",
    none_found: "No orders.",
    newer: "Newer",
    older: "Older",
    items: "Items",
    qty: "Qty",
    shipping: "Shipping",
    address: "Delivery address",
    shopper: "Shopper",
    history: "History",
    callbacks: "Calls from Vipps",
    at_vipps: "At Vipps",
    accepted: "accepted",
    refused: "refused",
    capture: "Capture",
    capture_hint: "Capture only when the goods have shipped.",
    cancel: "Cancel the reservation",
    release: "Release the rest",
    refund: "Refund",
    amount_kr: "Amount in kroner",
    everything: "empty: everything",
    confirm: "Confirm",
    back: "Back",
    confirm_capture: "Capture",
    confirm_cancel: "Cancel the whole reservation",
    confirm_release: "Release what is not captured",
    confirm_refund: "Refund",
    cannot_undo: "This cannot be undone.",
    done_capture: "Captured.",
    done_cancel: "The reservation is cancelled.",
    done_refund: "Refunded.",
    failed: "That did not work",
    mismatch: "Vipps reserved another amount than the shop priced. Check before you capture.",
    nothing_to_do: "Nothing can be done with this order now.",
    reserved_for: "Reserved for",
    export: "Export for the bookkeeper",
    export_hint: "One line per money movement (reserved, captured, refunded, cancelled), dates in UTC.",
    from: "From",
    to: "To",
    download: "Download CSV",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_language_if_spoken_else_english() {
        assert_eq!(Lang::from_accept_language(Some("nb-NO,nb;q=0.9,en;q=0.8")), Lang::Nb);
        assert_eq!(Lang::from_accept_language(Some("de-DE, nn;q=0.5")), Lang::Nb);
        assert_eq!(Lang::from_accept_language(Some("en-GB")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("sv")), Lang::En);
        assert_eq!(Lang::from_accept_language(None), Lang::En);
    }
}
