//! The printer: writes a tree back as canonical QQL, so that `parse(print(q)) == q`.
//!
//! Canonical form: `and`, `or`, `not` in lower case; one space around `and`/`or`, none around
//! operators; parentheses only where the tree needs them; token names as in the catalogue;
//! keywords as their wire values; dates as epoch ms or `now±N<unit>`; numbers in decimal;
//! lists as `[a, b]`, ranges as `[lo .. hi]` or `(lo .. hi)`.
//!
//! Text: a bare word when that reads back the same, else `"…"` with `\` before `"` and `\`.
//! Exact values are always in backticks (`` \` `` and `\\` escaped). A wildcard pattern is a bare
//! word; a pattern that is not a valid bare word (the parser never makes one) is written as a
//! phrase, which matches it literally.

use crate::ast::{Expr, LabelPair, Query, Scalar, ScalarKind, Text, TextMode, Value};
use crate::date::format_date;

/// Canonical QQL for `q` (the empty string for the empty query).
pub fn print(q: &Query) -> String {
    let mut out = String::new();
    if let Some(e) = &q.expr {
        write_expr(&mut out, e);
    }
    out
}

impl std::fmt::Display for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&print(self))
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::new();
        write_expr(&mut out, self);
        f.write_str(&out)
    }
}

fn write_expr(out: &mut String, e: &Expr) {
    match e {
        // An `Or` inside an `Or` (or an `And` inside an `And`) was parenthesised: keep it so.
        Expr::Or { operands, .. } => {
            write_chain(out, operands, " or ", |c| matches!(c, Expr::Or { .. }))
        }
        Expr::And { operands, .. } => write_chain(out, operands, " and ", |c| {
            matches!(c, Expr::Or { .. } | Expr::And { .. })
        }),
        Expr::Not { operand, .. } => {
            out.push_str("not ");
            let wrap = matches!(**operand, Expr::Or { .. } | Expr::And { .. });
            write_wrapped(out, operand, wrap);
        }
        Expr::Clause(c) => {
            out.push_str(c.token.name);
            out.push_str(c.op.as_str());
            write_value(out, &c.value);
        }
    }
}

fn write_chain(out: &mut String, operands: &[Expr], sep: &str, wrap: impl Fn(&Expr) -> bool) {
    for (i, child) in operands.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        write_wrapped(out, child, wrap(child));
    }
}

fn write_wrapped(out: &mut String, e: &Expr, wrap: bool) {
    if wrap {
        out.push('(');
    }
    write_expr(out, e);
    if wrap {
        out.push(')');
    }
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Scalar(s) => write_scalar(out, s, false),
        Value::List { items, .. } => {
            out.push('[');
            for (i, s) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_scalar(out, s, true);
            }
            out.push(']');
        }
        Value::Range(r) => {
            out.push(if r.inclusive { '[' } else { '(' });
            write_scalar(out, &r.lo, true);
            out.push_str(" .. ");
            write_scalar(out, &r.hi, true);
            out.push(if r.inclusive { ']' } else { ')' });
        }
        Value::Label(LabelPair { key, value, .. }) => {
            write_text(out, key, Place::LabelKey);
            out.push('=');
            write_text(out, value, Place::Value);
        }
    }
}

fn write_scalar(out: &mut String, s: &Scalar, in_brackets: bool) {
    match &s.kind {
        ScalarKind::Text(t) => write_text(
            out,
            t,
            if in_brackets {
                Place::Bracket
            } else {
                Place::Value
            },
        ),
        ScalarKind::Number(n) => out.push_str(&n.to_string()),
        ScalarKind::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        ScalarKind::Keyword(k) => out.push_str(k),
        ScalarKind::Date(d) => out.push_str(&format_date(d)),
    }
}

/// Where a bare word is read, which decides what ends it (see `lexer::Mode`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Value,
    Bracket,
    LabelKey,
}

/// Whether `s` reads back as one bare word with this exact text at `place`.
fn reads_back_bare(s: &str, place: Place) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let ends_word = |c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ',');
    let ends_here = match place {
        Place::Value => false,
        Place::Bracket => s.contains(".."),
        Place::LabelKey => s.contains('='),
    };
    !matches!(first, '"' | '\'' | '`') && !s.chars().any(ends_word) && !ends_here
}

fn write_text(out: &mut String, t: &Text, place: Place) {
    match t.mode {
        TextMode::Exact => write_quoted(out, &t.text, '`'),
        TextMode::Wildcard if reads_back_bare(&t.text, place) => out.push_str(&t.text),
        // A bare word that is a plain word: no wildcard characters, no keyword, nothing a
        // reader could take for an escape.
        TextMode::Contains
            if reads_back_bare(&t.text, place)
                && !t.text.contains(['*', '?', '"', '\'', '`', '\\'])
                && !["and", "or", "not"]
                    .iter()
                    .any(|k| t.text.eq_ignore_ascii_case(k)) =>
        {
            out.push_str(&t.text)
        }
        TextMode::Contains | TextMode::Wildcard => write_quoted(out, &t.text, '"'),
    }
}

fn write_quoted(out: &mut String, s: &str, quote: char) {
    out.push(quote);
    for c in s.chars() {
        if c == quote || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push(quote);
}
