//! Norwegian (bokmål) and English texts. The language comes from the element's `lang`,
//! else the page's, else the browser's; Norwegian (nb, no, nn) or English otherwise.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nb,
    En,
}

/// The primary language subtags this widget speaks, and the texts each one gets.
/// (`index.js` gets this table at build time, to paint in the same language.)
pub const PRIMARY_TAGS: &[(&str, Lang)] = &[("nb", Lang::Nb), ("no", Lang::Nb), ("nn", Lang::Nb), ("en", Lang::En)];

fn recognise(tag: &str) -> Option<Lang> {
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    PRIMARY_TAGS.iter().find(|(t, _)| *t == primary).map(|(_, lang)| *lang)
}

/// The first of the element's `lang`, the page's `lang`, the browser's languages that
/// this widget speaks; English when none does.
pub fn resolve(element: Option<&str>, page: Option<&str>, browser: &[String]) -> Lang {
    element
        .and_then(recognise)
        .or_else(|| page.and_then(recognise))
        .or_else(|| browser.iter().find_map(|l| recognise(l)))
        .unwrap_or(Lang::En)
}

impl Lang {
    pub fn parse(tag: &str) -> Option<Lang> {
        recognise(tag)
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
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
    /// Button verb before the wordmark: "Betal med" [Vipps].
    pub pay: &'static str,
    pub express: &'static str,
    pub starting: &'static str,
    pub redirecting: &'static str,
    pub try_again: &'static str,
    pub waiting: &'static str,
    pub waiting_hint: &'static str,
    pub confirmed: &'static str,
    pub confirmed_hint: &'static str,
    pub order_ref: &'static str,
    pub amount: &'static str,
    pub shipping: &'static str,
    pub delivery_address: &'static str,
    pub cancelled: &'static str,
    pub cancelled_hint: &'static str,
    pub failed: &'static str,
    pub failed_hint: &'static str,
    pub expired: &'static str,
    pub expired_hint: &'static str,
    pub check_again: &'static str,
    pub retrying: &'static str,
    // The payments that stay on the page (`mode="qr"`, `mode="push"`): the button's verb
    // before the wordmark, first and again, and what the panel says.
    pub qr_start: &'static str,
    pub qr_again: &'static str,
    pub push_start: &'static str,
    pub push_again: &'static str,
    pub qr_label: &'static str,
    pub qr_waiting: &'static str,
    pub qr_waiting_hint: &'static str,
    pub code_expired: &'static str,
    pub code_expired_hint: &'static str,
    /// Followed by the number: "Sendt til 480 59 528".
    pub push_waiting: &'static str,
    pub push_waiting_hint: &'static str,
    pub phone_label: &'static str,
    pub nothing_taken: &'static str,
    pub timed_out_hint: &'static str,
    pub withdraw: &'static str,
}

static NB: Texts = Texts {
    pay: "Betal med",
    express: "Kjøp nå med",
    starting: "Starter betalingen …",
    redirecting: "Sender deg til Vipps …",
    try_again: "Prøv igjen",
    waiting: "Venter på bekreftelse fra Vipps …",
    waiting_hint: "Godkjenn betalingen i Vipps-appen. Denne siden oppdateres av seg selv.",
    confirmed: "Betalingen er bekreftet",
    confirmed_hint: "Takk for handelen! Du får en kvittering i Vipps-appen.",
    order_ref: "Ordrenummer",
    amount: "Beløp",
    shipping: "Frakt",
    delivery_address: "Leveringsadresse",
    cancelled: "Betalingen ble avbrutt",
    cancelled_hint: "Ingen penger er trukket. Du kan gå tilbake til butikken og prøve igjen.",
    failed: "Betalingen gikk ikke gjennom",
    failed_hint: "Ingen penger er trukket. Prøv igjen, eventuelt med et annet kort i Vipps.",
    expired: "Vi kunne ikke bekrefte betalingen",
    expired_hint: "Betalingen ble ikke fullført i tide. Sjekk Vipps-appen: står betalingen der som gjennomført, får du en ordrebekreftelse på e-post. Ellers kan du prøve igjen.",
    check_again: "Sjekk igjen",
    retrying: "Vi får ikke kontakt akkurat nå. Vi prøver igjen …",
    qr_start: "Vis QR-kode for",
    qr_again: "Ny QR-kode for",
    push_start: "Send betalingen til",
    push_again: "Send på nytt til",
    qr_label: "QR-kode for betaling med Vipps",
    qr_waiting: "Skann koden med mobilkameraet",
    qr_waiting_hint: "Godkjenn betalingen i Vipps-appen. Koden gjelder i 5 minutter.",
    code_expired: "QR-koden er utløpt",
    code_expired_hint: "Har du skannet den, kan du fortsatt godkjenne i Vipps. Ellers kan du be om en ny kode.",
    push_waiting: "Betalingen er sendt til",
    push_waiting_hint: "Godkjenn den i Vipps-appen på telefonen.",
    phone_label: "Kundens mobilnummer",
    nothing_taken: "Ingen penger er trukket.",
    timed_out_hint: "Ingen godkjente betalingen i tide. Ingen penger er trukket.",
    withdraw: "Avbryt betalingen",
};

static EN: Texts = Texts {
    pay: "Pay with",
    express: "Buy now with",
    starting: "Starting the payment …",
    redirecting: "Taking you to Vipps …",
    try_again: "Try again",
    waiting: "Waiting for confirmation from Vipps …",
    waiting_hint: "Approve the payment in the Vipps app. This page updates by itself.",
    confirmed: "Payment confirmed",
    confirmed_hint: "Thank you for your order! Your receipt is in the Vipps app.",
    order_ref: "Order reference",
    amount: "Amount",
    shipping: "Shipping",
    delivery_address: "Delivery address",
    cancelled: "The payment was cancelled",
    cancelled_hint: "No money was taken. You can go back to the shop and try again.",
    failed: "The payment did not go through",
    failed_hint: "No money was taken. Try again, perhaps with another card in Vipps.",
    expired: "We could not confirm the payment",
    expired_hint: "The payment was not completed in time. Check the Vipps app: if it shows the payment as completed, you will get an order confirmation by e-mail. Otherwise, please try again.",
    check_again: "Check again",
    retrying: "We cannot reach the shop right now. Trying again …",
    qr_start: "Show QR code for",
    qr_again: "New QR code for",
    push_start: "Send the payment to",
    push_again: "Send again to",
    qr_label: "QR code for paying with Vipps",
    qr_waiting: "Scan the code with your phone's camera",
    qr_waiting_hint: "Approve the payment in the Vipps app. The code is valid for 5 minutes.",
    code_expired: "The QR code has expired",
    code_expired_hint: "If you scanned it, you can still approve in Vipps. Otherwise, ask for a new code.",
    push_waiting: "The payment request is sent to",
    push_waiting_hint: "Approve it in the Vipps app on the phone.",
    phone_label: "Customer's mobile number",
    nothing_taken: "No money was taken.",
    timed_out_hint: "Nobody approved the payment in time. No money was taken.",
    withdraw: "Cancel the payment",
};

/// A short, human message for a problem code (the backend's or the widget's own).
pub fn problem_message(lang: Lang, code: &str) -> &'static str {
    match (lang, code) {
        (Lang::Nb, "network") => "Ingen kontakt med butikken. Sjekk nettforbindelsen og prøv igjen.",
        (Lang::En, "network") => "Could not reach the shop. Check your connection and try again.",
        (Lang::Nb, "server" | "vipps_unavailable" | "internal_error" | "request_in_progress") => {
            "Noe gikk galt hos butikken eller Vipps. Prøv igjen om litt."
        }
        (Lang::En, "server" | "vipps_unavailable" | "internal_error" | "request_in_progress") => {
            "Something went wrong at the shop or at Vipps. Please try again in a moment."
        }
        (Lang::Nb, "rate_limited") => "For mange forsøk. Vent litt og prøv igjen.",
        (Lang::En, "rate_limited") => "Too many attempts. Please wait a moment and try again.",
        (Lang::Nb, "merchant_unavailable") => {
            "Butikken kan ikke ta imot Vipps akkurat nå. Prøv igjen senere, eller betal på en annen måte."
        }
        (Lang::En, "merchant_unavailable") => {
            "The shop cannot take Vipps payments right now. Try again later or pay another way."
        }
        (Lang::Nb, "not_a_vipps_user") => "Dette telefonnummeret er ikke registrert i Vipps.",
        (Lang::En, "not_a_vipps_user") => "This phone number is not registered with Vipps.",
        (Lang::Nb, "invalid_mobile_number") => "Skriv et norsk mobilnummer med 8 siffer.",
        (Lang::En, "invalid_mobile_number") => "Enter a Norwegian mobile number: 8 digits.",
        (Lang::Nb, "empty_cart") => "Handlekurven er tom.",
        (Lang::En, "empty_cart") => "The cart is empty.",
        (Lang::Nb, "unknown_product" | "invalid_quantity") => {
            "Noe i handlekurven kan ikke kjøpes. Oppdater siden og prøv igjen."
        }
        (Lang::En, "unknown_product" | "invalid_quantity") => {
            "Something in the cart cannot be bought. Reload the page and try again."
        }
        (Lang::Nb, "unsafe_url") => {
            "Butikken svarte med en betalingsadresse som ikke er Vipps. Av sikkerhetshensyn stoppet vi her."
        }
        (Lang::En, "unsafe_url") => {
            "The shop answered with a payment address that is not Vipps. For your safety we stopped here."
        }
        (Lang::Nb, "missing_order" | "not_found" | "missing_token") => {
            "Vi finner ikke denne betalingen. Lenken kan være ufullstendig: gå tilbake til butikken."
        }
        (Lang::En, "missing_order" | "not_found" | "missing_token") => {
            "We cannot find this payment. The link may be incomplete: please go back to the shop."
        }
        (Lang::Nb, "link_expired") => "Denne lenken er utløpt. Kvitteringen finner du i Vipps-appen.",
        (Lang::En, "link_expired") => "This link has expired. The receipt is in the Vipps app.",
        (Lang::Nb, "mobile_empty") => "Skriv inn kundens mobilnummer.",
        (Lang::En, "mobile_empty") => "Enter the customer's mobile number.",
        (Lang::Nb, "mobile_foreign") => "Vipps sender bare til norske mobilnumre (+47).",
        (Lang::En, "mobile_foreign") => "Vipps sends only to Norwegian mobile numbers (+47).",
        (Lang::Nb, "mobile_characters") => "Et mobilnummer har bare sifre.",
        (Lang::En, "mobile_characters") => "A mobile number has digits only.",
        (Lang::Nb, "mobile_length") => "Et norsk mobilnummer har 8 siffer.",
        (Lang::En, "mobile_length") => "A Norwegian mobile number has 8 digits.",
        (Lang::Nb, "mobile_not_mobile") => "Norske mobilnumre begynner på 4 eller 9.",
        (Lang::En, "mobile_not_mobile") => "Norwegian mobile numbers start with 4 or 9.",
        (Lang::Nb, "push_not_allowed") => {
            "Butikken er ikke satt opp for å sende betalinger til telefon. Bruk QR-kode eller Vipps-knappen."
        }
        (Lang::En, "push_not_allowed") => {
            "This shop is not set up to send payments to a phone. Use the QR code or the Vipps button."
        }
        (Lang::Nb, "not_cancellable") => "Betalingen er allerede godkjent.",
        (Lang::En, "not_cancellable") => "The payment is already approved.",
        (Lang::Nb, "config") => "Betalingsknappen er feil satt opp. Kontakt butikken.",
        (Lang::En, "config") => "The payment button is set up wrongly. Please contact the shop.",
        (Lang::Nb, _) => "Noe gikk galt. Prøv igjen.",
        (Lang::En, _) => "Something went wrong. Please try again.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_then_page_then_browser() {
        let browser = vec!["de-DE".to_string(), "en-US".to_string()];
        assert_eq!(resolve(Some("nb"), Some("en"), &browser), Lang::Nb);
        assert_eq!(
            resolve(Some("fr"), Some("no"), &browser),
            Lang::Nb,
            "an unknown element lang falls through"
        );
        assert_eq!(resolve(None, Some("nn-NO"), &[]), Lang::Nb);
        assert_eq!(resolve(None, None, &browser), Lang::En);
        assert_eq!(resolve(None, Some("de"), &["sv".into()]), Lang::En, "English otherwise");
    }

