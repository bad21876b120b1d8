//! What the simulator holds for ePayment: the payments of each sales unit by reference,
//! the create requests' idempotency keys, and the webhook registrations. Kept in the
//! simulator's one memory, under its lock.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::payment::{EventName, Payment, State};
use super::validate::Create;
use crate::ecom::ledger::ChosenShipping;
use crate::shipping::ShippingOption;

/// An ePayment payment with what it was created with.
#[derive(Debug, Clone)]
pub struct Entry {
    pub msn: String,
    pub payment: Payment,
    pub create: Create,
    /// The landing page's token (in `redirectUrl`).
    pub token: String,
    pub created_at: DateTime<Utc>,
    /// The user is on the approval screen (a cancel is refused meanwhile).
    pub user_acting: bool,
    /// The Userinfo subject once authorized with a scope.
    pub sub: Option<String>,
    /// The number the user gave on the landing page.
    pub mobile: Option<String>,
    /// Express: the options the merchant's callback gave per address id.
    pub offers: HashMap<i64, Vec<ShippingOption>>,
    /// Express: what the user chose when approving.
    pub chosen: Option<ChosenShipping>,
    /// The express shipping callbacks made, for the control API (eCom's kind of record).
    pub deliveries: Vec<crate::ecom::ledger::Delivery>,
}

impl Entry {
    /// The user's Norwegian number: given on the landing page, or the create request's
    /// MSISDN (`4791234567` → `91234567`). A `personalQr` or `customerToken` names the
    /// simulator's default test user (the one user whose app holds every QR and token).
    pub fn national_mobile(&self) -> Option<String> {
        use super::validate::Customer;
        let from_customer = match &self.create.customer {
            Some(Customer::PhoneNumber(p)) => p.strip_prefix("47").filter(|n| n.len() == 8).map(str::to_string),
            Some(Customer::PersonalQr(_) | Customer::CustomerToken(_)) => Some(crate::users::DEFAULT_MOBILE.into()),
            None => None,
        };
        self.mobile.clone().or(from_customer)
    }

    /// The payment's state in eCom's words, as the pages and flows speak.
    pub fn phase(&self) -> crate::ecom::ledger::Phase {
        use crate::ecom::ledger::Phase;
        match self.payment.state {
            State::Created => Phase::Initiated,
            State::Authorized => Phase::Reserved,
            State::Aborted | State::Terminated => Phase::Cancelled,
            State::Expired => Phase::Expired,
        }
    }

    pub fn is_express(&self) -> bool {
        self.create.shipping.is_some()
    }

    /// `userDetails` of an authorized payment whose scope asked for them (the number as
    /// an MSISDN, as everywhere in ePayment).
    fn user_details(&self) -> Option<Value> {
        let scope = self.create.scope.as_deref()?;
        if self.payment.state != State::Authorized
            || !["name", "email", "phoneNumber"]
                .iter()
                .any(|w| scope.split_whitespace().any(|s| s == *w))
        {
            return None;
        }
        let user = crate::users::lookup(self.mobile.as_deref()?).ok()?;
        Some(json!({
            "firstName": user.first_name,
            "lastName": user.last_name,
            "email": user.email,
            "mobileNumber": format!("47{}", user.mobile),
        }))
    }

    /// `shippingDetails` of an authorized express payment: the address and option chosen.
    fn shipping_details(&self) -> Option<Value> {
        let chosen = self.chosen.as_ref()?;
        Some(json!({
            "address": super::shipping::address_json(&chosen.address),
            "shippingCost": chosen.option.cost_ore,
            "shippingOptionId": chosen.option.method_id,
            "shippingOptionName": chosen.option.method,
        }))
    }

    /// `GET /epayment/v1/payments/{reference}`.
    pub fn view(&self, public_url: &str) -> Value {
        let p = &self.payment;
        let mut view = json!({
            "aggregate": p.aggregate(),
            "amount": {"currency": p.currency, "value": p.value},
            "state": p.state.name(),
            "paymentMethod": {"type": self.create.method},
            "profile": {},
            "pspReference": p.psp_reference,
            "reference": p.reference,
        });
        if let Some(sub) = &self.sub {
            view["profile"] = json!({"sub": sub});
        }
        if let Some(url) = self.redirect_url(public_url) {
            view["redirectUrl"] = json!(url);
        }
        if let Some(m) = &self.create.metadata {
            view["metadata"] = m.clone();
        }
        if let Some(user) = self.user_details() {
            view["userDetails"] = user;
        }
        if let Some(shipping) = self.shipping_details() {
            view["shippingDetails"] = shipping;
        }
        view
    }

    /// Where the user goes: the landing page for the redirect flows; for `QR` the code's
    /// image (or, `TEXT/TARGETURL`, the landing page to encode); nothing for a push.
    pub fn redirect_url(&self, public_url: &str) -> Option<String> {
        use super::validate::UserFlow;
        match self.create.user_flow {
            UserFlow::WebRedirect | UserFlow::NativeRedirect => {
                Some(format!("{public_url}{}", crate::pages::landing::url(&self.token)))
            }
            UserFlow::Qr => Some(match self.create.qr_format {
                crate::qr::QrFormat::TargetUrl => {
                    format!("{public_url}{}", crate::pages::landing::url(&self.token))
                }
                _ => format!("{public_url}/_sim/qr/{}", self.token),
            }),
            UserFlow::PushMessage => None,
        }
    }

