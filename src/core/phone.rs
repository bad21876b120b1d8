//! The customer's mobile number at a till (`mode="push"`), checked before anything is
//! sent: Vipps pushes only to Norwegian mobile numbers, and says why in words a cashier
//! can act on.

use contract::validate::normalize_mobile;

/// Why a typed number cannot be pushed to; each is a problem code with its own text
/// (`core::problem`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MobileProblem {
    Empty,
    /// A country code other than +47.
    Foreign,
    /// Letters or other signs than digits, spaces, dashes and a leading +.
    Characters,
    /// Not 8 digits.
    Length,
    /// 8 digits, but not a mobile number (Norwegian ones start with 4 or 9).
    NotMobile,
}

impl MobileProblem {
    pub fn code(self) -> &'static str {
        match self {
            MobileProblem::Empty => "mobile_empty",
            MobileProblem::Foreign => "mobile_foreign",
            MobileProblem::Characters => "mobile_characters",
            MobileProblem::Length => "mobile_length",
            MobileProblem::NotMobile => "mobile_not_mobile",
        }
    }
}

/// The 8 digits to send, or why not.
pub fn check_mobile(input: &str) -> Result<String, MobileProblem> {
    if let Some(number) = normalize_mobile(input) {
        return Ok(number);
    }
    let compact: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if compact.is_empty() {
        return Err(MobileProblem::Empty);
    }
    let national = compact
        .strip_prefix("+47")
        .or_else(|| compact.strip_prefix("0047"))
        .unwrap_or(&compact);
    if national.starts_with('+') || (national.starts_with("00") && national.len() > 8) {
        return Err(MobileProblem::Foreign);
    }
    if !national.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MobileProblem::Characters);
    }
    if national.len() != 8 {
        return Err(MobileProblem::Length);
    }
    Err(MobileProblem::NotMobile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_mobiles_in_the_ways_people_type_them() {
        for typed in [
            "48059528",
            "480 59 528",
            "+47 480 59 528",
            "0047-48059528",
            " 48059528 ",
        ] {
            assert_eq!(check_mobile(typed), Ok("48059528".into()), "{typed}");
        }
        assert_eq!(check_mobile("97777776"), Ok("97777776".into()));
    }

    #[test]
    fn each_mistake_is_named() {
        use MobileProblem::*;
        for (typed, why) in [
            ("", Empty),
            ("   ", Empty),
            ("+46 70 123 45 67", Foreign),
            ("0046701234567", Foreign),
            ("4805952a", Characters),
            ("480.59.528", Characters),
            ("4805952", Length),
            ("+47 480 59 5288", Length),
            ("22334455", NotMobile),
            ("00123456", NotMobile),
            ("80012345", NotMobile),
        ] {
            assert_eq!(check_mobile(typed), Err(why), "{typed:?}");
        }
    }

    #[test]
    fn every_problem_has_a_code_of_its_own() {
        use MobileProblem::*;
        let codes: Vec<&str> = [Empty, Foreign, Characters, Length, NotMobile]
            .map(MobileProblem::code)
            .to_vec();
        assert_eq!(
            codes,
            [
                "mobile_empty",
                "mobile_foreign",
                "mobile_characters",
                "mobile_length",
                "mobile_not_mobile"
            ]
        );
    }
}
