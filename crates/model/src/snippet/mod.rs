//! Renders a `RequestSpec` as copy-ready snippets (curl for bash and cmd, PowerShell, Python,
//! fetch, HTTPie) that, run as they are, send exactly the request the console sent.
//!
//! Every value goes through one tested quoting function per language (`shell_quote`,
//! `cmd_quote`, `ps_quote`, `python_str`, `js_str`, `httpie_header_item`); the URL is always the
//! percent-encoded `RequestSpec::url`, so query values never meet a shell unencoded.

mod cmd;
mod posix;
mod powershell;
mod script;

pub use cmd::{cmd_can_carry, cmd_quote};
pub use posix::{httpie_header_item, shell_quote};
pub use powershell::ps_quote;
pub use script::{js_str, python_str};

use crate::request::{Method, RequestSpec};

/// The environment variable that masked snippets read the token from.
pub const TOKEN_ENV: &str = "SHIPSHAPE_TOKEN";

/// The languages of the "API request" panel, in the order the panel offers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    CurlBash,
    CurlCmd,
    PowerShell,
    Python,
    Fetch,
    Httpie,
}

impl Language {
    pub const ALL: [Language; 6] = [
        Language::CurlBash,
        Language::CurlCmd,
        Language::PowerShell,
        Language::Python,
        Language::Fetch,
        Language::Httpie,
    ];

    /// Stable identifier, stored in localStorage to remember the reader's choice: never rename.
    pub fn id(self) -> &'static str {
        match self {
            Language::CurlBash => "curl",
            Language::CurlCmd => "curl-cmd",
            Language::PowerShell => "powershell",
            Language::Python => "python",
            Language::Fetch => "fetch",
            Language::Httpie => "httpie",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Language::CurlBash => "curl (bash)",
            Language::CurlCmd => "curl (Windows cmd)",
            Language::PowerShell => "PowerShell",
            Language::Python => "Python",
            Language::Fetch => "JavaScript (fetch)",
            Language::Httpie => "HTTPie",
        }
    }

    pub fn from_id(id: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.id() == id)
    }
}

/// How the bearer token appears in a snippet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenMode<'a> {
    /// Read from the `SHIPSHAPE_TOKEN` environment variable (the default: snippets get pasted
    /// into tickets and chats).
    Masked,
    /// The literal token, quoted like any other value.
    Revealed(&'a str),
}

/// One request as a snippet in `lang`, against `origin` (such as `https://console.example`).
pub fn render(spec: &RequestSpec, origin: &str, lang: Language, token: TokenMode) -> String {
    let parts = Parts::new(spec, origin);
    match lang {
        Language::CurlBash => posix::curl(&parts, token),
        Language::CurlCmd => cmd::curl(&parts, token),
        Language::PowerShell => powershell::single(&parts, token),
        Language::Python => script::python_single(&parts, token),
        Language::Fetch => script::fetch_single(&parts, token),
        Language::Httpie => posix::httpie(&parts, token),
    }
}

/// The "fetch every page" variant of a list request, collecting every page's `data`.
///
/// Numbered lists (`/images`, …) request `pageNumber` 1, 2, … (the rest of the query as in
/// `spec`) until a page is shorter than `pageSize` or `count` rows were seen. Bulk lists (a path
/// ending in `/list`) have no page numbers: the loop follows each response's
/// `Link: <url>;rel=next` header until there is none.
pub fn render_all_pages(
    spec: &RequestSpec,
    origin: &str,
    lang: Language,
    token: TokenMode,
) -> String {
    if spec.path.trim_end_matches('/').ends_with("/list") {
        let parts = Parts::new(spec, origin);
        return match lang {
            Language::CurlBash => posix::curl_follow_links(&parts, token),
            Language::CurlCmd => cmd::follow_links_note(&parts, token),
            Language::PowerShell => powershell::follow_links(&parts, token),
            Language::Python => script::python_follow_links(&parts, token),
            Language::Fetch => script::fetch_follow_links(&parts, token),
            Language::Httpie => posix::httpie_follow_links(&parts, token),
        };
    }
    let paged = Paged::new(spec, origin);
    match lang {
        Language::CurlBash => posix::curl_all_pages(&paged, token),
        Language::CurlCmd => cmd::curl_all_pages(&paged, token),
        Language::PowerShell => powershell::all_pages(&paged, token),
        Language::Python => script::python_all_pages(&paged, token),
        Language::Fetch => script::fetch_all_pages(&paged, token),
        Language::Httpie => posix::httpie_all_pages(&paged, token),
    }
}

/// What every renderer needs, computed once so that all languages agree.
struct Parts {
    method: Method,
    /// `RequestSpec::url`: absolute and percent-encoded.
    url: String,
    /// `origin` without a trailing slash, for the "get a token" comment.
    origin: String,
    /// The spec's headers, then `Content-Type` for the body unless the spec already set one.
    /// `Authorization` is not here: each language spells the masked token differently.
    headers: Vec<(String, String)>,
    /// The body bytes exactly as the console sends them.
    body: Option<String>,
    auth: bool,
}

impl Parts {
    fn new(spec: &RequestSpec, origin: &str) -> Self {
        let mut headers = spec.headers.clone();
        if let Some(body) = &spec.body {
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("Content-Type".to_string(), body.content_type().to_string()));
            }
        }
        Parts {
            method: spec.method,
            url: spec.url(origin),
            origin: origin.trim_end_matches('/').to_string(),
            headers,
            body: spec.body.as_ref().map(|b| b.encoded()),
            auth: spec.auth,
        }
    }

    /// `Authorization` value with a literal token, when revealed.
    fn bearer(token: &str) -> String {
        format!("Bearer {token}")
    }

    fn auth_url(&self) -> String {
        format!("{}/auth", self.origin)
    }
}

/// A list request split around its page number: the URL is `url_prefix` + page + `url_suffix`.
struct Paged {
    parts: Parts,
    url_prefix: String,
    url_suffix: String,
    page_size: u32,
}

impl Paged {
    fn new(spec: &RequestSpec, origin: &str) -> Self {
        // The loop must know the page size to detect the last page, so it is always sent
        // explicitly (the server's default when the spec has none).
        let page_size = spec
            .query_value("pageSize")
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(crate::paging::PageSize::DEFAULT.get());
        // A marker made of unreserved characters survives percent-encoding unchanged; pick one
        // the rest of the URL does not contain, then split there.
        let base = spec.url(origin);
        let marker = (0u32..)
            .map(|i| format!("PAGE{i}NUMBER"))
            .find(|m| !base.contains(m.as_str()))
            .expect("some marker is free");
        let with_marker = spec
            .clone()
            .set_param("pageSize", page_size.to_string())
            .set_param("pageNumber", marker.clone());
        let parts = Parts::new(&with_marker, origin);
        let (prefix, suffix) = parts
            .url
            .split_once(marker.as_str())
            .expect("marker is in the URL");
        Paged {
            url_prefix: prefix.to_string(),
            url_suffix: suffix.to_string(),
            parts: Parts {
                url: String::new(),
                ..parts
            },
            page_size,
        }
    }
}

/// The shell line that fetches a token into `SHIPSHAPE_TOKEN` (bash syntax, for the languages
/// that read the variable from the environment they were started from).
fn bash_token_line(parts: &Parts) -> String {
    format!(
        "export {TOKEN_ENV}=$(curl -s -X POST {} -d 'username=USER&password=PASS&token=true')",
        shell_quote(&parts.auth_url())
    )
}

#[cfg(test)]
mod tests;
