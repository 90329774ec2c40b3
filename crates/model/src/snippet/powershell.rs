//! PowerShell: `Invoke-RestMethod` with a splatted hashtable (no backtick line continuations,
//! which break silently when a trailing space sneaks in after the backtick).

use super::{Paged, Parts, TokenMode, TOKEN_ENV};

/// A single-quoted PowerShell string: nothing expands inside (`$`, backtick, `"` are literal)
/// and a quote is written twice. PowerShell also takes the typographic quotes `‘ ’ ‚ ‛` as
/// single quotes, so a value containing one would end the string early: they are doubled too.
pub fn ps_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

fn method_name(parts: &Parts) -> &'static str {
    match parts.method {
        crate::request::Method::Get => "Get",
        crate::request::Method::Post => "Post",
        crate::request::Method::Put => "Put",
        crate::request::Method::Patch => "Patch",
        crate::request::Method::Delete => "Delete",
    }
}

/// The `@{ … }` of parameters, each line indented by `indent`.
fn request_table(parts: &Parts, uri_expr: &str, token: TokenMode, indent: &str) -> String {
    let mut entries: Vec<(String, String)> = vec![
        ("Method".into(), ps_quote(method_name(parts))),
        ("Uri".into(), uri_expr.to_string()),
    ];
    let mut headers = Vec::new();
    if parts.auth {
        headers.push(match token {
            TokenMode::Masked => format!("'Authorization' = \"Bearer $env:{TOKEN_ENV}\""),
            TokenMode::Revealed(t) => format!("'Authorization' = {}", ps_quote(&Parts::bearer(t))),
        });
    }
    let mut content_type = None;
    for (k, v) in &parts.headers {
        // Invoke-RestMethod wants the content type as -ContentType; Windows PowerShell rejects
        // it among -Headers.
        if k.eq_ignore_ascii_case("content-type") {
            content_type = Some(v.as_str());
        } else {
            headers.push(format!("{} = {}", ps_quote(k), ps_quote(v)));
        }
    }
    if !headers.is_empty() {
        entries.push(("Headers".into(), format!("@{{ {} }}", headers.join("; "))));
    }
    if let Some(ct) = content_type {
        entries.push(("ContentType".into(), ps_quote(ct)));
    }
    if let Some(body) = &parts.body {
        // A string -Body is encoded as ISO-8859-1 by Windows PowerShell 5.1 (and by 7.x unless the
        // content type names a charset); bytes are sent as they are.
        let value = if body.is_ascii() {
            ps_quote(body)
        } else {
            format!("[System.Text.Encoding]::UTF8.GetBytes({})", ps_quote(body))
        };
        entries.push(("Body".into(), value));
    }
    let width = entries.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::from("@{\n");
    for (k, v) in entries {
        out.push_str(&format!("{indent}    {k:width$} = {v}\n"));
    }
    out.push_str(indent);
    out.push('}');
    out
}

fn token_comment(parts: &Parts, token: TokenMode) -> String {
    if parts.auth && token == TokenMode::Masked {
        format!(
            "# $env:{TOKEN_ENV} = Invoke-RestMethod -Method Post -Uri {} -Body 'username=USER&password=PASS&token=true'\n",
            ps_quote(&parts.auth_url())
        )
    } else {
        String::new()
    }
}

pub(super) fn single(parts: &Parts, token: TokenMode) -> String {
    format!(
        "{}$request = {}\nInvoke-RestMethod @request\n",
        token_comment(parts, token),
        request_table(parts, &ps_quote(&parts.url), token, "")
    )
}

pub(super) fn all_pages(paged: &Paged, token: TokenMode) -> String {
    let parts = &paged.parts;
    let mut uri = format!("{} + $page", ps_quote(&paged.url_prefix));
    if !paged.url_suffix.is_empty() {
        uri.push_str(&format!(" + {}", ps_quote(&paged.url_suffix)));
    }
    let size = paged.page_size;
    format!(
        "{comment}$rows = [System.Collections.Generic.List[object]]::new()\n\
         $page = 1\n\
         while ($true) {{\n    \
         $request = {table}\n    \
         $resp = Invoke-RestMethod @request\n    \
         $data = @($resp.data)\n    \
         $rows.AddRange($data)\n    \
         if ($data.Count -lt {size} -or ($null -ne $resp.count -and $page * {size} -ge $resp.count)) {{ break }}\n    \
         $page++\n\
         }}\n\
         $rows | ConvertTo-Json -Depth 20\n",
        comment = token_comment(parts, token),
        table = request_table(parts, &uri, token, "    "),
    )
}

pub(super) fn follow_links(parts: &Parts, token: TokenMode) -> String {
    // Invoke-WebRequest rather than Invoke-RestMethod, for the headers (-FollowRelLink would do
    // it all but needs PowerShell 7). The body is decoded as UTF-8 by hand: Windows PowerShell
    // reads a JSON response without a charset as ISO-8859-1.
    format!(
        "{comment}$rows = [System.Collections.Generic.List[object]]::new()\n\
         $url = {url}\n\
         while ($url) {{\n    \
         $request = {table}\n    \
         $resp = Invoke-WebRequest @request -UseBasicParsing\n    \
         $json = [System.Text.Encoding]::UTF8.GetString($resp.RawContentStream.ToArray())\n    \
         $rows.AddRange(@(($json | ConvertFrom-Json).data))\n    \
         $url = $null\n    \
         if (\"$($resp.Headers['Link'])\" -match '<([^>]*)>\\s*;\\s*rel=\"?next\"?') {{ $url = $Matches[1] }}\n\
         }}\n\
         $rows | ConvertTo-Json -Depth 20\n",
        comment = token_comment(parts, token),
        url = ps_quote(&parts.url),
        table = request_table(parts, "$url", token, "    "),
    )
}
