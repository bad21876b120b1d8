//! The widget's words in Norwegian (bokmål and nynorsk), English, Danish, Finnish and
//! Swedish. The language comes from the element's `lang`, else the page's, else the
//! browser's; English when none of those is one of these. Texts name the app "Vipps";
//! [`Words::say`] puts the brand the widget shows in its place (`core::brand`).

use super::brand::Brand;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nb,
    Nn,
    En,
    Da,
    Fi,
    Sv,
}

/// Every language, in the order the build paints them.
pub const ALL: [Lang; 6] = [Lang::Nb, Lang::Nn, Lang::En, Lang::Da, Lang::Fi, Lang::Sv];

/// The primary language subtags this widget speaks, and the texts each one gets.
/// (`index.js` gets this table at build time, to paint in the same language.)
pub const PRIMARY_TAGS: &[(&str, Lang)] = &[
    ("nb", Lang::Nb),
    ("no", Lang::Nb),
    ("nn", Lang::Nn),
    ("en", Lang::En),
    ("da", Lang::Da),
    ("fi", Lang::Fi),
    ("sv", Lang::Sv),
];

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
            Lang::Nn => "nn",
            Lang::En => "en",
            Lang::Da => "da",
            Lang::Fi => "fi",
            Lang::Sv => "sv",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Nb => &NB,
            Lang::Nn => &NN,
            Lang::En => &EN,
            Lang::Da => &DA,
            Lang::Fi => &FI,
            Lang::Sv => &SV,
        }
    }

    /// The words of mode `qr` and `push` (see [`KioskTexts`]).
    pub fn kiosk_texts(self) -> &'static KioskTexts {
        match self {
            Lang::Nb => &NB_KIOSK,
            Lang::Nn => &NN_KIOSK,
            Lang::En => &EN_KIOSK,
            Lang::Da => &DA_KIOSK,
            Lang::Fi => &FI_KIOSK,
            Lang::Sv => &SV_KIOSK,
        }
    }
}

/// What a view needs to speak: the language's texts, its tag, and the brand whose name
/// the texts use. `Copy`, so views capture it freely. The build renders the views once
/// with placeholder texts (`src/bin/widget-markup.rs`), hence the fields.
#[derive(Clone, Copy)]
pub struct Words {
    pub lang: Lang,
    /// The `lang` attribute written on the widget.
    pub tag: &'static str,
    pub texts: &'static Texts,
    /// The wordmark and the app's name in the texts.
    pub brand_name: &'static str,
    /// The brand in class names: `vipps`, `mobilepay`.
    pub brand_slug: &'static str,
}

impl Words {
    pub fn new(lang: Lang, brand: Brand) -> Self {
        Words {
            lang,
            tag: lang.tag(),
            texts: lang.texts(),
            brand_name: brand.name(),
            brand_slug: brand.slug(),
        }
    }

    /// `text` with the brand's name where it says "Vipps".
    pub fn say(&self, text: &str) -> String {
        with_brand(text, self.brand_name)
    }
}

/// What the views of mode `qr` and `push` speak: the [`Words`] every view has, and the
/// kiosk's own texts.
#[derive(Clone, Copy)]
pub struct KioskWords {
    pub words: Words,
    pub kiosk: &'static KioskTexts,
}

impl KioskWords {
    pub fn new(words: Words) -> Self {
        KioskWords {
            words,
            kiosk: words.lang.kiosk_texts(),
        }
    }
}

/// `text` with `name` where it says "Vipps" (also inside compounds: "Vipps-appen").
pub fn with_brand(text: &str, name: &str) -> String {
    text.replace("Vipps", name)
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
    /// When the widget's bundle cannot load (shown by `index.js`).
    pub load_failed: &'static str,
    pub problems: Problems,
}

impl Texts {
    /// Every text with its field name (the build's tables of first-paint texts).
    pub fn fields(&self) -> Vec<(&'static str, &'static str)> {
        every_text(|visit| {
            self.map(visit);
        })
    }

