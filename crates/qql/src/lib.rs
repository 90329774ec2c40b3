//! QQL, Shipshape's query language: scanner, parser (strict and lenient), typed syntax tree with
//! spans, printer, token catalogue and completion. No I/O, no clock; builds for wasm32.
//!
//! The contract is `shared/spec/qql.md`. The server calls [`parse`] and walks the [`Query`]
//! to build SQL (values only ever as bound parameters); the console calls [`parse_lenient`] and
//! [`complete`] on every keystroke and shows [`QqlError`]s with their spans.
//!
//! # Grammar
//!
//! ```text
//! query       = ws* [ or_expr ] ws* EOF            (empty query: matches everything)
//! or_expr     = and_expr { "or" and_expr }
//! and_expr    = not_expr { "and" not_expr }        (juxtaposition is an error)
//! not_expr    = "not" not_expr | primary
//! primary     = group | clause
//! group       = "(" or_expr ")"
//! clause      = token operator value
//! token       = word                               (a name from the entity's catalogue)
//! operator    = ":" | "=" | ">" | ">=" | "<" | "<="
//! value       = list | range | label_pair | quoted_range | scalar
//! list        = "[" item { "," item } "]"
//! range       = ( "[" | "(" ) item ( ".." | "..." ) item ( "]" | ")" )
//! quoted_range= quote ( list | range ) quote       (`created:'[now-7d ... now]'`)
//! label_pair  = item "=" scalar                    (`label:team=payments`, extension)
//! scalar      = word | quoted
//! item        = word | quoted                      (a word inside brackets ends at `..`)
//! quoted      = '"' chars '"' | "'" chars "'" | "`" chars "`"   (`\` escapes the next char)
//! ```
//!
//! `and`, `or`, `not` are matched in any letter case; `and` binds tighter than `or`, `not`
//! tighter than both. Whitespace may surround operators, but a bare `and`/`or`/`not` after
//! whitespace is never a value (quote it). Token names are matched ignoring ASCII case.
//!
//! Words: a token name ends at whitespace or one of `( ) [ ] , : = < > " ' \``; a value ends
//! at whitespace or `( ) [ ] ,` (so `2024-05-01T10:00Z` and `fe80::1` are single values).
//!
//! # Values by type
//!
//! | type | operators | values |
//! |---|---|---|
//! | text | `:` | word (contains), `"phrase"`/`'phrase'` (contains), `` `exact` `` (exact, case-sensitive), `wild*card?` (pattern) |
//! | keyword | `:`, `=` | one of the catalogue's values, any case; stored as the wire value |
//! | number | all | decimal integer within the token's bounds; ranges |
//! | date | all | epoch ms, `2024-05-01`, `2024-05-01T12:30[:00[.000]][Z\|±hh:mm]` (UTC by default), `now`, `now-7d` (`ms s m h d w`, `+` too); ranges |
//! | boolean | `:`, `=` | `true`, `false` |
//! | label pair | `:` | `key=value` |
//!
//! Lists (`[a, b]`) work with `:` on every type; ranges (`[lo .. hi]` inclusive,
//! `(lo .. hi)` exclusive) on numbers and dates, and must not be empty.
//!
//! # Walking the tree
//!
//! Everything in the tree is a public field or enum. Parentheses are not nodes (see [`Expr`]);
//! `Or`/`And` are n-ary; every clause's value is already typed against the catalogue.
//!
//! ```
//! use shipshape_qql::{parse, Entity, Expr, ScalarKind, Value};
//!
//! /// A toy SQL builder: values become bound parameters, never SQL text.
//! fn sql(e: &Expr, params: &mut Vec<String>) -> String {
//!     match e {
//!         Expr::Or { operands, .. } | Expr::And { operands, .. } => {
//!             let sep = if matches!(e, Expr::Or { .. }) { " OR " } else { " AND " };
//!             let parts: Vec<String> = operands.iter().map(|o| sql(o, params)).collect();
//!             format!("({})", parts.join(sep))
//!         }
//!         Expr::Not { operand, .. } => format!("NOT {}", sql(operand, params)),
//!         Expr::Clause(c) => match &c.value {
//!             Value::Scalar(s) => {
//!                 if let ScalarKind::Keyword(k) = s.kind {
//!                     params.push(k.to_string());
//!                 }
//!                 format!("{} = ${}", c.token.name, params.len())
//!             }
//!             _ => "TRUE".into(),
//!         },
//!     }
//! }
//!
//! let q = parse("state:running and not state:paused", Entity::Container).unwrap();
//! let mut params = Vec::new();
//! assert_eq!(sql(q.expr.as_ref().unwrap(), &mut params), "(state = $1 AND NOT state = $2)");
//! assert_eq!(params, ["RUNNING", "PAUSED"]);
//! assert_eq!(q.clauses().len(), 2);
//! ```
//!
//! # Limits and errors
//!
//! At most [`MAX_LEN`] characters and [`MAX_DEPTH`] levels of `(`/`not`; both are errors with
//! a span, checked before recursing, so no input can overflow the stack. Spans count
//! characters, not bytes. See [`ErrorKind`] for every error and its sentence.

mod ast;
mod catalogue;
mod check;
mod complete;
mod date;
mod error;
mod lexer;
mod parser;
mod print;
mod suggest;

pub use ast::{
    Clause, Expr, LabelPair, Operator, Query, Range, Scalar, ScalarKind, Span, Text, TextMode,
    TokenRef, Value,
};
pub use catalogue::{catalogue, lookup, Entity, TokenDef, TokenType};
pub use complete::{complete, CompletionItem, CompletionKind, Completions};
pub use date::DateValue;
pub use error::{ErrorKind, QqlError, MAX_DEPTH, MAX_ERRORS, MAX_LEN};
pub use lexer::{tokenize, Tok, Token};
pub use print::print;

/// Parses `input` as a query over `entity`: the tree, or the first error (for the server).
///
/// Empty or whitespace-only input is the empty query ([`Query::expr`] is `None`).
pub fn parse(input: &str, entity: Entity) -> Result<Query, QqlError> {
    let (query, mut errors) = parser::run(input, entity, false);
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors.swap_remove(0))
    }
}

/// Parses `input` as far as possible (for the console, on every keystroke): always a tree,
/// plus every error recovered from, in order. Broken clauses are left out of the tree, missing
/// `)` and `]` are taken as written, side-by-side clauses are read as joined by `and`, and text
/// past [`MAX_LEN`] is ignored. A query nested past [`MAX_DEPTH`] is cut off there, and the
/// parse stops after [`MAX_ERRORS`] errors. What the tree keeps is always a valid query:
/// `parse(&print(&tree))` succeeds.
pub fn parse_lenient(input: &str, entity: Entity) -> (Query, Vec<QqlError>) {
    parser::run(input, entity, true)
}
