//! Signing a webhook delivery as the Webhooks API does (`docs/vipps-epayment-v1.md`):
//! HMAC-SHA256, keyed with the registration's secret, over `POST`, the path and query of
//! the registered URL, the date, the host and the body's SHA-256. Pure: the caller
//! passes the date. The backend has its own verifier; they share no code, so a mistake
//! in one is caught by the other, and both are held to Vipps' own example.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The headers a delivery carries besides `Host` (which the HTTP client sets from the URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub date: String,
    pub content_sha256: String,
    pub authorization: String,
}

/// Signs `body` for a `POST` to `url` at `date` (an HTTP date).
pub fn sign(secret: &str, url: &url::Url, date: &str, body: &[u8]) -> Signed {
    let content_sha256 = B64.encode(Sha256::digest(body));
    let mut path_and_query = url.path().to_string();
    if let Some(q) = url.query() {
        path_and_query.push('?');
        path_and_query.push_str(q);
    }
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let to_sign = format!("POST\n{path_and_query}\n{date};{host};{content_sha256}");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(to_sign.as_bytes());
    let signature = B64.encode(mac.finalize().into_bytes());
    Signed {
        date: date.to_string(),
        content_sha256,
        authorization: format!("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}"),
    }
}

/// An HTTP date (`Thu, 30 Mar 2023 08:38:32 GMT`), as `x-ms-date` carries it.
pub fn http_date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_guides_example_as_vipps_does() {
        let secret = "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==";
        let url = url::Url::parse("https://webhook.site/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63").unwrap();
        let body = br#"{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}"#;
        let signed = sign(secret, &url, "Thu, 30 Mar 2023 08:38:32 GMT", body);
        assert_eq!(signed.content_sha256, "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=");
        assert_eq!(
            signed.authorization,
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U="
        );
    }

    #[test]
    fn the_port_and_query_are_signed() {
        let a = sign(
            "s",
            &url::Url::parse("http://127.0.0.1:8080/hook?store=x").unwrap(),
            "d",
            b"{}",
        );
        let b = sign(
            "s",
            &url::Url::parse("http://127.0.0.1:8081/hook?store=x").unwrap(),
            "d",
            b"{}",
        );
        let c = sign(
            "s",
            &url::Url::parse("http://127.0.0.1:8080/hook?store=y").unwrap(),
            "d",
            b"{}",
        );
        assert_ne!(a.authorization, b.authorization);
        assert_ne!(a.authorization, c.authorization);
    }

    #[test]
    fn dates_are_http_dates() {
        let t = chrono::DateTime::parse_from_rfc3339("2023-03-30T08:38:32Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(http_date(t), "Thu, 30 Mar 2023 08:38:32 GMT");
    }
}
