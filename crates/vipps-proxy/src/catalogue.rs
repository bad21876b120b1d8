//! Prices a cart from the shop's own catalogue. The page says what to buy; only the
//! catalogue says what it costs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub name: String,
    /// Price in øre, VAT included.
    pub price: i64,
    /// Weight in grams, for shipping rules.
    #[serde(default)]
    pub weight: i64,
    /// Sent to the shopper (default): a regular payment then includes shipping. `false`
    /// for what needs no delivery (gift cards, downloads, tickets).
    #[serde(default = "ships_by_default")]
    pub ships: bool,
    /// Its VAT rate in percent, included in `price` (25, 15, 12, 0; Finland's 25.5): what
    /// the receipt in the Vipps app shows. Default 25.
    #[serde(default = "standard_vat")]
    pub vat: f64,
}

fn ships_by_default() -> bool {
    true
}

fn standard_vat() -> f64 {
    25.0
}

/// The VAT rate of a line bought before the catalogue had one, in basis points: 25 %.
pub const DEFAULT_VAT_RATE: u32 = 2500;

fn default_vat_rate() -> u32 {
    DEFAULT_VAT_RATE
}

impl Product {
    /// The VAT rate in basis points (2500: 25 %), as the receipt carries it.
    pub fn vat_rate(&self) -> u32 {
        (self.vat * 100.0).round() as u32
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    pub products: BTreeMap<String, Product>,
}

/// One priced line of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub sku: String,
    pub name: String,
    pub qty: i64,
    pub unit_price: i64,
    pub total: i64,
    /// VAT in basis points, included in `total` (orders made before VAT rates: 25 %).
    #[serde(default = "default_vat_rate")]
    pub vat_rate: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricedCart {
    pub lines: Vec<Line>,
    pub total: i64,
    pub weight: i64,
    /// Whether anything in the cart is sent to the shopper.
    #[serde(default)]
    pub ships: bool,
}

impl PricedCart {
    /// The text shown in the Vipps app (at most 100 characters).
    pub fn transaction_text(&self, shop: &str) -> String {
        let items: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                if l.qty == 1 {
                    l.name.clone()
                } else {
                    format!("{} × {}", l.qty, l.name)
                }
            })
            .collect();
        let text = format!("{shop}: {}", items.join(", "));
        if text.chars().count() <= 100 {
            text
        } else {
            let cut: String = text.chars().take(97).collect();
            format!("{cut}...")
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartError {
    Malformed(String),
    Empty,
    UnknownProduct(String),
    InvalidQuantity(String),
    TooExpensive,
}

pub const MAX_QTY: i64 = 99;
pub const MAX_LINES: usize = 50;

impl Catalogue {
    /// The demo shop's products (sku `socks` costs 199,00 kr): `www/catalogue.json`, the
    /// file the demo's pages show prices from, so the two cannot differ.
    pub fn demo() -> Self {
        Catalogue::from_json(include_str!("../../../www/catalogue.json")).expect("the demo catalogue is valid")
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        let catalogue: Catalogue = serde_json::from_str(text).map_err(|e| e.to_string())?;
        for (sku, p) in &catalogue.products {
            if p.weight < 0 || p.name.trim().is_empty() {
                return Err(format!(
                    "product '{sku}': a name and a weight of 0 g or more are needed"
                ));
            }
            let basis_points = p.vat * 100.0;
            if !(0.0..=100.0).contains(&p.vat) || (basis_points - basis_points.round()).abs() > 1e-6 {
                return Err(format!(
                    "product '{sku}': vat {} is not a rate in percent from 0 to 100 with at most two decimals",
                    p.vat
                ));
            }
            // A product could be bought alone: its price must be an amount Vipps takes.
            if !contract::validate::is_valid_amount(p.price) {
                return Err(format!(
                    "product '{sku}': price {} øre; Vipps takes payments from 100 øre (1 kr) up to {}",
                    p.price,
                    i32::MAX
                ));
            }
        }
        Ok(catalogue)
    }

    /// Prices `payload.items` = `[{"sku", "qty"}]`. Anything else in the payload
    /// (a price, a total) is ignored.
    pub fn price(&self, payload: &Value) -> Result<PricedCart, CartError> {
        let items = payload
            .get("items")
            .and_then(Value::as_array)
            .ok_or_else(|| CartError::Malformed("payload.items must be an array of {sku, qty}".into()))?;
        if items.is_empty() {
            return Err(CartError::Empty);
        }
        if items.len() > MAX_LINES {
            return Err(CartError::Malformed(format!("at most {MAX_LINES} lines")));
        }
        let mut merged: BTreeMap<String, i64> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        for item in items {
            let sku = item
                .get("sku")
                .and_then(Value::as_str)
                .ok_or_else(|| CartError::Malformed("each item needs a string sku".into()))?;
            let qty = match item.get("qty") {
                None => 1,
                Some(q) => q.as_i64().ok_or_else(|| CartError::InvalidQuantity(sku.to_string()))?,
            };
            if !(1..=MAX_QTY).contains(&qty) {
                return Err(CartError::InvalidQuantity(sku.to_string()));
            }
            if !self.products.contains_key(sku) {
                return Err(CartError::UnknownProduct(sku.to_string()));
            }
            let entry = merged.entry(sku.to_string()).or_insert_with(|| {
                order.push(sku.to_string());
                0
            });
            *entry += qty;
            if *entry > MAX_QTY {
                return Err(CartError::InvalidQuantity(sku.to_string()));
            }
        }
        let mut lines = Vec::new();
        let (mut total, mut weight, mut ships) = (0i64, 0i64, false);
        for sku in order {
            let product = &self.products[&sku];
            let qty = merged[&sku];
            let line_total = product.price.checked_mul(qty).ok_or(CartError::TooExpensive)?;
            total = total.checked_add(line_total).ok_or(CartError::TooExpensive)?;
            weight += product.weight * qty;
            ships |= product.ships;
            lines.push(Line {
                sku,
                name: product.name.clone(),
                qty,
                unit_price: product.price,
                total: line_total,
                vat_rate: product.vat_rate(),
            });
        }
        if total > i32::MAX as i64 {
            return Err(CartError::TooExpensive);
        }
        Ok(PricedCart {
            lines,
            total,
            weight,
            ships,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one_product(price: i64, weight: i64, name: &str) -> Result<Catalogue, String> {
        Catalogue::from_json(&json!({"products": {"x": {"name": name, "price": price, "weight": weight}}}).to_string())
    }

    #[test]
    fn each_product_has_a_vat_rate_in_percent() {
        let with_vat = |vat: Value| {
            Catalogue::from_json(&json!({"products": {"x": {"name": "Jam", "price": 5990, "vat": vat}}}).to_string())
        };
        assert_eq!(with_vat(json!(15)).unwrap().products["x"].vat_rate(), 1500);
        assert_eq!(
            with_vat(json!(25.5)).unwrap().products["x"].vat_rate(),
            2550,
            "Finland's rate"
        );
        assert_eq!(with_vat(json!(0)).unwrap().products["x"].vat_rate(), 0);
        for wrong in [json!(-1), json!(101), json!(12.345), json!("25")] {
            assert!(with_vat(wrong.clone()).is_err(), "{wrong}");
        }
        let standard = one_product(100, 0, "Gavekort").unwrap();
        assert_eq!(
            standard.products["x"].vat_rate(),
            2500,
            "25 % unless the catalogue says"
        );
        let cart = Catalogue::demo()
            .price(&json!({"items": [{"sku": "giftcard"}, {"sku": "socks"}]}))
            .unwrap();
        assert_eq!(
            cart.lines
                .iter()
                .map(|l| (l.sku.as_str(), l.vat_rate))
                .collect::<Vec<_>>(),
            [("giftcard", 0), ("socks", 2500)],
            "the demo's gift card carries no VAT"
        );
        let stored: Line = serde_json::from_value(json!({"sku": "socks", "name": "Ullsokker", "qty": 1,
            "unitPrice": 19900, "total": 19900}))
        .unwrap();
        assert_eq!(stored.vat_rate, 2500, "a line stored before VAT rates");
    }

    #[test]
    fn a_catalogue_file_is_checked() {
        assert!(one_product(100, 0, "Gavekort").is_ok(), "1 kr and weightless is fine");
        assert!(
            one_product(99, 0, "Gratis vareprøve").unwrap_err().contains("100 øre"),
            "Vipps would refuse a payment for it alone"
        );
        assert!(one_product(0, 0, "Gratis vareprøve").is_err());
        assert!(one_product(i32::MAX as i64 + 1, 0, "Hus").is_err());
        assert!(one_product(-1, 0, "Ullsokker").is_err());
        assert!(one_product(100, -1, "Ullsokker").is_err());
        assert!(one_product(100, 0, "  ").is_err());
    }

    #[test]
    fn cart_limits_are_inclusive() {
        let c = Catalogue::demo();
        let lines = |n: usize| json!({"items": vec![json!({"sku": "socks", "qty": 1}); n]});
        assert!(c.price(&lines(MAX_LINES)).is_ok(), "{MAX_LINES} lines");
        assert!(c.price(&lines(MAX_LINES + 1)).is_err());
        let split = json!({"items": [{"sku": "socks", "qty": MAX_QTY - 1}, {"sku": "socks", "qty": 1}]});
        assert_eq!(c.price(&split).unwrap().lines[0].qty, MAX_QTY, "merged up to the limit");
        let over = json!({"items": [{"sku": "socks", "qty": MAX_QTY}, {"sku": "socks", "qty": 1}]});
        assert_eq!(c.price(&over), Err(CartError::InvalidQuantity("socks".into())));
        let top = i32::MAX as i64;
        let cart = json!({"items": [{"sku": "x", "qty": 1}]});
        assert_eq!(one_product(top, 0, "Dyr").unwrap().price(&cart).unwrap().total, top);
        let two = json!({"items": [{"sku": "x", "qty": 2}]});
        assert_eq!(
            one_product(top, 0, "Dyr").unwrap().price(&two),
            Err(CartError::TooExpensive),
            "one more øre than Vipps takes"
        );
    }

    #[test]
    fn prices_from_the_catalogue_and_ignores_page_prices() {
        let cart = Catalogue::demo()
            .price(&json!({"items": [{"sku": "socks", "qty": 2, "price": 1}], "total": 1}))
            .unwrap();
        assert_eq!(cart.total, 39800);
        assert_eq!(cart.lines[0].unit_price, 19900);
        assert_eq!(cart.weight, 300);
    }

    #[test]
    fn merges_repeated_skus_in_order() {
        let cart = Catalogue::demo()
            .price(&json!({"items": [{"sku": "hat"}, {"sku": "socks", "qty": 1}, {"sku": "hat", "qty": 2}]}))
            .unwrap();
        assert_eq!(cart.lines.len(), 2);
        assert_eq!(cart.lines[0].sku, "hat");
        assert_eq!(cart.lines[0].qty, 3);
        assert_eq!(cart.transaction_text("Nordlys"), "Nordlys: 3 × Lue med dusk, Ullsokker");
    }

    #[test]
    fn refuses_bad_carts() {
        let c = Catalogue::demo();
        assert_eq!(c.price(&json!({"items": []})), Err(CartError::Empty));
        assert!(matches!(c.price(&json!({})), Err(CartError::Malformed(_))));
        assert_eq!(
            c.price(&json!({"items": [{"sku": "car"}]})),
            Err(CartError::UnknownProduct("car".into()))
        );
        for qty in [json!(0), json!(-1), json!(100), json!(1.5), json!("2")] {
            assert!(matches!(
                c.price(&json!({"items": [{"sku": "socks", "qty": qty}]})),
                Err(CartError::InvalidQuantity(_))
            ));
        }
        let many = json!({"items": [{"sku": "socks", "qty": 60}, {"sku": "socks", "qty": 60}]});
        assert!(matches!(c.price(&many), Err(CartError::InvalidQuantity(_))));
    }

    #[test]
    fn long_texts_are_cut_to_100() {
        let mut c = Catalogue::demo();
        for i in 0..20 {
            c.products.insert(
                format!("p{i}"),
                Product {
                    name: format!("Et langt produktnavn {i}"),
                    price: 100,
                    weight: 0,
                    ships: true,
                    vat: 25.0,
                },
            );
        }
        let items: Vec<_> = (0..20).map(|i| json!({"sku": format!("p{i}")})).collect();
        let text = c.price(&json!({"items": items})).unwrap().transaction_text("Butikk");
        assert_eq!(text.chars().count(), 100);
    }
}

#[cfg(test)]
mod demo_shop {
    use super::*;

    #[test]
    fn the_demo_catalogue_has_goods_that_ship_and_some_that_do_not() {
        let demo = Catalogue::demo();
        assert_eq!(demo.products["socks"].price, 19900);
        assert!(demo.products["socks"].ships);
        assert!(!demo.products["giftcard"].ships, "sold at the till, nothing to deliver");
    }
}
