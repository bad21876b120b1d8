//! An order's history as sentences in the staff's language (the dashboard's order page
//! and the staff API's `history`), from the events the database keeps. Pure. An event of a
//! kind this does not know is shown with its name and its detail as they are.

use serde_json::Value;

use super::kroner;
use super::texts::Lang;

/// A status as the history recorded it, in words; a word this backend never writes is
/// shown as `?`.
fn status_words(lang: Lang, recorded: &str) -> &'static str {
    contract::PaymentStatus::parse(recorded)
        .map(|s| lang.status(crate::staff_status::StaffStatus::Vipps(s)))
        .unwrap_or("?")
}

fn amount(detail: &Value, key: &str, currency: &str) -> Option<String> {
    detail
        .get(key)
        .and_then(Value::as_i64)
        .map(|a| kroner::format(a, currency))
}

fn text<'a>(detail: &'a Value, key: &str) -> &'a str {
    detail.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The operation's name as a noun phrase: "trekk", "capture".
fn operation(lang: Lang, op: &str) -> &'static str {
    match (lang, op) {
        (Lang::Nb, "capture") => "trekk",
        (Lang::Nb, "refund") => "refusjon",
        (Lang::Nb, "cancel") => "kansellering",
        (Lang::En, "capture") => "capture",
        (Lang::En, "refund") => "refund",
        (Lang::En, "cancel") => "cancellation",
        _ => "?",
    }
}

