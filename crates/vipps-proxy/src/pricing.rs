//! What a cart costs at checkout: the catalogue's prices, the shipping a regular
//! payment includes, and whether Vipps takes the total.

use contract::error::ErrorCode;

use crate::app::AppInner;
use crate::catalogue::{CartError, PricedCart};
use crate::error::ProxyError;
use crate::shipping::Offer;

pub(crate) fn cart_error(e: CartError) -> ProxyError {
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

/// A regular payment has no address to choose shipping for: goods that ship include the
/// shop's default method, so the browser cannot skip shipping by not asking for express.
/// `None` for express (chosen in Vipps) and for goods that do not ship. Express for a
/// cart with nothing to ship is refused: it exists to ask the shopper where to send the
/// goods (`vippsas/vipps-ecom-api` `vipps-ecom-api-faq.md` at
/// a2a3ebd44b659e08ceee98a364a0b237db682471: for the shopper's details without a
/// delivery, use Userinfo).
pub(crate) fn included_shipping(app: &AppInner, express: bool, cart: &PricedCart) -> Result<Option<Offer>, ProxyError> {
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
pub(crate) fn priced_total(cart: &PricedCart, included: Option<&Offer>) -> Result<i64, ProxyError> {
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
