//! Vipps Userinfo as a `scope` payment shares it: the OIDC claims a user consented to,
//! for the subject (`sub`) `/details` names. Pure.

use serde_json::{json, Value};

use crate::users::{Address, TestUser};

/// The subject of `user` for this sales unit: stable, UUID-shaped, one per user.
pub fn sub(user: &TestUser) -> String {
    let m = &user.mobile;
    format!("c06c4afe-{}-4c5d-{}-177d752a0944", &m[..4], &m[4..8])
}

/// The user's birth date, for the `birthDate` scope (ISO 8601).
pub fn birth_date(user: &TestUser) -> &'static str {
    match user.mobile.as_str() {
        "91234567" => "1985-03-14",
        "48059528" => "1979-11-02",
        "97777776" => "1815-12-10",
        _ => "1990-01-01",
    }
}

fn address(a: &Address) -> Value {
    let street = match a.line2 {
        Some(line2) => format!("{}\n{line2}", a.line1),
        None => a.line1.to_string(),
    };
    json!({
        "street_address": street,
        "postal_code": a.post_code,
        "region": a.city,
        "country": "NO",
        "formatted": format!("{street}\n{} {}\nNO", a.post_code, a.city),
        "address_type": match a.address_type { "H" => "home", "W" => "work", _ => "other" },
    })
}

/// The claims for `scope` (space-separated, as sent at initiate): `sub` and `sid` always,
/// then only what was asked for and consented to.
pub fn claims(user: &TestUser, scope: &str, sid: &str) -> Value {
    let mut out = json!({ "sub": sub(user), "sid": sid });
    for word in scope.split_whitespace() {
        match word {
            "name" => {
                out["name"] = json!(user.full_name());
                out["given_name"] = json!(user.first_name);
                out["family_name"] = json!(user.last_name);
            }
            "email" => {
                out["email"] = json!(user.email);
                out["email_verified"] = json!(true);
            }
            "phoneNumber" => out["phone_number"] = json!(format!("47{}", user.mobile)),
            "birthDate" => out["birthdate"] = json!(birth_date(user)),
            "address" => {
                if let Some((home, others)) = user.addresses.split_first() {
                    out["address"] = address(home);
                    out["other_addresses"] = Value::Array(others.iter().map(address).collect());
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::lookup;

    #[test]
    fn only_the_consented_claims() {
        let kari = lookup("91234567").unwrap();
        let c = claims(&kari, "name email", "s1");
        assert_eq!(c["sub"], sub(&kari));
        assert_eq!(c["given_name"], "Kari");
        assert_eq!(c["email_verified"], true);
        assert!(c.get("phone_number").is_none() && c.get("address").is_none() && c.get("birthdate").is_none());
        let all = claims(&kari, "address birthDate phoneNumber", "s1");
        assert_eq!(all["phone_number"], "4791234567");
        assert_eq!(all["address"]["postal_code"], "0154");
        assert_eq!(all["address"]["address_type"], "home");
        assert_eq!(all["other_addresses"][0]["address_type"], "work");
        assert_eq!(all["birthdate"], "1985-03-14");
        assert_eq!(birth_date(&lookup("48059528").unwrap()), "1979-11-02");
        assert_eq!(birth_date(&lookup("97777776").unwrap()), "1815-12-10");
        assert_eq!(birth_date(&lookup("41234567").unwrap()), "1990-01-01");
        assert!(all.get("name").is_none());
    }

    #[test]
    fn one_subject_per_user() {
        let a = sub(&lookup("40000041").unwrap());
        let b = sub(&lookup("40000042").unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
    }
}
