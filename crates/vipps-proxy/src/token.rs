//! Status tokens: `t` in the return URL. An HMAC-SHA256 of the orderId under a server key
//! kept in the database, so tokens survive restarts; checked in constant time.

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

    fn mac(&self, purpose: &str, order_id: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length works");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(order_id.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The token that lets a browser read `order_id`'s status.
    pub fn status_token(&self, order_id: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac("status", order_id))
    }

    pub fn verify_status_token(&self, order_id: &str, token: &str) -> bool {
        let expected = self.status_token(order_id);
        expected.as_bytes().ct_eq(token.as_bytes()).into()
    }
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
    fn tokens_verify_only_for_their_order_and_key() {
        let key = TokenKey::random();
        let t = key.status_token("shop-1");
        assert_eq!(t.len(), 43);
        assert!(key.verify_status_token("shop-1", &t));
        assert!(!key.verify_status_token("shop-2", &t));
        assert!(!key.verify_status_token("shop-1", &t[..42]));
        assert!(!TokenKey::random().verify_status_token("shop-1", &t));
        let again = TokenKey::from_b64(&key.to_b64()).unwrap();
        assert!(
            again.verify_status_token("shop-1", &t),
            "a stored key gives the same tokens"
        );
    }

    #[test]
    fn redaction_keeps_four_characters() {
        assert_eq!(redact("abcdefgh"), "abcd…");
        assert!(secrets_equal("x", "x") && !secrets_equal("x", "y"));
    }
}
