//! Completion for the console: what could be typed at the cursor, from the catalogue.
//!
//! The text before the cursor is scanned with the parser's scanner and a small state machine
//! (operand → operator → value → `and`/`or`), which works on half-typed and broken queries
//! alike: it never reports errors, it only needs to know where the cursor is.

use crate::ast::{Operator, Span};
use crate::catalogue::{catalogue, lookup, Entity, TokenDef, TokenType};
use crate::error::MAX_LEN;
use crate::lexer::{Mode, Scanner, Tok, Token};
use crate::suggest::distance;
use serde::Serialize;

/// What the console shows: items to offer and the span of the text an item replaces.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Completions {
    /// Characters of the query that the chosen item replaces (empty at the cursor).
    pub replace: Span,
    pub items: Vec<CompletionItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CompletionItem {
    /// What the list shows.
    pub label: String,
    /// What replaces `Completions::replace`.
    pub insert: String,
    pub kind: CompletionKind,
    /// The type and description of a token, or what a value or operator means.
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum CompletionKind {
    Token,
    Value,
    Operator,
    Keyword,
}

/// Where the scan is.
#[derive(Clone, Copy)]
enum State {
    Operand,
    Operator(Option<&'static TokenDef>),
    Value(Option<&'static TokenDef>),
    Bracket(Option<&'static TokenDef>),
    AfterClause,
}

impl State {
    fn mode(self) -> Mode {
        match self {
            State::Value(_) => Mode::Value,
            State::Bracket(_) => Mode::Bracket,
            _ => Mode::Operand,
        }
    }
}

/// Suggestions for the text at `cursor` (in characters; clamped to the text) of a query over
/// `entity`. Never fails: an empty list means nothing sensible can be typed there.
pub fn complete(input: &str, cursor: usize, entity: Entity) -> Completions {
    let chars: Vec<char> = input.chars().take(MAX_LEN).collect();
    let cursor = cursor.min(chars.len());
    let mut sc = Scanner {
        chars: &chars,
        pos: 0,
        end: cursor,
    };
    let mut state = State::Operand;
    loop {
        let t = sc.peek(state.mode());
        let typing = t.span.end == cursor && matches!(t.tok, Tok::Word(_) | Tok::Quoted { .. });
        if t.tok == Tok::Eof {
            return at_gap(state, &t, entity);
        }
        if typing {
            if let Some(c) = at_word(state, &t, entity) {
                return c;
            }
        }
        sc.bump(&t);
        state = match (state, &t.tok) {
            (State::Operand, Tok::Word(_)) if t.is_keyword("not") => State::Operand,
            (State::Operand, Tok::Word(w)) => State::Operator(lookup(entity, w)),
            (State::Operand, _) => State::Operand,
            (State::Operator(def), Tok::Op(_)) => State::Value(def),
            (State::Operator(_), _) => State::Operand,
            (State::Value(def), Tok::LBracket | Tok::LParen) => State::Bracket(def),
            (State::Value(_), Tok::Word(_)) if t.space_before && t.is_any_keyword() => {
                State::Operand
            }
            (State::Value(_), Tok::Word(_) | Tok::Quoted { .. } | Tok::RParen) => {
                State::AfterClause
            }
            (State::Value(_), _) => State::Operand,
            (State::Bracket(_), Tok::RBracket | Tok::RParen) => State::AfterClause,
            (State::Bracket(def), _) => State::Bracket(def),
            (State::AfterClause, Tok::Word(_)) if t.is_any_keyword() => State::Operand,
            (State::AfterClause, Tok::Word(w)) => State::Operator(lookup(entity, w)),
            (State::AfterClause, _) => State::AfterClause,
        };
    }
}

/// The cursor is after whitespace, an operator or a bracket: offer everything that fits.
fn at_gap(state: State, eof: &Token, entity: Entity) -> Completions {
    let at = Span::new(eof.span.start, eof.span.start);
    let items = match state {
        State::Operand => token_items(entity, ""),
        State::Operator(Some(def)) if eof.space_before => operator_items(def),
        State::Value(Some(def)) => value_items(def, "", true),
        State::Bracket(Some(def)) => value_items(def, "", false),
        State::AfterClause if eof.space_before => keyword_items(""),
        _ => Vec::new(),
    };
    Completions { replace: at, items }
}

/// The cursor is at the end of a word being typed: offer what it could become.
fn at_word(state: State, t: &Token, entity: Entity) -> Option<Completions> {
    let prefix = match &t.tok {
        Tok::Word(w) => w.clone(),
        Tok::Quoted { text, .. } => text.clone(),
        _ => return None,
    };
    let items = match state {
        State::Operand => {
            let mut items = token_items(entity, &prefix);
            if "not".starts_with(&prefix.to_ascii_lowercase()) && !prefix.is_empty() {
                items.push(keyword("not", "The next clause or group must not match."));
            }
            items
        }
        State::Value(Some(def)) => value_items(def, &prefix, true),
        State::Bracket(Some(def)) => value_items(def, &prefix, false),
        State::AfterClause => keyword_items(&prefix),
        _ => return None,
    };
    Some(Completions {
        replace: t.span,
        items,
    })
}

/// How well `candidate` fits what was typed: prefix, then a segment's prefix, then a
/// substring, then a typo. `None` if not at all.
fn rank(candidate: &str, typed: &str) -> Option<u8> {
    if typed.is_empty() {
        return Some(0);
    }
    let (c, t) = (candidate.to_ascii_lowercase(), typed.to_ascii_lowercase());
    if c.starts_with(&t) {
        Some(0)
    } else if c.split('.').any(|seg| seg.starts_with(&t)) {
        Some(1)
    } else if c.contains(&t) {
        Some(2)
    } else {
        // A typo in what was typed so far: compare with the candidate's start of that length.
        let n = t.chars().count();
        let start: String = c.chars().take(n).collect();
        let tolerance = match n {
            4..=7 => 1,
            8..=64 => 2,
            _ => return None,
        };
        (distance(&start, &t) <= tolerance).then_some(3)
    }
}

fn type_detail(ty: TokenType) -> String {
    match ty {
        TokenType::Keyword(values) => format!("keyword ({})", values.join(", ")),
        TokenType::Number {
            min: Some(lo),
            max: Some(hi),
        } => format!("number {lo} to {hi}"),
        other => other.name().to_string(),
    }
}

fn token_items(entity: Entity, typed: &str) -> Vec<CompletionItem> {
    let mut ranked: Vec<(u8, usize, &TokenDef)> = catalogue(entity)
        .iter()
        .enumerate()
        .filter_map(|(i, d)| rank(d.name, typed).map(|r| (r, i, d)))
        .collect();
    ranked.sort_by_key(|(r, i, _)| (*r, *i));
    ranked
        .into_iter()
        .map(|(_, _, d)| CompletionItem {
            label: d.name.to_string(),
            insert: format!("{}:", d.name),
            kind: CompletionKind::Token,
            detail: format!("{}: {}", type_detail(d.ty), d.description),
        })
        .collect()
}

fn operator_items(def: &TokenDef) -> Vec<CompletionItem> {
    let ops: &[(Operator, &str)] = match def.ty {
        TokenType::Text | TokenType::LabelPair => &[(Operator::Match, "contains or matches")],
        TokenType::Keyword(_) | TokenType::Boolean => &[
            (Operator::Match, "is (or any of a list)"),
            (Operator::Eq, "is"),
        ],
        TokenType::Number { .. } | TokenType::Date => &[
            (Operator::Match, "is, any of a list, or within a range"),
            (Operator::Eq, "equals"),
            (Operator::Gt, "greater than / after"),
            (Operator::Ge, "at least / not before"),
            (Operator::Lt, "less than / before"),
            (Operator::Le, "at most / not after"),
        ],
    };
    ops.iter()
        .map(|(op, what)| CompletionItem {
            label: op.as_str().to_string(),
            insert: op.as_str().to_string(),
            kind: CompletionKind::Operator,
            detail: (*what).to_string(),
        })
        .collect()
}

fn value(label: &str, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        insert: label.to_string(),
        kind: CompletionKind::Value,
        detail: detail.to_string(),
    }
}

fn keyword(label: &str, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        insert: format!("{label} "),
        kind: CompletionKind::Keyword,
        detail: detail.to_string(),
    }
}

fn keyword_items(typed: &str) -> Vec<CompletionItem> {
    [
        ("and", "Both sides must match."),
        ("or", "Either side may match."),
    ]
    .into_iter()
    .filter(|(k, _)| k.starts_with(&typed.to_ascii_lowercase()))
    .map(|(k, d)| keyword(k, d))
    .collect()
}

/// Values of the token's type; `scalar` is false inside brackets (no ranges offered there).
fn value_items(def: &TokenDef, typed: &str, scalar: bool) -> Vec<CompletionItem> {
    let detail = format!("{} value", def.name);
    let mut items: Vec<CompletionItem> = match def.ty {
        TokenType::Keyword(values) => values.iter().map(|v| value(v, &detail)).collect(),
        TokenType::Boolean => vec![value("true", &detail), value("false", &detail)],
        TokenType::Date => {
            let mut v = vec![
                value("now", "the time the query runs"),
                value("now-24h", "24 hours ago"),
                value("now-7d", "7 days ago"),
                value("now-30d", "30 days ago"),
            ];
            if scalar {
                v.push(value("[now-7d .. now]", "the last 7 days"));
            }
            v
        }
        TokenType::Number {
            min: Some(lo),
            max: Some(hi),
        } if hi - lo <= 10 => {
            let mut v: Vec<CompletionItem> =
                (lo..=hi).map(|n| value(&n.to_string(), &detail)).collect();
            if scalar {
                v.push(value(
                    &format!("[{} .. {hi}]", hi - 1),
                    "a range (inclusive)",
                ));
            }
            v
        }
        _ => Vec::new(),
    };
    if !typed.is_empty() {
        let typed = typed.to_ascii_lowercase();
        let by_prefix = |i: &CompletionItem| i.label.to_ascii_lowercase().starts_with(&typed);
        if items.iter().any(by_prefix) {
            items.retain(by_prefix);
        } else {
            items.retain(|i| rank(&i.label, &typed).is_some());
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(c: &Completions) -> Vec<&str> {
        c.items.iter().map(|i| i.label.as_str()).collect()
    }

    #[test]
    fn tokens_by_prefix_then_fuzzy() {
        let c = complete("sta", 3, Entity::Container);
        assert_eq!(c.replace, Span::new(0, 3));
        assert_eq!(labels(&c)[..2], ["state", "stateChanged"]);
        let c = complete("sev", 3, Entity::Image);
        assert_eq!(labels(&c), ["vulnerabilities.severity"]);
        assert_eq!(c.items[0].insert, "vulnerabilities.severity:");
    }

    #[test]
    fn enum_values_after_the_operator() {
        let c = complete("state:", 6, Entity::Container);
        assert_eq!(c.replace, Span::new(6, 6));
        assert_eq!(
            labels(&c),
            ["RUNNING", "STOPPED", "PAUSED", "DELETED", "CREATED", "UNKNOWN"]
        );
        let c = complete("state:ru", 8, Entity::Container);
        assert_eq!(c.replace, Span::new(6, 8));
        assert_eq!(labels(&c), ["RUNNING"]);
        let c = complete("state:[RUNNING, p", 17, Entity::Container);
        assert_eq!(labels(&c), ["PAUSED"]);
        let c = complete("isRoot:", 7, Entity::Container);
        assert_eq!(labels(&c), ["true", "false"]);
        let c = complete("created>", 8, Entity::Image);
        assert!(labels(&c).contains(&"now-7d"));
    }

    #[test]
    fn and_or_after_a_complete_clause() {
        let c = complete("state:RUNNING ", 14, Entity::Container);
        assert_eq!(labels(&c), ["and", "or"]);
        let c = complete("state:RUNNING o", 15, Entity::Container);
        assert_eq!(labels(&c), ["or"]);
        assert_eq!(c.replace, Span::new(14, 15));
        let c = complete("state:RUNNING and ", 18, Entity::Container);
        assert!(labels(&c).contains(&"isRoot"));
    }

    #[test]
    fn operators_after_a_token_and_a_space() {
        let c = complete("created ", 8, Entity::Image);
        assert_eq!(labels(&c), [":", "=", ">", ">=", "<", "<="]);
    }

    #[test]
    fn cursor_in_the_middle_only_looks_left() {
        let c = complete("state:RUNNING and isRoot:true", 3, Entity::Container);
        assert_eq!(c.replace, Span::new(0, 3));
        assert_eq!(labels(&c)[0], "state");
    }
}
