//! Renders the widget's markup at build time, from the same Leptos views the browser
//! hydrates (`src/view`), so the button is drawn before any wasm has loaded and no view
//! is written twice. `scripts/build-widget.sh` runs it:
//!
//! ```text
//! cargo run --features ssr --bin widget-markup -- pkg/
//! ```
//!
//! It writes into the given folder:
//! * `markup.js`: the stylesheet, the language table and each variant's HTML, for `index.js`;
//! * `vipps-checkout.css`: the host elements' boxes, for the page's `<head>`;
//! * `widget.css`: the stylesheet, for declarative shadow roots;
//! * `snippets/<variant>.html`: each variant as a declarative shadow root to paste into
//!   a page, drawn before any script runs.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use contract::Flow;
use leptos::html::{Div, Section};
use leptos::prelude::*;
use serde_json::{json, Map, Value};
use vipps_checkout::core::brand::{self, Brand, RENAME_DAY};
use vipps_checkout::core::flow::{ButtonFlow, ReturnFlow};
use vipps_checkout::core::i18n::{KioskTexts, KioskWords, Words};
use vipps_checkout::core::in_place::InPlaceFlow;
use vipps_checkout::core::lang::{self, Lang, PRIMARY_TAGS};
use vipps_checkout::core::options::Mode;
use vipps_checkout::view::button::button_markup;
use vipps_checkout::view::in_place_panel::in_place_markup;
use vipps_checkout::view::return_panel::return_markup;
use vipps_checkout::view::{button_variant, return_variant, CSS, HOST_CSS, MOUNT_CLASS};

const BRANDS: [Brand; 2] = [Brand::Vipps, Brand::MobilePay];

/// The words the views are rendered with once: every text a `%%name%%` slot, the
/// language and the brand too. `index.js` fills the slots for a language and a brand.
fn template_words() -> Words {
    let slots = Lang::En.texts().map(slot);
    Words {
        lang: Lang::En,
        tag: "%%lang%%",
        texts: Box::leak(Box::new(slots)),
        brand_name: "%%brand%%",
        brand_slug: "%%slug%%",
    }
}

/// `%%name%%`: where `index.js` puts the text called `name`.
fn slot(name: &'static str, _: &'static str) -> &'static str {
    Box::leak(format!("%%{name}%%").into_boxed_str())
}

/// The kiosk's words as slots, like [`template_words`].
fn template_kiosk() -> &'static KioskTexts {
    Box::leak(Box::new(Lang::En.kiosk_texts().map(slot)))
}

/// Every text of `lang` the templates may show, with its name: the button's and return
/// view's, and the kiosk's.
fn all_texts(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let mut all = lang.texts().fields();
    all.extend(lang.kiosk_texts().fields());
    all
}

fn button_html(words: Words, mode: Mode) -> String {
    let flow = RwSignal::new(ButtonFlow::default());
    button_markup(words, mode, flow.into(), NodeRef::<Div>::new(), || {}).to_html()
}

fn in_place_html(words: Words, channel: Flow) -> String {
    let flow = RwSignal::new(InPlaceFlow::new(channel));
    let mobile = RwSignal::new(String::new());
    in_place_markup(
        KioskWords {
            words,
            kiosk: template_kiosk(),
        },
        channel,
        flow.into(),
        mobile,
        NodeRef::<Div>::new(),
        || {},
        || {},
    )
    .to_html()
}

fn return_html(words: Words) -> String {
    let flow = RwSignal::new(ReturnFlow::default());
    return_markup(words, flow.into(), NodeRef::<Section>::new(), || {}).to_html()
}

/// Each template: its name (`button-pay`, …, `return`) and its HTML with slots.
fn templates() -> Vec<(String, String)> {
    let words = template_words();
    let mut all = Vec::new();
    for mode in [Mode::Pay, Mode::Express] {
        all.push((format!("button-{}", mode.as_str()), button_html(words, mode)));
    }
    for mode in [Mode::Qr, Mode::Push] {
        let channel = mode.flow();
        all.push((format!("button-{}", mode.as_str()), in_place_html(words, channel)));
    }
    all.push(("return".to_string(), return_html(words)));
    all
}

