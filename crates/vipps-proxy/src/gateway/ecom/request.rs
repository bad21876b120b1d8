//! The eCom initiate request (`POST /ecomm/v2/payments`) for a [`StartPayment`], pure.

use serde_json::{json, Value};

use contract::Flow;

use crate::gateway::{ExpressShipping, StartPayment};
use crate::hook_paths::{ECOM_CALLBACK_PREFIX, ECOM_CONSENT_PREFIX, ECOM_SHIPPING_PREFIX};

/// The request for `p`, for the sales unit `msn`.
pub fn initiate_body(p: &StartPayment<'_>, msn: &str) -> Value {
    let public = p.public_url;
    let express = p.express.is_some();
    let mut merchant = json!({
        "merchantSerialNumber": msn,
        "callbackPrefix": format!("{public}{ECOM_CALLBACK_PREFIX}"),
        "fallBack": p.return_url,
        "authToken": p.auth_token,
        "isApp": false,
        "paymentType": if express { "eComm Express Payment" } else { "eComm Regular Payment" },
    });
    if express || p.scope.is_some() {
        merchant["consentRemovalPrefix"] = json!(format!("{public}{ECOM_CONSENT_PREFIX}"));
    }
    match &p.express {
        Some(ExpressShipping::Fixed(offers)) => {
            merchant["staticShippingDetails"] = Value::Array(offers.iter().map(|o| o.to_vipps()).collect());
        }
        Some(ExpressShipping::PerAddress) => {
            merchant["shippingDetailsPrefix"] = json!(format!("{public}{ECOM_SHIPPING_PREFIX}"));
        }
        None => {}
    }
    let mut customer = json!({});
    if let Some(m) = p.mobile {
        customer["mobileNumber"] = json!(m);
    }
    let mut transaction = json!({
        "orderId": p.order_id,
        "amount": p.amount,
        "transactionText": p.description,
        "skipLandingPage": p.flow == Flow::Push,
    });
    if let Some(scope) = p.scope {
        transaction["scope"] = json!(scope);
    }
    json!({
        "customerInfo": customer,
        "merchantInfo": merchant,
        "transaction": transaction,
    })
}
