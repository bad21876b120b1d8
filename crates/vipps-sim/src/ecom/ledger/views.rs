//! How Vipps shows an eCom payment: `/details`, `/status`, and the simulator's own
//! control view.

use serde_json::{json, Value};

use super::*;

impl Payment {
    /// `GET .../details`.
    pub fn details(&self) -> Value {
        let history: Vec<Value> = self
            .log
            .iter()
            .rev()
            .map(|e| {
                json!({
                    "amount": e.amount,
                    "transactionText": e.text,
                    "transactionId": e.transaction_id,
                    "timeStamp": timestamp(e.at),
                    "operation": e.op.as_str(),
                    "requestId": e.request_id,
                    "operationSuccess": e.success,
                })
            })
            .collect();
        let mut body = json!({ "orderId": self.order_id(), "transactionLogHistory": history });
        if self.user_acted {
            let mut summary = self.summary();
            if self.phase != Phase::Cancelled {
                summary["bankIdentificationNumber"] = json!(492560);
            }
            body["transactionSummary"] = summary;
        }
        if let Some(s) = &self.shipping {
            let expired = self.consent_removed;
            let personal = |v: &str| {
                if expired {
                    "[Expired]".to_string()
                } else {
                    v.to_string()
                }
            };
            body["shippingDetails"] = json!({
                "address": {
                    "addressLine1": personal(s.address.line1),
                    "addressLine2": s.address.line2.map(personal),
                    "city": personal(s.address.city),
                    "country": "Norway",
                    "postCode": personal(s.address.post_code),
                },
                "shippingCost": s.option.cost_nok(),
                "shippingMethod": s.option.method,
                "shippingMethodId": s.option.method_id,
            });
        }
        if let (Some(u), true) = (
            &self.user,
            self.phase == Phase::Reserved && (self.is_express() || self.init.scope.is_some()),
        ) {
            let personal = |v: &str| {
                if self.consent_removed {
                    "[Expired]".to_string()
                } else {
                    v.to_string()
                }
            };
            body["userDetails"] = json!({
                "email": personal(&u.email),
                "firstName": personal(u.first_name),
                "lastName": personal(u.last_name),
                "mobileNumber": personal(&u.mobile),
                "userId": u.user_id(),
            });
            if self.init.scope.is_some() {
                body["sub"] = json!(crate::userinfo::sub(u));
            }
        }
        body
    }

    /// The deprecated `GET .../status`. Keeps saying `RESERVE` after capture, as Vipps did.
    pub fn status(&self) -> Value {
        let last = self.log.last().expect("a payment always has its INITIATE entry");
        let (status, entry) = match self.phase {
            Phase::Initiated => ("INITIATE", &self.log[0]),
            Phase::Reserved => {
                let decisive = self
                    .log
                    .iter()
                    .rev()
                    .find(|e| matches!(e.op, Op::Reserve | Op::Sale))
                    .unwrap_or(last);
                (if self.sale { "SALE" } else { "RESERVE" }, decisive)
            }
            Phase::Cancelled => ("CANCEL", last),
            Phase::Voided => ("VOID", last),
            Phase::Failed => ("FAILED", last),
            Phase::Expired => ("REJECTED", last),
        };
        json!({
            "orderId": self.order_id(),
            "transactionInfo": {
                "amount": entry.amount,
                "status": status,
                "transactionId": entry.transaction_id,
                "timeStamp": timestamp(entry.at),
            }
        })
    }

    /// A word for the control API and the human pages.
    pub fn state_name(&self) -> &'static str {
        match self.phase {
            Phase::Initiated => "initiated",
            Phase::Reserved if self.refunded > 0 && self.refunded == self.captured => "refunded",
            Phase::Reserved if self.captured > 0 && self.remaining_to_capture() == 0 => "captured",
            Phase::Reserved => "reserved",
            Phase::Cancelled => "cancelled",
            Phase::Voided => "voided",
            Phase::Failed => "failed",
            Phase::Expired => "expired",
        }
    }

    /// The full record the control API shows.
    pub fn control_view(&self) -> Value {
        let mut view = json!({
            "orderId": self.order_id(),
            "state": self.state_name(),
            "paymentType": if self.is_express() { "express" } else { "regular" },
            "amount": self.init.amount,
            "reservedAmount": self.reserved,
            "capturedAmount": self.captured,
            "refundedAmount": self.refunded,
            "transactionText": self.init.transaction_text,
            "merchantInfo": self.merchant_info,
            "customerInfo": self.customer_info,
            // The same facts under the names an ePayment payment's view uses.
            "msn": self.msn,
            "returnUrl": self.init.fall_back,
            "createdAt": timestamp(self.created_at),
            "url": self.url,
            "token": self.token,
            "mobileNumber": self.mobile,
            "skipLandingPage": self.init.skip_landing_page,
            "reachedApp": self.reached_app,
            "consentRemoved": self.consent_removed,
            "deliveries": self.deliveries,
            "apiCalls": self.api_calls,
            "systemHeaders": self.system_headers,
        });
        if let Some(s) = &self.shipping {
            view["shipping"] = json!({
                "shippingMethod": s.option.method,
                "shippingMethodId": s.option.method_id,
                "shippingCostOre": s.option.cost_ore,
                "addressId": s.address.address_id,
            });
        }
        if let Some(u) = &self.user {
            view["userId"] = json!(u.user_id());
        }
        if let Some((code, message)) = &self.error_info {
            view["errorInfo"] = json!({ "errorCode": code, "errorMessage": message });
        }
        view
    }
}
