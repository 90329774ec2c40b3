//! curl.exe at an interactive Windows `cmd` prompt.
//!
//! Two parsers read every argument. cmd.exe first expands `%name%` (everywhere, quotes or not),
//! then handles `^` escapes and `& | < > ( )` outside double quotes, toggling "inside quotes" at
//! every `"` (it knows nothing of `\"`). Then curl's C runtime splits the line into argv with
//! the Microsoft rules: `\"` is a literal quote, backslashes are literal unless they precede a
//! `"`. A naive `"{\"a\":\"b&c\"}"` is quoted for the runtime but, for cmd, the `&` sits
//! outside quotes and starts a second command.
//!
//! The snippets target the interactive prompt, where `%` cannot be escaped at all: `%%` stays
//! `%%`, and `%name%` is left as typed only when `name` is not a variable. (A `.bat` file is the
//! opposite: every `%` there must be doubled; the snippets say so when it matters.) Delayed
//! expansion (`!name!`) is off at a default prompt, so `!` needs nothing.

use super::{Paged, Parts, TokenMode, TOKEN_ENV};
use crate::request::Method;

/// Quotes `s` as one curl.exe argument typed at an interactive cmd prompt.
///
/// Readable form when it is safe: the runtime-escaped `"…"`, with `^` before the specials that
/// cmd sees outside quotes (after a `\"`, cmd thinks the quotes closed). That needs an even
/// number of `"` (or the rest of the line would be "inside quotes" for cmd) and no `%…%` pair
/// that could name a variable. Otherwise every `"` becomes `^"`, so cmd never enters quotes and
/// every special character is `^`-escaped, and a `^` follows every `%` so the would-be variable
/// name starts with `^`, which no variable has (cmd removes that `^` afterwards).
///
/// Line breaks, tabs and other control characters cannot be typed on a cmd line; see
/// [`cmd_can_carry`].
pub fn cmd_quote(s: &str) -> String {
    let crt = crt_quote(s);
    let special = |c: char| matches!(c, '&' | '|' | '<' | '>' | '(' | ')' | '^');
    let mut out = String::with_capacity(crt.len() * 2);
    if crt.matches('"').count().is_multiple_of(2) && percent_pairs_are_inert(&crt) {
        let mut quoted = false;
        for c in crt.chars() {
            if c == '"' {
                quoted = !quoted;
            } else if !quoted && special(c) {
                out.push('^');
            }
            out.push(c);
        }
        return out;
    }
    let mut after_percent = false;
    for c in crt.chars() {
        let escaped = c == '"' || special(c);
        if after_percent && !escaped {
            out.push('^');
        }
        if escaped {
            out.push('^');
        }
        out.push(c);
        after_percent = c == '%';
    }
    out
}

/// Whether `s` can be passed on a cmd command line at all: a line break ends the command and a
/// pasted tab triggers file-name completion.
pub fn cmd_can_carry(s: &str) -> bool {
    !s.chars().any(char::is_control)
}

