//! The escaping guarantees: for each language a small, independent model of how that language
//! reads the snippet (bash words, cmd + the C runtime, PowerShell single quotes, JSON-style
//! literals) must give back exactly the URL, headers and body of the request.

use super::*;
use std::collections::HashMap;

/// Every character that has tripped a shell somewhere.
const NASTY: &str = "it's \"quoted\" `tick` $HOME ${X} $(id) 100% %PATH% %CD% a&b|c<d>e \
                     !bang !x! ^caret (p) ;semi,comma = \\back\\slash\\ \n\ttab\r é 日本 🎉 \
                     ‘smart’ ‚low‛ “dq” \u{2028}";

const ORIGIN: &str = "https://shipshape.example:8443";
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl";

fn nasty_body() -> String {
    serde_json::json!({ "filter": NASTY, "note": "x\\\"y'z" }).to_string()
}

/// A list request whose filter and JSON body hold every awkward character.
fn nasty_spec() -> RequestSpec {
    RequestSpec::new(Method::Post, "/csapi/v1.3/reports")
        .param("filter", NASTY)
        .param("pageSize", "50")
        // Header values stay ASCII: clients disagree on how to send other bytes (UTF-8 or
        // ISO-8859-1), and the API defines no header that carries text.
        .header("X-Note", "a 'b' \"c\" $d %e% ^f! `g` \\h")
        .json(nasty_body())
}

/// The body that must arrive, including a raw newline and tab (pretty JSON whitespace).
fn raw_body_spec() -> RequestSpec {
    RequestSpec::new(Method::Put, "/csapi/v1.3/x").json("{\n\t\"f\": \"a'b$c`d\"\n}")
}

fn form_spec() -> RequestSpec {
    RequestSpec::new(Method::Post, "/auth")
        .without_auth()
        .form(vec![
            ("username".into(), "admin".into()),
            ("password".into(), NASTY.into()),
            ("token".into(), "true".into()),
        ])
}

// ---------------------------------------------------------------- bash

/// Splits bash source into words the way bash would, for the subset the snippets use: single
/// quotes, double quotes (with `\"`, `\\`, `\$` and `$NAME` expansion), backslash-newline, and
/// `#` comment lines. Unset variables expand to `$NAME` itself so tests can see them.
fn bash_words(src: &str, env: &HashMap<&str, &str>) -> Vec<String> {
    let chars: Vec<char> = src.chars().collect();
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut i = 0;
    let expand = |i: &mut usize, out: &mut String| {
        let start = *i + 1;
        let mut end = start;
        while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
            end += 1;
        }
        let name: String = chars[start..end].iter().collect();
        match env.get(name.as_str()) {
            Some(v) => out.push_str(v),
            None => {
                out.push('$');
                out.push_str(&name);
            }
        }
        *i = end;
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\'' => {
                in_word = true;
                i += 1;
                while chars[i] != '\'' {
                    cur.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                in_word = true;
                i += 1;
                while chars[i] != '"' {
                    match chars[i] {
                        '\\' if matches!(chars[i + 1], '"' | '\\' | '$' | '`') => {
                            cur.push(chars[i + 1]);
                            i += 2;
                        }
                        '$' => expand(&mut i, &mut cur),
                        '`' => panic!("command substitution inside double quotes"),
                        ch => {
                            cur.push(ch);
                            i += 1;
                        }
                    }
                }
                i += 1;
            }
            '\\' if chars[i + 1] == '\n' => i += 2,
            '\\' => {
                in_word = true;
                cur.push(chars[i + 1]);
                i += 2;
            }
            ' ' | '\t' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
                i += 1;
            }
            '$' | '`' | '&' | '|' | ';' | '<' | '>' | '(' | ')' | '*' | '?' | '[' | '!' => {
                panic!("unquoted shell metacharacter {c:?} in {src}")
            }
            ch => {
                in_word = true;
                cur.push(ch);
                i += 1;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

fn env() -> HashMap<&'static str, &'static str> {
    HashMap::from([("SHIPSHAPE_TOKEN", TOKEN), ("page", "7")])
}

/// The value after each occurrence of `flag`.
fn after<'a>(words: &'a [String], flag: &str) -> Vec<&'a str> {
    words
        .windows(2)
        .filter(|w| w[0] == flag)
        .map(|w| w[1].as_str())
        .collect()
}

#[test]
fn shell_quote_round_trips() {
    for s in [NASTY, "", "'", "''", "a'b'c", "\\'"] {
        assert_eq!(bash_words(&shell_quote(s), &env()), vec![s.to_string()]);
    }
}

