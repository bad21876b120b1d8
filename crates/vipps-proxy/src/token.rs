//! Status tokens: `t` in the return URL, `<expiry>.<mac>`: the expiry (Unix seconds) and
//! an HMAC-SHA256 of the orderId and that expiry under a server key kept in the database,
//! so tokens survive restarts and nobody can extend one. Checked in constant time; pure
//! (the caller passes `now`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl TokenKey {
    pub fn random() -> Self {
        TokenKey(rand::random())
    }

    pub fn from_b64(text: &str) -> Option<Self> {
        URL_SAFE_NO_PAD.decode(text).ok()?.try_into().ok().map(TokenKey)
    }

    pub fn to_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    fn mac(&self, purpose: &str, order_id: &str, expires: i64) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length works");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(order_id.as_bytes());
        mac.update(b"\0");
        mac.update(expires.to_string().as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The token that lets a browser read `order_id`'s status, in `store` (empty: the
    /// default store), until `expires` (Unix seconds). Another store's token for the same
    /// orderId does not fit.
    pub fn status_token(&self, store: &str, order_id: &str, expires: i64) -> String {
        self.link_token(Link::Status, store, order_id, expires)
    }

    /// The token of the link on a paid order's receipt in the Vipps app: it reads the
    /// order (without the delivery address) and can do nothing else.
    pub fn receipt_token(&self, store: &str, order_id: &str, expires: i64) -> String {
        self.link_token(Link::Receipt, store, order_id, expires)
    }

    fn link_token(&self, link: Link, store: &str, order_id: &str, expires: i64) -> String {
        let kind = match link {
            Link::Status => "status",
            Link::Receipt => "receipt",
        };
        let purpose = if store.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}:{store}")
        };
        format!(
            "{expires}.{}",
            URL_SAFE_NO_PAD.encode(self.mac(&purpose, order_id, expires))
        )
    }

    /// What a link's token is worth at `now`, and what kind of link it is.
    pub fn check_link_token(&self, store: &str, order_id: &str, token: &str, now: i64) -> (TokenCheck, Link) {
        for link in [Link::Status, Link::Receipt] {
            let check = self.check_token(link, store, order_id, token, now);
            if check != TokenCheck::Invalid {
                return (check, link);
            }
        }
        (TokenCheck::Invalid, Link::Status)
    }

    /// What a token is worth at `now` (Unix seconds). Only a token this key made can be
    /// `Expired`: a stranger learns nothing from the difference.
    pub fn check_status_token(&self, store: &str, order_id: &str, token: &str, now: i64) -> TokenCheck {
        self.check_token(Link::Status, store, order_id, token, now)
    }

    fn check_token(&self, link: Link, store: &str, order_id: &str, token: &str, now: i64) -> TokenCheck {
        let Some((expires, _)) = token.split_once('.') else {
            return TokenCheck::Invalid;
        };
        let Ok(expires) = expires.parse::<i64>() else {
            return TokenCheck::Invalid;
        };
        let expected = self.link_token(link, store, order_id, expires);
        if !bool::from(expected.as_bytes().ct_eq(token.as_bytes())) {
            TokenCheck::Invalid
        } else if now >= expires {
            TokenCheck::Expired
        } else {
            TokenCheck::Valid
        }
    }
}

/// What a shopper's link lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// The return link: read the order, withdraw it while nobody has approved it.
    Status,
    /// The link on a receipt in the app (valid for a year): read the order, without
    /// the delivery address.
    Receipt,
}

impl TokenKey {
    /// What a consent removal leaves in place of a Vipps userId: a keyed hash, so a
    /// repeated removal is still recognised while the id itself is gone.
    pub fn erased_user_id(&self, user_id: &str) -> String {
        format!("erased:{}", URL_SAFE_NO_PAD.encode(self.mac("erased-user", user_id, 0)))
    }

    /// Who sent a payment start, as its idempotency key remembers it: a keyed hash of
    /// the client's page secret or, without one, its address.
    pub fn client_proof(&self, client: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac("client", client, 0))
    }

    /// What a dashboard session keeps of the staff token that signed it in: a keyed
    /// hash, compared with the token configured now at every request.
    pub fn staff_token_fingerprint(&self, token: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac("staff-token", token, 0))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    Valid,
    Expired,
    Invalid,
}

/// A random secret (the per-order `authToken` Vipps echoes on callbacks).
pub fn random_secret() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// Constant-time equality of two secrets.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// The first characters of a secret, for logs.
pub fn redact(secret: &str) -> String {
    format!("{}…", secret.chars().take(4).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_tokens_are_long_random_and_url_safe() {
        let (a, b) = (random_secret(), random_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43, "32 random bytes, base64url");
        assert!(
            a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'),
            "{a}"
        );
    }

    #[test]
    fn tokens_verify_only_for_their_order_key_and_time() {
        use TokenCheck::*;
        let key = TokenKey::random();
        let (now, exp) = (1_800_000_000, 1_800_090_000);
        let t = key.status_token("", "shop-1", exp);
        assert_eq!(t.len(), 10 + 1 + 43);
        assert_eq!(key.check_status_token("", "shop-1", &t, now), Valid);
        assert_eq!(key.check_status_token("", "shop-1", &t, exp - 1), Valid);
        assert_eq!(key.check_status_token("", "shop-1", &t, exp), Expired);
        assert_eq!(key.check_status_token("", "shop-2", &t, now), Invalid);
        assert_eq!(key.check_status_token("", "shop-1", &t[..t.len() - 1], now), Invalid);
        assert_eq!(TokenKey::random().check_status_token("", "shop-1", &t, now), Invalid);
        let mac = t.split_once('.').unwrap().1;
        let extended = format!("{}.{mac}", exp + 3600);
        assert_eq!(
            key.check_status_token("", "shop-1", &extended, exp + 1),
            Invalid,
            "the expiry is inside the MAC"
        );
        for junk in ["", ".", "x.y", mac, "-1.x", "99999999999999999999999.x"] {
            assert_eq!(key.check_status_token("", "shop-1", junk, now), Invalid, "{junk}");
        }
        let fjord = key.status_token("fjord", "shop-1", exp);
        assert_eq!(key.check_status_token("fjord", "shop-1", &fjord, now), Valid);
        assert_eq!(
            key.check_status_token("", "shop-1", &fjord, now),
            Invalid,
            "a store's token fits that store only"
        );
        assert_eq!(key.check_status_token("outlet", "shop-1", &fjord, now), Invalid);
        assert_eq!(key.check_status_token("fjord", "shop-1", &t, now), Invalid);
        let again = TokenKey::from_b64(&key.to_b64()).unwrap();
        assert_eq!(
            again.check_status_token("", "shop-1", &t, now),
            Valid,
            "a stored key gives the same tokens"
        );
    }

    #[test]
    fn an_erased_user_id_is_a_stable_keyed_hash() {
        let key = TokenKey::random();
        let a = key.erased_user_id("user-a");
        assert_eq!(a, key.erased_user_id("user-a"), "a repeated removal finds it");
        assert_ne!(a, key.erased_user_id("user-b"));
        assert_ne!(a, TokenKey::random().erased_user_id("user-a"), "keyed");
        assert!(a.starts_with("erased:") && !a.contains("user-a"), "{a}");
    }

    #[test]
    fn redaction_keeps_four_characters() {
        assert_eq!(redact("abcdefgh"), "abcd…");
        assert!(secrets_equal("x", "x") && !secrets_equal("x", "y"));
    }
}
