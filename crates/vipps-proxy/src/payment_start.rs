//! Starting a payment: the order stored first, then the store's gateway asked; a start
//! whose answer was lost is settled by asking Vipps (where the API can say).

use axum::http::StatusCode;
use chrono::Utc;
use contract::error::ErrorCode;
use contract::PaymentCreated;
use serde_json::json;

use crate::app::AppInner;
use crate::catalogue::PricedCart;
use crate::db::{time_text, NewOrder};
use crate::error::ProxyError;
use crate::gateway::{ExpressShipping, LostStart, StartPayment, VippsError};
use crate::links::{return_url, status_link_expiry};
use crate::pricing::priced_total;
use crate::shipping::Offer;
use crate::stores::Store;
use crate::token::random_secret;

/// `shop-20261122-k3j9x2m4qa`: descriptive, long enough, unique (Vipps' advice).
pub fn new_order_id(prefix: &str) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let suffix: String = (0..10)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{prefix}-{}-{suffix}", Utc::now().format("%Y%m%d"))
}

/// The idempotency keys of one store's payments: the same key in two stores is two clicks.
pub(crate) fn payments_scope(store: &Store) -> String {
    if store.is_default() {
        "payments".to_string()
    } else {
        format!("payments:{}", store.id)
    }
}

/// A push (`skipLandingPage`) needs a shop set up for it, a number, and a regular payment.
pub(crate) fn check_push(app: &AppInner, express: bool, mobile: Option<&str>) -> Result<(), ProxyError> {
    if !app.config.skip_landing_page {
        return Err(ProxyError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::PushNotAllowed,
            "This shop does not send payment requests to a phone (the backend runs without \
             --skip-landing-page). Use the QR code or the Vipps button instead.",
        ));
    }
    if express {
        return Err(ProxyError::bad_request(
            ErrorCode::InvalidRequest,
            "Express checkout cannot be pushed to a phone: the shopper chooses shipping in a browser.",
        ));
    }
    if mobile.is_none() {
        return Err(ProxyError::bad_request(
            ErrorCode::InvalidMobileNumber,
            "Enter the customer's Norwegian mobile number: 8 digits.",
        ));
    }
    Ok(())
}

/// How a payment starts: express or regular, pushed to a phone or not, for which number.
pub(crate) struct Start<'a> {
    pub express: bool,
    pub flow: contract::Flow,
    pub mobile: Option<&'a str>,
}

/// Asks the store's gateway to start the payment of `order`: the URL the shopper goes
/// to (empty for a push, which goes to the phone).
pub(crate) async fn start_at_vipps(
    app: &AppInner,
    store: &Store,
    order: &NewOrder<'_>,
    token: &str,
    cart: &PricedCart,
    flow: contract::Flow,
) -> Result<String, VippsError> {
    let express = order.express.then(|| {
        if app.config.static_shipping {
            ExpressShipping::Fixed(app.shipping.offers(cart.total, cart.weight, None))
        } else {
            ExpressShipping::PerAddress
        }
    });
    let return_url = return_url(app, store, order.order_id, token);
    let payment = StartPayment {
        order_id: order.order_id,
        amount: order.total_amount,
        currency: order.currency,
        description: order.transaction_text,
        auth_token: order.auth_token,
        mobile: order.mobile_number,
        scope: order.scope,
        flow,
        express,
        return_url: &return_url,
        public_url: &app.public_url,
    };
    store.vipps.start(&payment).await
}

