//! Whether a webhook delivery is from Vipps: the Webhooks API signs each one with the
//! registration's secret (HMAC-SHA256 over the method, path and query, date, host and the
//! body's SHA-256; `docs/vipps-epayment-v1.md`). Pure: the caller passes what arrived.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// What arrived with a delivery, as received (header values untouched).
pub struct Delivery<'a> {
    /// The path and query the delivery was sent to, e.g. `/api/vipps/webhooks?store=x`.
    pub path_and_query: &'a str,
    pub host: Option<&'a str>,
    pub date: Option<&'a str>,
    pub content_sha256: Option<&'a str>,
    pub authorization: Option<&'a str>,
    pub body: &'a [u8],
}

/// Why a delivery was refused (recorded; never shown to the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    MissingHeader,
    BodyHashMismatch,
    MalformedAuthorization,
    BadSignature,
}

impl Refusal {
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::MissingHeader => "a signature header is missing",
            Refusal::BodyHashMismatch => "the body does not match x-ms-content-sha256",
            Refusal::MalformedAuthorization => "the authorization header is not an HMAC-SHA256 signature",
            Refusal::BadSignature => "wrong signature",
        }
    }
}

/// How far a delivery's `x-ms-date` may be from now: Vipps signs each attempt afresh,
/// so an older date is a replay of a captured delivery (or a clock badly off).
pub const DATE_TOLERANCE_SECS: i64 = 15 * 60;

/// Whether `date` (an HTTP date, `Thu, 30 Mar 2023 08:38:32 GMT`) is within
/// [`DATE_TOLERANCE_SECS`] of `now`.
pub fn is_fresh(date: &str, now: chrono::DateTime<chrono::Utc>) -> bool {
    chrono::DateTime::parse_from_rfc2822(date.trim())
        .is_ok_and(|d| (now - d.with_timezone(&chrono::Utc)).num_seconds().abs() <= DATE_TOLERANCE_SECS)
}

const SCHEME: &str = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=";

/// Base64 of the SHA-256 of `body`, as `x-ms-content-sha256` carries it.
pub fn content_hash(body: &[u8]) -> String {
    B64.encode(Sha256::digest(body))
}

/// Checks a delivery against the registration's `secret`.
pub fn verify(secret: &str, d: &Delivery) -> Result<(), Refusal> {
    let (Some(host), Some(date), Some(claimed_hash), Some(authorization)) =
        (d.host, d.date, d.content_sha256, d.authorization)
    else {
        return Err(Refusal::MissingHeader);
    };
    let hash = content_hash(d.body);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(hash.as_bytes(), claimed_hash.as_bytes())) {
        return Err(Refusal::BodyHashMismatch);
    }
    let signature = authorization
        .strip_prefix(SCHEME)
        .and_then(|s| B64.decode(s).ok())
        .ok_or(Refusal::MalformedAuthorization)?;
    let signed = format!("POST\n{}\n{date};{host};{hash}", d.path_and_query);
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(signed.as_bytes());
    mac.verify_slice(&signature).map_err(|_| Refusal::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of Vipps' Webhooks API guide ("Request authentication").
    const SECRET: &str = "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==";
    const BODY: &str = r#"{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}"#;
    const HASH: &str = "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=";
    const AUTH: &str = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=";

    fn guide() -> Delivery<'static> {
        Delivery {
            path_and_query: "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63",
            host: Some("webhook.site"),
            date: Some("Thu, 30 Mar 2023 08:38:32 GMT"),
            content_sha256: Some(HASH),
            authorization: Some(AUTH),
            body: BODY.as_bytes(),
        }
    }

    #[test]
    fn the_guides_example_is_accepted() {
        assert_eq!(content_hash(BODY.as_bytes()), HASH);
        assert_eq!(verify(SECRET, &guide()), Ok(()));
    }

    #[test]
    fn any_change_is_refused_with_its_reason() {
        let body = BODY.replace("hello", "hallo");
        assert_eq!(
            verify(
                SECRET,
                &Delivery {
                    body: body.as_bytes(),
                    ..guide()
                }
            ),
            Err(Refusal::BodyHashMismatch),
            "a changed body"
        );
        let hash = content_hash(body.as_bytes());
        let changed = Delivery {
            body: body.as_bytes(),
            content_sha256: Some(&hash),
            ..guide()
        };
        assert_eq!(
            verify(SECRET, &changed),
            Err(Refusal::BadSignature),
            "a changed body with its own hash"
        );
        assert_eq!(verify("another-secret", &guide()), Err(Refusal::BadSignature));
        assert_eq!(
            verify(
                SECRET,
                &Delivery {
                    path_and_query: "/other",
                    ..guide()
                }
            ),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify(
                SECRET,
                &Delivery {
                    date: Some("Fri, 31 Mar 2023 08:38:32 GMT"),
                    ..guide()
                }
            ),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify(
                SECRET,
                &Delivery {
                    host: Some("evil.example"),
                    ..guide()
                }
            ),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify(SECRET, &Delivery { date: None, ..guide() }),
            Err(Refusal::MissingHeader)
        );
        assert_eq!(
            verify(
                SECRET,
                &Delivery {
                    authorization: Some("Bearer agAiSyog"),
                    ..guide()
                }
            ),
            Err(Refusal::MalformedAuthorization)
        );
        assert_eq!(
            verify(
                SECRET,
                &Delivery {
                    authorization: Some(&AUTH.replace("agAi", "!!!!")),
                    ..guide()
                }
            ),
            Err(Refusal::MalformedAuthorization)
        );
    }

    #[test]
    fn a_delivery_dated_far_from_now_is_not_fresh() {
        let signed_at = chrono::DateTime::parse_from_rfc3339("2023-03-30T08:38:32Z")
            .unwrap()
            .to_utc();
        let date = "Thu, 30 Mar 2023 08:38:32 GMT";
        assert!(is_fresh(date, signed_at));
        assert!(is_fresh(date, signed_at + chrono::Duration::minutes(15)));
        assert!(!is_fresh(date, signed_at + chrono::Duration::minutes(16)), "a replay");
        assert!(
            !is_fresh(date, signed_at - chrono::Duration::minutes(16)),
            "from the future"
        );
        assert!(!is_fresh("yesterday", signed_at));
    }
}
