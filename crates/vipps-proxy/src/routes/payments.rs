//! The widget's API: `POST /api/vipps/payments` and `GET /api/vipps/payments/{orderId}`.

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use contract::error::ErrorCode;
use contract::validate::{is_valid_order_id, normalize_mobile};
use contract::{
    Address, Amount, CreatePayment, Flow, PaymentCreated, PaymentState, PaymentStatus, Quote, QuoteRequest, Shipping,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::app::{App, AppInner};
use crate::catalogue::{CartError, PricedCart};
use crate::db::{time_text, KeyState, NewOrder, Order};
use crate::error::ProxyError;
use crate::extract::{ClientProof, IdempotencyKey, JsonBody, Path, StoreParam};
use crate::shipping::Offer;
use crate::stores::Store;
use crate::token::{random_secret, Link, TokenCheck};
use crate::vipps::{Api, VippsError};

pub fn request_hash(value: &impl serde::Serialize) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A replayed, refused or in-progress key, or `None` to go ahead.
pub fn key_answer(state: KeyState) -> Option<Response> {
    match state {
        KeyState::New => None,
        KeyState::Replay { status, response } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            Some((status, Json(response)).into_response())
        }
        KeyState::Mismatch => Some(
            ProxyError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was already used for a different request.",
            )
            .into_response(),
        ),
        // Only a payment start leaves a key unsettled, and it settles it itself.
        KeyState::Unsettled { .. } => Some(not_settled().into_response()),
        KeyState::InProgress => Some(
            ProxyError::new(
                StatusCode::CONFLICT,
                ErrorCode::RequestInProgress,
                "The same request is still being processed. Retry shortly.",
            )
            .into_response(),
        ),
    }
}

/// A start Vipps may or may not have made, and could not be asked about: retried later.
fn not_settled() -> ProxyError {
    ProxyError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::VippsUnavailable,
        "Vipps did not answer. Please try again in a moment.",
    )
}

fn cart_error(e: CartError) -> ProxyError {
    match e {
        CartError::Empty => ProxyError::bad_request(ErrorCode::EmptyCart, "The cart is empty."),
        CartError::UnknownProduct(sku) => {
            ProxyError::bad_request(ErrorCode::UnknownProduct, format!("There is no product '{sku}'."))
        }
        CartError::InvalidQuantity(sku) => ProxyError::bad_request(
            ErrorCode::InvalidQuantity,
            format!("The quantity of '{sku}' must be a whole number from 1 to 99."),
        ),
        CartError::Malformed(why) => {
            ProxyError::bad_request(ErrorCode::InvalidRequest, format!("The cart is not valid: {why}."))
        }
        CartError::TooExpensive => ProxyError::bad_request(
            ErrorCode::InvalidRequest,
            "The order total is too large for one payment.",
        ),
    }
}

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
fn payments_scope(store: &Store) -> String {
    if store.is_default() {
        "payments".to_string()
    } else {
        format!("payments:{}", store.id)
    }
}

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
        push,
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

/// A push (`skipLandingPage`) needs a shop set up for it, a number, and a regular payment.
fn check_push(app: &AppInner, express: bool, mobile: Option<&str>) -> Result<(), ProxyError> {
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
struct Start<'a> {
    express: bool,
    push: bool,
    mobile: Option<&'a str>,
}

