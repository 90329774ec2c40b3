//! bash: curl and HTTPie, one request or a page loop.

use super::{bash_token_line, Paged, Parts, TokenMode, TOKEN_ENV};
use crate::request::Method;

/// Quotes `s` as one bash word that expands to exactly `s`.
///
/// Single quotes are the only bash quoting with no special characters inside: `$`, backticks,
/// `\`, `!` (history expansion does not happen inside single quotes) and newlines are all
/// literal. The one character that cannot appear is `'` itself, so it is written as `'\''`
/// (close, escaped quote, reopen). Always quoting, even plain words, keeps the output uniform.
pub fn shell_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// An HTTPie `Name:Value` header item (before shell quoting).
///
/// HTTPie picks the earliest, longest separator, so a value starting with `=` turns `Name:=…`
/// into a raw-JSON data field and one starting with `@` into "read the header from a file";
/// a backslash before the first character keeps it literal. (A backslash directly before `:`,
/// `=`, `@` or `;` further on is always eaten by HTTPie and cannot be written at all; no header
/// of this API looks like that.)
pub fn httpie_header_item(name: &str, value: &str) -> String {
    let escape = if value.starts_with(['=', '@']) {
        "\\"
    } else {
        ""
    };
    format!("{name}:{escape}{value}")
}

/// Joins the words of one command, a continued line per option so long snippets stay readable.
fn continued(words: &[String], indent: &str) -> String {
    words.join(&format!(" \\\n{indent}  "))
}

fn curl_words(parts: &Parts, url_word: String, token: TokenMode, extra: &[&str]) -> Vec<String> {
    // `-g` turns off curl's URL globbing, which would otherwise treat `[`, `]`, `{` and `}` (an
    // IPv6 origin, a path) as patterns. `--data-raw` rather than `-d`: `-d @x` reads a file.
    let mut first = String::from("curl -sS -g");
    for e in extra {
        first.push(' ');
        first.push_str(e);
    }
    if parts.method != Method::Get || parts.body.is_some() {
        first.push_str(" -X ");
        first.push_str(parts.method.as_str());
    }
    first.push(' ');
    first.push_str(&url_word);
    let mut words = vec![first];
    if parts.auth {
        words.push(match token {
            // Double quotes so the variable expands; the fixed text around it has no specials.
            TokenMode::Masked => format!("-H \"Authorization: Bearer ${TOKEN_ENV}\""),
            TokenMode::Revealed(t) => format!(
                "-H {}",
                shell_quote(&format!("Authorization: {}", Parts::bearer(t)))
            ),
        });
    }
    for (k, v) in &parts.headers {
        words.push(format!("-H {}", shell_quote(&format!("{k}: {v}"))));
    }
    if let Some(body) = &parts.body {
        words.push(format!("--data-raw {}", shell_quote(body)));
    }
    words
}

fn httpie_words(parts: &Parts, url_word: String, token: TokenMode, extra: &[&str]) -> Vec<String> {
    // The query stays inside the URL (not `name==value` items) so the encoding is ours, byte
    // for byte; the body goes through `--raw` so HTTPie neither re-serialises JSON nor re-encodes
    // a form. `--ignore-stdin` because HTTPie reads a stdin that is not a terminal (a script,
    // CI, cron) as the body, and then refuses `--raw` or sends a GET with a body.
    let mut first = String::from("http --ignore-stdin");
    for e in extra {
        first.push(' ');
        first.push_str(e);
    }
    first.push(' ');
    first.push_str(parts.method.as_str());
    first.push(' ');
    first.push_str(&url_word);
    let mut words = vec![first];
    if parts.auth {
        words.push(match token {
            TokenMode::Masked => format!("\"Authorization:Bearer ${TOKEN_ENV}\""),
            TokenMode::Revealed(t) => {
                shell_quote(&httpie_header_item("Authorization", &Parts::bearer(t)))
            }
        });
    }
    for (k, v) in &parts.headers {
        words.push(shell_quote(&httpie_header_item(k, v)));
    }
    if let Some(body) = &parts.body {
        words.push(format!("--raw {}", shell_quote(body)));
    }
    words
}

fn with_token_comment(parts: &Parts, token: TokenMode, line: String, code: String) -> String {
    if parts.auth && token == TokenMode::Masked {
        format!("# {line}\n{code}\n")
    } else {
        format!("{code}\n")
    }
}

pub(super) fn curl(parts: &Parts, token: TokenMode) -> String {
    let code = continued(&curl_words(parts, shell_quote(&parts.url), token, &[]), "");
    with_token_comment(parts, token, bash_token_line(parts), code)
}

