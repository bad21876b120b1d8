//! The simulated Vipps app: who pays, for what, and "Approve" / "Reject". For express
//! payments also the delivery address and the shipping methods, with the total.

use maud::{html, Markup};

use super::{layout, money, spaced_mobile};
use crate::shipping::ShippingOption;
use crate::users::{Address, TestUser};

pub struct Express<'a> {
    pub address: &'a Address,
    /// The merchant's options, or why there are none.
    pub options: Result<&'a [ShippingOption], String>,
    pub selected_method: Option<&'a str>,
}

pub struct AppScreen<'a> {
    pub token: &'a str,
    pub merchant: &'a str,
    pub text: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub user: &'a TestUser,
    pub express: Option<Express<'a>>,
    pub fall_back: &'a str,
    /// The Userinfo `scope` the merchant asked for: the app asks for consent.
    pub scope: Option<&'a str>,
}

/// `name email` → `"name, e-mail"`: what the consent card lists.
fn shared(scope: &str) -> String {
    scope
        .split_whitespace()
        .map(|s| match s {
            "email" => "e-mail",
            "phoneNumber" => "phone number",
            "birthDate" => "birth date",
            "nin" => "national identity number",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn page(s: &AppScreen) -> Markup {
    layout(
        "Vipps",
        html! {
            section.card {
                p.brand aria-hidden="true" { "vipps" }
                p.who { "Logged in as " (s.user.full_name()) " (" (spaced_mobile(&s.user.mobile)) ")" }
                h1 { (s.merchant) }
                p { (s.text) }
                @if let Some(scope) = s.scope {
                    p.consent { "By approving you share your " (shared(scope)) " with " (s.merchant) "." }
                }
                @match &s.express {
                    None => {
                        p.amount { (money(s.amount, s.currency)) }
                        (decision(s.token, None))
                    }
                    Some(express) => { (express_part(s, express)) }
                }
            }
        },
    )
}

pub(crate) fn decision(token: &str, extra: Option<Markup>) -> Markup {
    html! {
        form method="post" action="/app/approve" {
            input type="hidden" name="token" value=(token);
            @if let Some(extra) = extra { (extra) }
            button.button.primary type="submit" { "Approve" }
            button.button type="submit" formaction="/app/reject" formnovalidate { "Reject" }
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn address_label(a: &Address) -> String {
    let mut text = format!("{}: {}", a.label, a.line1);
    if let Some(line2) = a.line2 {
        text.push_str(", ");
        text.push_str(line2);
    }
    format!("{text}, {} {}", a.post_code, a.city)
}

fn express_part(s: &AppScreen, e: &Express) -> Markup {
    let addresses = html! {
        fieldset {
            legend { "Delivery address" }
            @for a in &s.user.addresses {
                label {
                    input type="radio" name="addressId" value=(a.address_id) checked[a.address_id == e.address.address_id];
                    span { (address_label(a)) }
                }
            }
            @if s.user.addresses.len() > 1 {
                button #update-address .button.link type="submit" formmethod="get" formaction="/app" formnovalidate {
                    "Show shipping for this address"
                }
            }
        }
    };
    match &e.options {
        Err(why) => html! {
            form method="get" action="/app" {
                input type="hidden" name="token" value=(s.token);
                (addresses)
            }
            div role="alert" {
                h2 { "No shipping methods found" }
                p.error { "Payment failed. " (capitalized(why)) }
            }
            a.button.primary href=(s.fall_back) { "Back to the shop" }
        },
        Ok(options) => {
            let chosen = e
                .selected_method
                .and_then(|id| options.iter().find(|o| o.method_id == id))
                .or_else(|| crate::shipping::default_option(options));
            let total = s.amount + chosen.map_or(0, |o| o.cost_ore);
            let fields = html! {
                (addresses)
                fieldset {
                    legend { "Shipping method" }
                    @for o in options.iter() {
                        label {
                            input type="radio" name="shippingMethodId" value=(o.method_id)
                                checked[chosen.is_some_and(|c| c.method_id == o.method_id)]
                                data-total=(money(s.amount + o.cost_ore, s.currency));
                            span { (o.method) }
                            span.price { (money(o.cost_ore, s.currency)) }
                        }
                    }
                }
                p.total { span { "Total" } span #total-amount aria-live="polite" { (money(total, s.currency)) } }
            };
            decision(s.token, Some(fields))
        }
    }
}
