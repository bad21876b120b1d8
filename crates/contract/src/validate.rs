//! Validation both sides agree on.

/// Vipps' orderId rule: `^[a-zA-Z0-9-]{1,50}$`.
pub fn is_valid_order_id(id: &str) -> bool {
    (1..=50).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A Norwegian mobile number as Vipps wants it: 8 digits, starting with 4 or 9.
/// Accepts `+47`, `0047`, spaces and dashes. `None` when it cannot be one.
pub fn normalize_mobile(input: &str) -> Option<String> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let national = compact
        .strip_prefix("+47")
        .or_else(|| compact.strip_prefix("0047"))
        .unwrap_or(&compact);
    let ok = national.len() == 8
        && national.bytes().all(|b| b.is_ascii_digit())
        && (national.starts_with('4') || national.starts_with('9'));
    ok.then(|| national.to_string())
}

/// Vipps' lower bound for an amount: 1 NOK. There is no documented upper bound; the
/// old `int32` format caps it.
pub fn is_valid_amount(ore: i64) -> bool {
    (100..=i32::MAX as i64).contains(&ore)
}

/// A store's id (`?store=`, when one backend serves several): `^[a-z0-9-]{1,20}$`.
pub fn is_valid_store_id(id: &str) -> bool {
    (1..=20).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An `Idempotency-Key`: 1-100 visible ASCII characters.
pub fn is_valid_idempotency_key(key: &str) -> bool {
    (1..=100).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_ids_travel_in_urls() {
        assert!(is_valid_store_id("fjord-2"));
        for bad in ["", "Fjord", "fjord kaffe", "fjord&x=1", "a-very-long-store-name-x"] {
            assert!(!is_valid_store_id(bad), "{bad}");
        }
    }

    #[test]
    fn order_ids() {
        assert!(is_valid_order_id("acme-shop-123-order123abc"));
        assert!(!is_valid_order_id(""));
        assert!(!is_valid_order_id("a b"));
        assert!(!is_valid_order_id(&"x".repeat(51)));
    }

    #[test]
    fn mobile_numbers() {
        assert_eq!(normalize_mobile("+47 912 34 567").as_deref(), Some("91234567"));
        assert_eq!(normalize_mobile("0047-48059528").as_deref(), Some("48059528"));
        assert_eq!(normalize_mobile("21234567"), None, "landlines are not mobiles");
        assert_eq!(normalize_mobile("9123456"), None);
    }

    #[test]
    fn amounts_and_keys() {
        assert!(is_valid_amount(100));
        assert!(!is_valid_amount(99));
        assert!(!is_valid_amount(i64::from(i32::MAX) + 1));
        assert!(is_valid_idempotency_key("3f1c-…".split('…').next().unwrap()));
        assert!(!is_valid_idempotency_key("has space"));
        assert!(!is_valid_idempotency_key(""));
    }
}
