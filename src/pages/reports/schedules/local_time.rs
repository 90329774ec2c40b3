//! The browser's wall clock: its time zone, `datetime-local` values to and from the API's UTC
//! instants, and an instant shown in the user's zone with UTC beside it. Everything here asks
//! the browser (`js_sys`), so it is checked by the browser tests, not by native unit tests.

use crate::format::exact_utc;
use crate::pages::reports::list::iso_ms;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// The browser's IANA time zone (`Europe/Berlin`), UTC when it does not say.
pub fn browser_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "UTC".into())
}

/// `2026-12-07T09:00` (a `datetime-local` value, the browser's wall clock) → the UTC instant
/// as the API takes it, `2026-12-07T08:00:00Z`.
pub fn local_to_utc(local: &str) -> Option<String> {
    if local.trim().is_empty() {
        return None;
    }
    let d = js_sys::Date::new(&JsValue::from_str(local));
    if d.get_time().is_nan() {
        return None;
    }
    let iso: String = d.to_iso_string().into();
    Some(format!("{}Z", iso.get(0..19)?))
}

/// The UTC instant the API sent → a `datetime-local` value on the browser's wall clock.
pub fn utc_to_local(iso: &str) -> String {
    let Some(ms) = iso_ms(iso) else {
        return String::new();
    };
    let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// `Mon, 7 Dec 2026, 09:00` on the browser's wall clock.
pub fn local_text(ms: i64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let opts = js_sys::Object::new();
    for (k, v) in [
        ("weekday", "short"),
        ("day", "numeric"),
        ("month", "short"),
        ("year", "numeric"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ] {
        let _ = js_sys::Reflect::set(&opts, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    String::from(d.to_locale_string("en-GB", &opts))
}

/// `09:00` on the browser's wall clock.
pub fn clock(ms: i64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// An instant in the user's zone with UTC beside it.
#[component]
pub fn BothZones(ms: Option<i64>, zone: String) -> impl IntoView {
    match ms {
        Some(ms) => view! {
            <span class="both-zones">
                <span data-testid="local-time">{local_text(ms)}<span class="muted small">{format!(" {zone}")}</span></span>
                <span class="muted small" data-testid="utc-time">{exact_utc(ms)}</span>
            </span>
        }
        .into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}