/// One event as a sentence.
pub fn sentence(lang: Lang, kind: &str, detail: &Value, currency: &str) -> String {
    let nb = lang == Lang::Nb;
    let all = if nb { "hele beløpet" } else { "the whole amount" };
    match kind {
        "created" => {
            let total = amount(detail, "amount", currency).unwrap_or_default();
            let express = detail["express"].as_bool() == Some(true);
            match (nb, express) {
                (true, true) => format!("Hurtigkjøp startet: {total} for varene, frakt velges i Vipps."),
                (true, false) => format!("Betalingen ble startet: {total}."),
                (false, true) => format!("Express payment started: {total} for the goods, shipping chosen in Vipps."),
                (false, false) => format!("Payment started: {total}."),
            }
        }
        "status" => {
            let to = status_words(lang, text(detail, "status"));
            let why = detail.get("why").filter(|w| !w.is_null()).map(|w| match w {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            match (nb, detail.get("from").and_then(Value::as_str), why) {
                (true, _, Some(why)) => format!("Status: {to} ({why})."),
                (false, _, Some(why)) => format!("Status: {to} ({why})."),
                (true, Some(from), None) => format!("Status endret fra {} til {to}.", status_words(lang, from)),
                (false, Some(from), None) => format!("Status changed from {} to {to}.", status_words(lang, from)),
                (_, None, None) => format!("Status: {to}."),
            }
        }
        "mismatch" => {
            let (expected, reserved) = (
                amount(detail, "expected", currency).unwrap_or_default(),
                amount(detail, "reserved", currency).unwrap_or_default(),
            );
            if nb {
                format!("Vipps reserverte {reserved}, men butikken priset ordren til {expected}. Sjekk før du trekker.")
            } else {
                format!(
                    "Vipps reserved {reserved}, but the shop priced the order at {expected}. Check before capturing."
                )
            }
        }
        "reconcile" => {
            if nb {
                "Sjekket hos Vipps: ingen melding om betalingen var kommet.".into()
            } else {
                "Checked with Vipps: no word about the payment had come.".into()
            }
        }
        "callback" | "webhook" | "shipping" => {
            let what = [text(detail, "name"), text(detail, "status"), text(detail, "operation")]
                .into_iter()
                .find(|t| !t.is_empty())
                .unwrap_or(kind);
            if nb {
                format!("Melding fra Vipps: {what}.")
            } else {
                format!("Message from Vipps: {what}.")
            }
        }
        "capture" | "refund" | "cancel" => {
            let how_much = amount(detail, "amount", currency).unwrap_or_else(|| all.to_string());
            match (nb, kind) {
                (true, "capture") => format!("Butikken trakk {how_much}."),
                (true, "refund") => format!("Butikken refunderte {how_much}."),
                (true, _) => "Butikken kansellerte betalingen (det som var igjen ble frigitt).".into(),
                (false, "capture") => format!("Staff captured {how_much}."),
                (false, "refund") => format!("Staff refunded {how_much}."),
                (false, _) => "Staff cancelled the payment (what was left was released).".into(),
            }
        }
        "vipps_refused" => {
            let op = operation(lang, text(detail, "operation"));
            let how_much = amount(detail, "amount", currency).unwrap_or_else(|| all.to_string());
            let reason = text(detail, "reason");
            let trace = match detail.get("traceId").and_then(Value::as_str) {
                Some(t) if nb => format!(" Vipps' sporings-id: {t}."),
                Some(t) => format!(" Vipps' trace id: {t}."),
                None => String::new(),
            };
            if nb {
                format!("Vipps avviste {op} av {how_much}: {reason}.{trace}")
            } else {
                format!("Vipps refused the {op} of {how_much}: {reason}.{trace}")
            }
        }
        "consent_removed" => {
            if nb {
                "Kunden trakk samtykket i Vipps: personopplysningene er slettet.".into()
            } else {
                "The shopper removed their consent in Vipps: their personal data is erased.".into()
            }
        }
        "receipt_sent" => {
            let lines = detail["lines"].as_i64().unwrap_or(0);
            if nb {
                format!("Kvitteringen ({lines} linjer) og en lenke til ordren ble sendt til Vipps-appen.")
            } else {
                format!("The receipt ({lines} lines) and a link to the order were sent to the Vipps app.")
            }
        }
        "receipt_refused" => {
            let why = [text(detail, "why"), text(detail, "error")]
                .into_iter()
                .find(|t| !t.is_empty())
                .unwrap_or("?");
            if nb {
                format!("Kvitteringen ble ikke sendt til Vipps-appen: {why}.")
            } else {
                format!("The receipt was not sent to the Vipps app: {why}.")
            }
        }
        other => format!("{other}: {detail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_read_as_sentences_in_both_languages() {
        for (kind, detail, nb, en) in [
            (
                "created",
                json!({"amount": 26_800, "goods": 19_900, "express": false}),
                "Betalingen ble startet: 268,00 kr.",
                "Payment started: 268,00 kr.",
            ),
            (
                "status",
                json!({"from": "pending", "status": "reserved"}),
                "Status endret fra venter til reservert.",
                "Status changed from pending to reserved.",
            ),
            (
                "capture",
                json!({"amount": 10_000}),
                "Butikken trakk 100,00 kr.",
                "Staff captured 100,00 kr.",
            ),
            (
                "refund",
                json!({"amount": null}),
                "Butikken refunderte hele beløpet.",
                "Staff refunded the whole amount.",
            ),
            (
                "vipps_refused",
                json!({"operation": "capture", "amount": 5_000, "reason": "HTTP 400 Capture amount too high", "traceId": "t-1"}),
                "Vipps avviste trekk av 50,00 kr: HTTP 400 Capture amount too high. Vipps' sporings-id: t-1.",
                "Vipps refused the capture of 50,00 kr: HTTP 400 Capture amount too high. Vipps' trace id: t-1.",
            ),
            (
                "receipt_sent",
                json!({"lines": 2}),
                "Kvitteringen (2 linjer) og en lenke til ordren ble sendt til Vipps-appen.",
                "The receipt (2 lines) and a link to the order were sent to the Vipps app.",
            ),
        ] {
            // Amounts keep their no-break space, as the dashboard writes them.
            let plain = |s: String| s.replace('\u{a0}', " ");
            assert_eq!(plain(sentence(Lang::Nb, kind, &detail, "NOK")), nb);
            assert_eq!(plain(sentence(Lang::En, kind, &detail, "NOK")), en);
        }
    }

    #[test]
    fn no_event_is_raw_json_but_one_of_an_unknown_kind() {
        for kind in [
            "created",
            "status",
            "mismatch",
            "reconcile",
            "callback",
            "webhook",
            "capture",
            "refund",
            "cancel",
            "vipps_refused",
            "consent_removed",
            "receipt_sent",
            "receipt_refused",
        ] {
            let s = sentence(
                Lang::Nb,
                kind,
                &json!({"status": "captured", "name": "CAPTURED"}),
                "NOK",
            );
            assert!(!s.contains('{') && s.ends_with('.'), "{kind}: {s}");
        }
        assert_eq!(
            sentence(Lang::En, "new_kind", &json!({"a": 1}), "NOK"),
            "new_kind: {\"a\":1}"
        );
    }
}
