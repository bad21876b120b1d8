//! The Leptos kit: a client-side Leptos app using the widget's components, as a Rust shop
//! writes it. The cart page has a `VippsButton`; the page Vipps sends the shopper back to
//! (`?orderId=…&t=…`) has a `VippsReturn`. Both report their state through `on_state`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use serde_json::json;
use vipps_checkout::core::flow::FlowState;
use vipps_checkout::web::{VippsButton, VippsReturn};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn main() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let window = web_sys::window().expect("a window");
    let returned = window.location().search().unwrap_or_default().contains("orderId=");
    // The page allows the simulator it was served for (never needed against Vipps).
    let simulator = window
        .document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("data-simulator"))
        .into_iter()
        .collect::<Vec<_>>();
    let (state, set_state) = signal(String::new());
    let on_state = move |s: FlowState| set_state.set(s.as_str().to_string());
    let (qty, set_qty) = signal(1i64);
    if returned {
        view! {
            <main>
                <h1>"Takk!"</h1>
                <VippsReturn on_state=on_state />
                <p role="status" data-testid="state">{state}</p>
            </main>
        }
        .into_any()
    } else {
        view! {
            <main>
                <h1>"Leptos-butikk"</h1>
                <label>
                    "Antall ullsokker "
                    <input type="number" min="1" max="9" prop:value=move || qty.get().to_string()
                        on:input=move |ev| set_qty.set(event_target_value(&ev).parse().unwrap_or(1)) />
                </label>
                // A new cart draws a new button.
                {move || {
                    let payload = json!({"items": [{"sku": "socks", "qty": qty.get()}]});
                    view! { <VippsButton payload=payload allow_origins=simulator.clone() on_state=on_state /> }
                }}
                <p role="status" data-testid="state">{state}</p>
            </main>
        }
        .into_any()
    }
}
