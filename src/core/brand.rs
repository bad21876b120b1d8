//! Whose button it is: Vipps in Norway; MobilePay in Denmark and Finland until Vipps
//! MobilePay renames it there on [`RENAME_DAY`], then Vipps. A page may set the market
//! (`market`) or the brand (`brand`) itself; otherwise the market follows the language
//! (Danish: Denmark, Finnish: Finland, else Norway). `index.js` gets these tables at
//! build time, to paint the same brand before the wasm runs.

use super::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brand {
    Vipps,
    MobilePay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Market {
    Norway,
    Denmark,
    Finland,
}

/// The day MobilePay in Denmark and Finland becomes Vipps, as `(year, month, day)`.
pub const RENAME_DAY: (i32, u32, u32) = (2027, 1, 12);

/// The markets by their `market` attribute value (ISO 3166 country code, any case).
pub const MARKETS: &[(&str, Market)] = &[("no", Market::Norway), ("dk", Market::Denmark), ("fi", Market::Finland)];

/// The market a language implies when the page names none.
pub const LANG_MARKETS: &[(Lang, Market)] = &[(Lang::Da, Market::Denmark), (Lang::Fi, Market::Finland)];

impl Brand {
    pub fn parse(text: &str) -> Option<Brand> {
        match text.trim().to_ascii_lowercase().as_str() {
            "vipps" => Some(Brand::Vipps),
            "mobilepay" => Some(Brand::MobilePay),
            _ => None,
        }
    }

    /// The wordmark, and the word the texts name the app with.
    pub fn name(self) -> &'static str {
        match self {
            Brand::Vipps => "Vipps",
            Brand::MobilePay => "MobilePay",
        }
    }

    /// In class names and variant names: `vipps`, `mobilepay`.
    pub fn slug(self) -> &'static str {
        match self {
            Brand::Vipps => "vipps",
            Brand::MobilePay => "mobilepay",
        }
    }

    /// The brand on `market` on `today` (`(year, month, day)`, the shopper's clock).
    pub fn of_market(market: Market, today: (i32, u32, u32)) -> Brand {
        match market {
            Market::Norway => Brand::Vipps,
            Market::Denmark | Market::Finland if today < RENAME_DAY => Brand::MobilePay,
            Market::Denmark | Market::Finland => Brand::Vipps,
        }
    }
}

impl Market {
    pub fn parse(text: &str) -> Option<Market> {
        let code = text.trim().to_ascii_lowercase();
        MARKETS.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
    }

    pub fn of_lang(lang: Lang) -> Market {
        LANG_MARKETS
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(Market::Norway, |(_, m)| *m)
    }
}

/// The brand a widget shows: the page's `brand`, else its `market`'s, else the market of
/// its language.
pub fn resolve(brand: Option<Brand>, market: Option<Market>, lang: Lang, today: (i32, u32, u32)) -> Brand {
    brand.unwrap_or_else(|| Brand::of_market(market.unwrap_or_else(|| Market::of_lang(lang)), today))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: (i32, u32, u32) = (2027, 1, 11);
    const ON: (i32, u32, u32) = (2027, 1, 12);

    #[test]
    fn mobilepay_in_denmark_and_finland_until_the_rename_then_vipps() {
        assert_eq!(Brand::of_market(Market::Norway, BEFORE), Brand::Vipps);
        assert_eq!(Brand::of_market(Market::Denmark, BEFORE), Brand::MobilePay);
        assert_eq!(Brand::of_market(Market::Finland, (2026, 11, 23)), Brand::MobilePay);
        assert_eq!(Brand::of_market(Market::Denmark, ON), Brand::Vipps);
        assert_eq!(Brand::of_market(Market::Finland, (2028, 1, 1)), Brand::Vipps);
    }

    #[test]
    fn the_page_decides_first_then_the_market_then_the_language() {
        assert_eq!(
            resolve(Some(Brand::Vipps), Some(Market::Denmark), Lang::Da, BEFORE),
            Brand::Vipps
        );
        assert_eq!(resolve(None, Some(Market::Denmark), Lang::En, BEFORE), Brand::MobilePay);
        assert_eq!(
            resolve(None, Some(Market::Norway), Lang::Da, BEFORE),
            Brand::Vipps,
            "a Danish text in Norway"
        );
        assert_eq!(resolve(None, None, Lang::Da, BEFORE), Brand::MobilePay);
        assert_eq!(resolve(None, None, Lang::Fi, BEFORE), Brand::MobilePay);
        assert_eq!(
            resolve(None, None, Lang::Sv, BEFORE),
            Brand::Vipps,
            "Swedish names no market"
        );
        assert_eq!(resolve(None, None, Lang::Nb, BEFORE), Brand::Vipps);
    }

    #[test]
    fn attribute_values_are_read_leniently() {
        assert_eq!(Brand::parse(" MobilePay "), Some(Brand::MobilePay));
        assert_eq!(Brand::parse("vipps"), Some(Brand::Vipps));
        assert_eq!(Brand::parse("swish"), None);
        assert_eq!(Market::parse("DK"), Some(Market::Denmark));
        assert_eq!(Market::parse("se"), None);
    }
}