    #[test]
    fn languages_have_their_tags() {
        assert_eq!((Lang::Nb.tag(), Lang::En.tag()), ("nb", "en"));
        for (tag, lang) in PRIMARY_TAGS {
            assert_eq!(Lang::parse(tag), Some(*lang));
        }
    }

    #[test]
    fn the_brand_verbs() {
        assert_eq!(
            (Lang::Nb.texts().pay, Lang::Nb.texts().express),
            ("Betal med", "Kjøp nå med")
        );
        assert_eq!(
            (Lang::En.texts().pay, Lang::En.texts().express),
            ("Pay with", "Buy now with")
        );
    }

    #[test]
    fn every_problem_has_words_in_both_languages() {
        for code in [
            "network",
            "server",
            "unsafe_url",
            "not_found",
            "not_a_vipps_user",
            "merchant_unavailable",
            "mobile_empty",
            "mobile_foreign",
            "mobile_characters",
            "mobile_length",
            "mobile_not_mobile",
            "push_not_allowed",
            "not_cancellable",
            "whatever",
        ] {
            assert!(problem_message(Lang::Nb, code).len() > 10);
            assert!(problem_message(Lang::En, code).len() > 10);
        }
        assert_ne!(
            problem_message(Lang::Nb, "network"),
            problem_message(Lang::Nb, "unsafe_url")
        );
    }
}