    /// The texts with `f(name, text)` for each one (problems kept as they are).
    pub fn map(&self, mut f: impl FnMut(&'static str, &'static str) -> &'static str) -> Texts {
        Texts {
            pay: f("pay", self.pay),
            express: f("express", self.express),
            starting: f("starting", self.starting),
            redirecting: f("redirecting", self.redirecting),
            try_again: f("try_again", self.try_again),
            waiting: f("waiting", self.waiting),
            waiting_hint: f("waiting_hint", self.waiting_hint),
            confirmed: f("confirmed", self.confirmed),
            confirmed_hint: f("confirmed_hint", self.confirmed_hint),
            order_ref: f("order_ref", self.order_ref),
            amount: f("amount", self.amount),
            shipping: f("shipping", self.shipping),
            delivery_address: f("delivery_address", self.delivery_address),
            cancelled: f("cancelled", self.cancelled),
            cancelled_hint: f("cancelled_hint", self.cancelled_hint),
            failed: f("failed", self.failed),
            failed_hint: f("failed_hint", self.failed_hint),
            expired: f("expired", self.expired),
            expired_hint: f("expired_hint", self.expired_hint),
            check_again: f("check_again", self.check_again),
            retrying: f("retrying", self.retrying),
            load_failed: f("load_failed", self.load_failed),
            problems: Problems { ..self.problems },
        }
    }
}

/// The words of the payments that stay on the page (`mode="qr"`, `mode="push"`), apart
/// from [`Texts`] so that the button's bundle, which has no such mode, carries none of
/// them: only the kiosk bundle reaches [`Lang::kiosk_texts`].
pub struct KioskTexts {
    /// The button's verb before the wordmark, first and again.
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
    pub problems: KioskProblems,
}

impl KioskTexts {
    /// The texts with `f(name, text)` for each one (problems kept as they are).
    pub fn map(&self, mut f: impl FnMut(&'static str, &'static str) -> &'static str) -> KioskTexts {
        KioskTexts {
            qr_start: f("qr_start", self.qr_start),
            qr_again: f("qr_again", self.qr_again),
            push_start: f("push_start", self.push_start),
            push_again: f("push_again", self.push_again),
            qr_label: f("qr_label", self.qr_label),
            qr_waiting: f("qr_waiting", self.qr_waiting),
            qr_waiting_hint: f("qr_waiting_hint", self.qr_waiting_hint),
            code_expired: f("code_expired", self.code_expired),
            code_expired_hint: f("code_expired_hint", self.code_expired_hint),
            push_waiting: f("push_waiting", self.push_waiting),
            push_waiting_hint: f("push_waiting_hint", self.push_waiting_hint),
            phone_label: f("phone_label", self.phone_label),
            nothing_taken: f("nothing_taken", self.nothing_taken),
            timed_out_hint: f("timed_out_hint", self.timed_out_hint),
            withdraw: f("withdraw", self.withdraw),
            problems: KioskProblems { ..self.problems },
        }
    }

    /// Every text with its field name (the build's tables of first-paint texts).
    pub fn fields(&self) -> Vec<(&'static str, &'static str)> {
        every_text(|visit| {
            self.map(visit);
        })
    }
}

/// The words for the problems only a payment that stays on the page meets: the number
/// typed for a push, a push the shop may not send, a withdrawal too late.
#[derive(Clone, Copy)]
pub struct KioskProblems {
    pub mobile_empty: &'static str,
    pub mobile_foreign: &'static str,
    pub mobile_characters: &'static str,
    pub mobile_length: &'static str,
    pub mobile_not_mobile: &'static str,
    /// A push (`flow: push`) the shop's Vipps sales unit may not send.
    pub push_not_allowed: &'static str,
    /// A withdrawal too late: the payment is approved.
    pub not_cancellable: &'static str,
}

