//! Component tests in headless Chromium (`wasm-bindgen-test`): the console's pure and reactive
//! pieces mounted into the page and checked through the DOM a user sees. Run by `cargo xtask
//! test` (`cargo test -p shipshape-console --target wasm32-unknown-unknown` with
//! `wasm-bindgen-test-runner`); natively they do not exist.

mod columns;
mod query;
mod reltime;
mod severity;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `view` into a fresh `<div>` appended to the page's body and returns that element.
/// Each test gets its own root, so no test sees another's nodes. The view stays mounted (and its
/// reactive owner alive) for the rest of the run: tests are short, and a page is thrown away.
fn mount<N: IntoView + 'static>(view: impl FnOnce() -> N + 'static) -> HtmlElement {
    let document = document();
    let root: HtmlElement = document
        .create_element("div")
        .expect("a div")
        .unchecked_into();
    document
        .body()
        .expect("the test page has a body")
        .append_child(&root)
        .expect("appending the root");
    leptos::mount::mount_to(root.clone(), view).forget();
    root
}

/// Every element under `root` matching `selector`, in document order.
fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("a valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

/// The one element under `root` matching `selector`.
fn one(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("nothing matches {selector} in {}", root.inner_html()))
}
