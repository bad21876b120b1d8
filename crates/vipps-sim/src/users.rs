//! The simulator's Vipps users: who a mobile number belongs to and what happens when
//! they pay. Documented in the crate README ("Test phone numbers").

/// An address as the simulated app offers it for express checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub address_id: i64,
    pub label: &'static str,
    pub line1: &'static str,
    pub line2: Option<&'static str>,
    pub city: &'static str,
    pub post_code: &'static str,
    /// `H` home, `W` work, `O` other.
    pub address_type: &'static str,
}

/// What happens when this user approves a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardOutcome {
    Approves,
    /// The reservation fails with this Payment error code (41, 42, 44).
    Declined {
        code: &'static str,
        message: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestUser {
    pub mobile: String,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: String,
    pub addresses: Vec<Address>,
    pub card: CardOutcome,
    pub payment_instrument: &'static str,
}

impl TestUser {
    /// `^[\d\w\/=+]+$`, as Vipps' `userDetails.userId`, and opaque as Vipps' is: a
    /// hash of the number under a key drawn when the simulator starts (stable while it
    /// runs), so nobody can derive a user's id from their phone number. A merchant's
    /// consent-removal endpoint, which Vipps calls without credentials, relies on that.
    pub fn user_id(&self) -> String {
        use base64::Engine;
        use sha2::{Digest, Sha256};
        static KEY: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
        let key = KEY.get_or_init(rand::random);
        let digest = Sha256::new()
            .chain_update(key)
            .chain_update(self.mobile.as_bytes())
            .finalize();
        base64::engine::general_purpose::STANDARD.encode(digest)
    }
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
    pub fn address(&self, address_id: i64) -> Option<&Address> {
        self.addresses.iter().find(|a| a.address_id == address_id)
    }
}

/// Why a number cannot pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserError {
    /// errorCode 81: badly formatted, not a Vipps user, under 15 or not Norwegian.
    NotAVippsUser,
    /// errorCode 82: the user's app is too old.
    AppTooOld,
}

impl UserError {
    pub fn code(self) -> &'static str {
        match self {
            UserError::NotAVippsUser => "81",
            UserError::AppTooOld => "82",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            UserError::NotAVippsUser => "User is not registered with Vipps",
            UserError::AppTooOld => "User's app version is not supported",
        }
    }
}

/// Vipps "tries to repair" badly formatted numbers: spaces, `+47` and `0047` go.
/// Returns the 8-digit national number, or `None` when it cannot be repaired.
pub fn normalize_mobile(input: &str) -> Option<String> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let national = compact
        .strip_prefix("+47")
        .or_else(|| compact.strip_prefix("0047"))
        .unwrap_or(&compact);
    (national.len() == 8 && national.bytes().all(|b| b.is_ascii_digit())).then(|| national.to_string())
}

const HOME_OSLO: Address = Address {
    address_id: 3960,
    label: "Home",
    line1: "Karl Johans gate 1",
    line2: None,
    city: "OSLO",
    post_code: "0154",
    address_type: "H",
};
const WORK_OSLO: Address = Address {
    address_id: 3961,
    label: "Work",
    line1: "Dronning Eufemias gate 42",
    line2: Some("Att: Innkjøp"),
    city: "OSLO",
    post_code: "0191",
    address_type: "W",
};
const HOME_BERGEN: Address = Address {
    address_id: 4120,
    label: "Home",
    line1: "Bryggen 12",
    line2: None,
    city: "BERGEN",
    post_code: "5003",
    address_type: "H",
};
const HOME_TRONDHEIM: Address = Address {
    address_id: 5230,
    label: "Home",
    line1: "Munkegata 1",
    line2: None,
    city: "TRONDHEIM",
    post_code: "7013",
    address_type: "H",
};
const HOME_GENERIC: Address = Address {
    address_id: 9100,
    label: "Home",
    line1: "Testveien 1",
    line2: None,
    city: "OSLO",
    post_code: "0150",
    address_type: "H",
};

