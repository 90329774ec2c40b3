//! Saves generated text (CSV, JSON) or a file's bytes (a report) as a file through a Blob URL
//! and a temporary link.

use wasm_bindgen::JsCast;

pub fn save_text(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    save(
        filename,
        mime,
        js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text)),
    )
}

pub fn save_bytes(filename: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    save(
        filename,
        mime,
        js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)),
    )
}

fn save(filename: &str, mime: &str, parts: js_sys::Array) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)
        .map_err(|_| "could not create the file")?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "could not create a link")?;
    let a = document
        .create_element("a")
        .map_err(|_| "could not create a link")?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "could not create a link")?;
    a.set_href(&url);
    a.set_download(filename);
    a.click();
    // Revoke later: revoking at once can cancel the download in some browsers.
    let url2 = url.clone();
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(10_000).await;
        let _ = web_sys::Url::revoke_object_url(&url2);
    });
    Ok(())
}