/// Text for HTML (the filled slots go into `innerHTML`, some into attributes).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The slot names the templates use, besides `lang`, `brand` and `slug`.
fn text_slots(templates: &[(String, String)]) -> BTreeSet<String> {
    let mut slots = BTreeSet::new();
    for (_, html) in templates {
        let mut rest = html.as_str();
        while let Some(at) = rest.find("%%") {
            let after = &rest[at + 2..];
            let Some(end) = after.find("%%") else { break };
            slots.insert(after[..end].to_string());
            rest = &after[end + 2..];
        }
    }
    for fixed in ["lang", "brand", "slug"] {
        slots.remove(fixed);
    }
    slots
}

/// `template` with its slots filled for `words` (as `index.js` fills them).
fn fill(template: &str, words: &Words) -> String {
    let mut out = template
        .replace("%%lang%%", words.tag)
        .replace("%%brand%%", words.brand_name)
        .replace("%%slug%%", words.brand_slug);
    for (name, text) in all_texts(words.lang) {
        out = out.replace(&format!("%%{name}%%"), &escape(&words.say(text)));
    }
    out
}

/// Every concrete variant (language × mode × brand): its name, HTML, and the element a
/// page writes for it. For the snippets (and the check that a fill leaves no slot).
fn variants(templates: &[(String, String)]) -> Vec<(String, String, String)> {
    let template = |name: &str| &templates.iter().find(|(n, _)| n == name).expect("a template").1;
    let mut all = Vec::new();
    for lang in lang::ALL {
        for brand in BRANDS {
            let words = Words::new(lang, brand);
            let brand_attr = format!(" brand=\"{}\"", brand.slug());
            for mode in [Mode::Pay, Mode::Express, Mode::Qr, Mode::Push] {
                let mode_attr = match mode {
                    Mode::Pay => String::new(),
                    other => format!(" mode=\"{}\"", other.as_str()),
                };
                let open = format!(
                    "<vipps-checkout{mode_attr} lang=\"{}\"{brand_attr} payload='{{\"items\":[{{\"sku\":\"socks\",\"qty\":1}}]}}'>",
                    lang.tag()
                );
                let html = fill(template(&format!("button-{}", mode.as_str())), &words);
                all.push((button_variant(&words, mode), html, open));
            }
            let open = format!("<vipps-checkout-return lang=\"{}\"{brand_attr}>", lang.tag());
            all.push((return_variant(&words), fill(template("return"), &words), open));
        }
    }
    all
}