#[test]
fn curl_bash_sends_the_exact_request() {
    let spec = nasty_spec();
    for token in [TokenMode::Masked, TokenMode::Revealed(TOKEN)] {
        let snippet = render(&spec, ORIGIN, Language::CurlBash, token);
        let words = bash_words(&snippet, &env());
        assert_eq!(
            words[..6],
            ["curl", "-sS", "-g", "-X", "POST", &spec.url(ORIGIN)]
        );
        assert_eq!(
            after(&words, "-H"),
            [
                format!("Authorization: Bearer {TOKEN}"),
                "X-Note: a 'b' \"c\" $d %e% ^f! `g` \\h".to_string(),
                "Content-Type: application/json".to_string(),
            ]
        );
        assert_eq!(after(&words, "--data-raw"), [nasty_body()]);
    }
    let masked = render(&spec, ORIGIN, Language::CurlBash, TokenMode::Masked);
    assert!(masked.starts_with(
        "# export SHIPSHAPE_TOKEN=$(curl -s -X POST 'https://shipshape.example:8443/auth' -d 'username=USER&password=PASS&token=true')\n"
    ));
    assert!(masked.contains("\"Authorization: Bearer $SHIPSHAPE_TOKEN\""));
    assert!(!render(
        &spec,
        ORIGIN,
        Language::CurlBash,
        TokenMode::Revealed(TOKEN)
    )
    .contains('#'));
}

#[test]
fn curl_bash_raw_body_and_form() {
    let spec = raw_body_spec();
    let words = bash_words(
        &render(&spec, ORIGIN, Language::CurlBash, TokenMode::Masked),
        &env(),
    );
    assert_eq!(
        after(&words, "--data-raw"),
        [spec.body.as_ref().unwrap().encoded()]
    );
    let form = form_spec();
    let snippet = render(&form, ORIGIN, Language::CurlBash, TokenMode::Masked);
    assert!(!snippet.contains("Authorization") && !snippet.contains('#'));
    let words = bash_words(&snippet, &env());
    assert_eq!(
        after(&words, "--data-raw"),
        [form.body.as_ref().unwrap().encoded()]
    );
    assert_eq!(
        after(&words, "-H"),
        ["Content-Type: application/x-www-form-urlencoded"]
    );
}

/// HTTPie's own item parsing (httpie/cli/argtypes.py): split at the first `:`; a backslash
/// before a separator character is dropped, any other backslash stays.
fn httpie_header(item: &str) -> (String, String) {
    assert!(
        !item.contains(":=") || item.find(':') != item.find(":="),
        "{item} is a JSON field"
    );
    let (k, v) = item.split_once(':').expect("header item");
    assert!(!v.starts_with(['=', '@']), "{item} is not a plain header");
    let mut out = String::new();
    let mut it = v.chars().peekable();
    while let Some(c) = it.next() {
        match (c, it.peek()) {
            ('\\', Some(':' | '=' | '@' | ';')) => {}
            _ => out.push(c),
        }
    }
    (k.to_string(), out)
}

#[test]
fn httpie_sends_the_exact_request() {
    let spec = nasty_spec()
        .header("X-Eq", "=C:\\dir")
        .header("X-At", "@/etc/passwd");
    for token in [TokenMode::Masked, TokenMode::Revealed(TOKEN)] {
        let words = bash_words(&render(&spec, ORIGIN, Language::Httpie, token), &env());
        assert_eq!(
            words[..4],
            ["http", "--ignore-stdin", "POST", &spec.url(ORIGIN)]
        );
        let headers: Vec<_> = words[4..words.len() - 2]
            .iter()
            .map(|w| httpie_header(w))
            .collect();
        assert_eq!(
            headers,
            [
                ("Authorization".into(), format!("Bearer {TOKEN}")),
                ("X-Note".into(), "a 'b' \"c\" $d %e% ^f! `g` \\h".into()),
                ("X-Eq".into(), "=C:\\dir".into()),
                ("X-At".into(), "@/etc/passwd".into()),
                ("Content-Type".into(), "application/json".into()),
            ]
        );
        assert_eq!(after(&words, "--raw"), [nasty_body()]);
    }
}