pub(crate) async fn start_payment(
    app: &AppInner,
    store: &Store,
    how: &Start<'_>,
    cart: &PricedCart,
    included: Option<&Offer>,
) -> Result<PaymentCreated, StartFailure> {
    let (express, mobile) = (how.express, how.mobile);
    let total = priced_total(cart, included).map_err(|e| StartFailure::Refused(None, e))?;
    let order_id = new_order_id(&store.order_prefix);
    let now = Utc::now();
    let token = app.key.status_token(&store.id, &order_id, status_link_expiry(app, now));
    let auth_token = random_secret();
    let expires_at = time_text(now + chrono::Duration::seconds(contract::PAYMENT_WINDOW_SECS as i64));
    let cart_json = serde_json::to_value(cart).expect("serialisable");
    let text = cart.transaction_text(&store.name);
    let new = NewOrder {
        order_id: &order_id,
        store: &store.id,
        express,
        goods_amount: cart.total,
        total_amount: total,
        shipping: included.map(|o| (o.name.as_str(), o.id.as_str(), o.cost)),
        cart: &cart_json,
        transaction_text: &text,
        auth_token: &auth_token,
        mobile_number: mobile,
        expires_at: &expires_at,
        currency: &store.currency,
        // Express shares the shopper's details itself (eCom refuses both at once).
        scope: app.config.userinfo_scope.as_deref().filter(|_| !express),
    };
    app.db
        .insert_order(&new)
        .await
        .map_err(|e| StartFailure::Refused(None, e.into()))?;
    match start_at_vipps(app, store, &new, &token, cart, how.flow).await {
        Ok(url) => {
            app.db
                .set_vipps_url(&order_id, &url)
                .await
                .map_err(|e| StartFailure::Refused(Some(order_id.clone()), e.into()))?;
            tracing::info!(%order_id, amount = total, express, push = how.flow == contract::Flow::Push, "payment started");
            Ok(PaymentCreated {
                order_id,
                url,
                status_token: token,
                expires_at,
            })
        }
        Err(e) => {
            // Where the start is keyed (ePayment's reference), whether it was made can be asked.
            if e.is_transient() && store.vipps.settles_lost_starts() {
                match settle(app, store, &order_id).await {
                    Settled::Made(created) => return Ok(created),
                    Settled::NotMade => {}
                    Settled::Unknown => {
                        tracing::warn!(%order_id, error = %e, "Vipps did not answer the start");
                        return Err(StartFailure::Unsettled(order_id));
                    }
                }
            }
            let _ = app.db.fail_order(&order_id, &json!({"initiate": e.to_string()})).await;
            Err(StartFailure::Refused(Some(order_id), ProxyError::from_vipps(&e)))
        }
    }
}

/// Why a start made no payment.
pub(crate) enum StartFailure {
    /// Refused, by us or by Vipps: the order made for it, if one was.
    Refused(Option<String>, ProxyError),
    /// Vipps never answered and cannot say whether it made the payment of this order.
    Unsettled(String),
}

/// Whether Vipps made the payment of `order_id` (a start whose answer never came).
pub(crate) enum Settled {
    /// It did: the answer the start would have given.
    Made(PaymentCreated),
    /// It did not: nothing to pay.
    NotMade,
    /// Vipps could not be asked, or the API cannot say (eCom).
    Unknown,
}

/// Asks the gateway whether the order's payment exists (ePayment's get payment; eCom
/// cannot be asked: [`crate::gateway::Gateway::settles_lost_starts`]).
pub(crate) async fn settle(app: &AppInner, store: &Store, order_id: &str) -> Settled {
    let Ok(Some(order)) = app.db.order(order_id).await else {
        return Settled::Unknown;
    };
    if !store.vipps.settles_lost_starts() {
        return Settled::Unknown;
    }
    match store.vipps.lost_start(order_id).await {
        LostStart::Made(url) => {
            if app.db.set_vipps_url(order_id, &url).await.is_err() {
                return Settled::Unknown;
            }
            let created = crate::db::parse_time(&order.created_at).unwrap_or_else(Utc::now);
            tracing::info!(%order_id, "payment started (its answer was lost; Vipps has it)");
            Settled::Made(PaymentCreated {
                order_id: order_id.to_string(),
                url,
                status_token: app
                    .key
                    .status_token(&store.id, order_id, status_link_expiry(app, created)),
                expires_at: order.expires_at.clone(),
            })
        }
        LostStart::NotMade => Settled::NotMade,
        LostStart::Unknown => Settled::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use contract::validate::is_valid_order_id;

    #[test]
    fn order_ids_follow_the_vipps_advice() {
        let a = new_order_id("nordlys");
        let b = new_order_id("nordlys");
        assert_ne!(a, b);
        assert!(is_valid_order_id(&a));
        assert!(a.starts_with("nordlys-2"));
        assert_eq!(a.len(), "nordlys-".len() + 8 + 1 + 10);
    }
}