/// The page-level form of the host rules: `:host(vipps-checkout)` read as `vipps-checkout`.
fn page_css() -> String {
    let rules = HOST_CSS.split_once("*/").map_or(HOST_CSS, |(_, rules)| rules);
    let mut out = String::from(
        "/* vipps-checkout: the widget's boxes, reserved before it loads. Generated from src/view/host.css. */",
    );
    let mut rest = rules;
    while let Some(at) = rest.find(":host(") {
        out.push_str(&rest[..at]);
        let after = &rest[at + ":host(".len()..];
        let close = after.find(')').expect("a closed :host( selector");
        out.push_str(&after[..close]);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The stylesheet without comments and runs of white space (it travels in `markup.js`).
fn minify_css(css: &str) -> String {
    let mut text = String::new();
    let mut rest = css;
    while let Some(at) = rest.find("/*") {
        text.push_str(&rest[..at]);
        rest = rest[at..].split_once("*/").map_or("", |(_, after)| after);
    }
    text.push_str(rest);
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for token in ["{", "}", ";", ","] {
        out = out
            .replace(&format!(" {token}"), token)
            .replace(&format!("{token} "), token);
    }
    out.replace(";}", "}")
}

fn write(path: PathBuf, text: &str) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    }
    fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "pkg".into()));
    let owner = Owner::new();
    let templates = owner.with(templates);
    let slots = text_slots(&templates);
    let mut markup = Map::new();
    for (name, html) in &templates {
        markup.insert(name.clone(), Value::String(html.clone()));
    }
    let langs: Map<String, Value> = PRIMARY_TAGS
        .iter()
        .map(|(tag, lang)| (tag.to_string(), json!(lang.tag())))
        .collect();
    // Per language, the texts the templates show, and what index.js says when the
    // bundle cannot load; the brand is put in by index.js ("Vipps" in the texts).
    let texts: Map<String, Value> = lang::ALL
        .iter()
        .map(|lang| {
            let fields: Map<String, Value> = all_texts(*lang)
                .into_iter()
                .filter(|(name, _)| slots.contains(*name) || *name == "load_failed")
                .map(|(name, text)| (name.to_string(), json!(escape(text))))
                .collect();
            (lang.tag().to_string(), Value::Object(fields))
        })
        .collect();
    let brands: Map<String, Value> = BRANDS.iter().map(|b| (b.slug().to_string(), json!(b.name()))).collect();
    // The brand when the page names none, by its `market` ("" for none) and language,
    // [before the rename day, from it]: `brand::resolve` itself, tabled, so index.js
    // paints what the wasm will show without a rule of its own.
    let day_before = (RENAME_DAY.0, RENAME_DAY.1, RENAME_DAY.2 - 1);
    let market_brands: Map<String, Value> = std::iter::once(("", None))
        .chain(brand::MARKETS.iter().map(|(code, market)| (*code, Some(*market))))
        .map(|(code, market)| {
            let by_lang: Map<String, Value> = lang::ALL
                .iter()
                .map(|l| {
                    let [before, from] =
                        [day_before, RENAME_DAY].map(|day| brand::resolve(None, market, *l, day).slug());
                    (l.tag().to_string(), json!([before, from]))
                })
                .collect();
            (code.to_string(), Value::Object(by_lang))
        })
        .collect();
    let rename = format!("{:04}-{:02}-{:02}", RENAME_DAY.0, RENAME_DAY.1, RENAME_DAY.2);
    let module = format!(
        "// Generated at build time by src/bin/widget-markup.rs from the Leptos views in src/view\n\
         // and the tables in src/core (i18n, brand): the HTML the wasm hydrates, with %%slots%%\n\
         // index.js fills for a language and a brand, painted before the wasm loads. Do not edit.\n\
         export const MOUNT_CLASS = {};\nexport const CSS = {};\nexport const LANGS = {};\n\
         export const TEXTS = {};\nexport const BRANDS = {};\n\
         // Market code (\"\": none) -> language -> [brand before the rename day, brand from it].\n\
         export const MARKET_BRANDS = {};\nexport const DEFAULT_LANG = {};\nexport const RENAME_DAY = {};\n\
         export const TEMPLATES = {};\n",
        json!(MOUNT_CLASS),
        json!(minify_css(CSS)),
        Value::Object(langs),
        Value::Object(texts),
        Value::Object(brands),
        Value::Object(market_brands),
        json!(lang::DEFAULT.tag()),
        json!(rename),
        serde_json::to_string_pretty(&Value::Object(markup)).expect("JSON"),
    );
    write(out.join("markup.js"), &module);
    write(out.join("vipps-checkout.css"), &page_css());
    write(out.join("widget.css"), &minify_css(CSS));
    let variants = variants(&templates);
    for (name, html, open) in &variants {
        assert!(!html.contains("%%"), "{name}: a slot left unfilled");
        let close = if name.starts_with("return") {
            "</vipps-checkout-return>"
        } else {
            "</vipps-checkout>"
        };
        let snippet = format!(
            "<!-- The {name} variant as a declarative shadow root: drawn before any script runs.\n     \
             Put vipps-checkout.css in the page's <head>, point the link at your copy of widget.css,\n     \
             and load embed.js as usual: the widget takes over this markup without redrawing it. -->\n\
             {open}<template shadowrootmode=\"open\"><link rel=\"stylesheet\" href=\"/pkg/widget.css\">\
             <div class=\"{MOUNT_CLASS}\" data-variant=\"{name}\">{html}</div></template>{close}\n"
        );
        write(Path::new(&out).join("snippets").join(format!("{name}.html")), &snippet);
    }
    println!(
        "widget-markup: {} templates, {} text slots, {} snippets written to {}",
        templates.len(),
        slots.len(),
        variants.len(),
        out.display()
    );
}
