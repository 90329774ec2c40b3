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
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // What wasm_split_helpers panics with when a page's chunk cannot be fetched.
        if info.to_string().contains("load callback should succeed") {
            chunk_failed();
        }
    }));
    leptos::mount::mount_to_body(app::App);
}

/// A page's code could not be fetched — most often because the server was upgraded while this
/// tab was open and the chunks now have other names. The wasm cannot go on after a panic, so
/// the page reloads once to get the new build; when a reload for this was just tried (the chunk
/// is really missing, or the network is down) it says so instead of reloading in a loop.
fn chunk_failed() {
    const KEY: &str = "shipshape.chunkReload";
    let Some(window) = web_sys::window() else {
        return;
    };
    // Whole milliseconds: integer text is cheap in wasm, float parsing and printing are not.
    let now = js_sys::Date::now() as u64;
    let storage = window.session_storage().ok().flatten();
    let last = storage
        .as_ref()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|v| v.parse::<u64>().ok());
    if last.is_none_or(|t| now.saturating_sub(t) > 30_000) {
        if let Some(s) = &storage {
            let _ = s.set_item(KEY, &now.to_string());
        }
        let _ = window.location().reload();
    } else if let Some(body) = window.document().and_then(|d| d.body()) {
        body.set_inner_html(
            "<div class=\"signin-wrap\"><div class=\"card\" role=\"alert\" data-testid=\"chunk-error\">\
             <h1>This page could not load</h1>\
             <p>Part of the console could not be fetched from the server. Check the connection, \
             then <a href=\"\">reload the page</a>.</p></div></div>",
        );
    }
}
