//! What the user chooses in the (simulated) app, on either API: the address and the
//! shipping option, and how a user's act can fail.

use crate::ecom::ledger::{ChosenShipping, Phase};
use crate::shipping::{default_option, ShippingError, ShippingOption};
use crate::users::{Address, TestUser, UserError};

#[derive(Debug, Clone, PartialEq)]
pub enum FlowError {
    UnknownOrder,
    /// The payment is no longer waiting for the user.
    NotActive(Phase),
    User(UserError),
    UnknownAddress(i64),
    UnknownShippingMethod(String),
    /// The merchant's shipping endpoint failed; the payment has failed with it.
    Shipping(ShippingError),
}

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlowError::UnknownOrder => write!(f, "no such payment"),
            FlowError::NotActive(phase) => write!(f, "the payment is no longer waiting for the user ({phase:?})"),
            FlowError::User(e) => write!(f, "{} (error {})", e.message(), e.code()),
            FlowError::UnknownAddress(id) => write!(f, "the user has no address with id {id}"),
            FlowError::UnknownShippingMethod(id) => write!(f, "the shop did not offer shipping method '{id}'"),
            FlowError::Shipping(e) => write!(f, "no shipping methods found: {e}"),
        }
    }
}

/// The choices the user makes in the app; `None` takes what the app would preselect.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub mobile: Option<String>,
    pub address_id: Option<i64>,
    pub shipping_method_id: Option<String>,
    /// Test control only: reserve this amount instead of the price.
    pub reserve_amount: Option<i64>,
}

/// The address the app shows as chosen.
pub fn address_for(user: &TestUser, address_id: Option<i64>) -> Result<Address, FlowError> {
    match address_id {
        Some(id) => user.address(id).cloned().ok_or(FlowError::UnknownAddress(id)),
        None => Ok(user.addresses[0].clone()),
    }
}

/// What the user chose in the app: `address` and the option `id` names among `options`
/// (`None`: the one the app preselects). Both APIs' approvals use it.
pub fn choose(address: Address, options: &[ShippingOption], id: Option<&str>) -> Result<ChosenShipping, FlowError> {
    let option = match id {
        Some(id) => options
            .iter()
            .find(|o| o.method_id == id)
            .ok_or_else(|| FlowError::UnknownShippingMethod(id.to_string()))?,
        None => default_option(options).expect("parsed option lists are never empty"),
    };
    Ok(ChosenShipping {
        address,
        option: option.clone(),
    })
}