#[test]
fn bash_page_loops_request_each_page() {
    let spec = RequestSpec::get("/csapi/v1.3/images")
        .param("filter", NASTY)
        .param("pageNumber", "3")
        .param("sort", "created:desc");
    let expected = spec
        .clone()
        .set_param("pageNumber", "7")
        .set_param("pageSize", "50")
        .url(ORIGIN);
    for lang in [Language::CurlBash, Language::Httpie] {
        let snippet = render_all_pages(&spec, ORIGIN, lang, TokenMode::Masked);
        let fetch = snippet
            .split_once("resp=$(")
            .unwrap()
            .1
            .split_once(") ||")
            .unwrap()
            .0;
        let words = bash_words(fetch, &env());
        assert!(words.contains(&expected), "{lang:?}: {words:?}");
        assert!(snippet.contains("< 50 or $page * 50 >= (.count // infinite)"));
        assert!(snippet.trim_end().ends_with("done | jq -s '.'"));
    }
}

// ---------------------------------------------------------------- cmd

/// cmd.exe at the prompt, phase 1: `%name%` expands when `name` is set; otherwise the text stays
/// and scanning resumes at the closing `%` (so `%a %b%` still expands `%b%`).
fn cmd_percent(line: &str, env: &HashMap<&str, &str>) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(p) = rest.find('%') {
        out.push_str(&rest[..p]);
        let after_open = &rest[p + 1..];
        match after_open.find('%') {
            Some(q) => {
                let name = &after_open[..q];
                let hit = env.iter().find(|(k, _)| k.eq_ignore_ascii_case(name));
                match hit {
                    Some((_, v)) => {
                        out.push_str(v);
                        rest = &after_open[q + 1..];
                    }
                    None => {
                        out.push('%');
                        out.push_str(name);
                        rest = &after_open[q..];
                    }
                }
            }
            None => {
                out.push('%');
                rest = after_open;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Phase 2: quotes toggle at every `"`; outside them `^` escapes the next character (at the end
/// of a line it joins the next line and escapes its first character) and an unescaped
/// `& | < >` or line break would end the command.
fn cmd_carets(line: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    let mut it = line.chars();
    while let Some(c) = it.next() {
        if c == '"' {
            quoted = !quoted;
            out.push(c);
        } else if quoted {
            assert!(c != '\n', "line break inside quotes");
            out.push(c);
        } else {
            match c {
                '^' => match it.next().expect("caret at the very end") {
                    '\n' => out.extend(it.next()),
                    n => out.push(n),
                },
                '&' | '|' | '<' | '>' | '\n' => panic!("unescaped {c:?} in {line}"),
                _ => out.push(c),
            }
        }
    }
    out
}

/// The Microsoft C runtime's argv rules (2008 and later).
fn crt_argv(cmdline: &str) -> Vec<String> {
    let chars: Vec<char> = cmdline.chars().collect();
    let mut args = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut has) = (false, false);
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                let n = chars[i..].iter().take_while(|&&c| c == '\\').count();
                i += n;
                if chars.get(i) == Some(&'"') {
                    cur.push_str(&"\\".repeat(n / 2));
                    if n % 2 == 1 {
                        cur.push('"');
                        i += 1;
                    }
                } else {
                    cur.push_str(&"\\".repeat(n));
                }
                has = true;
            }
            '"' => {
                if quoted && chars.get(i + 1) == Some(&'"') {
                    cur.push('"');
                    i += 2;
                } else {
                    quoted = !quoted;
                    i += 1;
                }
                has = true;
            }
            ' ' | '\t' if !quoted => {
                if has {
                    args.push(std::mem::take(&mut cur));
                    has = false;
                }
                i += 1;
            }
            c => {
                cur.push(c);
                has = true;
                i += 1;
            }
        }
    }
    if has {
        args.push(cur);
    }
    args
}

fn cmd_env() -> HashMap<&'static str, &'static str> {
    HashMap::from([
        ("SHIPSHAPE_TOKEN", TOKEN),
        ("PATH", "C:\\Windows"),
        ("CD", "C:\\Users\\me"),
        ("HOME", "C:\\Users\\me"),
        ("X", "expanded"),
    ])
}

/// What curl.exe receives for the non-`REM` lines of a cmd snippet.
fn cmd_argv(snippet: &str) -> Vec<String> {
    let code: Vec<&str> = snippet.lines().filter(|l| !l.starts_with("REM ")).collect();
    crt_argv(&cmd_carets(&cmd_percent(&code.join("\n"), &cmd_env())))
}

