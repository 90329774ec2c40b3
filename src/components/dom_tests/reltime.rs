//! Relative times: the words relative to now, the exact UTC time as the machine-readable
//! `datetime` and on hover, and a dash when there is no time.

use super::{mount, one};
use crate::components::reltime::RelTime;
use crate::format::exact_utc;
use leptos::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

const HOUR: i64 = 3_600_000;

#[wasm_bindgen_test]
fn exact_times_read_in_utc_whatever_the_browser_zone() {
    // 1,700,000,000 s after the epoch is 2023-11-14 22:13:20 UTC.
    assert_eq!(exact_utc(1_700_000_000_000), "2023-11-14 22:13:20 UTC");
    assert_eq!(exact_utc(0), "1970-01-01 00:00:00 UTC");
}

#[wasm_bindgen_test]
fn a_past_time_reads_ago_with_its_exact_time_on_hover() {
    let ms = js_sys::Date::now() as i64 - 3 * HOUR;
    let root = mount(move || view! { <RelTime ms=Some(ms) /> });
    let time = one(&root, "time.reltime");
    assert_eq!(time.text_content().as_deref(), Some("3 h ago"));
    assert_eq!(
        time.get_attribute("datetime").as_deref(),
        Some(exact_utc(ms).as_str())
    );
    let title = time.get_attribute("title").unwrap_or_default();
    assert!(
        title.starts_with(&format!("{} (", exact_utc(ms))),
        "{title}"
    );
}

#[wasm_bindgen_test]
fn a_future_time_reads_in_and_recent_ones_just_now() {
    let now = js_sys::Date::now() as i64;
    let root = mount(move || {
        view! {
            <RelTime ms=Some(now + 2 * 24 * HOUR + 60_000) />
            <RelTime ms=Some(now - 5_000) />
            <RelTime ms=Some(now - 5 * 60_000) />
        }
    });
    let texts: Vec<String> = super::all(&root, "time.reltime")
        .iter()
        .map(|t| t.text_content().unwrap_or_default())
        .collect();
    assert_eq!(texts, ["in 2 d", "just now", "5 min ago"]);
}

#[wasm_bindgen_test]
fn no_time_is_a_dash() {
    let root = mount(|| view! { <RelTime ms=None /> });
    assert!(root.query_selector("time").unwrap().is_none());
    assert_eq!(
        one(&root, "span.muted").text_content().as_deref(),
        Some("—")
    );
}
