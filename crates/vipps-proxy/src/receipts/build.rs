//! The receipt a paid order gets in the shopper's Vipps app (the Order Management API
//! v2, `vippsas/vipps-order-management-api` `docs/swagger.yaml` at
//! 5476e510fb5eaa2fbef7c4b124677636c5aa21a4): one line per cart line with its VAT, the
//! shipping as its own line, in the order's currency. Pure: the lines add up to what was
//! reserved, or there is no receipt.
//!
//! Our choices where Vipps' material is silent: VAT is worked out of each line's total
//! (prices include VAT) and rounded to the øre, the rest is the amount without VAT; the
//! shipping line carries the highest VAT rate of the goods it brings (shipping follows
//! the goods; a cart of one rate, the usual case, is exact).

use serde_json::{json, Value};

use crate::catalogue::PricedCart;

/// The shipping an order paid for: its name, id, and cost in minor units.
pub struct ShippingPaid<'a> {
    pub name: &'a str,
    pub id: &'a str,
    pub cost: i64,
}

/// The lines do not add up to what Vipps reserved: no receipt is sent.
#[derive(Debug, PartialEq, Eq)]
pub struct DoesNotAddUp {
    pub lines: i64,
    pub reserved: i64,
}

/// The VAT in `total` (VAT included) at `rate` basis points (2500: 25 %), to the øre.
pub fn vat_of(total: i64, rate: u32) -> i64 {
    let rate = i64::from(rate);
    let divisor = 10_000 + rate;
    // Rounded half up, in whole numbers.
    (total * rate + divisor / 2) / divisor
}

fn line(name: &str, id: &str, total: i64, rate: u32, unit: Option<(i64, i64)>, shipping: bool) -> Value {
    let tax = vat_of(total, rate);
    let mut line = json!({
        "name": name,
        "id": id,
        "totalAmount": total,
        "totalAmountExcludingTax": total - tax,
        "totalTaxAmount": tax,
        "taxRate": rate,
    });
    if let Some((unit_price, quantity)) = unit {
        line["unitInfo"] = json!({"unitPrice": unit_price, "quantity": quantity.to_string(), "quantityUnit": "PCS"});
    }
    if shipping {
        line["isShipping"] = json!(true);
    }
    line
}

/// The receipt of `cart` with `shipping`, in `currency`, for an order whose reserved
/// amount is `reserved`.
pub fn receipt(
    cart: &PricedCart,
    shipping: Option<&ShippingPaid>,
    currency: &str,
    reserved: i64,
) -> Result<Value, DoesNotAddUp> {
    let mut lines: Vec<Value> = cart
        .lines
        .iter()
        .map(|l| line(&l.name, &l.sku, l.total, l.vat_rate, Some((l.unit_price, l.qty)), false))
        .collect();
    let mut sum: i64 = cart.lines.iter().map(|l| l.total).sum();
    if let Some(s) = shipping {
        let rate = cart
            .lines
            .iter()
            .map(|l| l.vat_rate)
            .max()
            .unwrap_or(crate::catalogue::DEFAULT_VAT_RATE);
        lines.push(line(s.name, s.id, s.cost, rate, None, true));
        sum += s.cost;
    }
    if sum != reserved {
        return Err(DoesNotAddUp { lines: sum, reserved });
    }
    Ok(json!({
        "orderLines": lines,
        "bottomLine": {"currency": currency},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Line;

    fn cart(lines: &[(&str, i64, i64, u32)]) -> PricedCart {
        let lines: Vec<Line> = lines
            .iter()
            .map(|(sku, qty, unit, rate)| Line {
                sku: sku.to_string(),
                name: format!("Product {sku}"),
                qty: *qty,
                unit_price: *unit,
                total: qty * unit,
                vat_rate: *rate,
            })
            .collect();
        PricedCart {
            total: lines.iter().map(|l| l.total).sum(),
            lines,
            weight: 0,
            ships: true,
        }
    }

    #[test]
    fn vat_is_taken_out_of_prices_that_include_it() {
        assert_eq!(vat_of(12_500, 2500), 2_500, "125 kr at 25 %: 25 kr VAT");
        assert_eq!(vat_of(11_500, 1500), 1_500, "food at 15 %");
        assert_eq!(vat_of(19_900, 2500), 3_980);
        assert_eq!(vat_of(10_000, 0), 0);
        assert_eq!(vat_of(100, 2550), 20, "Finland's 25.5 %, rounded to the cent");
    }

    #[test]
    fn every_line_adds_up_and_so_do_the_lines() {
        let c = cart(&[("socks", 2, 19_900, 2500), ("jam", 1, 5_990, 1500)]);
        let shipping = ShippingPaid {
            name: "Posten",
            id: "posten",
            cost: 9_900,
        };
        let r = receipt(&c, Some(&shipping), "NOK", 39_800 + 5_990 + 9_900).unwrap();
        let lines = r["orderLines"].as_array().unwrap();
        assert_eq!(lines.len(), 3);
        for l in lines {
            assert_eq!(
                l["totalAmount"].as_i64().unwrap(),
                l["totalAmountExcludingTax"].as_i64().unwrap() + l["totalTaxAmount"].as_i64().unwrap()
            );
        }
        assert_eq!(
            lines[0]["unitInfo"],
            json!({"unitPrice": 19_900, "quantity": "2", "quantityUnit": "PCS"})
        );
        assert_eq!(lines[1]["taxRate"], 1500);
        assert_eq!(lines[2]["isShipping"], true);
        assert_eq!(lines[2]["taxRate"], 2500, "shipping follows the goods' highest rate");
        assert_eq!(r["bottomLine"], json!({"currency": "NOK"}));
    }

    #[test]
    fn a_receipt_that_would_not_add_up_is_not_made() {
        let c = cart(&[("socks", 1, 19_900, 2500)]);
        assert_eq!(
            receipt(&c, None, "NOK", 29_800),
            Err(DoesNotAddUp {
                lines: 19_900,
                reserved: 29_800
            })
        );
    }
}
