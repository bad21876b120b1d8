//! What went wrong, and the words the shopper reads for it: always the widget's own, in
//! the page's language. A backend's `message` is for developers (the `vipps:statechange`
//! event and the console), never shown: the shopper reads Norwegian on a Norwegian page
//! whatever language the backend writes its messages in.
//!
//! Each of the contract's error codes has its words through an exhaustive `match`
//! ([`backend_words`]), so a code added to `contract::error::ErrorCode` does not compile
//! until every language can say it. A code the contract does not list (another backend's)
//! is worded by its HTTP class: try again for 5xx, contact the shop for 4xx.

use contract::error::{Code, ErrorCode};

use super::lang::Lang;
#[cfg(any(feature = "kiosk", not(target_arch = "wasm32")))]
use super::phone::MobileProblem;

/// Why something went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// The backend refused with one of the contract's codes.
    Backend(ErrorCode),
    /// The backend refused with a code the contract does not list (`code`), or with no
    /// readable code: worded by the HTTP `status`'s class.
    Unlisted { code: Option<String>, status: u16 },
    /// No answer: offline, refused, timed out.
    Network,
    /// Something between here and Vipps failed; trying again may help.
    Server,
    /// An answer that is not the contract's.
    BadResponse,
    /// The backend answered with a payment address that is not Vipps'.
    UnsafeUrl,
    /// A return page whose link names no order.
    MissingOrder,
    /// The backend does not know the order (or the link), and said no more.
    NotFound,
    /// The element's options are wrong.
    Config,
    /// The number typed at a till (`mode="push"`).
    #[cfg(any(feature = "kiosk", not(target_arch = "wasm32")))]
    Mobile(MobileProblem),
}

impl Why {
    /// What an HTTP refusal means: the contract's code, another backend's, or none.
    pub fn of_refusal(code: Option<Code>, status: u16) -> Why {
        match code {
            Some(Code::Known(code)) => Why::Backend(code),
            Some(Code::Other(code)) => Why::Unlisted {
                code: Some(code),
                status,
            },
            None => Why::Unlisted { code: None, status },
        }
    }

    /// The code in `vipps:statechange`'s `error.code`: the backend's as it sent it, else
    /// the widget's own name.
    pub fn code(&self) -> &str {
        match self {
            Why::Backend(code) => code.as_str(),
            Why::Unlisted { code: Some(code), .. } => code,
            Why::Unlisted { code: None, status } if *status >= 500 => "server",
            Why::Unlisted { code: None, .. } => "bad_response",
            Why::Network => "network",
            Why::Server => "server",
            Why::BadResponse => "bad_response",
            Why::UnsafeUrl => "unsafe_url",
            Why::MissingOrder => "missing_order",
            Why::NotFound => "not_found",
            Why::Config => "config",
            #[cfg(any(feature = "kiosk", not(target_arch = "wasm32")))]
            Why::Mobile(m) => m.code(),
        }
    }

    /// The shopper's words in `lang`, naming the app "Vipps" (`Words::say` puts the
    /// brand shown in its place).
    pub fn words(&self, lang: Lang) -> &'static str {
        let p = &lang.texts().problems;
        match self {
            Why::Backend(code) => backend_words(*code, lang),
            Why::Unlisted { status, .. } => match status {
                400..=499 => p.refused,
                500..=599 => p.server,
                _ => p.other,
            },
            Why::Network => p.network,
            Why::Server => p.server,
            Why::BadResponse => p.other,
            Why::UnsafeUrl => p.unsafe_url,
            Why::MissingOrder | Why::NotFound => p.not_found,
            Why::Config => p.config,
            #[cfg(any(feature = "kiosk", not(target_arch = "wasm32")))]
            Why::Mobile(m) => {
                let k = &lang.kiosk_texts().problems;
                match m {
                    MobileProblem::Empty => k.mobile_empty,
                    MobileProblem::Foreign => k.mobile_foreign,
                    MobileProblem::Characters => k.mobile_characters,
                    MobileProblem::Length => k.mobile_length,
                    MobileProblem::NotMobile => k.mobile_not_mobile,
                }
            }
        }
    }
}

