//! What Vipps says of an order, in either API's words: the [`Truth`] a gateway reads,
//! with the shipping and the shopper's details in eCom's field names (ePayment's
//! `shippingDetails.address` uses them too).

use serde::{Deserialize, Serialize};

use super::lenient::nok_as_ore;
use crate::status::Standing;

/// What Vipps says of an order.
#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    pub standing: Standing,
    pub shipping: Option<ShippingDetails>,
    pub user: Option<UserDetails>,
    /// The Userinfo subject, once the shopper approved a `scope` payment.
    pub sub: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VippsAddress {
    pub address_line1: String,
    #[serde(default)]
    pub address_line2: Option<String>,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
    #[serde(default, alias = "zipCode", alias = "postalCode")]
    pub post_code: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ShippingDetails {
    #[serde(default)]
    pub address: Option<VippsAddress>,
    #[serde(deserialize_with = "nok_as_ore")]
    pub shipping_cost: i64,
    pub shipping_method: String,
    #[serde(default)]
    pub shipping_method_id: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserDetails {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub mobile_number: String,
    #[serde(default)]
    pub user_id: String,
}

impl VippsAddress {
    /// The address as the contract (and the database) hold it.
    pub fn to_contract(&self) -> contract::Address {
        contract::Address {
            address_line1: self.address_line1.clone(),
            address_line2: self.address_line2.clone(),
            post_code: self.post_code.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn addresses_accept_every_post_code_spelling() {
        for key in ["postCode", "zipCode", "postalCode"] {
            let a: VippsAddress =
                serde_json::from_value(json!({"addressLine1": "Gate 1", "city": "OSLO", "country": "NO", key: "0191"}))
                    .unwrap();
            assert_eq!(a.post_code, "0191");
        }
    }

    #[test]
    fn shipping_cost_is_nok_number_or_string() {
        let s: ShippingDetails =
            serde_json::from_value(json!({"shippingCost": "49.00", "shippingMethod": "P", "shippingMethodId": "p"}))
                .unwrap();
        assert_eq!(s.shipping_cost, 4900);
        let s: ShippingDetails = serde_json::from_value(json!({"shippingCost": 99.5, "shippingMethod": "P"})).unwrap();
        assert_eq!(s.shipping_cost, 9950);
    }
}
