//! Type-checking: turns a clause's raw value into typed values against the token's catalogue
//! entry (keywords canonicalised, numbers bounded, dates read, ranges ordered).

use crate::ast::{LabelPair, Operator, Range, Scalar, ScalarKind, Span, Text, TextMode, Value};
use crate::catalogue::{TokenDef, TokenType};
use crate::date::{parse_date, DateError, DateValue};
use crate::error::ErrorKind;
use crate::suggest::suggest_value;
use std::cmp::Ordering;

/// How a raw value was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RawKind {
    /// A bare word.
    Word,
    /// `"…"` or `'…'`.
    Quoted,
    /// `` `…` ``
    Backtick,
}

/// A value as written, before its token's type is known to fit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawScalar {
    pub kind: RawKind,
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RawValue {
    Scalar(RawScalar),
    List {
        items: Vec<RawScalar>,
        span: Span,
    },
    Range {
        lo: RawScalar,
        hi: RawScalar,
        inclusive: bool,
        span: Span,
    },
    Label {
        key: RawScalar,
        value: RawScalar,
        span: Span,
    },
}

impl RawValue {
    pub fn span(&self) -> Span {
        match self {
            RawValue::Scalar(s) => s.span,
            RawValue::List { span, .. }
            | RawValue::Range { span, .. }
            | RawValue::Label { span, .. } => *span,
        }
    }
}

pub(crate) type Checked<T> = Result<T, (ErrorKind, Span)>;

/// What the type is called in sentences: "'state' is a keyword and …".
fn type_phrase(ty: TokenType) -> &'static str {
    match ty {
        TokenType::Text => "text",
        TokenType::Keyword(_) => "a keyword",
        TokenType::Number { .. } => "a number",
        TokenType::Date => "a date",
        TokenType::Boolean => "a boolean",
        TokenType::LabelPair => "a label pair",
    }
}

/// Checks `op raw` for the token `def`; `chars` is the query, to quote a range in a message.
/// Operator errors point at the operator, value errors at the value.
pub(crate) fn check_value(
    def: &'static TokenDef,
    op: Operator,
    op_span: Span,
    raw: RawValue,
    chars: &[char],
) -> Checked<Value> {
    let token = def.name;
    let whole = raw.span();
    let is_list = matches!(raw, RawValue::List { .. } | RawValue::Range { .. });
    if is_list && op != Operator::Match {
        return Err((ErrorKind::ListNeedsMatch { token, op }, op_span));
    }
    let op_fits = match def.ty {
        TokenType::Number { .. } | TokenType::Date => true,
        TokenType::Keyword(_) | TokenType::Boolean => matches!(op, Operator::Match | Operator::Eq),
        TokenType::Text | TokenType::LabelPair => op == Operator::Match,
    };
    if !op_fits {
        return Err((
            ErrorKind::BadOperator {
                token,
                op,
                ty: type_phrase(def.ty),
            },
            op_span,
        ));
    }
    match raw {
        RawValue::Label { key, value, span } if def.ty == TokenType::LabelPair => {
            Ok(Value::Label(LabelPair {
                key: text(&key),
                key_span: key.span,
                value: text(&value),
                value_span: value.span,
                span,
            }))
        }
        _ if def.ty == TokenType::LabelPair => {
            let found = format!("'{}'", slice(chars, whole));
            Err((ErrorKind::ExpectedLabelPair { found }, whole))
        }
        RawValue::Scalar(s) => Ok(Value::Scalar(scalar(def, &s)?)),
        RawValue::List { items, span } => {
            let items = items
                .iter()
                .map(|s| scalar(def, s))
                .collect::<Checked<Vec<_>>>()?;
            Ok(Value::List { items, span })
        }
        RawValue::Range {
            lo,
            hi,
            inclusive,
            span,
        } => {
            if !def.ty.is_ordered() {
                let ty = type_phrase(def.ty);
                return Err((ErrorKind::RangeNotAllowed { token, ty }, span));
            }
            let (lo, hi) = (scalar(def, &lo)?, scalar(def, &hi)?);
            let order = compare(&lo.kind, &hi.kind);
            let empty = match order {
                Some(Ordering::Greater) => true,
                Some(Ordering::Equal) => !inclusive,
                _ => false,
            };
            if empty {
                let text = slice(chars, span);
                let equal = order == Some(Ordering::Equal);
                return Err((ErrorKind::EmptyRange { text, equal }, span));
            }
            Ok(Value::Range(Range {
                lo,
                hi,
                inclusive,
                span,
            }))
        }
        RawValue::Label { span, .. } => {
            let found = format!("'{}'", slice(chars, span));
            let expected = expected_phrase(def.ty);
            Err((
                ErrorKind::BadValueType {
                    token,
                    expected,
                    found,
                },
                span,
            ))
        }
    }
}

