//! ePayment's news comes by webhooks (issue 13). The simulator signs deliveries with its
//! own code and the backend verifies with its own: what one signs, the other accepts,
//! and any change to a signed delivery is refused.

use proptest::prelude::*;
use vipps_proxy::gateway::webhook_signature::{verify, Delivery, Refusal};
use vipps_sim::webhook_signature::{http_date, sign};

proptest! {
    #[test]
    fn what_the_simulator_signs_the_backend_accepts_and_nothing_else(
        secret in "[A-Za-z0-9+/=]{16,88}",
        path in "/[a-z0-9/-]{0,40}",
        query in proptest::option::of("[a-z]{1,8}=[a-z0-9]{1,12}"),
        port in 1024u16..65535,
        body in proptest::collection::vec(any::<u8>(), 0..512),
        flip in any::<prop::sample::Index>(),
    ) {
        let url = match &query {
            Some(q) => format!("http://127.0.0.1:{port}{path}?{q}"),
            None => format!("http://127.0.0.1:{port}{path}"),
        };
        let url = url::Url::parse(&url).unwrap();
        let date = http_date(chrono::Utc::now());
        let signed = sign(&secret, &url, &date, &body);
        let path_and_query = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let host = format!("127.0.0.1:{port}");
        let delivery = Delivery {
            path_and_query: &path_and_query,
            host: Some(&host),
            date: Some(&signed.date),
            content_sha256: Some(&signed.content_sha256),
            authorization: Some(&signed.authorization),
            body: &body,
        };
        prop_assert_eq!(verify(&secret, &delivery), Ok(()));
        prop_assert_eq!(verify(&format!("{secret}x"), &delivery), Err(Refusal::BadSignature));
        if !body.is_empty() {
            let mut changed = body.clone();
            let i = flip.index(changed.len());
            changed[i] ^= 1;
            prop_assert_eq!(
                verify(&secret, &Delivery { body: &changed, ..delivery }),
                Err(Refusal::BodyHashMismatch)
            );
        }
    }
}
