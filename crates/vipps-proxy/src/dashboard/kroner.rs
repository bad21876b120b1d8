//! Amounts as staff read and type them: øre ↔ "1 234,50 kr". Pure.

/// `123450` of `currency` → `1 234,50 kr` (NOK), `1 234,50 DKK`, `1 234,50 €` (a no-break
/// space between thousands).
pub fn format(ore: i64, currency: &str) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let (kr, rest) = ((ore / 100).abs(), (ore % 100).abs());
    let digits = kr.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    let unit = match currency {
        "NOK" => "kr",
        "EUR" => "€",
        other => other,
    };
    format!("{sign}{grouped},{rest:02}\u{a0}{unit}")
}

/// Why a typed amount is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountProblem {
    NotAnAmount,
    TooLarge,
    Zero,
}

/// What staff typed as an amount in kroner (`199`, `199,5`, `1 999,00`, `199.50`, `199 kr`)
/// in øre; `Ok(None)` for nothing typed (everything); `Err` for anything else, or zero.
pub fn parse(input: &str) -> Result<Option<i64>, AmountProblem> {
    let text: String = input
        .trim()
        .trim_end_matches("kr")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    if text.is_empty() {
        return Ok(None);
    }
    let text = text.replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (!fraction.is_empty() && !digits(fraction)) || fraction.len() > 2 {
        return Err(AmountProblem::NotAnAmount);
    }
    let kr: i64 = whole.parse().map_err(|_| AmountProblem::TooLarge)?;
    let ore: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    let total = kr
        .checked_mul(100)
        .and_then(|k| k.checked_add(ore))
        .ok_or(AmountProblem::TooLarge)?;
    if total == 0 {
        return Err(AmountProblem::Zero);
    }
    Ok(Some(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_staff_write_them() {
        assert_eq!(format(123450, "NOK"), "1\u{a0}234,50\u{a0}kr");
        assert_eq!(format(19900, "NOK"), "199,00\u{a0}kr");
        assert_eq!(format(5, "NOK"), "0,05\u{a0}kr");
        assert_eq!(format(0, "NOK"), "0,00\u{a0}kr");
        assert_eq!(
            format(-150, "NOK"),
            "-1,50\u{a0}kr",
            "a negative balance shows its sign"
        );
        assert_eq!(format(123450, "EUR"), "1\u{a0}234,50\u{a0}€");
        assert_eq!(format(123450, "DKK"), "1\u{a0}234,50\u{a0}DKK");
        for (typed, ore) in [
            ("199", 19900),
            ("199,5", 19950),
            ("199,50", 19950),
            ("199.05", 19905),
            (" 1 999,00 kr", 199900),
            ("1\u{a0}999", 199900),
        ] {
            assert_eq!(parse(typed), Ok(Some(ore)), "{typed}");
        }
        assert_eq!(parse("  "), Ok(None), "nothing typed: everything");
        for bad in ["-5", "1,999", "12a", "0", "0,00", ",5", "99999999999999999999"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
