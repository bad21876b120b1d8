// Starts the Leptos app (wasm-pack's glue, in app/: the backend serves the widget's own package at /pkg/).
import init from './app/vipps_leptos_example.js';
init();
