//! A payment as the landing page and the simulated app see it, whichever API started it:
//! one shape ([`Found`]), and what the user's acts do to it on its own API (eCom: the
//! ledger changes and the callback goes; ePayment: the payment changes and its webhooks
//! go). The pages and their routes never ask which API it is.

use crate::choices::{Choices, FlowError};
use crate::delivery;
use crate::ecom::ledger::Phase;
use crate::ecom::user_acts;
use crate::epayment::{self, book::Entry, user_acts::UserAct};
use crate::shipping::ShippingOption;
use crate::state::AppState;
use crate::users::{self, Address, TestUser};

/// Which API a payment was started through: the landing page and the app are the same
/// for both, what they change is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    Ecom,
    Epayment,
}

/// What a payment link's token leads to.
#[derive(Debug, Clone)]
pub struct Found {
    api: Api,
    /// eCom's `orderId`, ePayment's `reference`.
    pub order_id: String,
    pub phase: Phase,
    pub mobile: Option<String>,
    pub fall_back: String,
    pub is_app: bool,
    pub text: String,
    pub amount: i64,
    pub currency: String,
    pub express: bool,
    pub scope: Option<String>,
    /// Pushed with `skipLandingPage`: no browser waits, so nothing opens `fallBack`.
    pub pushed: bool,
    /// The name of the sales unit that asks.
    pub merchant: String,
}

impl Found {
    /// The payment of `token`, on either API.
    pub fn find(state: &AppState, token: &str) -> Option<Found> {
        let mut memory = state.memory();
        if let Some(entry) = memory.epayments.by_token(token) {
            return Some(Found::of_epayment(state, entry));
        }
        let p = memory.payment_by_token(token)?;
        Some(Found {
            api: Api::Ecom,
            order_id: p.order_id().to_string(),
            phase: p.phase,
            mobile: p.mobile.clone(),
            fall_back: p.init.fall_back.clone(),
            is_app: p.init.is_app,
            text: p.init.transaction_text.clone(),
            amount: p.init.amount,
            currency: "NOK".to_string(),
            express: p.is_express(),
            scope: p.init.scope.clone(),
            pushed: p.init.skip_landing_page,
            merchant: state.config.merchant_name_of(&p.msn),
        })
    }

    /// An ePayment payment as the pages see it (its state in eCom's words).
    fn of_epayment(state: &AppState, entry: &Entry) -> Found {
        let phase = entry.phase();
        let user_flow = entry.create.user_flow;
        Found {
            api: Api::Epayment,
            order_id: entry.payment.reference.clone(),
            phase,
            mobile: entry.national_mobile(),
            fall_back: entry.create.return_url.clone().unwrap_or_default(),
            is_app: user_flow == epayment::validate::UserFlow::NativeRedirect,
            text: entry.create.description.clone().unwrap_or_default(),
            amount: entry.payment.value,
            currency: entry.payment.currency.clone(),
            express: entry.is_express(),
            scope: entry.create.scope.clone(),
            pushed: matches!(
                user_flow,
                epayment::validate::UserFlow::PushMessage | epayment::validate::UserFlow::Qr
            ),
            merchant: state.config.merchant_name_of(&entry.msn),
        }
    }

    /// The same payment, seen in `phase` (what an act that came too late found).
    pub fn with_phase(self, phase: Phase) -> Found {
        Found { phase, ..self }
    }

    /// The number typed on the landing page: the payment goes to that phone's app.
    pub fn set_mobile(&self, state: &AppState, token: &str, number: String) {
        let mut memory = state.memory();
        if let Some(p) = memory.payments.get_mut(&self.order_id) {
            p.mobile = Some(number);
            p.reached_app = true;
        } else if let Some(e) = memory.epayments.by_token(token) {
            e.mobile = Some(number);
        }
    }

    /// The test user whose app shows the payment.
    pub fn user(&self, state: &AppState) -> Option<TestUser> {
        match self.api {
            Api::Ecom => user_acts::user_for(state, &self.order_id, None).ok(),
            Api::Epayment => self.mobile.as_deref().and_then(|m| users::lookup(m).ok()),
        }
    }

    /// The app opened the payment: it no longer times out as an unopened link.
    pub fn reached_app(&self, state: &AppState, token: &str) {
        match self.api {
            Api::Ecom => user_acts::reached_app(state, &self.order_id),
            Api::Epayment => {
                if let Some(e) = state.memory().epayments.by_token(token) {
                    e.user_acting = true;
                }
            }
        }
    }

    /// Express: the shipping options for `address` (the merchant asked, if it must be).
    pub async fn shipping_options(
        &self,
        state: &AppState,
        address: &Address,
    ) -> Result<Vec<ShippingOption>, FlowError> {
        match self.api {
            Api::Ecom => user_acts::shipping_options(state, &self.order_id, address).await,
            Api::Epayment => epayment::user_acts::shipping_options(state, &self.order_id, address).await,
        }
    }

    /// The user approves; the merchant hears of it.
    pub async fn approve(&self, state: &AppState, choices: Choices) -> Result<(), FlowError> {
        match self.api {
            Api::Ecom => user_acts::approve(state, &self.order_id, choices)
                .await
                .map(|(_, callback)| delivery::spawn_callback(state, callback)),
            Api::Epayment => epayment::user_acts::approve(state, &self.order_id, choices)
                .await
                .map(|deliveries| epayment::deliveries::spawn(state, deliveries)),
        }
    }

    /// The user says no in the app; the merchant hears of it.
    pub fn reject(&self, state: &AppState) -> Result<(), FlowError> {
        match self.api {
            Api::Ecom => {
                user_acts::reject(state, &self.order_id).map(|(_, callback)| delivery::spawn_callback(state, callback))
            }
            Api::Epayment => self.epayment_act(state, UserAct::Reject),
        }
    }

    /// The user cancels on the landing page, before the app (eCom writes no `CANCEL`
    /// then; ePayment aborts the payment as a rejection).
    pub fn cancel_on_landing(&self, state: &AppState) -> Result<(), FlowError> {
        match self.api {
            Api::Ecom => user_acts::cancel_on_landing(state, &self.order_id)
                .map(|(_, callback)| delivery::spawn_callback(state, callback)),
            Api::Epayment => self.epayment_act(state, UserAct::Reject),
        }
    }

    /// The user's act on an ePayment payment, its webhooks sent; one no longer waiting
    /// for the user is refused as not active.
    fn epayment_act(&self, state: &AppState, act: UserAct) -> Result<(), FlowError> {
        match epayment::user_acts::act(state, &self.order_id, act) {
            Some(Ok(deliveries)) => {
                epayment::deliveries::spawn(state, deliveries);
                Ok(())
            }
            _ => Err(FlowError::NotActive(self.phase)),
        }
    }
}
