//! What the user (and the clock) do to an eCom payment: approve, fail, cancel on the
//! landing page, reject in the app, time out. Each returns the callback to send.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::*;

impl Payment {
    /// The user approves in the app. A user whose card is declined fails the payment.
    pub fn approve(
        &mut self,
        now: DateTime<Utc>,
        user: TestUser,
        shipping: Option<ChosenShipping>,
        direct_capture: bool,
    ) -> Result<Callback, Phase> {
        self.ensure_initiated()?;
        if let crate::users::CardOutcome::Declined { code, message } = user.card {
            self.user = Some(user);
            return Ok(self.fail(now, code, message, direct_capture).expect("initiated"));
        }
        let priced = self.init.amount + shipping.as_ref().map_or(0, |s| s.option.cost_ore);
        let amount = self.reserve_override.take().unwrap_or(priced);
        let op = if direct_capture { Op::Sale } else { Op::Reserve };
        self.push(
            op,
            amount,
            true,
            self.init.transaction_text.clone(),
            self.initiate_tx(),
            now,
            "",
        );
        self.phase = Phase::Reserved;
        self.sale = direct_capture;
        self.reserved = amount;
        if direct_capture {
            self.captured = amount;
        }
        self.user_acted = true;
        self.mobile = Some(user.mobile.clone());
        self.user = Some(user);
        self.shipping = shipping;
        let status = match (direct_capture, self.is_express()) {
            (true, _) => "SALE",
            (false, true) => "RESERVE",
            (false, false) => "RESERVED",
        };
        // Express carries shipping and the user; a `scope` payment the user it shares.
        let extra = if self.is_express() || self.init.scope.is_some() {
            self.express_callback_fields()
        } else {
            json!({})
        };
        Ok(self.callback(status, extra, now, Some(self.initiate_tx()), amount))
    }

    pub(super) fn express_callback_fields(&self) -> Value {
        let mut extra = json!({});
        if let Some(s) = &self.shipping {
            extra["shippingDetails"] = json!({
                "address": {
                    "addressLine1": s.address.line1,
                    "addressLine2": s.address.line2,
                    "city": s.address.city,
                    "country": "NO",
                    "zipCode": s.address.post_code,
                },
                "shippingCost": s.option.cost_nok(),
                "shippingMethod": s.option.method,
                "shippingMethodId": s.option.method_id,
            });
        }
        if let Some(u) = &self.user {
            extra["userDetails"] = json!({
                "firstName": u.first_name,
                "lastName": u.last_name,
                "email": u.email,
                "mobileNumber": u.mobile,
                "userId": u.user_id(),
            });
        }
        extra
    }

    /// The reservation fails (declined card, or the merchant's shipping reply was unusable).
    pub fn fail(
        &mut self,
        now: DateTime<Utc>,
        code: &str,
        message: &str,
        direct_capture: bool,
    ) -> Result<Callback, Phase> {
        self.ensure_initiated()?;
        let op = if direct_capture { Op::Sale } else { Op::Reserve };
        self.push(
            op,
            self.init.amount,
            false,
            self.init.transaction_text.clone(),
            self.initiate_tx(),
            now,
            "",
        );
        self.phase = Phase::Failed;
        self.user_acted = true;
        self.error_info = Some((code.to_string(), message.to_string()));
        let status = if op == Op::Sale {
            "SALE_FAILED"
        } else {
            "RESERVE_FAILED"
        };
        let extra = json!({ "errorInfo": { "errorGroup": "PAYMENTS", "errorCode": code, "errorMessage": message } });
        Ok(self.callback(status, extra, now, Some(self.initiate_tx()), self.init.amount))
    }

    /// The `CANCEL` entry of a payment that ends before reservation.
    pub(super) fn push_cancel(&mut self, now: DateTime<Utc>) {
        self.push(
            Op::Cancel,
            self.init.amount,
            true,
            self.init.transaction_text.clone(),
            self.initiate_tx(),
            now,
            "",
        );
    }

    /// The user cancels on the landing page, before the app: Vipps writes no `CANCEL`
    /// row and calls back `REJECTED` with error 45 and no `transactionId`.
    pub fn cancel_on_landing(&mut self, now: DateTime<Utc>) -> Result<Callback, Phase> {
        self.ensure_initiated()?;
        self.phase = Phase::Cancelled;
        self.error_info = Some(("45".into(), NOT_ACTED.into()));
        let extra = json!({ "errorInfo": { "errorCode": "45", "errorGroup": "PAYMENTS", "errorMessage": NOT_ACTED } });
        Ok(self.callback("REJECTED", extra, now, None, self.init.amount))
    }

    /// The user rejects in the app.
    pub fn reject(&mut self, now: DateTime<Utc>) -> Result<Callback, Phase> {
        self.ensure_initiated()?;
        self.push_cancel(now);
        self.phase = Phase::Cancelled;
        self.user_acted = true;
        Ok(self.callback("CANCELLED", json!({}), now, Some(self.initiate_tx()), self.init.amount))
    }

    /// Nobody acted in time: `CANCEL` in the log, `REJECTED` with error 45 by callback;
    /// with the payment's `transactionId` when it had reached the user's app.
    pub fn expire(&mut self, now: DateTime<Utc>) -> Result<Callback, Phase> {
        self.ensure_initiated()?;
        self.push_cancel(now);
        self.phase = Phase::Expired;
        self.error_info = Some(("45".into(), NOT_ACTED.into()));
        let extra = json!({ "errorInfo": { "errorCode": "45", "errorGroup": "PAYMENTS", "errorMessage": NOT_ACTED } });
        let transaction_id = self.reached_app.then(|| self.initiate_tx());
        Ok(self.callback("REJECTED", extra, now, transaction_id, self.init.amount))
    }
}
