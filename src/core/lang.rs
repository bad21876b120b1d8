//! Which language the widget speaks: the element's `lang`, else the page's, else the
//! browser's; English when none of those is one this widget speaks. (`index.js` gets
//! [`PRIMARY_TAGS`] at build time, to paint in the same language before the wasm runs.)

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nb,
    Nn,
    En,
    Da,
    Fi,
    Sv,
}

/// The language when none of the candidates is one this widget speaks.
pub const DEFAULT: Lang = Lang::En;

/// Every language, in the order the build paints them.
pub const ALL: [Lang; 6] = [Lang::Nb, Lang::Nn, Lang::En, Lang::Da, Lang::Fi, Lang::Sv];

/// The primary language subtags this widget speaks, and the texts each one gets.
/// (`index.js` gets this table at build time, to paint in the same language.)
pub const PRIMARY_TAGS: &[(&str, Lang)] = &[
    ("nb", Lang::Nb),
    ("no", Lang::Nb),
    ("nn", Lang::Nn),
    ("en", Lang::En),
    ("da", Lang::Da),
    ("fi", Lang::Fi),
    ("sv", Lang::Sv),
];

fn recognise(tag: &str) -> Option<Lang> {
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    PRIMARY_TAGS.iter().find(|(t, _)| *t == primary).map(|(_, lang)| *lang)
}

/// The first of the element's `lang`, the page's `lang`, the browser's languages that
/// this widget speaks; English when none does.
pub fn resolve(element: Option<&str>, page: Option<&str>, browser: &[String]) -> Lang {
    element
        .and_then(recognise)
        .or_else(|| page.and_then(recognise))
        .or_else(|| browser.iter().find_map(|l| recognise(l)))
        .unwrap_or(DEFAULT)
}

impl Lang {
    pub fn parse(tag: &str) -> Option<Lang> {
        recognise(tag)
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
            Lang::En => "en",
            Lang::Da => "da",
            Lang::Fi => "fi",
            Lang::Sv => "sv",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_then_page_then_browser() {
        let browser = vec!["de-DE".to_string(), "en-US".to_string()];
        assert_eq!(resolve(Some("nb"), Some("en"), &browser), Lang::Nb);
        assert_eq!(
            resolve(Some("fr"), Some("no"), &browser),
            Lang::Nb,
            "an unknown element lang falls through"
        );
        assert_eq!(resolve(None, Some("nn-NO"), &[]), Lang::Nn);
        assert_eq!(resolve(None, Some("da-DK"), &[]), Lang::Da);
        assert_eq!(resolve(None, None, &["fi-FI".into()]), Lang::Fi);
        assert_eq!(resolve(None, Some("sv_FI"), &[]), Lang::Sv);
        assert_eq!(resolve(None, None, &browser), Lang::En);
        assert_eq!(resolve(None, Some("de"), &["pl".into()]), Lang::En, "English otherwise");
    }

    #[test]
    fn languages_have_their_tags() {
        for lang in ALL {
            assert_eq!(Lang::parse(lang.tag()), Some(lang));
        }
        for (tag, lang) in PRIMARY_TAGS {
            assert_eq!(Lang::parse(tag), Some(*lang));
        }
    }
}
