//! The landing page a browser opens from the payment URL: "Mobile number", "Next".

use maud::{html, Markup};

use super::{layout, money};

pub struct Landing<'a> {
    pub token: &'a str,
    pub merchant: &'a str,
    pub text: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub mobile: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// Where the landing page is served (Vipps' own path).
pub const PATH: &str = "/dwo-api-application/v1/deeplink/vippsgateway";

/// The landing page of the payment `token` (a path: the public URL goes before it).
pub fn url(token: &str) -> String {
    format!("{PATH}?v=2&token={token}")
}

pub fn page(l: &Landing) -> Markup {
    layout(
        "Pay with Vipps",
        html! {
            section.card {
                p.brand aria-hidden="true" { "vipps" }
                h1 { "Pay with Vipps" }
                p.merchant { (l.merchant) }
                p { (l.text) }
                p.amount { (money(l.amount, l.currency)) }
                form method="post" action=(PATH) {
                    input type="hidden" name="token" value=(l.token);
                    label for="mobileNumber" { "Mobile number" }
                    input #mobileNumber type="tel" name="mobileNumber" inputmode="numeric" autocomplete="tel-national"
                        value=[l.mobile] required aria-describedby=[l.error.map(|_| "mobile-error")]
                        aria-invalid=[l.error.map(|_| "true")];
                    @if let Some(error) = l.error {
                        p #mobile-error .error role="alert" { (error) }
                    }
                    button.button.primary type="submit" name="action" value="next" { "Next" }
                    button.button.link type="submit" name="action" value="cancel" formnovalidate { "Cancel payment" }
                }
            }
        },
    )
}
