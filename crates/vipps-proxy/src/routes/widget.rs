//! The widget's API: `POST /api/vipps/payments`, `GET /api/vipps/payments/{orderId}`,
//! its withdrawal and `POST /api/vipps/quote`. Handlers only: a start is
//! `payment_start.rs`, pricing `pricing.rs`, links `links.rs`, keys `idempotency.rs`.

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use contract::error::ErrorCode;
use contract::validate::normalize_mobile;
use contract::{Amount, CreatePayment, Flow, PaymentState, PaymentStatus, Quote, QuoteRequest, Shipping};
use serde_json::json;

use crate::app::{App, AppInner};
use crate::db::{KeyState, Order};
use crate::error::ProxyError;
use crate::extract::{ClientProof, IdempotencyKey, JsonBody, PathParam, StoreParam};
use crate::gateway::{Adjustment, Operation};
use crate::idempotency::{key_answer, not_settled, request_hash};
use crate::links::check_link;
use crate::payment_start::{check_push, payments_scope, settle, start_payment, Settled, Start, StartFailure};
use crate::pricing::{cart_error, included_shipping, priced_total};
use crate::stores::Store;
use crate::token::Link;

pub async fn create(
    State(app): State<App>,
    StoreParam(store): StoreParam,
    IdempotencyKey(key): IdempotencyKey,
    ClientProof(client): ClientProof,
    JsonBody(request): JsonBody<CreatePayment>,
) -> Result<Response, ProxyError> {
    let mobile = match request
        .mobile_number
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => None,
        Some(m) => Some(normalize_mobile(m).ok_or_else(|| {
            ProxyError::bad_request(
                ErrorCode::InvalidMobileNumber,
                "Enter a Norwegian mobile number: 8 digits.",
            )
        })?),
    };
    let push = request.flow == Flow::Push;
    if push {
        check_push(&app, request.express, mobile.as_deref())?;
    }
    let cart = store.catalogue.price(&request.payload).map_err(cart_error)?;
    let included = included_shipping(&app, request.express, &cart)?;
    priced_total(&cart, included.as_ref())?;

    let scope = payments_scope(&store);
    // The key is bound to the request and to the client that sent it: another client
    // with the same key and body gets `idempotency_key_reused`, never the stored answer.
    let hash = request_hash(&(&request, &client));
    let mut state = app.db.begin_key(&scope, &key, &hash).await?;
    if let KeyState::Unsettled { order_id } = &state {
        // An earlier try of this click may have started a payment: ask Vipps first.
        match settle(&app, &store, order_id).await {
            Settled::Made(created) => {
                let body = serde_json::to_value(&created).expect("serialisable");
                app.db.finish_key(&scope, &key, Some(order_id), 201, &body).await?;
                return Ok((StatusCode::CREATED, Json(body)).into_response());
            }
            Settled::NotMade => {
                let _ = app
                    .db
                    .fail_order(order_id, &json!({"initiate": "Vipps never made it"}))
                    .await;
                app.db.forget_key(&scope, &key).await?;
                state = app.db.begin_key(&scope, &key, &hash).await?;
            }
            Settled::Unknown => return Err(not_settled()),
        }
    }
    if let Some(answer) = key_answer(state) {
        return Ok(answer);
    }
    // A new push (not a retried click) counts against its number.
    if let (true, Some(number)) = (push, mobile.as_deref()) {
        if let Err(e) = app.limits.pushes.check(number) {
            app.db.forget_key(&scope, &key).await?;
            return Err(e);
        }
    }
    let how = Start {
        express: request.express,
        flow: request.flow,
        mobile: mobile.as_deref(),
    };
    match start_payment(&app, &store, &how, &cart, included.as_ref()).await {
        Ok(created) => {
            let body = serde_json::to_value(&created).expect("serialisable");
            app.db
                .finish_key(&scope, &key, Some(&created.order_id), 201, &body)
                .await?;
            Ok((StatusCode::CREATED, Json(body)).into_response())
        }
        Err(StartFailure::Unsettled(order_id)) => {
            tracing::warn!(%order_id, "Vipps may have started the payment; the key waits for a retry to ask");
            app.db.unsettle_key(&scope, &key, &order_id).await?;
            Err(not_settled())
        }
        Err(StartFailure::Refused(order_id, e))
            if e.status.is_server_error() || e.status == StatusCode::TOO_MANY_REQUESTS =>
        {
            // A retry with the same key may succeed: it starts a fresh order.
            tracing::warn!(order_id = ?order_id, code = %e.code, "payment not started; the key stays free for a retry");
            app.db.forget_key(&scope, &key).await?;
            Err(e)
        }
        Err(StartFailure::Refused(order_id, e)) => {
            let body = serde_json::to_value(contract::ErrorBody::new(e.code, &e.message)).expect("serialisable");
            app.db
                .finish_key(&scope, &key, order_id.as_deref(), e.status.as_u16(), &body)
                .await?;
            Err(e)
        }
    }
}