fn httpie_token_line(parts: &Parts) -> String {
    format!(
        "export {TOKEN_ENV}=$(http --ignore-stdin --body --form POST {} username=USER password=PASS token=true)",
        shell_quote(&parts.auth_url())
    )
}

pub(super) fn httpie(parts: &Parts, token: TokenMode) -> String {
    let code = continued(
        &httpie_words(parts, shell_quote(&parts.url), token, &[]),
        "",
    );
    with_token_comment(parts, token, httpie_token_line(parts), code)
}

/// `'prefix'"$page"'suffix'`: one word, only the page number expanded.
fn paged_url_word(paged: &Paged) -> String {
    let mut w = shell_quote(&paged.url_prefix);
    w.push_str("\"$page\"");
    if !paged.url_suffix.is_empty() {
        w.push_str(&shell_quote(&paged.url_suffix));
    }
    w
}

/// The bash loop around one page request (`fetch`, already indented for the loop body). Rows are
/// printed one per line as they arrive and gathered into one JSON array at the end, rather than
/// accumulated in a variable: thousands of rows would overflow a command line.
fn bash_loop(paged: &Paged, fetch: &str) -> String {
    let size = paged.page_size;
    format!(
        "page=1\n\
         while :; do\n  \
         resp=$({fetch}) || {{ printf '%s\\n' \"$resp\" >&2; break; }}\n  \
         jq -c '.data[]' <<<\"$resp\"\n  \
         if jq -e --argjson page \"$page\" '(.data | length) < {size} or $page * {size} >= (.count // infinite)' >/dev/null <<<\"$resp\"; then\n    \
         break\n  \
         fi\n  \
         page=$((page + 1))\n\
         done | jq -s '.'"
    )
}

pub(super) fn curl_all_pages(paged: &Paged, token: TokenMode) -> String {
    let words = curl_words(
        &paged.parts,
        paged_url_word(paged),
        token,
        &["--fail-with-body"],
    );
    let code = bash_loop(paged, &continued(&words, "    "));
    with_token_comment(&paged.parts, token, bash_token_line(&paged.parts), code)
}

pub(super) fn httpie_all_pages(paged: &Paged, token: TokenMode) -> String {
    let words = httpie_words(
        &paged.parts,
        paged_url_word(paged),
        token,
        &["--check-status", "--body"],
    );
    let code = bash_loop(paged, &continued(&words, "    "));
    with_token_comment(&paged.parts, token, httpie_token_line(&paged.parts), code)
}

/// `sed` that prints the `rel=next` target of a `Link` header line (case-insensitive name, the
/// trailing `\r` of the header line swallowed by the final `.*`).
const SED_NEXT: &str = r#"s/^[Ll]ink: *<\([^>]*\)>.*rel="\{0,1\}next.*/\1/p"#;

pub(super) fn curl_follow_links(parts: &Parts, token: TokenMode) -> String {
    let words = curl_words(
        parts,
        "\"$url\"".to_string(),
        token,
        &["--fail-with-body", "-D \"$headers\""],
    );
    let fetch = continued(&words, "    ");
    let code = format!(
        "url={url}\n\
         headers=$(mktemp)\n\
         while [ -n \"$url\" ]; do\n  \
         resp=$({fetch}) || {{ printf '%s\\n' \"$resp\" >&2; break; }}\n  \
         jq -c '.data[]' <<<\"$resp\"\n  \
         url=$(sed -n '{SED_NEXT}' \"$headers\")\n\
         done | jq -s '.'\n\
         rm -f \"$headers\"",
        url = shell_quote(&parts.url),
    );
    with_token_comment(parts, token, bash_token_line(parts), code)
}

pub(super) fn httpie_follow_links(parts: &Parts, token: TokenMode) -> String {
    // `--print=hb`: response headers, a blank line, then the body, all in one capture.
    let words = httpie_words(
        parts,
        "\"$url\"".to_string(),
        token,
        &["--check-status", "--print=hb"],
    );
    let fetch = continued(&words, "    ");
    let code = format!(
        "url={url}\n\
         while [ -n \"$url\" ]; do\n  \
         out=$({fetch}) || {{ printf '%s\\n' \"$out\" >&2; break; }}\n  \
         printf '%s\\n' \"$out\" | sed '1,/^[[:space:]]*$/d' | jq -c '.data[]'\n  \
         url=$(printf '%s\\n' \"$out\" | sed -n '/^[[:space:]]*$/q; {SED_NEXT}')\n\
         done | jq -s '.'",
        url = shell_quote(&parts.url),
    );
    with_token_comment(parts, token, httpie_token_line(parts), code)
}
