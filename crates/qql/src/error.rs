//! Parse errors: a kind, a span in characters and a sentence a person understands.
//!
//! The text form (`Display`) is always two lines: the sentence, then `start:end <the query>`.

use crate::ast::{Operator, Span};
use crate::catalogue::Entity;
use serde::Serialize;

/// The most characters a query may have.
pub const MAX_LEN: usize = 4096;
/// The deepest nesting of `(` and `not` a query may have.
pub const MAX_DEPTH: usize = 64;
/// The most errors a lenient parse reports; it stops after that many (each error holds a copy
/// of the query, and no one reads past the first screenful).
pub const MAX_ERRORS: usize = 100;

/// What went wrong. Every variant carries what its sentence needs; the span is on [`QqlError`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ErrorKind {
    /// The query is longer than [`MAX_LEN`] characters; the span is the part past the limit.
    TooLong {
        len: usize,
    },
    /// `(` or `not` nested deeper than [`MAX_DEPTH`]; the span is the first one too deep.
    TooDeep,
    /// The entity has no such token.
    UnknownToken {
        token: String,
        entity: Entity,
        suggestion: Option<&'static str>,
    },
    /// A token name with no `:`, `=`, `>`, … after it.
    MissingOperator {
        token: String,
    },
    /// An operator, `[`, `,` or `..` with no value after it; `after` is what came before.
    ExpectedValue {
        after: String,
    },
    /// `and`, `or`, `not` or `(` with no clause after it (`after`), or a query starting wrong.
    ExpectedClause {
        after: Option<String>,
        found: String,
    },
    /// Something that cannot come here.
    UnexpectedToken {
        found: String,
        expected: &'static str,
    },
    /// Two clauses side by side: QQL wants `and` or `or` between them.
    Juxtaposition {
        found: String,
    },
    UnclosedParen {
        opened_at: usize,
    },
    /// A `)` with no `(` open.
    UnmatchedParen,
    /// A list or range with no closing bracket.
    UnclosedBracket {
        open: char,
        close: char,
        opened_at: usize,
    },
    /// `[lo .. hi)` or `(lo .. hi]`.
    MismatchedBracket {
        open: char,
        close: char,
    },
    UnterminatedString {
        quote: char,
        opened_at: usize,
    },
    /// A value of the wrong type, e.g. a word for a number token.
    BadValueType {
        token: &'static str,
        expected: String,
        found: String,
    },
    /// A number outside the token's bounds (or outside 64 bits).
    OutOfRange {
        token: &'static str,
        expected: String,
        found: String,
    },
    /// Looks like a date but is not one (`2023-02-29`, `now-7`).
    InvalidDate {
        found: String,
        reason: String,
    },
    UnknownEnumValue {
        token: &'static str,
        value: String,
        suggestion: Option<&'static str>,
        allowed: &'static [&'static str],
    },
    /// A range whose lower bound is above its upper bound (or equal, for an exclusive range).
    EmptyRange {
        text: String,
        equal: bool,
    },
    /// An operator the token's type does not take (`state>RUNNING`, `name=x`).
    BadOperator {
        token: &'static str,
        op: Operator,
        ty: &'static str,
    },
    /// A list or range after an operator other than `:`.
    ListNeedsMatch {
        token: &'static str,
        op: Operator,
    },
    /// A range on a token that is not a number or a date.
    RangeNotAllowed {
        token: &'static str,
        ty: &'static str,
    },
    /// `label:` not followed by `key=value`.
    ExpectedLabelPair {
        found: String,
    },
}

/// A parse error: what, where, and the query it was found in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QqlError {
    pub kind: ErrorKind,
    pub span: Span,
    /// The whole query, for the second line of the text form.
    pub query: String,
}

impl QqlError {
    pub fn new(kind: ErrorKind, span: Span, query: &str) -> QqlError {
        QqlError {
            kind,
            span,
            query: query.to_owned(),
        }
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Where, in characters of the query.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The sentence, e.g. `Expected a value after 'state:'.`
    pub fn message(&self) -> String {
        self.kind.message()
    }
}

impl ErrorKind {
    /// The sentence for this error (the first line of `QqlError`'s text form).
    pub fn message(&self) -> String {
        use ErrorKind::*;
        match self {
            TooLong { len } => {
                format!("The query is {len} characters long; the limit is {MAX_LEN}.")
            }
            TooDeep => format!("The query nests '(' and 'not' more than {MAX_DEPTH} levels deep."),
            UnknownToken {
                token,
                entity,
                suggestion,
            } => match suggestion {
                Some(s) => format!("Unknown token '{token}' for {entity}. Did you mean '{s}'?"),
                None => format!("Unknown token '{token}' for {entity}."),
            },
            MissingOperator { token } => {
                format!("Expected ':' or a comparison (=, >, >=, <, <=) after '{token}'.")
            }
            ExpectedValue { after } => format!("Expected a value after '{after}'."),
            ExpectedClause {
                after: Some(after), ..
            } => {
                format!("Expected a clause after '{after}'.")
            }
            ExpectedClause { after: None, found } => format!("Expected a clause, found {found}."),
            UnexpectedToken { found, expected } => format!("Expected {expected}, found {found}."),
            Juxtaposition { found } => {
                format!("Missing 'and' or 'or' before {found}: clauses need one between them.")
            }
            UnclosedParen { opened_at } => {
                format!("Missing ')' to close the '(' opened at {opened_at}.")
            }
            UnmatchedParen => "Unexpected ')': no '(' is open.".into(),
            UnclosedBracket {
                open,
                close,
                opened_at,
            } => {
                format!("Missing '{close}' to close the '{open}' opened at {opened_at}.")
            }
            MismatchedBracket { open, close } => format!(
                "The range opened with '{open}' closes with '{close}': write [lo .. hi] \
                 (inclusive) or (lo .. hi) (exclusive)."
            ),
            UnterminatedString { quote, opened_at } => {
                format!("Missing the closing {quote} of the value opened at {opened_at}.")
            }
            BadValueType {
                token,
                expected,
                found,
            }
            | OutOfRange {
                token,
                expected,
                found,
            } => {
                format!("'{token}' takes {expected}, not '{found}'.")
            }
            InvalidDate { found, reason } => format!("'{found}' is not a valid date: {reason}."),
            UnknownEnumValue {
                token,
                value,
                suggestion: Some(s),
                ..
            } => {
                format!("Unknown value '{value}' for '{token}'. Did you mean '{s}'?")
            }
            UnknownEnumValue {
                token,
                value,
                suggestion: None,
                allowed,
            } => format!(
                "Unknown value '{value}' for '{token}': use one of {}.",
                allowed.join(", ")
            ),
            EmptyRange { text, equal: false } => format!(
                "'{text}' is an empty range: the lower bound is greater than the upper bound."
            ),
            EmptyRange { text, equal: true } => format!(
                "'{text}' is an empty range: its bounds are equal and the brackets exclude them."
            ),
            BadOperator { token, op, ty } => {
                format!("'{token}' is {ty} and takes ':', not '{op}'.")
            }
            ListNeedsMatch { token, op } => {
                format!("'{token}' takes ':' before a list or a range, not '{op}'.")
            }
            RangeNotAllowed { token, ty } => {
                format!("'{token}' is {ty} and takes no range: ranges are for numbers and dates.")
            }
            ExpectedLabelPair { found } => {
                format!("'label' takes key=value, like label:team=payments, not {found}.")
            }
        }
    }
}

impl std::fmt::Display for QqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n{} {}", self.message(), self.span, self.query)
    }
}

impl std::error::Error for QqlError {}
