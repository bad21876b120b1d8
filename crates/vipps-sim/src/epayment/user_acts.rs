//! What the user does with an ePayment payment (approve, with express shipping chosen;
//! cancel on the landing page or in the app; let it time out), for the control API and
//! the user's pages: the change and the webhook deliveries it causes.

use chrono::Utc;

use super::book::{Delivery, Entry};
use super::payment::Problem;
use crate::choices::{address_for, choose, Choices, FlowError};
use crate::ecom::ledger::Phase;
use crate::shipping::ShippingOption;
use crate::state::AppState;
use crate::users::{self, Address, TestUser};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAct {
    Reject,
    Expire,
}

/// The user who approves: the number given, or the default test user.
fn approver(entry: &Entry, mobile: Option<&str>) -> Option<TestUser> {
    mobile
        .and_then(users::normalize_mobile)
        .or_else(|| entry.national_mobile())
        .and_then(|m| users::lookup(&m).ok())
        .or_else(|| users::lookup(users::DEFAULT_MOBILE).ok())
}

/// Records who approved (and the Userinfo subject when the payment asked for a scope).
fn approved_by(entry: &mut Entry, user: Option<TestUser>) {
    if let Some(user) = user {
        entry.mobile = Some(user.mobile.clone());
        if entry.create.scope.is_some() {
            entry.sub = Some(crate::userinfo::sub(&user));
        }
    }
}

/// Ends the payment `reference` (any sales unit) unapproved. `None`: no such payment.
/// (Approving is [`approve`]: it may ask the merchant for shipping first.)
pub fn act(state: &AppState, reference: &str, act: UserAct) -> Option<Result<Vec<Delivery>, Problem>> {
    let mut memory = state.memory();
    let book = &mut memory.epayments;
    let entry = book.by_reference(reference)?;
    let now = Utc::now();
    let done = match act {
        UserAct::Reject => entry.payment.end_unapproved(false, now),
        UserAct::Expire => entry.payment.end_unapproved(true, now),
    };
    entry.user_acting = false;
    let entry = entry.clone();
    Some(done.map(|()| book.deliveries_of_last_event(&entry)))
}

/// What the payment is to the pages: its phase, currency and express setup.
fn look(state: &AppState, reference: &str) -> Result<Entry, FlowError> {
    state
        .memory()
        .epayments
        .by_reference(reference)
        .map(|e| e.clone())
        .ok_or(FlowError::UnknownOrder)
}

/// The express options the app shows for `address`: the merchant's callback's (asked
/// once per address), or the fixed ones. When the callback fails and there are no fixed
/// options to fall back to, the user cannot go on: the payment ends `ABORTED` (its
/// webhooks sent) and the failure is returned for the app to show.
pub async fn shipping_options(
    state: &AppState,
    reference: &str,
    address: &Address,
) -> Result<Vec<ShippingOption>, FlowError> {
    let entry = look(state, reference)?;
    if entry.phase() != Phase::Initiated {
        return Err(FlowError::NotActive(entry.phase()));
    }
    let setup = entry
        .create
        .shipping
        .clone()
        .expect("shipping is only asked for express payments");
    let Some(dynamic) = setup.dynamic else {
        return Ok(setup.fixed.expect("validated: fixed options or a callback"));
    };
    if let Some(options) = entry.offers.get(&address.address_id) {
        return Ok(options.clone());
    }
    let asked =
        crate::delivery::fetch_epayment_shipping(state, &dynamic, reference, &entry.payment.currency, address).await;
    match (asked, setup.fixed) {
        (Ok(options), _) => {
            if let Some(e) = state.memory().epayments.by_reference(reference) {
                e.offers.insert(address.address_id, options.clone());
            }
            Ok(options)
        }
        (Err(e), Some(fixed)) => {
            tracing::info!(%reference, error = %e, "shipping callback failed; the fixed options are shown");
            Ok(fixed)
        }
        (Err(e), None) => {
            if let Some(Ok(deliveries)) = act(state, reference, UserAct::Reject) {
                super::deliveries::spawn(state, deliveries);
            }
            Err(FlowError::Shipping(e))
        }
    }
}

/// The user approves, choosing (for express) an address and a shipping option; `None`
/// choices take what the app preselects. Returns the webhook deliveries to make.
pub async fn approve(state: &AppState, reference: &str, choices: Choices) -> Result<Vec<Delivery>, FlowError> {
    let entry = look(state, reference)?;
    if entry.phase() != Phase::Initiated {
        return Err(FlowError::NotActive(entry.phase()));
    }
    let user = approver(&entry, choices.mobile.as_deref());
    let chosen = if entry.is_express() {
        let user = user.as_ref().ok_or(FlowError::User(users::UserError::NotAVippsUser))?;
        let address = address_for(user, choices.address_id)?;
        let options = shipping_options(state, reference, &address).await?;
        Some(choose(address, &options, choices.shipping_method_id.as_deref())?)
    } else {
        None
    };
    let mut memory = state.memory();
    let book = &mut memory.epayments;
    let entry = book.by_reference(reference).ok_or(FlowError::UnknownOrder)?;
    let mut cost = chosen.as_ref().map_or(0, |c| c.option.cost_ore);
    if let Some(reserve) = choices.reserve_amount {
        // Test control: reserve another amount than the price asked.
        cost = reserve - entry.payment.value;
    }
    let done = entry.payment.authorize_with_shipping(cost, Utc::now());
    entry.user_acting = false;
    if done.is_err() {
        return Err(FlowError::NotActive(entry.phase()));
    }
    approved_by(entry, user);
    entry.chosen = chosen;
    let entry = entry.clone();
    Ok(book.deliveries_of_last_event(&entry))
}
