//! Shipshape console: a Leptos single-page app (client-side rendered, compiled to wasm by trunk).

mod api;
mod app;
mod components;
mod format;
mod navigation;
mod pages;
mod session;
mod theme;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
