//! Where Vipps calls this backend. Each path is written here once: the router mounts it
//! and the gateways hand Vipps the URL made of it, so the two cannot drift apart.

/// eCom's `callbackPrefix`: Vipps posts to `{prefix}/v2/payments/{orderId}`.
pub const ECOM_CALLBACK_PREFIX: &str = "/api/vipps/callbacks";
/// eCom's `consentRemovalPrefix`: Vipps deletes `{prefix}/v2/consents/{userId}`.
pub const ECOM_CONSENT_PREFIX: &str = "/api/vipps/consents";
/// eCom's `shippingDetailsPrefix`: Vipps posts to
/// `{prefix}/v2/payments/{orderId}/shippingDetails`.
pub const ECOM_SHIPPING_PREFIX: &str = "/api/vipps/shipping";
/// ePayment's dynamic shipping `callbackUrl`: `{this}/{reference}`.
pub const EPAYMENT_SHIPPING: &str = "/api/vipps/epayment/shipping";
/// ePayment's webhook deliveries: `{this}/{msn}`, one registration per sales unit.
pub const WEBHOOKS: &str = "/api/vipps/webhooks";

/// The routes, in axum's syntax.
pub fn ecom_callback_route() -> String {
    format!("{ECOM_CALLBACK_PREFIX}/v2/payments/{{order_id}}")
}

pub fn ecom_consent_route() -> String {
    format!("{ECOM_CONSENT_PREFIX}/v2/consents/{{user_id}}")
}

pub fn ecom_shipping_route() -> String {
    format!("{ECOM_SHIPPING_PREFIX}/v2/payments/{{order_id}}/shippingDetails")
}

pub fn epayment_shipping_route() -> String {
    format!("{EPAYMENT_SHIPPING}/{{order_id}}")
}

pub fn webhooks_route() -> String {
    format!("{WEBHOOKS}/{{msn}}")
}

/// The path `msn`'s webhook deliveries arrive at.
pub fn webhooks_path(msn: &str) -> String {
    format!("{WEBHOOKS}/{msn}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_routes_are_the_urls_vipps_is_given() {
        assert_eq!(ecom_callback_route(), "/api/vipps/callbacks/v2/payments/{order_id}");
        assert_eq!(ecom_consent_route(), "/api/vipps/consents/v2/consents/{user_id}");
        assert_eq!(
            ecom_shipping_route(),
            "/api/vipps/shipping/v2/payments/{order_id}/shippingDetails"
        );
        assert_eq!(epayment_shipping_route(), "/api/vipps/epayment/shipping/{order_id}");
        assert_eq!(webhooks_route(), "/api/vipps/webhooks/{msn}");
        assert_eq!(webhooks_path("123456"), "/api/vipps/webhooks/123456");
    }
}