/// The user that owns `mobile` (already normalized), or why there is none.
pub fn lookup(mobile: &str) -> Result<TestUser, UserError> {
    if normalize_mobile(mobile).as_deref() != Some(mobile) {
        return Err(UserError::NotAVippsUser);
    }
    let declined = |code, message| CardOutcome::Declined { code, message };
    let (first, last, addresses, card, instrument) = match mobile {
        "91234567" => (
            "Kari",
            "Nordmann",
            vec![HOME_OSLO, WORK_OSLO],
            CardOutcome::Approves,
            "Visa",
        ),
        "48059528" => (
            "Ola",
            "Nordmann",
            vec![HOME_BERGEN],
            CardOutcome::Approves,
            "Mastercard",
        ),
        "97777776" => (
            "Ada",
            "Lovelace",
            vec![HOME_TRONDHEIM, HOME_OSLO],
            CardOutcome::Approves,
            "Visa",
        ),
        "40000041" => (
            "Nils",
            "Nokort",
            vec![HOME_GENERIC],
            declined("41", "User does not have a valid card"),
            "Visa",
        ),
        "40000042" => (
            "Berit",
            "Bankstopp",
            vec![HOME_GENERIC],
            declined("42", "Refused by issuer bank"),
            "Visa",
        ),
        "40000044" => (
            "Erik",
            "Utløpt",
            vec![HOME_GENERIC],
            declined("44", "Refused by issuer because of expired card"),
            "Mastercard",
        ),
        "40000081" => return Err(UserError::NotAVippsUser),
        "40000082" => return Err(UserError::AppTooOld),
        // Norwegian mobile numbers start with 4 or 9; any other is not a Vipps user.
        other if other.starts_with('4') || other.starts_with('9') => {
            ("Test", "Testesen", vec![HOME_GENERIC], CardOutcome::Approves, "Visa")
        }
        _ => return Err(UserError::NotAVippsUser),
    };
    Ok(TestUser {
        mobile: mobile.to_string(),
        first_name: first,
        last_name: last,
        email: format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase()).replace('ø', "o"),
        addresses,
        card,
        payment_instrument: instrument,
    })
}

/// The number the simulated app uses when nobody typed one in.
pub const DEFAULT_MOBILE: &str = "91234567";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_common_formats() {
        assert_eq!(normalize_mobile("912 34 567").as_deref(), Some("91234567"));
        assert_eq!(normalize_mobile("+4791234567").as_deref(), Some("91234567"));
        assert_eq!(normalize_mobile("004791234567").as_deref(), Some("91234567"));
        assert_eq!(normalize_mobile("9123456"), None);
        assert_eq!(normalize_mobile("9123456a"), None);
    }

    #[test]
    fn special_numbers_have_their_outcomes() {
        assert_eq!(lookup("40000081"), Err(UserError::NotAVippsUser));
        assert_eq!(lookup("40000082"), Err(UserError::AppTooOld));
        assert_eq!(lookup("22225555"), Err(UserError::NotAVippsUser));
        assert!(matches!(
            lookup("40000042").unwrap().card,
            CardOutcome::Declined { code: "42", .. }
        ));
        let kari = lookup("91234567").unwrap();
        assert_eq!(kari.addresses.len(), 2);
        assert_eq!(kari.card, CardOutcome::Approves);
        assert!(lookup("45678901").is_ok());
    }

    #[test]
    fn user_ids_fit_the_vipps_pattern() {
        let id = lookup("91234567").unwrap().user_id();
        assert!(id.len() <= 50);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || "/=+_".contains(c)));
        assert_eq!(id, lookup("91234567").unwrap().user_id(), "stable");
        assert_ne!(id, lookup("48059528").unwrap().user_id());
        assert!(!id.contains("91234567"), "opaque: {id}");
    }
}
