//! The widget's words in Danish.

use super::{KioskProblems, KioskTexts, Problems, Texts};

pub static DA: Texts = Texts {
    pay: "Betal med",
    express: "Køb nu med",
    starting: "Starter betalingen …",
    redirecting: "Sender dig videre til Vipps …",
    try_again: "Prøv igen",
    waiting: "Venter på bekræftelse fra Vipps …",
    waiting_hint: "Godkend betalingen i Vipps-appen. Siden opdaterer sig selv.",
    confirmed: "Betalingen er bekræftet",
    confirmed_hint: "Tak for din ordre! Du får en kvittering i Vipps-appen.",
    order_ref: "Ordrenummer",
    amount: "Beløb",
    shipping: "Fragt",
    delivery_address: "Leveringsadresse",
    cancelled: "Betalingen blev annulleret",
    cancelled_hint: "Der er ikke trukket nogen penge. Du kan gå tilbage til butikken og prøve igen.",
    failed: "Betalingen gik ikke igennem",
    failed_hint: "Der er ikke trukket nogen penge. Prøv igen, eventuelt med et andet kort i Vipps.",
    expired: "Vi kunne ikke bekræfte betalingen",
    expired_hint: "Betalingen blev ikke gennemført i tide. Tjek Vipps-appen: står betalingen som gennemført, får du en ordrebekræftelse på e-mail. Ellers kan du prøve igen.",
    check_again: "Tjek igen",
    retrying: "Vi kan ikke få forbindelse lige nu. Vi prøver igen …",
    load_failed: "Vipps-knappen kunne ikke indlæses. Tjek din internetforbindelse og genindlæs siden.",
    problems: Problems {
        network: "Ingen forbindelse til butikken. Tjek din internetforbindelse og prøv igen.",
        server: "Noget gik galt hos butikken eller Vipps. Prøv igen om lidt.",
        rate_limited: "For mange forsøg. Vent lidt og prøv igen.",
        merchant_unavailable: "Butikken kan ikke tage imod Vipps lige nu. Prøv igen senere, eller betal på en anden måde.",
        not_a_vipps_user: "Dette telefonnummer er ikke registreret i Vipps.",
        invalid_mobile_number: "Skriv et norsk mobilnummer med 8 cifre.",
        empty_cart: "Kurven er tom.",
        unknown_product: "Noget i kurven kan ikke købes. Genindlæs siden og prøv igen.",
        unsafe_url: "Butikken svarede med en betalingsadresse, der ikke er Vipps. Af sikkerhedshensyn stoppede vi her.",
        not_found: "Vi kan ikke finde denne betaling. Linket kan være ufuldstændigt: gå tilbage til butikken.",
        link_expired: "Dette link er udløbet. Kvitteringen finder du i Vipps-appen.",
        config: "Betalingsknappen er sat forkert op. Kontakt butikken.",
        refused: "Butikken kunne ikke modtage betalingen. Kontakt butikken, hvis det sker igen.",
        app_too_old: "Vipps-appen på telefonen skal opdateres først. Opdater den, og prøv igen.",
        other: "Noget gik galt. Prøv igen.",
    },
};

pub static DA_KIOSK: KioskTexts = KioskTexts {
    qr_start: "Vis QR-kode til",
    qr_again: "Ny QR-kode til",
    push_start: "Send betalingen til",
    push_again: "Send igen til",
    qr_label: "QR-kode til betaling med Vipps",
    qr_waiting: "Scan koden med telefonens kamera",
    qr_waiting_hint: "Godkend betalingen i Vipps-appen. Koden gælder i 5 minutter.",
    code_expired: "QR-koden er udløbet",
    code_expired_hint: "Har du scannet den, kan du stadig godkende i Vipps. Ellers kan du bede om en ny kode.",
    push_waiting: "Betalingen er sendt til",
    push_waiting_hint: "Godkend den i Vipps-appen på telefonen.",
    phone_label: "Kundens mobilnummer",
    nothing_taken: "Der er ikke trukket nogen penge.",
    timed_out_hint: "Ingen godkendte betalingen i tide. Der er ikke trukket nogen penge.",
    withdraw: "Annuller betalingen",
    problems: KioskProblems {
        mobile_empty: "Skriv kundens mobilnummer.",
        mobile_foreign: "Vipps sender kun til norske mobilnumre (+47).",
        mobile_characters: "Et mobilnummer består kun af cifre.",
        mobile_length: "Et norsk mobilnummer har 8 cifre.",
        mobile_not_mobile: "Norske mobilnumre begynder med 4 eller 9.",
        push_not_allowed:
            "Butikken er ikke sat op til at sende betalinger til telefonen. Brug QR-koden eller Vipps-knappen.",
        not_cancellable: "Betalingen er allerede godkendt.",
    },
};

// Finnish inflects names; the texts name the app only in compounds ("Vipps-sovelluksessa")
// so that another brand's name fits the same sentence, and the button's verb stands
// before the wordmark as on a logo button.