/// The eCom initiate request for an order as stored: its id, authToken, total, express
/// flag and prefilled number come from `order`; `push` skips the landing page.
fn initiate_body(app: &AppInner, store: &Store, order: &NewOrder, token: &str, cart: &PricedCart, push: bool) -> Value {
    let (order_id, express) = (order.order_id, order.express);
    let public = &app.public_url;
    let fall_back = return_url(app, store, order_id, token);
    let mut merchant = json!({
        "merchantSerialNumber": store.msn,
        "callbackPrefix": format!("{public}/api/vipps/callbacks"),
        "fallBack": fall_back,
        "authToken": order.auth_token,
        "isApp": false,
        "paymentType": if express { "eComm Express Payment" } else { "eComm Regular Payment" },
    });
    if express || order.scope.is_some() {
        merchant["consentRemovalPrefix"] = json!(format!("{public}/api/vipps/consents"));
    }
    if express {
        if app.config.static_shipping {
            let offers = app.shipping.offers(cart.total, cart.weight, None);
            merchant["staticShippingDetails"] = Value::Array(offers.iter().map(|o| o.to_vipps()).collect());
        } else {
            merchant["shippingDetailsPrefix"] = json!(format!("{public}/api/vipps/shipping"));
        }
    }
    let mut customer = json!({});
    if let Some(m) = order.mobile_number {
        customer["mobileNumber"] = json!(m);
    }
    let mut transaction = json!({
        "orderId": order_id,
        "amount": order.total_amount,
        "transactionText": order.transaction_text,
        "skipLandingPage": push,
    });
    if let Some(scope) = order.scope {
        transaction["scope"] = json!(scope);
    }
    json!({
        "customerInfo": customer,
        "merchantInfo": merchant,
        "transaction": transaction,
    })
}

/// The ePayment create request for an order as stored: the reference is the orderId,
/// the return URL is eCom's `fallBack`, a push goes to the number as an MSISDN. Express
/// asks for everything it shares (name, address, e-mail, phone) and offers the shop's
/// shipping: fixed with `--static-shipping`, else asked for per address
/// ([`crate::routes::hooks::epayment_shipping`], `Authorization` = the order's authToken).
fn create_body(app: &AppInner, store: &Store, order: &NewOrder, token: &str, cart: &PricedCart, push: bool) -> Value {
    let mut body = json!({
        "reference": order.order_id,
        "amount": Amount::of(order.total_amount, order.currency),
        "paymentMethod": {"type": "WALLET"},
        "userFlow": if push { "PUSH_MESSAGE" } else { "WEB_REDIRECT" },
        "returnUrl": return_url(app, store, order.order_id, token),
        "paymentDescription": order.transaction_text,
    });
    if let Some(m) = order.mobile_number {
        body["customer"] = json!({"phoneNumber": format!("47{m}")});
    }
    if let Some(scope) = express_scope(order.scope, order.express) {
        body["profile"] = json!({"scope": scope});
    }
    if order.express {
        body["shipping"] = if app.config.static_shipping {
            let offers = app.shipping.offers(cart.total, cart.weight, None);
            json!({"fixedOptions": crate::shipping::groups(&offers, order.currency)})
        } else {
            json!({"dynamicOptions": {
                "callbackUrl": format!("{}/api/vipps/epayment/shipping/{}", app.public_url, order.order_id),
                "callbackAuthorizationToken": order.auth_token,
            }})
        };
    }
    body
}

