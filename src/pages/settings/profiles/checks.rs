//! The browser's answers to what the profile validator cannot decide alone: whether an
//! exclusion compiles as a regular expression and whether a time zone exists.

use shipshape_model::profile::ExternalChecks;

/// The browser's answers to what the model's validator cannot decide alone: JavaScript's own
/// `RegExp` and `Intl` (the server checks again with its regex engine and time-zone database).
pub(super) struct BrowserChecks;

/// `new <path>(...args)` on the page's global object; the thrown error's message if it throws.
/// (Through `Reflect`, not `new Function`: the console's Content-Security-Policy allows no
/// evaluation of strings.)
fn construct(path: &[&str], args: &js_sys::Array) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let unchecked = || "could not be checked".to_string();
    let mut target: wasm_bindgen::JsValue = js_sys::global().into();
    for p in path {
        target = js_sys::Reflect::get(&target, &(*p).into()).map_err(|_| unchecked())?;
    }
    let constructor: js_sys::Function = target.dyn_into().map_err(|_| unchecked())?;
    js_sys::Reflect::construct(&constructor, args)
        .map(|_| ())
        .map_err(|e| {
            js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(unchecked)
        })
}

impl ExternalChecks for BrowserChecks {
    fn regex(&self, pattern: &str) -> Result<(), String> {
        construct(&["RegExp"], &js_sys::Array::of1(&pattern.into()))
    }
    fn time_zone(&self, name: &str) -> Result<(), String> {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &name.into());
        construct(
            &["Intl", "DateTimeFormat"],
            &js_sys::Array::of2(&"en".into(), &options),
        )
        .map_err(|_| {
            "is not an IANA time zone (such as UTC, Europe/Berlin or America/New_York)".to_string()
        })
    }
}
