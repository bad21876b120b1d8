//! The widget's words, one file per language (`nb.rs`, `nn.rs`, `en.rs`, `da.rs`,
//! `fi.rs`, `sv.rs`), and the shapes they fill. Which language is spoken is
//! `core::lang`. Texts name the app "Vipps"; [`Words::say`] puts the brand the widget
//! shows in its place (`core::brand`).

mod da;
mod en;
mod fi;
mod nb;
mod nn;
mod sv;

use super::brand::Brand;
use super::lang::Lang;
use da::{DA, DA_KIOSK};
use en::{EN, EN_KIOSK};
use fi::{FI, FI_KIOSK};
use nb::{NB, NB_KIOSK};
use nn::{NN, NN_KIOSK};
use sv::{SV, SV_KIOSK};

impl Lang {
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
    /// Button verb before the wordmark: "Betal med" \[Vipps\].
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lang::ALL;

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
