//! HTML for people: the landing page, the simulated app and the start page.
//! Plain forms that work without JavaScript and by keyboard; every control has a label.

pub mod app;
pub mod home;
pub mod landing;
pub mod phone;

use maud::{html, Markup, DOCTYPE};

/// `19900` → `"199,00 kr"`, the Norwegian way.
/// An amount in minor units as the app writes it: `199,00 kr` (NOK, DKK), `12,50 €`.
pub fn money(minor: i64, currency: &str) -> String {
    let kr = kr(minor);
    match currency {
        "EUR" => kr.replace("\u{a0}kr", "\u{a0}€"),
        _ => kr,
    }
}

pub fn kr(ore: i64) -> String {
    let kroner = ore / 100;
    let digits = kroner.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    let sign = if ore < 0 { "-" } else { "" };
    format!("{sign}{grouped},{:02}\u{a0}kr", (ore % 100).abs())
}

/// `91234567` → `"912 34 567"`.
pub fn spaced_mobile(mobile: &str) -> String {
    if mobile.len() == 8 {
        format!("{} {} {}", &mobile[..3], &mobile[3..5], &mobile[5..])
    } else {
        mobile.to_string()
    }
}

pub fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · vipps-sim" }
                link rel="stylesheet" href="/static/sim.css";
                script src="/static/app.js" defer {}
            }
            body {
                div.sim-banner role="note" { "Simulated Vipps (vipps-sim): no real money moves" }
                main { (body) }
            }
        }
    }
}

/// A page that says the payment cannot go on, with a way back to the shop.
pub fn message(title: &str, text: &str, back: Option<&str>) -> Markup {
    layout(
        title,
        html! {
            section.card {
                h1 { (title) }
                p role="alert" { (text) }
                @if let Some(back) = back {
                    a.button.primary href=(back) { "Back to the shop" }
                }
            }
        },
    )
}

pub const CSS: &str = include_str!("sim.css");
pub const JS: &str = include_str!("app.js");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_kroner() {
        assert_eq!(kr(19900), "199,00\u{a0}kr");
        assert_eq!(kr(129_905), "1\u{a0}299,05\u{a0}kr");
        assert_eq!(kr(5), "0,05\u{a0}kr");
        assert_eq!(money(1250, "EUR"), "12,50\u{a0}€");
        assert_eq!(money(129_905, "DKK"), "1\u{a0}299,05\u{a0}kr");
        assert_eq!(spaced_mobile("91234567"), "912 34 567");
    }
}