/// The Microsoft C runtime's quoting: `"…"`, a `"` inside as `\"`, and backslashes doubled
/// only where they precede a quote (including the closing one).
fn crt_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut backslashes = 0usize;
    for c in s.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.push_str(&"\\".repeat(backslashes * 2 + 1));
                out.push('"');
                backslashes = 0;
            }
            _ => {
                out.push_str(&"\\".repeat(backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.push_str(&"\\".repeat(backslashes * 2));
    out.push('"');
    out
}

/// Whether no `%x…%` in `s` can expand. At the prompt cmd tries every `%` as an opener (an
/// unknown name leaves the text and resumes at the closing `%`), so every span between two
/// consecutive `%` is a candidate name. Safe candidates: names starting with a digit (no
/// variable does), two hex digits other than `CD` (a lone percent-escape; `%CD%` is the current
/// directory, and appears for Greek text, bytes CD xx), and names containing `=` (a variable
/// name cannot).
fn percent_pairs_are_inert(s: &str) -> bool {
    let positions: Vec<usize> = s.match_indices('%').map(|(i, _)| i).collect();
    positions.windows(2).all(|w| {
        let name = &s[w[0] + 1..w[1]];
        let two_hex = name.len() == 2 && name.chars().all(|c| c.is_ascii_hexdigit());
        name.starts_with(|c: char| c.is_ascii_digit())
            || (two_hex && !name.eq_ignore_ascii_case("cd"))
            || (name.contains('=') && !name.starts_with('='))
    })
}

/// `curl.exe` rather than `curl`: in PowerShell `curl` is an alias of Invoke-WebRequest, and
/// people paste cmd snippets there too.
fn curl_line(parts: &Parts, url_arg: String, token: TokenMode, extra: &[&str]) -> String {
    let mut first = String::from("curl.exe -sS -g");
    for e in extra {
        first.push(' ');
        first.push_str(e);
    }
    if parts.method != Method::Get || parts.body.is_some() {
        first.push_str(" -X ");
        first.push_str(parts.method.as_str());
    }
    first.push(' ');
    first.push_str(&url_arg);
    let mut words = vec![first];
    if parts.auth {
        words.push(match token {
            TokenMode::Masked => format!("-H \"Authorization: Bearer %{TOKEN_ENV}%\""),
            TokenMode::Revealed(t) => format!(
                "-H {}",
                cmd_quote(&format!("Authorization: {}", Parts::bearer(t)))
            ),
        });
    }
    for (k, v) in &parts.headers {
        words.push(format!("-H {}", cmd_quote(&format!("{k}: {v}"))));
    }
    if let Some(body) = &parts.body {
        words.push(format!("--data-raw {}", cmd_quote(body)));
    }
    // `^` at the end of a line continues it and escapes the next line's first character: the
    // indent makes that a harmless space rather than, say, a `"` that would lose its meaning.
    words.join(" ^\n  ")
}

fn prelude(parts: &Parts, token: TokenMode) -> Vec<String> {
    let mut lines = Vec::new();
    if parts.auth && token == TokenMode::Masked {
        lines.push(format!(
            "REM for /f \"delims=\" %t in ('curl.exe -s -X POST \"{}\" -d \"username=USER&password=PASS&token=true\"') do set \"{TOKEN_ENV}=%t\"",
            parts.auth_url()
        ));
    }
    lines
}

/// The lines refusing a body that cmd cannot carry, if it is one.
fn uncarriable(parts: &Parts) -> Option<String> {
    let body = parts.body.as_deref()?;
    (!cmd_can_carry(body)).then(|| {
        "REM This body contains line breaks or tabs, which a cmd command line cannot carry.\n\
         REM Use the PowerShell or curl (bash) snippet instead.\n"
            .to_string()
    })
}

fn batch_note(code: &str) -> Option<String> {
    let literal_percent = code.replace(&format!("%{TOKEN_ENV}%"), "").contains('%');
    literal_percent
        .then(|| "REM Typed at the prompt as is; in a .bat file write every % as %%.".into())
}

pub(super) fn curl(parts: &Parts, token: TokenMode) -> String {
    if let Some(refusal) = uncarriable(parts) {
        return refusal;
    }
    let code = curl_line(parts, cmd_quote(&parts.url), token, &[]);
    let mut lines = prelude(parts, token);
    lines.extend(batch_note(&code));
    lines.push(code);
    lines.join("\n") + "\n"
}

/// cmd has no convenient "until the page is short" loop, so this fetches a fixed range of pages
/// into files and says how to size it; the PowerShell variant stops by itself.
pub(super) fn curl_all_pages(paged: &Paged, token: TokenMode) -> String {
    let parts = &paged.parts;
    if let Some(refusal) = uncarriable(parts) {
        return refusal;
    }
    // `"prefix"%p"suffix"`: the runtime joins the pieces into one argument, and any `%…%`
    // candidate that reaches `%p` contains a `"`, which no variable name has.
    let mut url = cmd_quote(&paged.url_prefix);
    url.push_str("%p");
    if !paged.url_suffix.is_empty() {
        url.push_str(&cmd_quote(&paged.url_suffix));
    }
    let code = format!(
        "for /L %p in (1,1,10) do {}",
        curl_line(parts, url, token, &["-o page-%p.json"])
    );
    let mut lines = prelude(parts, token);
    lines.push(format!(
        "REM Pages 1 to 10 into page-1.json, page-2.json, ...: raise 10 to count / {} rounded up",
        paged.page_size
    ));
    lines.push(
        "REM (\"count\" is in every page). The PowerShell variant stops at the last page by itself."
            .to_string(),
    );
    lines.push("REM In a .bat file write every % as %%.".to_string());
    lines.push(code);
    lines.join("\n") + "\n"
}

/// Following `Link` headers needs string handling cmd does not have: point to the languages
/// that do, and give the first request.
pub(super) fn follow_links_note(parts: &Parts, token: TokenMode) -> String {
    if let Some(refusal) = uncarriable(parts) {
        return refusal;
    }
    let code = curl_line(parts, cmd_quote(&parts.url), token, &["-i"]);
    let mut lines = prelude(parts, token);
    lines.push(
        "REM Bulk lists continue at the URL in each response's Link: <...>;rel=next header;".into(),
    );
    lines.push(
        "REM cmd cannot follow it by itself: use the PowerShell variant. The first page:".into(),
    );
    lines.extend(batch_note(&code));
    lines.push(code);
    lines.join("\n") + "\n"
}
