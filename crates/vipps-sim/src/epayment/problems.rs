//! Each ePayment problem's `type`: a URI of its own, stable whatever its `title` says.
//! Vipps asks integrators to identify errors by `type` because titles and details may
//! change at any time (`vippsas/vipps-epayment-api` `docs/faq.md` at
//! 31a14f71470a00c1bb686b279a2ec6a7efbb88ac). Vipps' own `type` values are not in its
//! published sources (the FAQ's example has `http://example.com`), so the simulator
//! names its own under Vipps' errors page, one fragment per problem, listed in the
//! README; a client written against them keeps working when a title is reworded.

/// Where every `type` points: Vipps' page on errors, with the problem as the fragment.
pub const BASE: &str = "https://developer.vippsmobilepay.com/docs/knowledge-base/errors#";

/// Title → the fragment of its `type`. Never change a fragment: clients match on it.
pub const TYPES: &[(&str, &str)] = &[
    ("Missing required parameter", "missing-required-parameter"),
    ("Invalid parameter", "invalid-parameter"),
    ("Invalid request", "invalid-request"),
    ("Invalid URL", "invalid-url"),
    ("Invalid phone number", "invalid-phone-number"),
    ("Amount invalid", "amount-invalid"),
    ("Amount too small", "amount-too-small"),
    ("Operation not supported", "operation-not-supported"),
    ("Skip landing page not allowed", "skip-landing-page-not-allowed"),
    ("ExpiresAt not allowed", "expires-at-not-allowed"),
    ("Expiration date invalid", "expiration-date-invalid"),
    ("Long-living payment not allowed", "long-living-payment-not-allowed"),
    ("Idempotency error", "idempotency-error"),
    ("Reference not found", "reference-not-found"),
    ("Not found", "not-found"),
    ("Capture amount too high", "capture-amount-too-high"),
    ("Cannot capture before reservation", "capture-before-reservation"),
    ("Cannot capture a cancelled payment", "capture-cancelled-payment"),
    ("Capture idempotency conflict", "capture-idempotency-conflict"),
    ("Refund idempotency conflict", "refund-idempotency-conflict"),
    ("Attempted refund before reservation", "refund-before-reservation"),
    ("Payment already refunded", "payment-already-refunded"),
    ("Not enough refundable", "not-enough-refundable"),
    ("Cannot cancel a captured payment", "cancel-captured-payment"),
    ("Cannot cancel pending", "cancel-pending"),
    ("Cannot cancel authorized payment", "cancel-authorized-payment"),
    ("Payment cannot be cancelled", "payment-cannot-be-cancelled"),
    ("Payment cannot be captured", "payment-cannot-be-captured"),
    ("Payment is already reserved", "payment-already-reserved"),
    ("Approve failed", "approve-failed"),
    ("Too many requests", "too-many-requests"),
    ("Bad Request", "webhooks-validation-error"),
    ("Internal error", "internal-error"),
];

/// The `type` of a problem titled `title`. A title not in [`TYPES`] (an injected
/// fault's own `errorCode`) gets its words in lower case, joined by dashes.
pub fn type_of(title: &str) -> String {
    let fragment = TYPES
        .iter()
        .find(|(t, _)| *t == title)
        .map(|(_, f)| f.to_string())
        .unwrap_or_else(|| {
            title
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_ascii_lowercase)
                .collect::<Vec<_>>()
                .join("-")
        });
    format!("{BASE}{fragment}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_has_a_type_of_its_own() {
        let mut fragments: Vec<&str> = TYPES.iter().map(|(_, f)| *f).collect();
        fragments.sort();
        fragments.dedup();
        assert_eq!(fragments.len(), TYPES.len(), "one type per problem");
        assert_eq!(
            type_of("Cannot cancel pending"),
            "https://developer.vippsmobilepay.com/docs/knowledge-base/errors#cancel-pending"
        );
        assert!(type_of("Order processing").ends_with("#order-processing"));
    }
}