    /// The control API's view: the simulator's own words, the same for both APIs
    /// (`state`, `amount` in minor units, the amounts moved), with ePayment's own answer
    /// under `epayment` and its event log under `events`.
    pub fn control_view(&self, public_url: &str) -> Value {
        let p = &self.payment;
        json!({
            "api": "epayment",
            "orderId": p.reference,
            "reference": p.reference,
            "state": self.state_name(),
            "amount": p.value,
            "currency": p.currency,
            "reservedAmount": p.authorized,
            "capturedAmount": p.captured,
            "refundedAmount": p.refunded,
            "cancelledAmount": p.cancelled,
            "msn": self.msn,
            "userFlow": self.create.user_flow.name(),
            "returnUrl": self.create.return_url,
            "phoneNumber": self.create.phone,
            "mobileNumber": self.national_mobile(),
            "skipLandingPage": self.create.user_flow == super::validate::UserFlow::PushMessage,
            "url": self.redirect_url(public_url),
            "token": self.token,
            "createdAt": self.created_at.to_rfc3339(),
            "epayment": self.view(public_url),
            "events": p.event_log(),
            "shipping": self.create.shipping.as_ref().map(|s| s.raw.clone()),
            "deliveries": self.deliveries,
        })
    }

    /// The word eCom payments use for the same situation (`ledger::Payment::state_name`).
    pub fn state_name(&self) -> &'static str {
        use super::payment::State;
        let p = &self.payment;
        match p.state {
            State::Created => "initiated",
            State::Aborted | State::Terminated => "cancelled",
            State::Expired => "expired",
            State::Authorized if p.refunded > 0 && p.refunded == p.captured => "refunded",
            State::Authorized if p.captured > 0 && p.capturable() == 0 => "captured",
            State::Authorized if p.captured == 0 && p.cancelled > 0 => "voided",
            State::Authorized => "reserved",
        }
    }
}

/// The event types the Webhooks API registers (`vippsas/webhooks-api` `events.md` at
/// d1c57d2288df7a1fbf4c7ab8084158eb1a06bfe8): ePayment's eight, Recurring's and QR's.
/// Anything else is refused at registration (the guide is silent on unknown names;
/// refusing is the simulator's choice, README).
pub const EVENT_TYPES: &[&str] = &[
    "epayments.payment.created.v1",
    "epayments.payment.aborted.v1",
    "epayments.payment.expired.v1",
    "epayments.payment.cancelled.v1",
    "epayments.payment.captured.v1",
    "epayments.payment.refunded.v1",
    "epayments.payment.authorized.v1",
    "epayments.payment.terminated.v1",
    "recurring.agreement-activated.v1",
    "recurring.agreement-rejected.v1",
    "recurring.agreement-stopped.v1",
    "recurring.agreement-expired.v1",
    "recurring.charge-reserved.v1",
    "recurring.charge-captured.v1",
    "recurring.charge-canceled.v1",
    "recurring.charge-failed.v1",
    "user.checked-in.v1",
];

/// Registrations a sales unit may have per event type (`docs/swagger.yaml` at the same
/// commit: "a maximum of 5 webhooks per event"; Vipps may raise it on request).
pub const WEBHOOKS_PER_EVENT: usize = 5;

pub use super::news::{Delivery, Webhook};

#[derive(Debug, Default)]
pub struct Book {
    /// By `msn:reference`.
    pub payments: HashMap<String, Entry>,
    /// `msn:Idempotency-Key` of a create → (the request, the answer).
    pub create_keys: HashMap<String, (Value, Value)>,
    pub webhooks: Vec<Webhook>,
    /// Deliveries waiting: held behind an earlier event, or until a retry's pause ends.
    pub outbox: super::outbox::Outbox,
    /// Attempts made (for the control API and tests): webhook id, event, status, what next.
    pub delivered: Vec<Value>,
}

pub fn key(msn: &str, reference: &str) -> String {
    format!("{msn}:{reference}")
}

impl Book {
    /// A payment of any sales unit by its reference (the control API's lookup).
    pub fn by_reference(&mut self, reference: &str) -> Option<&mut Entry> {
        self.payments.values_mut().find(|e| e.payment.reference == reference)
    }

    pub fn by_token(&mut self, token: &str) -> Option<&mut Entry> {
        self.payments.values_mut().find(|e| e.token == token)
    }

    /// The deliveries the newest event of `entry` causes: one per registration of its
    /// sales unit that asked for the event's type.
    pub fn deliveries_of_last_event(&self, entry: &Entry) -> Vec<Delivery> {
        let Some(event) = entry.payment.events.last() else {
            return Vec::new();
        };
        self.deliveries(entry, event.name, entry.payment.event_json(event))
    }

    pub fn deliveries(&self, entry: &Entry, name: EventName, mut body: Value) -> Vec<Delivery> {
        body["msn"] = json!(entry.msn);
        let kind = name.webhook_type();
        self.webhooks
            .iter()
            .filter(|w| w.msn == entry.msn && w.events.contains(&kind))
            .map(|w| Delivery {
                webhook: w.clone(),
                body: body.clone(),
            })
            .collect()
    }
}
