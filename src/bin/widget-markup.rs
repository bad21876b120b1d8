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

use std::fs;
use std::path::{Path, PathBuf};

use leptos::html::{Div, Section};
use leptos::prelude::*;
use serde_json::{json, Map, Value};
use vipps_checkout::core::flow::{ButtonFlow, ReturnFlow};
use vipps_checkout::core::i18n::{Lang, PRIMARY_TAGS};
use vipps_checkout::core::in_place::{Channel, InPlaceFlow};
use vipps_checkout::core::options::Mode;
use vipps_checkout::view::button::button_markup;
use vipps_checkout::view::in_place_panel::in_place_markup;
use vipps_checkout::view::return_panel::return_markup;
use vipps_checkout::view::{button_variant, return_variant, CSS, HOST_CSS, MOUNT_CLASS};

const LANGS: [Lang; 2] = [Lang::Nb, Lang::En];

fn button_html(lang: Lang, mode: Mode) -> String {
    let flow = RwSignal::new(ButtonFlow::default());
    button_markup(lang, mode, flow.into(), NodeRef::<Div>::new(), || {}).to_html()
}

fn in_place_html(lang: Lang, channel: Channel) -> String {
    let flow = RwSignal::new(InPlaceFlow::new(channel));
    let mobile = RwSignal::new(String::new());
    in_place_markup(lang, channel, flow.into(), mobile, NodeRef::<Div>::new(), || {}, || {}).to_html()
}

fn return_html(lang: Lang) -> String {
    let flow = RwSignal::new(ReturnFlow::default());
    return_markup(lang, flow.into(), NodeRef::<Section>::new(), || {}).to_html()
}

/// Every painted variant: its name and HTML, and the element a page writes for it.
fn variants() -> Vec<(String, String, String)> {
    let mut all = Vec::new();
    for lang in LANGS {
        for (mode, attrs) in [(Mode::Pay, ""), (Mode::Express, " mode=\"express\"")] {
            let open = format!(
                "<vipps-checkout{attrs} lang=\"{}\" payload='{{\"items\":[{{\"sku\":\"socks\",\"qty\":1}}]}}'>",
                lang.tag()
            );
            all.push((button_variant(lang, mode), button_html(lang, mode), open));
        }
        for (mode, channel) in [(Mode::Qr, Channel::Qr), (Mode::Push, Channel::Push)] {
            let open = format!(
                "<vipps-checkout mode=\"{}\" lang=\"{}\" payload='{{\"items\":[{{\"sku\":\"socks\",\"qty\":1}}]}}'>",
                mode.as_str(),
                lang.tag()
            );
            all.push((button_variant(lang, mode), in_place_html(lang, channel), open));
        }
        let open = format!("<vipps-checkout-return lang=\"{}\">", lang.tag());
        all.push((return_variant(lang), return_html(lang), open));
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
    let variants = owner.with(variants);
    let mut markup = Map::new();
    for (name, html, _) in &variants {
        markup.insert(name.clone(), Value::String(html.clone()));
    }
    let langs: Map<String, Value> = PRIMARY_TAGS
        .iter()
        .map(|(tag, lang)| (tag.to_string(), json!(lang.tag())))
        .collect();
    let module = format!(
        "// Generated at build time by src/bin/widget-markup.rs from the Leptos views in src/view:\n\
         // the HTML the wasm hydrates, painted by index.js before the wasm loads. Do not edit.\n\
         export const MOUNT_CLASS = {};\nexport const CSS = {};\nexport const LANGS = {};\nexport const MARKUP = {};\n",
        json!(MOUNT_CLASS),
        json!(minify_css(CSS)),
        Value::Object(langs),
        serde_json::to_string_pretty(&Value::Object(markup)).expect("JSON"),
    );
    write(out.join("markup.js"), &module);
    write(out.join("vipps-checkout.css"), &page_css());
    write(out.join("widget.css"), &minify_css(CSS));
    for (name, html, open) in &variants {
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
        "widget-markup: {} variants written to {}",
        variants.len(),
        out.display()
    );
}