#[test]
fn cmd_quote_round_trips() {
    let greek = "\u{0370}\u{0371}"; // UTF-8 CD B0 CD B1: percent-encoded as %CD%B0%CD%B1
    for s in [
        NASTY.replace(['\n', '\t', '\r'], " ").as_str(),
        "",
        "\"",
        "\\",
        "a\\\\\"b\\",
        "%CD%",
        "%%",
        "%1%",
        "x^",
        r#"{"a":"b&c|d<e>f(g)^h"}"#,
        "a\"&",
        "\"&\"",
        &crate::request::percent_encode(greek),
        &crate::request::percent_encode(NASTY),
    ] {
        let q = cmd_quote(s);
        let args = crt_argv(&cmd_carets(&cmd_percent(
            &format!("curl.exe {q}"),
            &cmd_env(),
        )));
        assert_eq!(args, ["curl.exe", s], "{s:?} quoted as {q}");
    }
    // Readable where it can be.
    assert_eq!(
        cmd_quote("https://h/x?a=%20b&c=%C3%A9"),
        "\"https://h/x?a=%20b&c=%C3%A9\""
    );
    assert_eq!(cmd_quote("a\\b"), "\"a\\b\"");
    // After `\"` cmd believes the quotes closed, so the `&` there needs its caret.
    assert_eq!(cmd_quote(r#"{"a":"b&c"}"#), r#""{\"a\":\"b^&c\"}""#);
}

#[test]
fn curl_cmd_sends_the_exact_request() {
    let spec = nasty_spec();
    for token in [TokenMode::Masked, TokenMode::Revealed(TOKEN)] {
        let snippet = render(&spec, ORIGIN, Language::CurlCmd, token);
        let args = cmd_argv(&snippet);
        assert_eq!(
            args[..6],
            ["curl.exe", "-sS", "-g", "-X", "POST", &spec.url(ORIGIN)]
        );
        assert_eq!(
            after(&args, "-H"),
            [
                format!("Authorization: Bearer {TOKEN}"),
                "X-Note: a 'b' \"c\" $d %e% ^f! `g` \\h".to_string(),
                "Content-Type: application/json".to_string(),
            ]
        );
        assert_eq!(after(&args, "--data-raw"), [nasty_body()]);
        assert!(snippet.contains("REM Typed at the prompt as is; in a .bat file"));
    }
    let masked = render(&spec, ORIGIN, Language::CurlCmd, TokenMode::Masked);
    assert!(masked.starts_with("REM for /f \"delims=\" %t in ('curl.exe -s -X POST \"https://shipshape.example:8443/auth\""));
    // The form body of POST /auth, and a plain list URL, stay in the readable form.
    let form = form_spec();
    let args = cmd_argv(&render(&form, ORIGIN, Language::CurlCmd, TokenMode::Masked));
    assert_eq!(after(&args, "--data-raw"), [form.body.unwrap().encoded()]);
}

#[test]
fn curl_cmd_refuses_a_body_it_cannot_carry() {
    let snippet = render(
        &raw_body_spec(),
        ORIGIN,
        Language::CurlCmd,
        TokenMode::Masked,
    );
    assert!(snippet.starts_with("REM This body contains line breaks"));
    assert!(snippet.lines().all(|l| l.starts_with("REM ")));
}

#[test]
fn cmd_page_loop_requests_each_page() {
    let spec = RequestSpec::get("/csapi/v1.3/images")
        .param("filter", NASTY)
        .param("pageSize", "100");
    let snippet = render_all_pages(&spec, ORIGIN, Language::CurlCmd, TokenMode::Masked);
    let line = snippet.lines().find(|l| l.starts_with("for /L")).unwrap();
    let rest: Vec<&str> = snippet
        .lines()
        .skip_while(|l| !l.starts_with("for /L"))
        .collect();
    // Phase 4 of cmd: the loop variable, after percent expansion and carets.
    let expanded = cmd_carets(&cmd_percent(&rest.join("\n"), &cmd_env())).replace("%p", "7");
    let args = crt_argv(expanded.split_once(" do ").unwrap().1);
    let expected = spec.clone().set_param("pageNumber", "7").url(ORIGIN);
    assert!(args.contains(&expected), "{args:?}");
    assert!(args.contains(&format!("Authorization: Bearer {TOKEN}")));
    assert!(line.starts_with("for /L %p in (1,1,10) do curl.exe -sS -g -o page-%p.json "));
    assert!(snippet.contains("raise 10 to count / 100 rounded up"));
}

// ---------------------------------------------------------------- PowerShell

/// Reads a single-quoted PowerShell string starting at `s` (which begins with the quote):
/// any of `' ‘ ’ ‚ ‛` ends it unless another one follows, in which case the second is kept.
fn ps_unquote(s: &str) -> (String, &str) {
    let is_q = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}');
    let mut it = s.char_indices().peekable();
    assert!(is_q(it.next().unwrap().1));
    let mut out = String::new();
    while let Some((i, c)) = it.next() {
        if is_q(c) {
            match it.peek() {
                Some(&(_, n)) if is_q(n) => {
                    out.push(n);
                    it.next();
                }
                _ => return (out, &s[i + c.len_utf8()..]),
            }
        } else {
            out.push(c);
        }
    }
    panic!("unterminated string in {s}");
}

/// The value of `Key = '…'` in the snippet's hashtable (the first such line).
fn ps_value(snippet: &str, key: &str) -> String {
    let line_start = snippet
        .find(&format!("    {key} "))
        .unwrap_or_else(|| panic!("{key} in {snippet}"));
    let from_quote = &snippet[line_start..];
    let q = from_quote.find(['\'', '\u{2018}']).unwrap();
    ps_unquote(&from_quote[q..]).0
}

#[test]
fn ps_quote_round_trips() {
    for s in [NASTY, "", "'", "’’", "a‘b’c‚d‛e"] {
        let quoted = ps_quote(s);
        let (back, rest) = ps_unquote(&quoted);
        assert_eq!((back.as_str(), rest), (s, ""));
    }
}

#[test]
fn powershell_sends_the_exact_request() {
    let spec = nasty_spec();
    for token in [TokenMode::Masked, TokenMode::Revealed(TOKEN)] {
        let snippet = render(&spec, ORIGIN, Language::PowerShell, token);
        assert_eq!(ps_value(&snippet, "Method"), "Post");
        assert_eq!(ps_value(&snippet, "Uri"), spec.url(ORIGIN));
        assert_eq!(ps_value(&snippet, "ContentType"), "application/json");
        // Non-ASCII body: sent as UTF-8 bytes.
        assert!(snippet.contains("Body        = [System.Text.Encoding]::UTF8.GetBytes('"));
        assert_eq!(ps_value(&snippet, "Body"), nasty_body());
        let headers = &snippet[snippet.find("Headers").unwrap()..];
        let x_note = &headers[headers.find("'X-Note' = ").unwrap() + 11..];
        assert_eq!(ps_unquote(x_note).0, "a 'b' \"c\" $d %e% ^f! `g` \\h");
        match token {
            TokenMode::Masked => {
                assert!(snippet.starts_with("# $env:SHIPSHAPE_TOKEN = Invoke-RestMethod -Method Post -Uri 'https://shipshape.example:8443/auth' -Body 'username=USER&password=PASS&token=true'\n"));
                assert!(headers.contains("'Authorization' = \"Bearer $env:SHIPSHAPE_TOKEN\""));
            }
            TokenMode::Revealed(t) => {
                assert!(headers.contains(&format!("'Authorization' = 'Bearer {t}'")));
            }
        }
    }
}

#[test]
fn powershell_page_loop() {
    let spec = RequestSpec::get("/csapi/v1.3/images")
        .param("pageNumber", "1")
        .param("filter", "a'b");
    let snippet = render_all_pages(&spec, ORIGIN, Language::PowerShell, TokenMode::Masked);
    let uri_line = snippet
        .lines()
        .find(|l| l.trim_start().starts_with("Uri"))
        .unwrap();
    let (prefix, rest) = ps_unquote(&uri_line[uri_line.find('\'').unwrap()..]);
    let rest = rest.trim_start().strip_prefix("+ $page + ").unwrap();
    let (suffix, end) = ps_unquote(rest);
    assert_eq!(end, "");
    assert_eq!(
        format!("{prefix}7{suffix}"),
        spec.clone()
            .set_param("pageSize", "50")
            .set_param("pageNumber", "7")
            .url(ORIGIN)
    );
    assert!(snippet.contains("if ($data.Count -lt 50 -or"));
}

// ---------------------------------------------------------------- Python and JavaScript

/// Decodes the double-quoted literal that starts at the first `"` after `marker`.
fn literal_after(src: &str, marker: &str) -> String {
    let from = &src[src
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {src}"))
        + marker.len()..];
    let from = &from[from.find('"').unwrap()..];
    let mut end = 1;
    let bytes = from.as_bytes();
    while bytes[end] != b'"' {
        end += if bytes[end] == b'\\' { 2 } else { 1 };
    }
    serde_json::from_str(&from[..=end]).expect("a JSON-compatible literal")
}

#[test]
fn string_literals_round_trip() {
    for s in [
        NASTY,
        "",
        "\u{0}\u{1f}\u{7f}\u{85}\u{2029}",
        "\\\"",
        "</script>",
    ] {
        for lit in [python_str(s), js_str(s)] {
            assert_eq!(serde_json::from_str::<String>(&lit).unwrap(), s);
            assert!(!lit[1..lit.len() - 1].contains(['\n', '\r', '\u{2028}']));
        }
    }
}

#[test]
fn python_sends_the_exact_request() {
    let spec = nasty_spec();
    for token in [TokenMode::Masked, TokenMode::Revealed(TOKEN)] {
        let snippet = render(&spec, ORIGIN, Language::Python, token);
        assert_eq!(literal_after(&snippet, "requests.post("), spec.url(ORIGIN));
        assert_eq!(literal_after(&snippet, "data="), nasty_body());
        assert!(snippet.contains("data=\"") && snippet.contains("\".encode(\"utf-8\"),"));
        assert_eq!(
            literal_after(&snippet, "\"X-Note\": "),
            "a 'b' \"c\" $d %e% ^f! `g` \\h"
        );
        match token {
            TokenMode::Masked => {
                assert!(snippet.starts_with("# export SHIPSHAPE_TOKEN=$(curl"));
                assert!(snippet
                    .contains("\"Authorization\": \"Bearer \" + os.environ[\"SHIPSHAPE_TOKEN\"],"));
            }
            TokenMode::Revealed(t) => {
                assert_eq!(
                    literal_after(&snippet, "\"Authorization\": "),
                    format!("Bearer {t}")
                );
                assert!(!snippet.contains("import os"));
            }
        }
    }
}

#[test]
fn fetch_sends_the_exact_request() {
    let spec = nasty_spec();
    for token in [TokenMode::Masked, TokenMode::Revealed(TOKEN)] {
        let snippet = render(&spec, ORIGIN, Language::Fetch, token);
        assert_eq!(literal_after(&snippet, "fetch("), spec.url(ORIGIN));
        assert_eq!(literal_after(&snippet, "body: "), nasty_body());
        assert_eq!(
            literal_after(&snippet, "\"X-Note\": "),
            "a 'b' \"c\" $d %e% ^f! `g` \\h"
        );
        assert!(snippet.contains("method: \"POST\""));
        match token {
            TokenMode::Masked => {
                assert!(snippet.starts_with("// export SHIPSHAPE_TOKEN=$(curl"));
                assert!(snippet.contains("\"Bearer \" + process.env.SHIPSHAPE_TOKEN"));
            }
            TokenMode::Revealed(t) => {
                assert_eq!(
                    literal_after(&snippet, "\"Authorization\": "),
                    format!("Bearer {t}")
                );
            }
        }
    }
}

#[test]
fn script_page_loops() {
    let spec = RequestSpec::get("/csapi/v1.3/containers")
        .param("pageNumber", "1")
        .param("filter", NASTY)
        .param("pageSize", "250");
    let expected = spec.clone().set_param("pageNumber", "7").url(ORIGIN);
    let py = render_all_pages(&spec, ORIGIN, Language::Python, TokenMode::Masked);
    let js = render_all_pages(&spec, ORIGIN, Language::Fetch, TokenMode::Masked);
    for (src, glue) in [(&py, " + str(page) + "), (&js, " + page + ")] {
        let prefix = literal_after(src, if src == &js { "fetch(" } else { "(\n" });
        let suffix = literal_after(src, glue);
        assert_eq!(format!("{prefix}7{suffix}"), expected);
    }
    assert!(py.contains(
        "if len(body[\"data\"]) < 250 or page * 250 >= body.get(\"count\", float(\"inf\")):"
    ));
    assert!(
        js.contains("if (body.data.length < 250 || page * 250 >= (body.count ?? Infinity)) break;")
    );
}

// ---------------------------------------------------------------- bulk lists

#[test]
fn bulk_lists_follow_the_link_header() {
    let spec = RequestSpec::get("/csapi/v1.3/images/list")
        .param("filter", NASTY)
        .param("limit", "250");
    let url = spec.url(ORIGIN);
    let page = |lang| render_all_pages(&spec, ORIGIN, lang, TokenMode::Masked);
    for lang in [Language::CurlBash, Language::Httpie] {
        let s = page(lang);
        let first = s.lines().find(|l| l.starts_with("url=")).unwrap();
        assert_eq!(bash_words(&first[4..], &env()), [url.as_str()]);
        assert!(s.contains(r#"s/^[Ll]ink: *<\([^>]*\)>.*rel="\{0,1\}next.*/\1/p"#));
        assert!(!s.contains("pageNumber"));
    }
    let py = page(Language::Python);
    assert_eq!(literal_after(&py, "url = "), url);
    assert!(py.contains("url = response.links.get(\"next\", {}).get(\"url\")"));
    let js = page(Language::Fetch);
    assert_eq!(literal_after(&js, "let url = "), url);
    assert!(js.contains("response.headers.get(\"link\")"));
    let ps = page(Language::PowerShell);
    let line = ps.lines().find(|l| l.starts_with("$url = '")).unwrap();
    assert_eq!(ps_unquote(&line[7..]), (url.clone(), ""));
    assert!(ps.contains("Uri     = $url"));
    let cmd = page(Language::CurlCmd);
    assert!(cmd.contains("use the PowerShell variant"));
    assert!(cmd_argv(&cmd).contains(&url));
}

// ---------------------------------------------------------------- the API and snapshots

#[test]
fn language_ids_are_stable() {
    let ids: Vec<_> = Language::ALL.iter().map(|l| l.id()).collect();
    assert_eq!(
        ids,
        [
            "curl",
            "curl-cmd",
            "powershell",
            "python",
            "fetch",
            "httpie"
        ]
    );
    for l in Language::ALL {
        assert_eq!(Language::from_id(l.id()), Some(l));
    }
    assert_eq!(Language::from_id("cobol"), None);
    assert_eq!(Language::CurlCmd.label(), "curl (Windows cmd)");
}

#[test]
fn the_page_marker_never_collides() {
    // A filter that contains the marker itself must not confuse the split.
    let spec = RequestSpec::get("/csapi/v1.3/images").param("filter", "PAGE0NUMBER");
    let snippet = render_all_pages(&spec, ORIGIN, Language::Python, TokenMode::Masked);
    assert!(snippet.contains("filter=PAGE0NUMBER&pageSize=50&pageNumber=\" + str(page)"));
}

#[test]
fn non_list_bodies_keep_their_bytes() {
    // The body text is never re-serialised, whatever its spacing.
    let spec = RequestSpec::new(Method::Put, "/x").json("{ \"a\" :1 }");
    for lang in Language::ALL {
        let s = render(&spec, ORIGIN, lang, TokenMode::Masked);
        if lang == Language::CurlCmd {
            assert_eq!(after(&cmd_argv(&s), "--data-raw"), ["{ \"a\" :1 }"]);
            continue;
        }
        assert!(
            s.contains("{ \\\"a\\\" :1 }") || s.contains("{ \"a\" :1 }"),
            "{lang:?}: {s}"
        );
    }
}

fn example() -> RequestSpec {
    RequestSpec::get("/csapi/v1.3/images")
        .param("filter", "repo.tag:\"1.2 beta\" and é")
        .param("pageSize", "50")
}

fn example_post() -> RequestSpec {
    RequestSpec::new(Method::Post, "/csapi/v1.3/dashboards").json(r#"{"name":"Team's view"}"#)
}

#[test]
fn snapshots() {
    let cases: [(RequestSpec, Language, TokenMode, bool); 8] = [
        (example(), Language::CurlBash, TokenMode::Masked, false),
        (example_post(), Language::CurlCmd, TokenMode::Masked, false),
        (
            example_post(),
            Language::PowerShell,
            TokenMode::Masked,
            false,
        ),
        (example(), Language::Python, TokenMode::Masked, false),
        (
            example_post(),
            Language::Fetch,
            TokenMode::Revealed(TOKEN),
            false,
        ),
        (example_post(), Language::Httpie, TokenMode::Masked, false),
        (example(), Language::CurlBash, TokenMode::Masked, true),
        (example(), Language::PowerShell, TokenMode::Masked, true),
    ];
    for ((spec, lang, token, pages), expected) in cases.into_iter().zip(SNAPSHOTS) {
        let got = if pages {
            render_all_pages(&spec, ORIGIN, lang, token)
        } else {
            render(&spec, ORIGIN, lang, token)
        };
        assert_eq!(got, expected, "{lang:?}\n{got}");
    }
}

const SNAPSHOTS: [&str; 8] = [
    r#"# export SHIPSHAPE_TOKEN=$(curl -s -X POST 'https://shipshape.example:8443/auth' -d 'username=USER&password=PASS&token=true')
curl -sS -g 'https://shipshape.example:8443/csapi/v1.3/images?filter=repo.tag%3A%221.2%20beta%22%20and%20%C3%A9&pageSize=50' \
  -H "Authorization: Bearer $SHIPSHAPE_TOKEN"
"#,
    r#"REM for /f "delims=" %t in ('curl.exe -s -X POST "https://shipshape.example:8443/auth" -d "username=USER&password=PASS&token=true"') do set "SHIPSHAPE_TOKEN=%t"
curl.exe -sS -g -X POST "https://shipshape.example:8443/csapi/v1.3/dashboards" ^
  -H "Authorization: Bearer %SHIPSHAPE_TOKEN%" ^
  -H "Content-Type: application/json" ^
  --data-raw "{\"name\":\"Team's view\"}"
"#,
    r#"# $env:SHIPSHAPE_TOKEN = Invoke-RestMethod -Method Post -Uri 'https://shipshape.example:8443/auth' -Body 'username=USER&password=PASS&token=true'
$request = @{
    Method      = 'Post'
    Uri         = 'https://shipshape.example:8443/csapi/v1.3/dashboards'
    Headers     = @{ 'Authorization' = "Bearer $env:SHIPSHAPE_TOKEN" }
    ContentType = 'application/json'
    Body        = '{"name":"Team''s view"}'
}
Invoke-RestMethod @request
"#,
    r#"# export SHIPSHAPE_TOKEN=$(curl -s -X POST 'https://shipshape.example:8443/auth' -d 'username=USER&password=PASS&token=true')
import os

import requests

response = requests.get(
    "https://shipshape.example:8443/csapi/v1.3/images?filter=repo.tag%3A%221.2%20beta%22%20and%20%C3%A9&pageSize=50",
    headers={
        "Authorization": "Bearer " + os.environ["SHIPSHAPE_TOKEN"],
    },
    timeout=60,
)
response.raise_for_status()
print(response.text)
"#,
    r#"// Node 18+: save as request.mjs and run `node request.mjs`.
const response = await fetch("https://shipshape.example:8443/csapi/v1.3/dashboards", {
  method: "POST",
  headers: {
    "Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl",
    "Content-Type": "application/json",
  },
  body: "{\"name\":\"Team's view\"}",
});
if (!response.ok) throw new Error(response.status + " " + (await response.text()));
console.log(await response.text());
"#,
    r#"# export SHIPSHAPE_TOKEN=$(http --ignore-stdin --body --form POST 'https://shipshape.example:8443/auth' username=USER password=PASS token=true)
http --ignore-stdin POST 'https://shipshape.example:8443/csapi/v1.3/dashboards' \
  "Authorization:Bearer $SHIPSHAPE_TOKEN" \
  'Content-Type:application/json' \
  --raw '{"name":"Team'\''s view"}'
"#,
    r#"# export SHIPSHAPE_TOKEN=$(curl -s -X POST 'https://shipshape.example:8443/auth' -d 'username=USER&password=PASS&token=true')
page=1
while :; do
  resp=$(curl -sS -g --fail-with-body 'https://shipshape.example:8443/csapi/v1.3/images?filter=repo.tag%3A%221.2%20beta%22%20and%20%C3%A9&pageSize=50&pageNumber='"$page" \
      -H "Authorization: Bearer $SHIPSHAPE_TOKEN") || { printf '%s\n' "$resp" >&2; break; }
  jq -c '.data[]' <<<"$resp"
  if jq -e --argjson page "$page" '(.data | length) < 50 or $page * 50 >= (.count // infinite)' >/dev/null <<<"$resp"; then
    break
  fi
  page=$((page + 1))
done | jq -s '.'
"#,
    r#"# $env:SHIPSHAPE_TOKEN = Invoke-RestMethod -Method Post -Uri 'https://shipshape.example:8443/auth' -Body 'username=USER&password=PASS&token=true'
$rows = [System.Collections.Generic.List[object]]::new()
$page = 1
while ($true) {
    $request = @{
        Method  = 'Get'
        Uri     = 'https://shipshape.example:8443/csapi/v1.3/images?filter=repo.tag%3A%221.2%20beta%22%20and%20%C3%A9&pageSize=50&pageNumber=' + $page
        Headers = @{ 'Authorization' = "Bearer $env:SHIPSHAPE_TOKEN" }
    }
    $resp = Invoke-RestMethod @request
    $data = @($resp.data)
    $rows.AddRange($data)
    if ($data.Count -lt 50 -or ($null -ne $resp.count -and $page * 50 -ge $resp.count)) { break }
    $page++
}
$rows | ConvertTo-Json -Depth 20
"#,
];