/// The words for each of the contract's codes. No catch-all: a new code must be worded.
fn backend_words(code: ErrorCode, lang: Lang) -> &'static str {
    use ErrorCode::*;
    let p = &lang.texts().problems;
    match code {
        // The shop's integration is wrong; the shopper can only tell the shop.
        InvalidRequest | IdempotencyKeyRequired | IdempotencyKeyReused | PayloadTooLarge => p.refused,
        // A shop's express button on goods that are not sent: only the shop can fix it.
        UnknownStore => p.config,
        ExpressNeedsShipping => p.refused,
        // A staff operation: no shopper meets it.
        RefundTooLate => p.refused,
        RequestInProgress | VippsUnavailable | Internal => p.server,
        UnknownProduct | InvalidQuantity => p.unknown_product,
        EmptyCart => p.empty_cart,
        InvalidMobileNumber => p.invalid_mobile_number,
        NotAVippsUser => p.not_a_vipps_user,
        AppTooOld => p.app_too_old,
        // Only a payment that stays on the page pushes or is withdrawn: the kiosk bundle
        // words these; the button's bundle, which carries none of the kiosk's texts,
        // never meets them (another backend that sends them gets "contact the shop").
        #[cfg(any(feature = "kiosk", not(target_arch = "wasm32")))]
        PushNotAllowed => lang.kiosk_texts().problems.push_not_allowed,
        #[cfg(any(feature = "kiosk", not(target_arch = "wasm32")))]
        NotCancellable => lang.kiosk_texts().problems.not_cancellable,
        #[cfg(not(any(feature = "kiosk", not(target_arch = "wasm32"))))]
        PushNotAllowed | NotCancellable => p.refused,
        MerchantUnavailable => p.merchant_unavailable,
        VippsRefused | Conflict => p.other,
        MissingToken | NotFound | Unauthorized => p.not_found,
        LinkExpired => p.link_expired,
        RateLimited => p.rate_limited,
    }
}

/// Why something went wrong, and whether to try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub why: Why,
    /// The backend's own `message`, for developers: put in the event's `error` and the
    /// console, never shown to the shopper.
    pub message: Option<String>,
    /// Trying again may help.
    pub retryable: bool,
}

impl Problem {
    pub fn new(why: Why, retryable: bool) -> Self {
        Problem {
            why,
            message: None,
            retryable,
        }
    }

    /// The code in the event (see [`Why::code`]).
    pub fn code(&self) -> &str {
        self.why.code()
    }

    /// What the shopper reads, in `lang`, naming the app "Vipps".
    pub fn text(&self, lang: Lang) -> &'static str {
        self.why.words(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lang::ALL;

    #[test]
    fn the_backends_message_is_never_what_the_shopper_reads() {
        let mut p = Problem::new(Why::Backend(ErrorCode::MerchantUnavailable), false);
        p.message = Some("Shop closed for stock-taking".into());
        assert_eq!(p.text(Lang::Nb), Lang::Nb.texts().problems.merchant_unavailable);
        assert_eq!(p.text(Lang::En), Lang::En.texts().problems.merchant_unavailable);
        assert_eq!(p.code(), "merchant_unavailable");
    }

    #[test]
    fn every_code_of_the_contract_has_words_of_its_own_language() {
        for &code in ErrorCode::ALL {
            let why = Why::Backend(code);
            for lang in ALL {
                assert!(why.words(lang).len() > 10, "{lang:?} {code}");
            }
            // Each language its own words: none is the English text, except English.
            for lang in [Lang::Nb, Lang::Nn, Lang::Da, Lang::Fi, Lang::Sv] {
                assert_ne!(why.words(lang), why.words(Lang::En), "{lang:?} {code}");
            }
            assert_eq!(why.code(), code.as_str());
        }
    }

    #[test]
    fn an_unlisted_code_is_worded_by_its_http_class() {
        let p = &Lang::Nb.texts().problems;
        let out_of_stock = |status| Why::of_refusal(Some(Code::Other("out_of_stock".into())), status);
        assert_eq!(out_of_stock(409).words(Lang::Nb), p.refused, "4xx: contact the shop");
        assert_eq!(out_of_stock(503).words(Lang::Nb), p.server, "5xx: try again");
        assert_eq!(out_of_stock(409).code(), "out_of_stock", "reported as sent");
        assert_ne!(p.refused, p.server);
        assert_eq!(Why::of_refusal(None, 502).code(), "server");
        assert_eq!(Why::of_refusal(None, 400).code(), "bad_response");
        assert_eq!(
            Why::of_refusal(Some(Code::Known(ErrorCode::RateLimited)), 429),
            Why::Backend(ErrorCode::RateLimited)
        );
    }

    #[test]
    fn the_codes_a_shopper_meets_most_have_words_of_their_own() {
        use ErrorCode::*;
        let words: std::collections::HashSet<&str> = [
            RateLimited,
            NotAVippsUser,
            PushNotAllowed,
            VippsUnavailable,
            MerchantUnavailable,
            AppTooOld,
            EmptyCart,
            LinkExpired,
        ]
        .into_iter()
        .map(|c| Why::Backend(c).words(Lang::En))
        .collect();
        assert_eq!(words.len(), 8);
        assert!(
            !words.contains(Why::BadResponse.words(Lang::En)),
            "none is the general text"
        );
    }

    #[cfg(any(feature = "kiosk", not(target_arch = "wasm32")))]
    #[test]
    fn each_mobile_problem_has_its_own_words() {
        let all = [
            MobileProblem::Empty,
            MobileProblem::Foreign,
            MobileProblem::Characters,
            MobileProblem::Length,
            MobileProblem::NotMobile,
        ];
        for lang in ALL {
            let words: std::collections::HashSet<&str> = all.iter().map(|m| Why::Mobile(*m).words(lang)).collect();
            assert_eq!(words.len(), all.len(), "{lang:?}");
        }
    }
}
