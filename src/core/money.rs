//! Amounts as shoppers read them, in their language's way and their currency's.

use super::lang::Lang;

/// The group separator and decimal mark of a language: `1 299,05` in the Nordic
/// languages but Danish (`1.299,05`), `1,299.05` in English.
fn marks(lang: Lang) -> (char, char) {
    match lang {
        Lang::Da => ('.', ','),
        Lang::En => (',', '.'),
        Lang::Nb | Lang::Nn | Lang::Fi | Lang::Sv => ('\u{a0}', ','),
    }
}

/// `19900` minor units of `currency` as `lang` writes it: `199,00 kr` (nb, NOK),
/// `1.299,05 kr.` (da, DKK), `12,50 €` (fi, EUR), `NOK 199.00` or `€12.50` (en), with
/// thousands grouped; another currency by its code.
pub fn format(minor: i64, currency: &str, lang: Lang) -> String {
    let major = (minor / 100).abs();
    let cents = (minor % 100).abs();
    let sign = if minor < 0 { "-" } else { "" };
    let digits = major.to_string();
    let (group, decimal) = marks(lang);
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    let number = format!("{grouped}{decimal}{cents:02}");
    match (lang, currency) {
        (Lang::En, "EUR") => format!("{sign}€{number}"),
        (Lang::En, code) => format!("{sign}{code}\u{a0}{number}"),
        (Lang::Nb | Lang::Nn, "NOK") => format!("{sign}{number}\u{a0}kr"),
        (Lang::Da, "DKK") => format!("{sign}{number}\u{a0}kr."),
        (_, "EUR") => format!("{sign}{number}\u{a0}€"),
        (_, code) => format!("{sign}{number}\u{a0}{code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_both_languages() {
        assert_eq!(format(19900, "NOK", Lang::Nb), "199,00\u{a0}kr");
        assert_eq!(format(129_905, "NOK", Lang::Nb), "1\u{a0}299,05\u{a0}kr");
        assert_eq!(format(129_905, "NOK", Lang::En), "NOK\u{a0}1,299.05");
        assert_eq!(format(5, "NOK", Lang::En), "NOK\u{a0}0.05");
        assert_eq!(format(0, "NOK", Lang::Nb), "0,00\u{a0}kr", "zero has no sign");
        assert_eq!(format(-19900, "NOK", Lang::Nb), "-199,00\u{a0}kr", "a refund");
    }

    #[test]
    fn each_nordic_currency_as_each_language_writes_it() {
        let cases = [
            (Lang::Da, "DKK", "1.299,05\u{a0}kr."),
            (Lang::Da, "EUR", "1.299,05\u{a0}€"),
            (Lang::Da, "NOK", "1.299,05\u{a0}NOK"),
            (Lang::Fi, "EUR", "1\u{a0}299,05\u{a0}€"),
            (Lang::Sv, "EUR", "1\u{a0}299,05\u{a0}€"),
            (Lang::Sv, "DKK", "1\u{a0}299,05\u{a0}DKK"),
            (Lang::Nn, "NOK", "1\u{a0}299,05\u{a0}kr"),
            (Lang::Nb, "DKK", "1\u{a0}299,05\u{a0}DKK"),
            (Lang::En, "EUR", "€1,299.05"),
            (Lang::En, "DKK", "DKK\u{a0}1,299.05"),
        ];
        for (lang, currency, want) in cases {
            assert_eq!(format(129_905, currency, lang), want, "{lang:?} {currency}");
        }
        assert_eq!(format(-1250, "EUR", Lang::En), "-€12.50");
    }
}