/// What ePayment's `profile.scope` asks for: the shop's scope, and for express all
/// four words express needs.
fn express_scope(scope: Option<&str>, express: bool) -> Option<String> {
    let mut words: Vec<&str> = scope.unwrap_or("").split_whitespace().collect();
    if express {
        for w in ["name", "address", "email", "phoneNumber"] {
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    (!words.is_empty()).then(|| words.join(" "))
}

/// Where Vipps sends the shopper back: the shop's return page with the order and its
/// status token (and the store, when not the default one).
fn return_url(app: &AppInner, store: &Store, order_id: &str, token: &str) -> String {
    store.return_url(&app.return_page(), order_id, token)
}

/// Asks Vipps to start the payment of `order`: the URL the shopper goes to (empty for
/// a push, which goes to the phone).
async fn start_at_vipps(
    app: &AppInner,
    store: &Store,
    order: &NewOrder<'_>,
    token: &str,
    cart: &PricedCart,
    push: bool,
) -> Result<String, VippsError> {
    match store.vipps.api() {
        Api::Ecom => {
            let body = initiate_body(app, store, order, token, cart, push);
            Ok(store.vipps.initiate(&body).await?.url)
        }
        Api::Epayment => {
            let body = create_body(app, store, order, token, cart, push);
            let created = store.vipps.create_payment(&body, order.order_id).await?;
            Ok(created.redirect_url.unwrap_or_default())
        }
    }
}

/// A regular payment has no address to choose shipping for: goods that ship include the
/// shop's default method, so the browser cannot skip shipping by not asking for express.
/// `None` for express (chosen in Vipps) and for goods that do not ship. Express for a
/// cart with nothing to ship is refused: it exists to ask the shopper where to send the
/// goods (`vippsas/vipps-ecom-api` `vipps-ecom-api-faq.md` at
/// a2a3ebd44b659e08ceee98a364a0b237db682471: for the shopper's details without a
/// delivery, use Userinfo).
fn included_shipping(app: &AppInner, express: bool, cart: &PricedCart) -> Result<Option<Offer>, ProxyError> {
    if express && !cart.ships {
        return Err(ProxyError::bad_request(
            ErrorCode::ExpressNeedsShipping,
            "Express checkout is for goods that are sent, and nothing in this cart ships. Start a regular \
             payment (with --scope for the shopper's name, e-mail or phone number).",
        ));
    }
    if express || !cart.ships {
        return Ok(None);
    }
    app.shipping
        .included(cart.total, cart.weight)
        .map(Some)
        .ok_or_else(|| ProxyError::bad_request(ErrorCode::InvalidRequest, "No shipping method can deliver this cart."))
}

/// Goods plus included shipping, if Vipps takes it.
fn priced_total(cart: &PricedCart, included: Option<&Offer>) -> Result<i64, ProxyError> {
    let total = cart.total + included.map_or(0, |o| o.cost);
    if contract::validate::is_valid_amount(total) {
        Ok(total)
    } else {
        Err(ProxyError::bad_request(
            ErrorCode::InvalidRequest,
            "The order total is too large for one payment.",
        ))
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

async fn start_payment(
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
    match start_at_vipps(app, store, &new, &token, cart, how.push).await {
        Ok(url) => {
            app.db
                .set_vipps_url(&order_id, &url)
                .await
                .map_err(|e| StartFailure::Refused(Some(order_id.clone()), e.into()))?;
            tracing::info!(%order_id, amount = total, express, push = how.push, "payment started");
            Ok(PaymentCreated {
                order_id,
                url,
                status_token: token,
                expires_at,
            })
        }
        Err(e) => {
            // ePayment's create is keyed by the reference: whether it was made can be asked.
            if e.is_transient() && store.vipps.api() == Api::Epayment {
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
enum StartFailure {
    /// Refused, by us or by Vipps: the order made for it, if one was.
    Refused(Option<String>, ProxyError),
    /// Vipps never answered and cannot say whether it made the payment of this order.
    Unsettled(String),
}

/// Whether Vipps made the payment of `order_id` (a start whose answer never came).
enum Settled {
    /// It did: the answer the start would have given.
    Made(PaymentCreated),
    /// It did not: nothing to pay.
    NotMade,
    /// Vipps could not be asked.
    Unknown,
}

/// Asks Vipps (ePayment's get payment) whether the order's payment exists. eCom cannot
/// be asked this way (an initiate it never made is a 404 there too, but one it made
/// does not say where the shopper goes): there, `Unknown`.
async fn settle(app: &AppInner, store: &Store, order_id: &str) -> Settled {
    let Ok(Some(order)) = app.db.order(order_id).await else {
        return Settled::Unknown;
    };
    if store.vipps.api() != Api::Epayment {
        return Settled::Unknown;
    }
    match store.vipps.payment(order_id).await {
        Ok(payment) => {
            let url = payment.redirect_url.unwrap_or_default();
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
        Err(VippsError::Http { status: 404, .. }) => Settled::NotMade,
        Err(_) => Settled::Unknown,
    }
}

/// When a return link made at `created` stops working: the payment window, then
/// `--status-link-hours`.
pub fn status_link_expiry(app: &AppInner, created: chrono::DateTime<Utc>) -> i64 {
    created.timestamp() + contract::PAYMENT_WINDOW_SECS as i64 + i64::from(app.config.status_link_hours) * 3600
}

/// The shopper's view of an order.
pub fn payment_state(order: &Order) -> PaymentState {
    let status = order.status;
    let shipping = match (&order.shipping_method, &order.shipping_method_id, order.shipping_cost) {
        (Some(method), Some(id), Some(cost)) => Some(Shipping {
            method: method.clone(),
            method_id: id.clone(),
            cost: Amount::of(cost, &order.currency),
            address: order
                .address_json()
                .and_then(|a| serde_json::from_value::<Address>(a).ok()),
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

/// How long a status request waits for Vipps before answering from the store.
const STATUS_WAIT: std::time::Duration = std::time::Duration::from_secs(4);

/// The order a shopper's link names, once its token (`?t=`) checks out: the kind of
/// link. The token is checked before the store is read: a stranger learns nothing.
fn check_link(app: &AppInner, store: &Store, order_id: &str, query: Option<&str>) -> Result<Link, ProxyError> {
    let token = query
        .and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "t")
                .map(|(_, v)| v.into_owned())
        })
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ProxyError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::MissingToken,
                "This link is missing its access token (t).",
            )
        })?;
    if !is_valid_order_id(order_id) {
        return Err(ProxyError::not_found());
    }
    match app
        .key
        .check_link_token(&store.id, order_id, &token, Utc::now().timestamp())
    {
        (TokenCheck::Valid, link) => Ok(link),
        (TokenCheck::Invalid, _) => Err(ProxyError::not_found()),
        (TokenCheck::Expired, _) => Err(ProxyError::new(
            StatusCode::GONE,
            ErrorCode::LinkExpired,
            "This link has expired. The receipt is in the Vipps app.",
        )),
    }
}

pub async fn status(
    State(app): State<App>,
    StoreParam(store): StoreParam,
    Path(order_id): Path<String>,
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
        // an answer from the store within STATUS_WAIT and simply polls again.
        let refresh = tokio::spawn({
            let (app, order_id) = (app.clone(), order_id.clone());
            async move { app.refresher.refresh(&order_id, false).await }
        });
        match tokio::time::timeout(STATUS_WAIT, refresh).await {
            // Fresh already, nobody fetching: the order just read is the answer.
            Ok(Ok(Ok(false))) => return Ok(status_answer(&order)),
            Ok(Ok(Err(e))) => {
                tracing::warn!(%order_id, error = %e, "could not refresh from Vipps; answering from the store")
            }
            Err(_) => tracing::warn!(%order_id, "Vipps is slow; answering from the store"),
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
    Path(order_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ProxyError> {
    // Only the return link withdraws; a receipt's link only reads.
    if check_link(&app, &store, &order_id, query.as_deref())? != Link::Status {
        return Err(ProxyError::not_found());
    }
    store_order(&app, &store, &order_id).await?;
    // Vipps decides, not what the store last heard: an approval whose callback or
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
        let cancel = crate::vipps::Modification::Cancel {
            release_remaining: false,
            transaction_only: true,
        };
        if let Err(e) = store
            .vipps
            .modify(
                &order_id,
                cancel,
                None,
                &order.currency,
                "Withdrawn by the customer",
                &request_id,
            )
            .await
        {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn express_asks_for_the_four_words_once() {
        assert_eq!(express_scope(None, false), None);
        assert_eq!(express_scope(Some("name email"), false).as_deref(), Some("name email"));
        assert_eq!(
            express_scope(None, true).as_deref(),
            Some("name address email phoneNumber")
        );
        assert_eq!(
            express_scope(Some("birthDate name"), true).as_deref(),
            Some("birthDate name address email phoneNumber")
        );
    }

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
