//! Python (`requests`) and JavaScript (`fetch`): real string literals, no shell in between.

use super::{bash_token_line, Paged, Parts, TokenMode, TOKEN_ENV};

/// A double-quoted literal valid in Python 3, JavaScript and JSON alike: `\\`, `\"`, the usual
/// `\n \r \t`, and `\u00XX` for other control characters. Non-ASCII text stays as it is (both
/// languages read UTF-8 source), except U+2028 and U+2029, which end a line in JavaScript
/// engines older than ES2019.
fn json_style(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                // `is_control` includes C1 controls (U+0080–U+009F): all fit in four digits.
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Python 3 `str` literal that evaluates to exactly `s`.
pub fn python_str(s: &str) -> String {
    json_style(s)
}

/// A JavaScript string literal that evaluates to exactly `s` (the same escapes `JSON.stringify`
/// uses, so it is also valid JSON).
pub fn js_str(s: &str) -> String {
    json_style(s)
}

fn python_call(parts: &Parts, url_expr: &str, token: TokenMode, indent: &str) -> String {
    let i = indent;
    let method = parts.method.as_str().to_ascii_lowercase();
    let mut out = format!("{i}response = requests.{method}(\n{i}    {url_expr},\n");
    let mut headers = Vec::new();
    if parts.auth {
        headers.push(match token {
            TokenMode::Masked => {
                format!("\"Authorization\": \"Bearer \" + os.environ[\"{TOKEN_ENV}\"]")
            }
            TokenMode::Revealed(t) => {
                format!("\"Authorization\": {}", python_str(&Parts::bearer(t)))
            }
        });
    }
    for (k, v) in &parts.headers {
        headers.push(format!("{}: {}", python_str(k), python_str(v)));
    }
    if !headers.is_empty() {
        out.push_str(&format!("{i}    headers={{\n"));
        for h in headers {
            out.push_str(&format!("{i}        {h},\n"));
        }
        out.push_str(&format!("{i}    }},\n"));
    }
    if let Some(body) = &parts.body {
        // Not `json=`: requests would re-serialise the document (other spacing, `\u` escapes).
        // Bytes, not `str`: http.client encodes a `str` body as ISO-8859-1 and fails on é.
        out.push_str(&format!(
            "{i}    data={}.encode(\"utf-8\"),\n",
            python_str(body)
        ));
    }
    out.push_str(&format!(
        "{i}    timeout=60,\n{i})\n{i}response.raise_for_status()\n"
    ));
    out
}

fn python_header(parts: &Parts, token: TokenMode) -> String {
    let masked = parts.auth && token == TokenMode::Masked;
    let mut out = String::new();
    if masked {
        out.push_str(&format!("# {}\nimport os\n\n", bash_token_line(parts)));
    }
    out.push_str("import requests\n\n");
    out
}

pub(super) fn python_single(parts: &Parts, token: TokenMode) -> String {
    format!(
        "{}{}print(response.text)\n",
        python_header(parts, token),
        python_call(parts, &python_str(&parts.url), token, "")
    )
}

pub(super) fn python_all_pages(paged: &Paged, token: TokenMode) -> String {
    let parts = &paged.parts;
    let mut url = format!("{} + str(page)", python_str(&paged.url_prefix));
    if !paged.url_suffix.is_empty() {
        url.push_str(&format!(" + {}", python_str(&paged.url_suffix)));
    }
    let size = paged.page_size;
    format!(
        "{}rows = []\npage = 1\nwhile True:\n{}    \
         body = response.json()\n    \
         rows.extend(body[\"data\"])\n    \
         if len(body[\"data\"]) < {size} or page * {size} >= body.get(\"count\", float(\"inf\")):\n        \
         break\n    \
         page += 1\n\
         print(len(rows), \"rows\")\n",
        python_header(parts, token),
        python_call(parts, &url, token, "    ")
    )
}

fn fetch_call(parts: &Parts, url_expr: &str, token: TokenMode, indent: &str) -> String {
    let i = indent;
    let mut out = format!(
        "{i}const response = await fetch({url_expr}, {{\n{i}  method: \"{}\",\n",
        parts.method.as_str()
    );
    let mut headers = Vec::new();
    if parts.auth {
        headers.push(match token {
            TokenMode::Masked => {
                format!("\"Authorization\": \"Bearer \" + process.env.{TOKEN_ENV}")
            }
            TokenMode::Revealed(t) => format!("\"Authorization\": {}", js_str(&Parts::bearer(t))),
        });
    }
    for (k, v) in &parts.headers {
        headers.push(format!("{}: {}", js_str(k), js_str(v)));
    }
    if !headers.is_empty() {
        out.push_str(&format!("{i}  headers: {{\n"));
        for h in headers {
            out.push_str(&format!("{i}    {h},\n"));
        }
        out.push_str(&format!("{i}  }},\n"));
    }
    if let Some(body) = &parts.body {
        // A string body is sent as UTF-8, byte for byte.
        out.push_str(&format!("{i}  body: {},\n", js_str(body)));
    }
    out.push_str(&format!(
        "{i}}});\n{i}if (!response.ok) throw new Error(response.status + \" \" + (await response.text()));\n"
    ));
    out
}

fn fetch_header(parts: &Parts, token: TokenMode) -> String {
    let mut out = String::new();
    if parts.auth && token == TokenMode::Masked {
        out.push_str(&format!("// {}\n", bash_token_line(parts)));
    }
    // Top-level `await` needs an ES module; a browser console accepts it too (without
    // `process.env`, so reveal the token there).
    out.push_str("// Node 18+: save as request.mjs and run `node request.mjs`.\n");
    out
}

pub(super) fn fetch_single(parts: &Parts, token: TokenMode) -> String {
    format!(
        "{}{}console.log(await response.text());\n",
        fetch_header(parts, token),
        fetch_call(parts, &js_str(&parts.url), token, "")
    )
}

pub(super) fn fetch_all_pages(paged: &Paged, token: TokenMode) -> String {
    let parts = &paged.parts;
    let mut url = format!("{} + page", js_str(&paged.url_prefix));
    if !paged.url_suffix.is_empty() {
        url.push_str(&format!(" + {}", js_str(&paged.url_suffix)));
    }
    let size = paged.page_size;
    format!(
        "{}const rows = [];\nfor (let page = 1; ; page++) {{\n{}  \
         const body = await response.json();\n  \
         rows.push(...body.data);\n  \
         if (body.data.length < {size} || page * {size} >= (body.count ?? Infinity)) break;\n\
         }}\n\
         console.log(JSON.stringify(rows));\n",
        fetch_header(parts, token),
        fetch_call(parts, &url, token, "  ")
    )
}

pub(super) fn python_follow_links(parts: &Parts, token: TokenMode) -> String {
    // `response.links` is requests' parse of the `Link` header, keyed by `rel`.
    format!(
        "{}rows = []\nurl = {}\nwhile url:\n{}    \
         rows.extend(response.json()[\"data\"])\n    \
         url = response.links.get(\"next\", {{}}).get(\"url\")\n\
         print(len(rows), \"rows\")\n",
        python_header(parts, token),
        python_str(&parts.url),
        python_call(parts, "url", token, "    ")
    )
}

pub(super) fn fetch_follow_links(parts: &Parts, token: TokenMode) -> String {
    format!(
        "{}const rows = [];\nlet url = {};\nwhile (url) {{\n{}  \
         const body = await response.json();\n  \
         rows.push(...body.data);\n  \
         const next = /<([^>]*)>\\s*;\\s*rel=\"?next\"?/.exec(response.headers.get(\"link\") ?? \"\");\n  \
         url = next ? next[1] : null;\n\
         }}\n\
         console.log(JSON.stringify(rows));\n",
        fetch_header(parts, token),
        js_str(&parts.url),
        fetch_call(parts, "url", token, "  ")
    )
}
