//! Express shipping methods: a config of methods with rules, priced for one cart and
//! address. Pure. Costs are minor units (øre, cents) here; eCom's wire wants NOK
//! decimals ([`Offer::to_vipps`]), ePayment's option groups minor units ([`groups`]).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WeightBracket {
    /// This price applies up to and including this weight.
    pub up_to_grams: i64,
    pub price: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Method {
    pub id: String,
    pub name: String,
    /// Shown in ascending order.
    #[serde(default)]
    pub priority: i64,
    /// Preselected in the app when offered.
    #[serde(default)]
    pub default: bool,
    /// Price in øre when no weight bracket applies.
    #[serde(default)]
    pub price: i64,
    /// Price by cart weight: the first bracket the weight fits in.
    #[serde(default)]
    pub weight_brackets: Vec<WeightBracket>,
    /// Free when the goods cost at least this (øre).
    #[serde(default)]
    pub free_above: Option<i64>,
    /// Not offered for carts heavier than this.
    #[serde(default)]
    pub max_weight_grams: Option<i64>,
    /// Only offered to post codes starting with one of these (empty: everywhere).
    #[serde(default)]
    pub post_code_prefixes: Vec<String>,
    /// ePayment: the carrier the app shows (one of [`BRANDS`]; `OTHER` when not set).
    #[serde(default)]
    pub brand: Option<String>,
    /// ePayment: how it is delivered (one of [`TYPES`]; `OTHER` when not set).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// The carriers and delivery kinds ePayment's express shows (`docs/vipps-epayment-v1.md`).
pub const BRANDS: [&str; 10] = [
    "POSTEN",
    "POSTNORD",
    "POSTI",
    "HELTHJEM",
    "PORTERBUDDY",
    "BRING",
    "DAO",
    "GLS",
    "INSTABOX",
    "OTHER",
];
pub const TYPES: [&str; 4] = ["HOME_DELIVERY", "PICKUP_POINT", "MAILBOX", "OTHER"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippingConfig {
    pub methods: Vec<Method>,
}

/// One method offered for a cart, priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub id: String,
    pub name: String,
    pub cost: i64,
    pub priority: i64,
    pub is_default: bool,
    pub brand: &'static str,
    pub kind: &'static str,
}

/// ePayment's option groups for `offers` priced in `currency`: one group per method
/// (its brand and type), in the order shown, the default marked.
pub fn groups(offers: &[Offer], currency: &str) -> Value {
    Value::Array(
        offers
            .iter()
            .map(|o| {
                json!({
                    "type": o.kind,
                    "brand": o.brand,
                    "isDefault": o.is_default,
                    "priority": o.priority,
                    "options": [{
                        "id": o.id,
                        "name": o.name,
                        "amount": {"currency": currency, "value": o.cost},
                        "isDefault": o.is_default,
                        "priority": 0,
                    }],
                })
            })
            .collect(),
    )
}

/// The listed word `given` names (`OTHER` when none), as a `'static` from `list`.
fn listed(list: &[&'static str], given: Option<&str>) -> &'static str {
    let given = given.unwrap_or("OTHER");
    list.iter().find(|w| **w == given).copied().unwrap_or("OTHER")
}

impl Offer {
    /// A `ShippingDetails` item: `isDefault` "Y"/"N", `shippingCost` in NOK with two decimals.
    pub fn to_vipps(&self) -> Value {
        json!({
            "isDefault": if self.is_default { "Y" } else { "N" },
            "priority": self.priority,
            "shippingCost": nok(self.cost),
            "shippingMethod": self.name,
            "shippingMethodId": self.id,
        })
    }
}

/// Øre as a NOK decimal number (`9900` → `99.0`, `4950` → `49.5`).
pub fn nok(ore: i64) -> Value {
    let n = serde_json::Number::from_f64(ore as f64 / 100.0).expect("finite");
    Value::Number(n)
}

impl ShippingConfig {
    /// What a regular payment of goods that ship includes: the default method offered
    /// without an address, or `None` if no method can take the cart.
    pub fn included(&self, goods: i64, grams: i64) -> Option<Offer> {
        self.offers(goods, grams, None).into_iter().find(|o| o.is_default)
    }

    /// What the shop's price is for `method_id` for this cart and address (`None`: the
    /// method is not offered there).
    pub fn cost_of(&self, method_id: &str, goods: i64, grams: i64, post_code: Option<&str>) -> Option<i64> {
        self.offers(goods, grams, post_code)
            .into_iter()
            .find(|o| o.id == method_id)
            .map(|o| o.cost)
    }

    pub fn demo() -> Self {
        ShippingConfig {
            methods: vec![
                Method {
                    id: "posten-servicepakke".into(),
                    name: "Posten Servicepakke".into(),
                    priority: 1,
                    default: true,
                    price: 9900,
                    weight_brackets: vec![
                        WeightBracket {
                            up_to_grams: 1000,
                            price: 6900,
                        },
                        WeightBracket {
                            up_to_grams: 5000,
                            price: 9900,
                        },
                        WeightBracket {
                            up_to_grams: 35000,
                            price: 19900,
                        },
                    ],
                    free_above: Some(150000),
                    max_weight_grams: Some(35000),
                    post_code_prefixes: vec![],
                    brand: Some("POSTEN".into()),
                    kind: Some("PICKUP_POINT".into()),
                },
                Method {
                    id: "helthjem".into(),
                    name: "Helthjem levering hjem".into(),
                    priority: 2,
                    default: false,
                    price: 12900,
                    weight_brackets: vec![],
                    free_above: None,
                    max_weight_grams: Some(20000),
                    post_code_prefixes: vec![],
                    brand: Some("HELTHJEM".into()),
                    kind: Some("HOME_DELIVERY".into()),
                },
                Method {
                    id: "pickup-oslo".into(),
                    name: "Hent i butikken (Oslo)".into(),
                    priority: 3,
                    default: false,
                    price: 0,
                    weight_brackets: vec![],
                    free_above: None,
                    max_weight_grams: None,
                    post_code_prefixes: vec!["0".into(), "1".into()],
                    brand: None,
                    kind: None,
                },
            ],
        }
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        let config: ShippingConfig = serde_json::from_str(text).map_err(|e| e.to_string())?;
        config.check()?;
        Ok(config)
    }

    pub fn check(&self) -> Result<(), String> {
        if self.methods.is_empty() {
            return Err("at least one shipping method is needed".into());
        }
        let mut ids = std::collections::HashSet::new();
        for m in &self.methods {
            if m.id.is_empty() || m.id.len() > 100 || m.name.trim().is_empty() || m.name.chars().count() > 256 {
                return Err(format!("method '{}': id 1-100 characters, name 1-256", m.id));
            }
            if !ids.insert(&m.id) {
                return Err(format!("method id '{}' is used twice", m.id));
            }
            if m.price < 0 || m.weight_brackets.iter().any(|b| b.price < 0) {
                return Err(format!("method '{}': prices cannot be negative", m.id));
            }
            if let Some(brand) = m.brand.as_deref().filter(|b| !BRANDS.contains(b)) {
                return Err(format!(
                    "method '{}': brand {brand} is not one of {}",
                    m.id,
                    BRANDS.join(", ")
                ));
            }
            if let Some(kind) = m.kind.as_deref().filter(|k| !TYPES.contains(k)) {
                return Err(format!(
                    "method '{}': type {kind} is not one of {}",
                    m.id,
                    TYPES.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The methods offered for a cart worth `goods` øre weighing `grams`, delivered to
    /// `post_code` (`None`: not known, e.g. static shipping), cheapest rules applied.
    pub fn offers(&self, goods: i64, grams: i64, post_code: Option<&str>) -> Vec<Offer> {
        let mut offers: Vec<Offer> = self
            .methods
            .iter()
            .filter(|m| m.max_weight_grams.is_none_or(|max| grams <= max))
            // A method limited by post code is offered only to an address known to be in
            // reach (static shipping and regular payments know no address).
            .filter(|m| match post_code {
                _ if m.post_code_prefixes.is_empty() => true,
                Some(code) => m.post_code_prefixes.iter().any(|p| code.starts_with(p.as_str())),
                None => false,
            })
            .map(|m| {
                let by_weight = m
                    .weight_brackets
                    .iter()
                    .find(|b| grams <= b.up_to_grams)
                    .map(|b| b.price);
                let mut cost = by_weight.unwrap_or(m.price);
                if m.free_above.is_some_and(|threshold| goods >= threshold) {
                    cost = 0;
                }
                Offer {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    cost,
                    priority: m.priority,
                    is_default: m.default,
                    brand: listed(&BRANDS, m.brand.as_deref()),
                    kind: listed(&TYPES, m.kind.as_deref()),
                }
            })
            .collect();
        offers.sort_by_key(|o| o.priority);
        // Exactly one default: the configured one if offered, else the first shown.
        let default_index = offers.iter().position(|o| o.is_default).unwrap_or(0);
        for (i, o) in offers.iter_mut().enumerate() {
            o.is_default = i == default_index;
        }
        offers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(offers: &[Offer]) -> Vec<&str> {
        offers.iter().map(|o| o.id.as_str()).collect()
    }

    #[test]
    fn method_ids_and_names_have_bounds() {
        let with = |id: &str, name: &str| {
            let mut c = ShippingConfig::demo();
            c.methods[0].id = id.to_string();
            c.methods[0].name = name.to_string();
            c.check()
        };
        assert!(with("a", "Posten").is_ok());
        assert!(with(&"a".repeat(100), &"n".repeat(256)).is_ok(), "the longest allowed");
        assert!(with("", "Posten").is_err());
        assert!(with(&"a".repeat(101), "Posten").is_err());
        assert!(with("a", " ").is_err());
        assert!(with("a", &"n".repeat(257)).is_err());
    }

    #[test]
    fn prices_may_be_free_but_never_negative() {
        let mut c = ShippingConfig::demo();
        c.methods[0].price = 0;
        for b in &mut c.methods[0].weight_brackets {
            b.price = 0;
        }
        assert!(c.check().is_ok(), "free shipping is a price");
        c.methods[0].price = -1;
        assert!(c.check().is_err());
        c.methods[0].price = 0;
        let bracketed = c.methods.iter().position(|m| !m.weight_brackets.is_empty()).unwrap();
        c.methods[bracketed].weight_brackets[0].price = -1;
        assert!(c.check().is_err(), "nor a weight bracket's");
    }

    #[test]
    fn prices_by_weight_bracket() {
        let c = ShippingConfig::demo();
        assert_eq!(c.offers(19900, 150, Some("0154"))[0].cost, 6900);
        assert_eq!(c.offers(19900, 3000, Some("0154"))[0].cost, 9900);
        assert_eq!(c.offers(19900, 30000, Some("0154"))[0].cost, 19900);
    }

    #[test]
    fn free_above_a_threshold() {
        let c = ShippingConfig::demo();
        assert_eq!(c.offers(150000, 500, Some("0154"))[0].cost, 0);
        assert_eq!(c.offers(149999, 500, Some("0154"))[0].cost, 6900);
    }

    #[test]
    fn pickup_only_near_the_shop_and_heavy_carts_lose_methods() {
        let c = ShippingConfig::demo();
        assert_eq!(
            ids(&c.offers(100, 100, Some("0154"))),
            ["posten-servicepakke", "helthjem", "pickup-oslo"]
        );
        assert_eq!(
            ids(&c.offers(100, 100, Some("5003"))),
            ["posten-servicepakke", "helthjem"]
        );
        assert_eq!(ids(&c.offers(100, 25000, Some("5003"))), ["posten-servicepakke"]);
        assert_eq!(
            ids(&c.offers(100, 100, None)),
            ["posten-servicepakke", "helthjem"],
            "unknown address: no method limited by post code"
        );
    }

    #[test]
    fn a_regular_payment_includes_the_default_method_offered_everywhere() {
        let c = ShippingConfig::demo();
        let included = c.included(19900, 150).unwrap();
        assert_eq!((included.id.as_str(), included.cost), ("posten-servicepakke", 6900));
        assert_eq!(c.included(150000, 150).unwrap().cost, 0, "free above the threshold");
        assert_eq!(
            c.included(19900, 30000).unwrap().id,
            "posten-servicepakke",
            "heavy carts keep the method that takes them"
        );
        assert!(c.included(19900, 40000).is_none(), "no method takes 40 kg");
        assert_eq!(c.cost_of("pickup-oslo", 19900, 150, Some("0154")), Some(0));
        assert_eq!(c.cost_of("pickup-oslo", 19900, 150, Some("5003")), None);
        assert_eq!(c.cost_of("helthjem", 19900, 150, None), Some(12900));
    }

    #[test]
    fn exactly_one_default_in_priority_order() {
        let mut c = ShippingConfig::demo();
        c.methods[0].max_weight_grams = Some(10);
        let offers = c.offers(100, 100, Some("0154"));
        assert_eq!(offers.iter().filter(|o| o.is_default).count(), 1);
        assert!(
            offers[0].is_default,
            "configured default not offered: first shown is default"
        );
    }

    #[test]
    fn vipps_shape_has_string_flags_and_nok_decimals() {
        let offer = Offer {
            id: "p".into(),
            name: "Posten".into(),
            cost: 4950,
            priority: 2,
            is_default: true,
            brand: "POSTEN",
            kind: "MAILBOX",
        };
        let v = offer.to_vipps();
        assert_eq!(v["isDefault"], "Y");
        assert_eq!(v["shippingCost"], 49.5);
        assert_eq!(v["priority"], 2);
    }

    #[test]
    fn epayment_groups_carry_brand_type_and_minor_units() {
        let c = ShippingConfig::demo();
        let offers = c.offers(19900, 150, Some("0154"));
        let g = groups(&offers, "NOK");
        assert_eq!(g[0]["brand"], "POSTEN");
        assert_eq!(g[0]["type"], "PICKUP_POINT");
        assert_eq!(g[0]["isDefault"], true);
        assert_eq!(g[0]["options"][0]["amount"], json!({"currency": "NOK", "value": 6900}));
        assert_eq!(g[2]["brand"], "OTHER", "not set: OTHER");
        assert_eq!(g[1]["options"][0]["isDefault"], false);
    }

    #[test]
    fn config_is_checked() {
        assert!(ShippingConfig::from_json(r#"{"methods": [{"id": "a", "name": "A", "brand": "ACME"}]}"#).is_err());
        assert!(ShippingConfig::from_json(r#"{"methods": [{"id": "a", "name": "A", "type": "DRONE"}]}"#).is_err());
        assert!(ShippingConfig::from_json(
            r#"{"methods": [{"id": "a", "name": "A", "brand": "POSTNORD", "type": "MAILBOX"}]}"#
        )
        .is_ok());
        assert!(ShippingConfig::from_json(r#"{"methods": []}"#).is_err());
        assert!(
            ShippingConfig::from_json(r#"{"methods": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}"#).is_err()
        );
        assert!(ShippingConfig::from_json(r#"{"methods": [{"id": "a", "name": "A", "colour": 1}]}"#).is_err());
        assert!(ShippingConfig::from_json(r#"{"methods": [{"id": "a", "name": "A", "price": 4900}]}"#).is_ok());
    }
}
