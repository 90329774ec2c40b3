//! Headers every answer carries: a Content-Security-Policy the console works under (its own
//! scripts and the two inline ones of `index.html`, allowed by hash; WebAssembly; nothing from
//! elsewhere; never framed), `nosniff`, a referrer policy, HSTS when this server speaks TLS;
//! and how long each answer may be cached: hashed console files for a year, `index.html` and
//! other files only after checking, API answers never.

use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// The headers. The policy names the hashes of `index.html`'s inline scripts, so it is
/// computed again whenever that file changes (a console deployed while the server runs).
pub struct Policy {
    index: Option<std::path::PathBuf>,
    csp: std::sync::Mutex<(Option<(std::time::SystemTime, u64)>, HeaderValue)>,
    hsts: bool,
}

impl Policy {
    /// The policy for the console in `dist` (its inline scripts hashed) and a server that
    /// speaks TLS when `tls`.
    pub fn new(dist: Option<&Path>, tls: bool) -> Arc<Self> {
        let index = dist.map(|d| d.join("index.html"));
        let stamp = index.as_deref().and_then(stamp);
        let csp = csp_for(index.as_deref());
        Arc::new(Self {
            index,
            csp: std::sync::Mutex::new((stamp, csp)),
            hsts: tls,
        })
    }

    /// The policy, recomputed first when `fresh` and `index.html` changed since.
    fn csp(&self, fresh: bool) -> HeaderValue {
        let Ok(mut held) = self.csp.lock() else {
            return HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'");
        };
        if fresh {
            let now = self.index.as_deref().and_then(stamp);
            if now != held.0 {
                *held = (now, csp_for(self.index.as_deref()));
            }
        }
        held.1.clone()
    }
}

/// When a file was last changed, and its size.
fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

fn csp_for(index: Option<&Path>) -> HeaderValue {
    let html = index
        .and_then(|i| std::fs::read_to_string(i).ok())
        .unwrap_or_default();
    let hashes: String = inline_scripts(&html)
        .iter()
        .map(|s| {
            let digest = Sha256::digest(s.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static(
        "default-src 'self'; frame-ancestors 'none'",
    ))
}

/// The text of each `<script>` without a `src`, exactly as the browser hashes it.
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            out.push(&after[body_start..body_start + close]);
        }
        rest = &after[body_start + close + "</script>".len()..];
    }
    out
}

/// True for a console file whose name carries its content hash (`main-0123456789abcdef.css`,
/// `x-0123456789abcdef_bg.wasm`): it never changes, so it may be cached for good.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.match_indices('-').any(|(i, _)| {
        let tail = &name[i + 1..];
        tail.len() > 17
            && tail[..16].bytes().all(|b| b.is_ascii_hexdigit())
            && matches!(tail.as_bytes()[16], b'.' | b'_')
    })
}

pub async fn add(
    axum::extract::State(policy): axum::extract::State<Arc<Policy>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let api = path.starts_with("/csapi") || path == "/auth" || path.starts_with("/auth/");
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, policy.csp(html));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if policy.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        let status = res.status();
        let value = if api {
            "no-store"
        } else if is_hashed_asset(&path) && !html && (status.is_success() || status == 304) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_as_written() {
        let html = "<head><script type=\"module\">\nimport x;\n</script>\n<script src=\"/a.js\"></script><script>  var t = 1;\n</script></head>";
        assert_eq!(
            inline_scripts(html),
            vec!["\nimport x;\n", "  var t = 1;\n"]
        );
        assert!(inline_scripts("<p>no scripts</p>").is_empty());
    }

    #[test]
    fn hashed_asset_names_are_told_apart() {
        assert!(is_hashed_asset("/main-dd0aefd9bccd2eaf.css"));
        assert!(is_hashed_asset(
            "/shipshape-console-f074fdc7135c9f42_bg.wasm"
        ));
        assert!(is_hashed_asset(
            "/split___audit_route_view_15014265155451736131-33d7b28192a49024.wasm"
        ));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset("/sensors"));
        assert!(!is_hashed_asset("/main-dd0aefd9bccd2ea.css"));
        assert!(!is_hashed_asset("/main-dd0aefd9bccd2eaz.css"));
    }
}
