//! Sends a `RequestSpec`: bearer token, abort on navigation or on a newer request, typed errors,
//! and a 401 ends the session (the shell then shows sign-in and returns here afterwards).

use super::ApiError;
use crate::session::{use_session, Session};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use shipshape_model::RequestSpec;
use wasm_bindgen::JsValue;
use web_sys::{AbortController, AbortSignal};

/// The console's API client (cheap to copy into closures).
#[derive(Clone, Copy)]
pub struct Api {
    session: Session,
}

pub fn use_api() -> Api {
    Api {
        session: use_session(),
    }
}

impl Api {
    /// Sends `spec` and returns the body text of a 2xx answer.
    pub async fn text(
        &self,
        spec: &RequestSpec,
        signal: Option<&AbortSignal>,
    ) -> Result<String, ApiError> {
        self.exchange(spec, signal).await.map(|(body, _)| body)
    }

    /// Sends `spec` and returns the body text of a 2xx answer with its `ETag`, if any.
    pub async fn text_and_etag(
        &self,
        spec: &RequestSpec,
        signal: Option<&AbortSignal>,
    ) -> Result<(String, Option<String>), ApiError> {
        self.exchange(spec, signal).await
    }

    async fn exchange(
        &self,
        spec: &RequestSpec,
        signal: Option<&AbortSignal>,
    ) -> Result<(String, Option<String>), ApiError> {
        let response = self.send(spec, signal).await?;
        let etag = response.headers().get("ETag");
        let body = response.text().await.map_err(|e| read_error(e, signal))?;
        Ok((body, etag))
    }

    /// Sends `spec` and returns a 2xx answer's bytes, with its file name (from
    /// `Content-Disposition`) and content type: a report's file.
    pub async fn file(&self, spec: &RequestSpec) -> Result<Download, ApiError> {
        let response = self.send(spec, None).await?;
        let name = response
            .headers()
            .get("Content-Disposition")
            .and_then(|d| disposition_name(&d));
        let mime = response
            .headers()
            .get("Content-Type")
            .unwrap_or_else(|| "application/octet-stream".into());
        let bytes = response.binary().await.map_err(|e| read_error(e, None))?;
        Ok(Download { name, mime, bytes })
    }

    /// Sends `spec`: the response when it is a 2xx, else the API's error (a 401 ends the
    /// session).
    async fn send(
        &self,
        spec: &RequestSpec,
        signal: Option<&AbortSignal>,
    ) -> Result<gloo_net::http::Response, ApiError> {
        // Built by hand rather than with gloo-net's RequestBuilder, which rewrites the query
        // (a trailing `&`, its own encoding): the wire must carry `spec.path_and_query()`
        // byte for byte, because that is what the API panel shows.
        let headers = web_sys::Headers::new().map_err(js_error)?;
        if spec.auth {
            // An expired token would only earn a 401: go to sign-in without the round trip.
            let Some(token) = self.session.valid_token_untracked() else {
                self.session.expire();
                return Err(ApiError::Unauthorized("Your session has ended.".into()));
            };
            headers
                .set("Authorization", &format!("Bearer {token}"))
                .map_err(js_error)?;
        }
        for (name, value) in &spec.headers {
            headers.set(name, value).map_err(js_error)?;
        }
        let init = web_sys::RequestInit::new();
        init.set_method(spec.method.as_str());
        if let Some(body) = &spec.body {
            if !spec
                .headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                headers
                    .set("Content-Type", body.content_type())
                    .map_err(js_error)?;
            }
            init.set_body(&JsValue::from_str(&body.encoded()));
        }
        init.set_headers(&headers);
        init.set_signal(signal);
        let request = web_sys::Request::new_with_str_and_init(&spec.path_and_query(), &init)
            .map(gloo_net::http::Request::from)
            .map_err(js_error)?;
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                if signal.is_some_and(|s| s.aborted()) {
                    return Err(ApiError::Aborted);
                }
                return Err(ApiError::Network(e.to_string()));
            }
        };
        let status = response.status();
        if (200..300).contains(&status) {
            return Ok(response);
        }
        let body = response.text().await.map_err(|e| read_error(e, signal))?;
        let err = ApiError::from_response(status, &body);
        if status == 401 && spec.auth {
            self.session.expire();
        }
        Err(err)
    }

    /// Sends `spec` and decodes the JSON answer.
    pub async fn json<T: DeserializeOwned>(
        &self,
        spec: &RequestSpec,
        signal: Option<&AbortSignal>,
    ) -> Result<T, ApiError> {
        let text = self.text(spec, signal).await?;
        serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
    }
}

/// The one request a view has in flight: starting the next aborts the previous, and so does
/// leaving the view (so a slow answer never lands on a page the user has left).
#[derive(Clone, Copy)]
pub struct Inflight(StoredValue<Option<AbortController>, LocalStorage>);

impl Inflight {
    pub fn new() -> Self {
        let slot = StoredValue::new_local(None::<AbortController>);
        on_cleanup(move || {
            if let Some(Some(c)) = slot.try_get_value() {
                c.abort();
            }
        });
        Self(slot)
    }

    /// Aborts whatever is in flight and returns the signal for the next request.
    pub fn next(&self) -> Option<AbortSignal> {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(|c| c.signal());
        if let Some(Some(previous)) = self.0.try_get_value() {
            previous.abort();
        }
        self.0.set_value(controller);
        signal
    }
}

/// A file the API sent.
pub struct Download {
    /// The name `Content-Disposition` gave it.
    pub name: Option<String>,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// `attachment; filename="weekly.csv"` → `weekly.csv`.
pub fn disposition_name(header: &str) -> Option<String> {
    header.split(';').map(str::trim).find_map(|part| {
        let v = part.strip_prefix("filename=")?;
        let v = v.trim_matches('"');
        (!v.is_empty()).then(|| v.to_string())
    })
}

/// A body that could not be read: aborted by us, or the connection's fault.
fn read_error(e: gloo_net::Error, signal: Option<&AbortSignal>) -> ApiError {
    if signal.is_some_and(|s| s.aborted()) {
        ApiError::Aborted
    } else {
        ApiError::Network(e.to_string())
    }
}

fn js_error(e: JsValue) -> ApiError {
    ApiError::Network(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::disposition_name;

    #[test]
    fn the_file_name_comes_from_content_disposition() {
        assert_eq!(
            disposition_name("attachment; filename=\"Weekly.csv.gz\"").as_deref(),
            Some("Weekly.csv.gz")
        );
        assert_eq!(disposition_name("attachment").as_deref(), None);
        assert_eq!(
            disposition_name("attachment; filename=\"\"").as_deref(),
            None
        );
    }
}