/// Orders two bounds when that does not depend on the clock: two numbers, two absolute dates,
/// or two relative dates (by offset). An absolute and a relative date are left unchecked.
fn compare(lo: &ScalarKind, hi: &ScalarKind) -> Option<Ordering> {
    match (lo, hi) {
        (ScalarKind::Number(a), ScalarKind::Number(b)) => Some(a.cmp(b)),
        (ScalarKind::Date(DateValue::EpochMs(a)), ScalarKind::Date(DateValue::EpochMs(b))) => {
            Some(a.cmp(b))
        }
        (
            ScalarKind::Date(DateValue::Now { offset_ms: a }),
            ScalarKind::Date(DateValue::Now { offset_ms: b }),
        ) => Some(a.cmp(b)),
        _ => None,
    }
}

fn slice(chars: &[char], span: Span) -> String {
    chars[span.start.min(chars.len())..span.end.min(chars.len())]
        .iter()
        .collect()
}

/// A bare word with `*` or `?` is a pattern; quotes make a phrase, backticks an exact value.
fn text(raw: &RawScalar) -> Text {
    let mode = match raw.kind {
        RawKind::Word if raw.text.contains(['*', '?']) => TextMode::Wildcard,
        RawKind::Word | RawKind::Quoted => TextMode::Contains,
        RawKind::Backtick => TextMode::Exact,
    };
    Text {
        text: raw.text.clone(),
        mode,
    }
}

/// "a number from 1 to 5", "true or false", …: what a token takes, for messages.
fn expected_phrase(ty: TokenType) -> String {
    match ty {
        TokenType::Number {
            min: Some(lo),
            max: Some(hi),
        } => format!("a number from {lo} to {hi}"),
        TokenType::Number {
            min: Some(lo),
            max: None,
        } => {
            format!("a whole number of at least {lo}")
        }
        TokenType::Number {
            min: None,
            max: Some(hi),
        } => format!("a whole number of at most {hi}"),
        TokenType::Number {
            min: None,
            max: None,
        } => "a whole number".into(),
        TokenType::Date => {
            "a date such as 1593731505425, 2024-05-01, 2024-05-01T12:30:00Z or now-7d".into()
        }
        TokenType::Boolean => "true or false".into(),
        TokenType::Keyword(values) => format!("one of {}", values.join(", ")),
        TokenType::Text => "text".into(),
        TokenType::LabelPair => "key=value".into(),
    }
}

/// Checks one value against the token's type.
fn scalar(def: &'static TokenDef, raw: &RawScalar) -> Checked<Scalar> {
    let token = def.name;
    let span = raw.span;
    let bad_type = || {
        let (expected, found) = (expected_phrase(def.ty), raw.text.clone());
        (
            ErrorKind::BadValueType {
                token,
                expected,
                found,
            },
            span,
        )
    };
    let kind = match def.ty {
        TokenType::Text | TokenType::LabelPair => ScalarKind::Text(text(raw)),
        TokenType::Keyword(allowed) => {
            match allowed.iter().find(|a| a.eq_ignore_ascii_case(&raw.text)) {
                Some(canonical) => ScalarKind::Keyword(canonical),
                None => {
                    let suggestion = suggest_value(allowed, &raw.text);
                    let value = raw.text.clone();
                    return Err((
                        ErrorKind::UnknownEnumValue {
                            token,
                            value,
                            suggestion,
                            allowed,
                        },
                        span,
                    ));
                }
            }
        }
        TokenType::Number { min, max } => {
            let digits = raw.text.strip_prefix('-').unwrap_or(&raw.text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad_type());
            }
            let out_of_range = || {
                let (expected, found) = (expected_phrase(def.ty), raw.text.clone());
                (
                    ErrorKind::OutOfRange {
                        token,
                        expected,
                        found,
                    },
                    span,
                )
            };
            let n: i64 = raw.text.parse().map_err(|_| out_of_range())?;
            if min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
                return Err(out_of_range());
            }
            ScalarKind::Number(n)
        }
        TokenType::Date => match parse_date(&raw.text) {
            Ok(d) => ScalarKind::Date(d),
            Err(DateError::NotADate) => return Err(bad_type()),
            Err(DateError::Invalid(reason)) => {
                let found = raw.text.clone();
                return Err((ErrorKind::InvalidDate { found, reason }, span));
            }
        },
        TokenType::Boolean => {
            if raw.text.eq_ignore_ascii_case("true") {
                ScalarKind::Boolean(true)
            } else if raw.text.eq_ignore_ascii_case("false") {
                ScalarKind::Boolean(false)
            } else {
                return Err(bad_type());
            }
        }
    };
    Ok(Scalar { kind, span })
}