/// `POST /api/vipps/quote`: what a cart costs, priced as `POST /payments` would price
/// it, so the shop's page shows what the shopper will pay. Stores nothing.
pub async fn quote(
    State(app): State<App>,
    StoreParam(store): StoreParam,
    JsonBody(request): JsonBody<QuoteRequest>,
) -> Result<Json<Quote>, ProxyError> {
    let cart = store.catalogue.price(&request.payload).map_err(cart_error)?;
    let included = included_shipping(&app, request.express, &cart)?;
    let total = priced_total(&cart, included.as_ref())?;
    let currency = store.currency.as_str();
    Ok(Json(Quote {
        goods: Amount::of(cart.total, currency),
        shipping: included.map(|o| Shipping {
            method: o.name,
            method_id: o.id,
            cost: Amount::of(o.cost, currency),
            address: None,
        }),
        total: Amount::of(total, currency),
    }))
}

/// The shopper's view of an order.
pub fn payment_state(order: &Order) -> PaymentState {
    let status = order.status;
    let shipping = match (&order.shipping_method, &order.shipping_method_id, order.shipping_cost) {
        (Some(method), Some(id), Some(cost)) => Some(Shipping {
            method: method.clone(),
            method_id: id.clone(),
            cost: Amount::of(cost, &order.currency),
            address: order.shipping_address(),
        }),
        _ => None,
    };
    PaymentState {
        order_id: order.order_id.clone(),
        status,
        amount: Amount::of(order.total_amount, &order.currency),
        shipping,
        updated_at: order.updated_at.clone(),
    }
}

/// How long a status request waits for Vipps before answering from the database.
const STATUS_WAIT: std::time::Duration = std::time::Duration::from_secs(4);

pub async fn status(
    State(app): State<App>,
    StoreParam(store): StoreParam,
    PathParam(order_id): PathParam<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ProxyError> {
    let link = check_link(&app, &store, &order_id, query.as_deref())?;
    let order = store_order(&app, &store, &order_id).await?;
    if link == Link::Receipt {
        // The receipt's link, kept in the app for a year: the order as it stands, no
        // delivery address, no call to Vipps.
        let mut state = payment_state(&order);
        if let Some(s) = state.shipping.as_mut() {
            s.address = None;
        }
        return Ok(([(header::CACHE_CONTROL, "no-store")], Json(state)).into_response());
    }
    let order = if order.status == PaymentStatus::Pending {
        // The refresh goes on in the background if Vipps is slow; the shopper's page gets
        // an answer from the database within STATUS_WAIT and simply polls again.
        let refresh = tokio::spawn({
            let (app, order_id) = (app.clone(), order_id.clone());
            async move { app.refresher.refresh(&order_id, false).await }
        });
        match tokio::time::timeout(STATUS_WAIT, refresh).await {
            // Fresh already, nobody fetching: the order just read is the answer.
            Ok(Ok(Ok(false))) => return Ok(status_answer(&order)),
            Ok(Ok(Err(e))) => {
                tracing::warn!(%order_id, error = %e, "could not refresh from Vipps; answering from the database")
            }
            Err(_) => tracing::warn!(%order_id, "Vipps is slow; answering from the database"),
            _ => {}
        }
        app.db.order(&order_id).await?.ok_or_else(ProxyError::not_found)?
    } else {
        order
    };
    Ok(status_answer(&order))
}

fn status_answer(order: &Order) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Json(payment_state(order))).into_response()
}

