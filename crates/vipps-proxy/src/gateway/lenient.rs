//! Numbers as Vipps writes them: amounts that are integers or doubles, NOK costs that are
//! numbers or strings (`"49.00"`), expiry fields that are strings or numbers.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An integer, a whole double or a numeric string, as an `i64`.
pub fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    lenient_number(&v)
        .map(|f| f.round() as i64)
        .ok_or_else(|| serde::de::Error::custom(format!("not a number: {v}")))
}

fn lenient_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A NOK decimal (number or string, `"49.00"`) in øre.
pub fn nok_as_ore<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    lenient_number(&v)
        .map(|nok| (nok * 100.0).round() as i64)
        .ok_or_else(|| serde::de::Error::custom("not a NOK amount"))
}
