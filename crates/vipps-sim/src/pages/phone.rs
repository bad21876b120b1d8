//! A test phone: the payment requests waiting in the Vipps app of one number (pushed to
//! it when the number was entered on the landing page), each with "Approve" and
//! "Reject", so that flows without a browser redirect (a QR code on a screen, a till)
//! can be played in a browser.

use maud::{html, Markup};

use super::{app, layout, money, spaced_mobile};

/// One request waiting in the app.
pub struct Waiting<'a> {
    pub token: &'a str,
    pub merchant: &'a str,
    pub text: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    /// Express payments choose an address and shipping in the app screen.
    pub express: bool,
}

pub fn page(mobile: &str, owner: &str, waiting: &[Waiting]) -> Markup {
    layout(
        "Phone",
        html! {
            section.card {
                p.brand aria-hidden="true" { "vipps" }
                h1 { "Payment requests" }
                p.who { (owner) " (" (spaced_mobile(mobile)) ")" }
                @if waiting.is_empty() {
                    p { "No payment requests are waiting." }
                }
                @for w in waiting {
                    article.request aria-label=(format!("{}: {}", w.merchant, w.text)) {
                        h2 { (w.merchant) }
                        p { (w.text) }
                        @if w.express {
                            a.button.primary href=(format!("/app?token={}", w.token)) { "Open in Vipps" }
                        } @else {
                            p.amount { (money(w.amount, w.currency)) }
                            (app::decision(w.token, None))
                        }
                    }
                }
            }
        },
    )
}