/// The order, if it is `store`'s.
async fn store_order(app: &AppInner, store: &Store, order_id: &str) -> Result<Order, ProxyError> {
    app.db
        .order(order_id)
        .await?
        .filter(|o| o.store == store.id)
        .ok_or_else(ProxyError::not_found)
}

/// `POST /api/vipps/payments/{orderId}/cancel?t=…`: the shopper (the holder of the
/// status link) withdraws a payment nobody has approved, e.g. a QR code replaced by a
/// fresh one. An approved payment is refused (409 `not_cancellable`): only staff cancel
/// or refund those. Cancelling an ended payment again answers its state.
pub async fn cancel(
    State(app): State<App>,
    StoreParam(store): StoreParam,
    PathParam(order_id): PathParam<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ProxyError> {
    // Only the return link withdraws; a receipt's link only reads.
    if check_link(&app, &store, &order_id, query.as_deref())? != Link::Status {
        return Err(ProxyError::not_found());
    }
    store_order(&app, &store, &order_id).await?;
    // Vipps decides, not what the database last heard: an approval whose callback or
    // webhook has not come (or never will) must not be voided by a shopper's link.
    if let Err(e) = app.refresher.refresh(&order_id, true).await {
        tracing::warn!(%order_id, error = %e, "could not ask Vipps before a withdrawal; nothing cancelled");
        return Err(ProxyError::new(
            StatusCode::BAD_GATEWAY,
            ErrorCode::VippsUnavailable,
            "Vipps could not be asked about this payment. Please try again.",
        ));
    }
    let order = store_order(&app, &store, &order_id).await?;
    if order.status == PaymentStatus::Pending {
        // A fixed request id: a retried withdrawal is the same request to Vipps. On
        // ePayment `cancelTransactionOnly`: an approval racing in between stays
        // reserved (Vipps refuses the cancel); eCom has no such option, and its
        // window is the time between the read above and this call.
        let request_id = format!("withdraw-{order_id}");
        let withdraw = Adjustment {
            operation: Operation::Cancel,
            amount: None,
            currency: &order.currency,
            text: "Withdrawn by the customer",
            request_id: &request_id,
            release_remaining: false,
            only_unapproved: true,
        };
        if let Err(e) = store.vipps.adjust(&order_id, &withdraw).await {
            tracing::warn!(%order_id, error = %e, "Vipps did not cancel; reading its state");
        }
        if let Err(e) = app.refresher.refresh(&order_id, true).await {
            tracing::warn!(%order_id, error = %e, "could not refresh after a withdrawal");
        }
    }
    let order = app.db.order(&order_id).await?.ok_or_else(ProxyError::not_found)?;
    match order.status {
        PaymentStatus::Reserved | PaymentStatus::Captured => Err(ProxyError::new(
            StatusCode::CONFLICT,
            ErrorCode::NotCancellable,
            "This payment is already approved. The shop can refund it.",
        )),
        PaymentStatus::Pending => Err(ProxyError::new(
            StatusCode::BAD_GATEWAY,
            ErrorCode::VippsUnavailable,
            "Vipps did not confirm the cancellation. Please try again.",
        )),
        _ => Ok(([(header::CACHE_CONTROL, "no-store")], Json(payment_state(&order))).into_response()),
    }
}
