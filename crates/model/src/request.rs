//! `RequestSpec`: one description of an API call. The console sends it, and the "API request"
//! panel prints the very same value as curl, PowerShell, Python, fetch and HTTPie.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Body {
    /// A JSON document, as text (sent with `Content-Type: application/json`).
    Json(String),
    /// `application/x-www-form-urlencoded` fields, in order.
    Form(Vec<(String, String)>),
}

impl Body {
    pub fn content_type(&self) -> &'static str {
        match self {
            Body::Json(_) => "application/json",
            Body::Form(_) => "application/x-www-form-urlencoded",
        }
    }

    /// The bytes on the wire.
    pub fn encoded(&self) -> String {
        match self {
            Body::Json(s) => s.clone(),
            Body::Form(fields) => encode_form(fields),
        }
    }
}

/// An API call: method, path (already a valid URL path), query pairs (decoded), extra headers,
/// optional body, and whether it needs the bearer token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSpec {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<Body>,
    /// Sends `Authorization: Bearer <token>` (every `/csapi` call does; `POST /auth` does not).
    pub auth: bool,
}

impl RequestSpec {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            auth: true,
        }
    }

    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::Get, path)
    }

    /// Adds a query parameter (kept in order; repeated names are allowed).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a query parameter only when `value` is `Some` and not empty.
    pub fn param_opt(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) if !v.is_empty() => self.param(name, v),
            _ => self,
        }
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn json(mut self, body: impl Into<String>) -> Self {
        self.body = Some(Body::Json(body.into()));
        self
    }

    pub fn form(mut self, fields: Vec<(String, String)>) -> Self {
        self.body = Some(Body::Form(fields));
        self
    }

    pub fn without_auth(mut self) -> Self {
        self.auth = false;
        self
    }

    /// Value of the first query parameter called `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Replaces (or adds) the query parameter `name`.
    pub fn set_param(mut self, name: &str, value: impl Into<String>) -> Self {
        let value = value.into();
        match self.query.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value,
            None => self.query.push((name.to_string(), value)),
        }
        self
    }

    /// `path?query`, percent-encoded.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, encode_query(&self.query))
        }
    }

    /// The absolute URL against `origin` (such as `https://console.example:8443`).
    pub fn url(&self, origin: &str) -> String {
        format!("{}{}", origin.trim_end_matches('/'), self.path_and_query())
    }
}

/// Percent-encodes everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`),
/// so the result is safe in a query string, a path segment and every shell's quoting.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (and `+` as space when `plus_is_space`). Invalid escapes are kept as
/// they are; invalid UTF-8 is replaced.
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a=1&b=x%20y`.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Form bodies use the same encoding as queries (a space is `%20`, which every server accepts).
pub fn encode_form(pairs: &[(String, String)]) -> String {
    encode_query(pairs)
}

/// Splits `a=1&b=x%20y` (with or without a leading `?`) into decoded pairs.
pub fn decode_query(q: &str) -> Vec<(String, String)> {
    q.trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trips_through_encoding() {
        let pairs = vec![
            (
                "filter".to_string(),
                "name:\"a b\" and x:`y` $HOME 100% & é\n".to_string(),
            ),
            ("pageSize".to_string(), "50".to_string()),
        ];
        let q = encode_query(&pairs);
        assert!(!q.contains(' ') && !q.contains('"') && !q.contains('$'));
        assert_eq!(decode_query(&q), pairs);
    }

    #[test]
    fn url_is_absolute_and_encoded() {
        let r = RequestSpec::get("/csapi/v1.3/images")
            .param("filter", "repo.tag:1.2*")
            .param("pageSize", "50");
        assert_eq!(
            r.url("http://10.0.0.5:8080/"),
            "http://10.0.0.5:8080/csapi/v1.3/images?filter=repo.tag%3A1.2%2A&pageSize=50"
        );
    }

    #[test]
    fn percent_decode_keeps_broken_escapes() {
        assert_eq!(percent_decode("100%", false), "100%");
        assert_eq!(percent_decode("%zz", false), "%zz");
        assert_eq!(percent_decode("a+b", true), "a b");
        assert_eq!(percent_decode("%C3%A9", false), "é");
    }
}
