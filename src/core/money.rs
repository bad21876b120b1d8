//! Amounts as shoppers read them.

use super::i18n::Lang;

/// `19900` øre → `199,00 kr` (nb) or `NOK 199.00` (en), with thousands grouped.
pub fn format(minor: i64, currency: &str, lang: Lang) -> String {
    let major = (minor / 100).abs();
    let cents = (minor % 100).abs();
    let sign = if minor < 0 { "-" } else { "" };
    let digits = major.to_string();
    let sep = match lang {
        Lang::Nb => '\u{a0}',
        Lang::En => ',',
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    match (lang, currency) {
        (Lang::Nb, "NOK") => format!("{sign}{grouped},{cents:02}\u{a0}kr"),
        (Lang::Nb, other) => format!("{sign}{grouped},{cents:02}\u{a0}{other}"),
        (Lang::En, other) => format!("{sign}{other}\u{a0}{grouped}.{cents:02}"),
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
}
