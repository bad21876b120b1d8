//! What the user does in the (simulated) Vipps app, shared by the app pages, the control
//! API and the force-approve test endpoint. These are the only places that change a
//! payment on the user's behalf and then deliver the resulting callback.

use chrono::Utc;

use crate::choices::{address_for, choose};
pub use crate::choices::{Choices, FlowError};
use crate::delivery;
use crate::ecom::ledger::{Callback, Payment, Phase};
use crate::shipping::ShippingOption;
use crate::state::AppState;
use crate::users::{self, Address, TestUser, UserError};

fn with_payment<T>(state: &AppState, order_id: &str, f: impl FnOnce(&mut Payment) -> T) -> Result<T, FlowError> {
    let mut memory = state.memory();
    let payment = memory.payments.get_mut(order_id).ok_or(FlowError::UnknownOrder)?;
    Ok(f(payment))
}

/// The user behind this payment: the number given, typed on the landing page, sent in
/// `customerInfo`, or the default test user.
pub fn user_for(state: &AppState, order_id: &str, mobile: Option<&str>) -> Result<TestUser, FlowError> {
    let known = with_payment(state, order_id, |p| p.mobile.clone())?;
    let raw = mobile
        .map(str::to_string)
        .or(known)
        .unwrap_or_else(|| users::DEFAULT_MOBILE.to_string());
    let normalized = users::normalize_mobile(&raw).ok_or(FlowError::User(UserError::NotAVippsUser))?;
    users::lookup(&normalized).map_err(FlowError::User)
}

/// Shipping methods for an express payment and address: static ones, ones already
/// fetched for that address, or a fresh request to the merchant. A failed request fails
/// the payment, as the app's "Payment failed" does, and the merchant gets its callback.
pub async fn shipping_options(
    state: &AppState,
    order_id: &str,
    address: &Address,
) -> Result<Vec<ShippingOption>, FlowError> {
    let (setup, auth, cached, phase) = with_payment(state, order_id, |p| {
        (
            p.init.express.clone(),
            p.init.auth_token.clone(),
            p.offers.get(&address.address_id).cloned(),
            p.phase,
        )
    })?;
    if phase != Phase::Initiated {
        return Err(FlowError::NotActive(phase));
    }
    let setup = setup.expect("shipping is only asked for express payments");
    if let Some(options) = setup.static_shipping.or(cached) {
        return Ok(options);
    }
    let prefix = setup
        .shipping_details_prefix
        .expect("validated: express has a prefix or static shipping");
    match delivery::fetch_shipping(state, &prefix, auth.as_deref(), order_id, address).await {
        Ok(options) => {
            with_payment(state, order_id, |p| {
                p.offers.insert(address.address_id, options.clone())
            })?;
            Ok(options)
        }
        Err(e) => {
            let reason = format!("No shipping methods found: {e}");
            let direct = state.config.direct_capture;
            let callback = with_payment(state, order_id, |p| p.fail(Utc::now(), "99", &reason, direct))?;
            if let Ok(callback) = callback {
                delivery::spawn_callback(state, callback);
            }
            Err(FlowError::Shipping(e))
        }
    }
}

/// The user approves. Returns the `fallBack` URL the app then opens and the callback to
/// deliver. A declined card still "succeeds" here: the payment fails, the callback says
/// so and the browser goes back to the shop.
pub async fn approve(state: &AppState, order_id: &str, choices: Choices) -> Result<(String, Callback), FlowError> {
    let phase = with_payment(state, order_id, |p| p.phase)?;
    if phase != Phase::Initiated {
        return Err(FlowError::NotActive(phase));
    }
    let user = user_for(state, order_id, choices.mobile.as_deref())?;
    let express = with_payment(state, order_id, |p| p.is_express())?;
    let shipping = if express {
        let address = address_for(&user, choices.address_id)?;
        let options = shipping_options(state, order_id, &address).await?;
        Some(choose(address, &options, choices.shipping_method_id.as_deref())?)
    } else {
        None
    };
    let direct = state.config.direct_capture;
    let (callback, fall_back) = with_payment(state, order_id, |p| {
        p.reserve_override = choices.reserve_amount;
        (p.approve(Utc::now(), user, shipping, direct), p.init.fall_back.clone())
    })?;
    Ok((fall_back, callback.map_err(FlowError::NotActive)?))
}

/// The user rejects in the app or cancels on the landing page.
pub fn reject(state: &AppState, order_id: &str) -> Result<(String, Callback), FlowError> {
    let (callback, fall_back) = with_payment(state, order_id, |p| (p.reject(Utc::now()), p.init.fall_back.clone()))?;
    Ok((fall_back, callback.map_err(FlowError::NotActive)?))
}

/// The user cancels on the landing page, before reaching the app.
pub fn cancel_on_landing(state: &AppState, order_id: &str) -> Result<(String, Callback), FlowError> {
    let (callback, fall_back) = with_payment(state, order_id, |p| {
        (p.cancel_on_landing(Utc::now()), p.init.fall_back.clone())
    })?;
    Ok((fall_back, callback.map_err(FlowError::NotActive)?))
}

/// The payment reached the user's app (a number entered, or the app opened).
pub fn reached_app(state: &AppState, order_id: &str) {
    let _ = with_payment(state, order_id, |p| p.reached_app = true);
}

/// The payment times out now, as if nobody acted.
pub fn expire(state: &AppState, order_id: &str) -> Result<Callback, FlowError> {
    with_payment(state, order_id, |p| p.expire(Utc::now()))?.map_err(FlowError::NotActive)
}

/// The reservation fails with a Payment error code (41, 42, 43, 44, 45 ...).
pub fn fail(state: &AppState, order_id: &str, code: &str, message: &str) -> Result<Callback, FlowError> {
    let direct = state.config.direct_capture;
    with_payment(state, order_id, |p| p.fail(Utc::now(), code, message, direct))?.map_err(FlowError::NotActive)
}