/// Each text a table's `map` visits, with its field name.
fn every_text(
    map: impl FnOnce(&mut dyn FnMut(&'static str, &'static str) -> &'static str),
) -> Vec<(&'static str, &'static str)> {
    let mut all = Vec::new();
    map(&mut |name, text| {
        all.push((name, text));
        text
    });
    all
}

/// The words for each problem (`core::problem` decides which one a problem gets).
#[derive(Clone, Copy)]
pub struct Problems {
    pub network: &'static str,
    pub server: &'static str,
    pub rate_limited: &'static str,
    pub merchant_unavailable: &'static str,
    pub not_a_vipps_user: &'static str,
    pub invalid_mobile_number: &'static str,
    pub empty_cart: &'static str,
    pub unknown_product: &'static str,
    pub unsafe_url: &'static str,
    pub not_found: &'static str,
    pub link_expired: &'static str,
    pub config: &'static str,
    /// A refusal the shopper cannot act on (an unlisted 4xx, a broken request): contact
    /// the shop.
    pub refused: &'static str,
    pub app_too_old: &'static str,
    /// Anything else.
    pub other: &'static str,
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
    load_failed: "Vipps-knappen kunne ikke lastes. Sjekk nettforbindelsen og last siden på nytt.",
    problems: Problems {
        network: "Ingen kontakt med butikken. Sjekk nettforbindelsen og prøv igjen.",
        server: "Noe gikk galt hos butikken eller Vipps. Prøv igjen om litt.",
        rate_limited: "For mange forsøk. Vent litt og prøv igjen.",
        merchant_unavailable: "Butikken kan ikke ta imot Vipps akkurat nå. Prøv igjen senere, eller betal på en annen måte.",
        not_a_vipps_user: "Dette telefonnummeret er ikke registrert i Vipps.",
        invalid_mobile_number: "Skriv et norsk mobilnummer med 8 siffer.",
        empty_cart: "Handlekurven er tom.",
        unknown_product: "Noe i handlekurven kan ikke kjøpes. Oppdater siden og prøv igjen.",
        unsafe_url: "Butikken svarte med en betalingsadresse som ikke er Vipps. Av sikkerhetshensyn stoppet vi her.",
        not_found: "Vi finner ikke denne betalingen. Lenken kan være ufullstendig: gå tilbake til butikken.",
        link_expired: "Denne lenken er utløpt. Kvitteringen finner du i Vipps-appen.",
        config: "Betalingsknappen er feil satt opp. Kontakt butikken.",
        refused: "Butikken kunne ikke ta imot betalingen. Kontakt butikken hvis det skjer igjen.",
        app_too_old: "Vipps-appen på telefonen må oppdateres først. Oppdater den og prøv igjen.",
        other: "Noe gikk galt. Prøv igjen.",
    },
};

static NB_KIOSK: KioskTexts = KioskTexts {
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
    problems: KioskProblems {
        mobile_empty: "Skriv inn kundens mobilnummer.",
        mobile_foreign: "Vipps sender bare til norske mobilnumre (+47).",
        mobile_characters: "Et mobilnummer har bare sifre.",
        mobile_length: "Et norsk mobilnummer har 8 siffer.",
        mobile_not_mobile: "Norske mobilnumre begynner på 4 eller 9.",
        push_not_allowed:
            "Butikken er ikke satt opp for å sende betalinger til telefon. Bruk QR-kode eller Vipps-knappen.",
        not_cancellable: "Betalingen er allerede godkjent.",
    },
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
    load_failed: "The Vipps button could not load. Check your connection and reload the page.",
    problems: Problems {
        network: "Could not reach the shop. Check your connection and try again.",
        server: "Something went wrong at the shop or at Vipps. Please try again in a moment.",
        rate_limited: "Too many attempts. Please wait a moment and try again.",
        merchant_unavailable: "The shop cannot take Vipps payments right now. Try again later or pay another way.",
        not_a_vipps_user: "This phone number is not registered with Vipps.",
        invalid_mobile_number: "Enter a Norwegian mobile number: 8 digits.",
        empty_cart: "The cart is empty.",
        unknown_product: "Something in the cart cannot be bought. Reload the page and try again.",
        unsafe_url: "The shop answered with a payment address that is not Vipps. For your safety we stopped here.",
        not_found: "We cannot find this payment. The link may be incomplete: please go back to the shop.",
        link_expired: "This link has expired. The receipt is in the Vipps app.",
        config: "The payment button is set up wrongly. Please contact the shop.",
        refused: "The shop could not take this payment. Contact the shop if it happens again.",
        app_too_old: "The Vipps app on this phone must be updated first. Update it and try again.",
        other: "Something went wrong. Please try again.",
    },
};

static EN_KIOSK: KioskTexts = KioskTexts {
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
    problems: KioskProblems {
        mobile_empty: "Enter the customer's mobile number.",
        mobile_foreign: "Vipps sends only to Norwegian mobile numbers (+47).",
        mobile_characters: "A mobile number has digits only.",
        mobile_length: "A Norwegian mobile number has 8 digits.",
        mobile_not_mobile: "Norwegian mobile numbers start with 4 or 9.",
        push_not_allowed: "This shop is not set up to send payments to a phone. Use the QR code or the Vipps button.",
        not_cancellable: "The payment is already approved.",
    },
};

static NN: Texts = Texts {
    pay: "Betal med",
    express: "Kjøp no med",
    starting: "Startar betalinga …",
    redirecting: "Sender deg til Vipps …",
    try_again: "Prøv igjen",
    waiting: "Ventar på stadfesting frå Vipps …",
    waiting_hint: "Godkjenn betalinga i Vipps-appen. Denne sida oppdaterer seg sjølv.",
    confirmed: "Betalinga er stadfesta",
    confirmed_hint: "Takk for handelen! Du får ei kvittering i Vipps-appen.",
    order_ref: "Ordrenummer",
    amount: "Beløp",
    shipping: "Frakt",
    delivery_address: "Leveringsadresse",
    cancelled: "Betalinga vart avbroten",
    cancelled_hint: "Ingen pengar er trekte. Du kan gå tilbake til butikken og prøve igjen.",
    failed: "Betalinga gjekk ikkje gjennom",
    failed_hint: "Ingen pengar er trekte. Prøv igjen, eventuelt med eit anna kort i Vipps.",
    expired: "Vi kunne ikkje stadfeste betalinga",
    expired_hint: "Betalinga vart ikkje fullført i tide. Sjekk Vipps-appen: står betalinga der som gjennomført, får du ei ordrestadfesting på e-post. Elles kan du prøve igjen.",
    check_again: "Sjekk igjen",
    retrying: "Vi får ikkje kontakt akkurat no. Vi prøver igjen …",
    load_failed: "Vipps-knappen kunne ikkje lastast. Sjekk nettsambandet og last sida på nytt.",
    problems: Problems {
        network: "Ingen kontakt med butikken. Sjekk nettsambandet og prøv igjen.",
        server: "Noko gjekk gale hos butikken eller Vipps. Prøv igjen om litt.",
        rate_limited: "For mange forsøk. Vent litt og prøv igjen.",
        merchant_unavailable: "Butikken kan ikkje ta imot Vipps akkurat no. Prøv igjen seinare, eller betal på ein annan måte.",
        not_a_vipps_user: "Dette telefonnummeret er ikkje registrert i Vipps.",
        invalid_mobile_number: "Skriv eit norsk mobilnummer med 8 siffer.",
        empty_cart: "Handlekorga er tom.",
        unknown_product: "Noko i handlekorga kan ikkje kjøpast. Oppdater sida og prøv igjen.",
        unsafe_url: "Butikken svarte med ei betalingsadresse som ikkje er Vipps. Av omsyn til tryggleiken stoppa vi her.",
        not_found: "Vi finn ikkje denne betalinga. Lenkja kan vere ufullstendig: gå tilbake til butikken.",
        link_expired: "Denne lenkja har gått ut. Kvitteringa finn du i Vipps-appen.",
        config: "Betalingsknappen er feil sett opp. Kontakt butikken.",
        refused: "Butikken kunne ikkje ta imot betalinga. Kontakt butikken om det skjer igjen.",
        app_too_old: "Vipps-appen på telefonen må oppdaterast først. Oppdater han og prøv igjen.",
        other: "Noko gjekk gale. Prøv igjen.",
    },
};

static NN_KIOSK: KioskTexts = KioskTexts {
    qr_start: "Vis QR-kode for",
    qr_again: "Ny QR-kode for",
    push_start: "Send betalinga til",
    push_again: "Send på nytt til",
    qr_label: "QR-kode for betaling med Vipps",
    qr_waiting: "Skann koden med mobilkameraet",
    qr_waiting_hint: "Godkjenn betalinga i Vipps-appen. Koden gjeld i 5 minutt.",
    code_expired: "QR-koden har gått ut",
    code_expired_hint: "Har du skanna han, kan du framleis godkjenne i Vipps. Elles kan du be om ein ny kode.",
    push_waiting: "Betalinga er send til",
    push_waiting_hint: "Godkjenn ho i Vipps-appen på telefonen.",
    phone_label: "Mobilnummeret til kunden",
    nothing_taken: "Ingen pengar er trekte.",
    timed_out_hint: "Ingen godkjende betalinga i tide. Ingen pengar er trekte.",
    withdraw: "Avbryt betalinga",
    problems: KioskProblems {
        mobile_empty: "Skriv inn mobilnummeret til kunden.",
        mobile_foreign: "Vipps sender berre til norske mobilnummer (+47).",
        mobile_characters: "Eit mobilnummer har berre siffer.",
        mobile_length: "Eit norsk mobilnummer har 8 siffer.",
        mobile_not_mobile: "Norske mobilnummer byrjar på 4 eller 9.",
        push_not_allowed:
            "Butikken er ikkje sett opp for å sende betalingar til telefon. Bruk QR-kode eller Vipps-knappen.",
        not_cancellable: "Betalinga er allereie godkjend.",
    },
};

static DA: Texts = Texts {
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

static DA_KIOSK: KioskTexts = KioskTexts {
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
static FI: Texts = Texts {
    pay: "Maksa",
    express: "Osta heti",
    starting: "Maksua aloitetaan …",
    redirecting: "Siirrytään Vipps-palveluun …",
    try_again: "Yritä uudelleen",
    waiting: "Odotetaan vahvistusta Vipps-sovelluksesta …",
    waiting_hint: "Hyväksy maksu Vipps-sovelluksessa. Tämä sivu päivittyy itsestään.",
    confirmed: "Maksu on vahvistettu",
    confirmed_hint: "Kiitos tilauksestasi! Kuitti on Vipps-sovelluksessa.",
    order_ref: "Tilausnumero",
    amount: "Summa",
    shipping: "Toimitus",
    delivery_address: "Toimitusosoite",
    cancelled: "Maksu peruttiin",
    cancelled_hint: "Rahaa ei veloitettu. Voit palata kauppaan ja yrittää uudelleen.",
    failed: "Maksu ei onnistunut",
    failed_hint: "Rahaa ei veloitettu. Yritä uudelleen, tarvittaessa toisella kortilla Vipps-sovelluksessa.",
    expired: "Emme voineet vahvistaa maksua",
    expired_hint: "Maksua ei suoritettu ajoissa. Tarkista Vipps-sovellus: jos maksu näkyy siellä suoritettuna, saat tilausvahvistuksen sähköpostiisi. Muuten voit yrittää uudelleen.",
    check_again: "Tarkista uudelleen",
    retrying: "Kauppaan ei juuri nyt saada yhteyttä. Yritämme uudelleen …",
    load_failed: "Vipps-painiketta ei voitu ladata. Tarkista verkkoyhteys ja lataa sivu uudelleen.",
    problems: Problems {
        network: "Kauppaan ei saada yhteyttä. Tarkista verkkoyhteys ja yritä uudelleen.",
        server: "Kaupassa tai Vipps-palvelussa tapahtui virhe. Yritä hetken päästä uudelleen.",
        rate_limited: "Liian monta yritystä. Odota hetki ja yritä uudelleen.",
        merchant_unavailable: "Kauppa ei voi juuri nyt ottaa vastaan Vipps-maksuja. Yritä myöhemmin uudelleen tai maksa toisella tavalla.",
        not_a_vipps_user: "Tätä puhelinnumeroa ei ole rekisteröity Vipps-palveluun.",
        invalid_mobile_number: "Anna norjalainen matkapuhelinnumero: 8 numeroa.",
        empty_cart: "Ostoskori on tyhjä.",
        unknown_product: "Kaikkea ostoskorin sisältöä ei voi ostaa. Lataa sivu uudelleen ja yritä uudelleen.",
        unsafe_url: "Kauppa vastasi maksuosoitteella, joka ei ole Vipps-palvelun. Turvallisuussyistä keskeytimme tähän.",
        not_found: "Emme löydä tätä maksua. Linkki voi olla vajaa: palaa kauppaan.",
        link_expired: "Tämä linkki on vanhentunut. Kuitti on Vipps-sovelluksessa.",
        config: "Maksupainikkeen asetukset ovat virheelliset. Ota yhteyttä kauppaan.",
        refused: "Kauppa ei voinut ottaa maksua vastaan. Ota yhteyttä kauppaan, jos näin käy uudelleen.",
        app_too_old: "Puhelimen Vipps-sovellus on päivitettävä ensin. Päivitä se ja yritä uudelleen.",
        other: "Jokin meni vikaan. Yritä uudelleen.",
    },
};

static FI_KIOSK: KioskTexts = KioskTexts {
    qr_start: "Näytä QR-koodi:",
    qr_again: "Uusi QR-koodi:",
    push_start: "Lähetä maksu:",
    push_again: "Lähetä uudelleen:",
    qr_label: "QR-koodi Vipps-maksua varten",
    qr_waiting: "Skannaa koodi puhelimen kameralla",
    qr_waiting_hint: "Hyväksy maksu Vipps-sovelluksessa. Koodi on voimassa 5 minuuttia.",
    code_expired: "QR-koodi on vanhentunut",
    code_expired_hint:
        "Jos skannasit sen, voit yhä hyväksyä maksun Vipps-sovelluksessa. Muuten voit pyytää uuden koodin.",
    push_waiting: "Maksupyyntö on lähetetty numeroon",
    push_waiting_hint: "Hyväksy se puhelimen Vipps-sovelluksessa.",
    phone_label: "Asiakkaan matkapuhelinnumero",
    nothing_taken: "Rahaa ei veloitettu.",
    timed_out_hint: "Kukaan ei hyväksynyt maksua ajoissa. Rahaa ei veloitettu.",
    withdraw: "Peru maksu",
    problems: KioskProblems {
        mobile_empty: "Anna asiakkaan matkapuhelinnumero.",
        mobile_foreign: "Vipps-palvelu lähettää vain norjalaisiin matkapuhelinnumeroihin (+47).",
        mobile_characters: "Matkapuhelinnumerossa on vain numeroita.",
        mobile_length: "Norjalaisessa matkapuhelinnumerossa on 8 numeroa.",
        mobile_not_mobile: "Norjalaiset matkapuhelinnumerot alkavat numerolla 4 tai 9.",
        push_not_allowed:
            "Kauppaa ei ole määritetty lähettämään maksuja puhelimeen. Käytä QR-koodia tai Vipps-painiketta.",
        not_cancellable: "Maksu on jo hyväksytty.",
    },
};

static SV: Texts = Texts {
    pay: "Betala med",
    express: "Köp nu med",
    starting: "Startar betalningen …",
    redirecting: "Skickar dig till Vipps …",
    try_again: "Försök igen",
    waiting: "Väntar på bekräftelse från Vipps …",
    waiting_hint: "Godkänn betalningen i Vipps-appen. Sidan uppdateras av sig själv.",
    confirmed: "Betalningen är bekräftad",
    confirmed_hint: "Tack för din beställning! Kvittot finns i Vipps-appen.",
    order_ref: "Ordernummer",
    amount: "Belopp",
    shipping: "Frakt",
    delivery_address: "Leveransadress",
    cancelled: "Betalningen avbröts",
    cancelled_hint: "Inga pengar har dragits. Du kan gå tillbaka till butiken och försöka igen.",
    failed: "Betalningen gick inte igenom",
    failed_hint: "Inga pengar har dragits. Försök igen, eventuellt med ett annat kort i Vipps.",
    expired: "Vi kunde inte bekräfta betalningen",
    expired_hint: "Betalningen slutfördes inte i tid. Kontrollera Vipps-appen: visas betalningen där som genomförd får du en orderbekräftelse via e-post. Annars kan du försöka igen.",
    check_again: "Kontrollera igen",
    retrying: "Vi når inte butiken just nu. Vi försöker igen …",
    load_failed: "Vipps-knappen kunde inte laddas. Kontrollera internetanslutningen och ladda om sidan.",
    problems: Problems {
        network: "Ingen kontakt med butiken. Kontrollera internetanslutningen och försök igen.",
        server: "Något gick fel hos butiken eller Vipps. Försök igen om en stund.",
        rate_limited: "För många försök. Vänta en stund och försök igen.",
        merchant_unavailable: "Butiken kan inte ta emot Vipps just nu. Försök igen senare eller betala på ett annat sätt.",
        not_a_vipps_user: "Det här telefonnumret är inte registrerat i Vipps.",
        invalid_mobile_number: "Skriv ett norskt mobilnummer med 8 siffror.",
        empty_cart: "Varukorgen är tom.",
        unknown_product: "Något i varukorgen kan inte köpas. Ladda om sidan och försök igen.",
        unsafe_url: "Butiken svarade med en betalningsadress som inte är Vipps. Av säkerhetsskäl stoppade vi här.",
        not_found: "Vi hittar inte den här betalningen. Länken kan vara ofullständig: gå tillbaka till butiken.",
        link_expired: "Den här länken har gått ut. Kvittot finns i Vipps-appen.",
        config: "Betalningsknappen är felaktigt inställd. Kontakta butiken.",
        refused: "Butiken kunde inte ta emot betalningen. Kontakta butiken om det händer igen.",
        app_too_old: "Vipps-appen på telefonen måste uppdateras först. Uppdatera den och försök igen.",
        other: "Något gick fel. Försök igen.",
    },
};

static SV_KIOSK: KioskTexts = KioskTexts {
    qr_start: "Visa QR-kod för",
    qr_again: "Ny QR-kod för",
    push_start: "Skicka betalningen till",
    push_again: "Skicka igen till",
    qr_label: "QR-kod för betalning med Vipps",
    qr_waiting: "Skanna koden med mobilkameran",
    qr_waiting_hint: "Godkänn betalningen i Vipps-appen. Koden gäller i 5 minuter.",
    code_expired: "QR-koden har gått ut",
    code_expired_hint: "Har du skannat den kan du fortfarande godkänna i Vipps. Annars kan du be om en ny kod.",
    push_waiting: "Betalningen har skickats till",
    push_waiting_hint: "Godkänn den i Vipps-appen på telefonen.",
    phone_label: "Kundens mobilnummer",
    nothing_taken: "Inga pengar har dragits.",
    timed_out_hint: "Ingen godkände betalningen i tid. Inga pengar har dragits.",
    withdraw: "Avbryt betalningen",
    problems: KioskProblems {
        mobile_empty: "Skriv kundens mobilnummer.",
        mobile_foreign: "Vipps skickar bara till norska mobilnummer (+47).",
        mobile_characters: "Ett mobilnummer består bara av siffror.",
        mobile_length: "Ett norskt mobilnummer har 8 siffror.",
        mobile_not_mobile: "Norska mobilnummer börjar med 4 eller 9.",
        push_not_allowed:
            "Butiken är inte inställd på att skicka betalningar till telefonen. Använd QR-koden eller Vipps-knappen.",
        not_cancellable: "Betalningen är redan godkänd.",
    },
};
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
        assert_eq!(resolve(None, Some("nn-NO"), &[]), Lang::Nn);
        assert_eq!(resolve(None, Some("da-DK"), &[]), Lang::Da);
        assert_eq!(resolve(None, None, &["fi-FI".into()]), Lang::Fi);
        assert_eq!(resolve(None, Some("sv_FI"), &[]), Lang::Sv);
        assert_eq!(resolve(None, None, &browser), Lang::En);
        assert_eq!(resolve(None, Some("de"), &["pl".into()]), Lang::En, "English otherwise");
    }

    #[test]
    fn languages_have_their_tags() {
        for lang in ALL {
            assert_eq!(Lang::parse(lang.tag()), Some(lang));
        }
        for (tag, lang) in PRIMARY_TAGS {
            assert_eq!(Lang::parse(tag), Some(*lang));
        }
    }

    #[test]
    fn the_brand_verbs() {
        let verbs: Vec<(&str, &str)> = ALL.iter().map(|l| (l.texts().pay, l.texts().express)).collect();
        assert_eq!(
            verbs,
            [
                ("Betal med", "Kjøp nå med"),
                ("Betal med", "Kjøp no med"),
                ("Pay with", "Buy now with"),
                ("Betal med", "Køb nu med"),
                ("Maksa", "Osta heti"),
                ("Betala med", "Köp nu med"),
            ]
        );
    }

    #[test]
    fn every_text_is_written_in_every_language() {
        // A text left in another language (copied and forgotten) shows as equal to
        // Norwegian or English where the languages have different words for it.
        for lang in ALL {
            let t = lang.texts();
            for text in [
                t.waiting,
                t.confirmed,
                t.cancelled_hint,
                t.expired_hint,
                lang.kiosk_texts().withdraw,
            ] {
                assert!(text.len() > 5, "{lang:?}");
            }
            if !matches!(lang, Lang::Nb | Lang::En) {
                assert_ne!(t.waiting_hint, NB.waiting_hint, "{lang:?}");
                assert_ne!(t.waiting_hint, EN.waiting_hint, "{lang:?}");
                assert_ne!(t.problems.network, NB.problems.network, "{lang:?}");
                assert_ne!(t.problems.network, EN.problems.network, "{lang:?}");
            }
        }
    }

    #[test]
    fn the_brand_is_named_where_the_texts_say_vipps() {
        let danish = Words::new(Lang::Da, Brand::MobilePay);
        assert_eq!(
            danish.say(DA.waiting_hint),
            "Godkend betalingen i MobilePay-appen. Siden opdaterer sig selv."
        );
        assert_eq!(danish.brand_name, "MobilePay");
        assert_eq!(
            Words::new(Lang::Fi, Brand::MobilePay).say(FI.waiting),
            "Odotetaan vahvistusta MobilePay-sovelluksesta …"
        );
        assert_eq!(Words::new(Lang::Nb, Brand::Vipps).say(NB.waiting), NB.waiting);
        let swedish = Words::new(Lang::Sv, Brand::MobilePay);
        let not_a_user = Lang::Sv.texts().problems.not_a_vipps_user;
        assert!(swedish.say(not_a_user).ends_with("i MobilePay."));
    }
}
