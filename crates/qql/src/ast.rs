//! The syntax tree `parse` returns, `print` writes back and the server walks to build SQL.
//!
//! Every node keeps its [`Span`]. All fields are public: walk the tree with `match`.
//!
//! **Grouping is not a node.** Parentheses only shape the tree: `(a or b) and c` is
//! `And[Or[a, b], c]`, and `((a))` is `a`. A chain `a and b and c` is one n-ary `And`; a
//! parenthesised `And` inside an `And` stays a separate child (`(a and b) and c` is
//! `And[And[a, b], c]`) so that the printer, which adds parentheses exactly where a child
//! would otherwise merge into or bind looser than its parent, reproduces the same tree.
//! `Or`/`And` built by the parser always have at least two operands.

use crate::catalogue::TokenType;
use crate::date::DateValue;
use serde::Serialize;

/// A half-open range `start..end` of **characters** (not bytes) of the query text.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// `3..8`: keeps snapshots of trees readable.
impl std::fmt::Debug for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.start, self.end)
    }
}

/// A parsed query. `expr` is `None` for an empty (or whitespace-only) query: it matches every row.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Query {
    pub expr: Option<Expr>,
}

/// A boolean combination of clauses. `and` binds tighter than `or`; `not` tighter than both.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Expr {
    /// Some operand matches.
    Or {
        operands: Vec<Expr>,
        span: Span,
    },
    /// Every operand matches.
    And {
        operands: Vec<Expr>,
        span: Span,
    },
    /// The operand does not match. The span starts at the `not`.
    Not {
        operand: Box<Expr>,
        span: Span,
    },
    Clause(Clause),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Or { span, .. } | Expr::And { span, .. } | Expr::Not { span, .. } => *span,
            Expr::Clause(c) => c.span,
        }
    }
}

/// `token op value`, e.g. `vulnerabilities.severity:[4 .. 5]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Clause {
    pub token: TokenRef,
    pub op: Operator,
    pub op_span: Span,
    pub value: Value,
    pub span: Span,
}

/// A token of the catalogue as it appears in a clause; `name` is the catalogue's spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TokenRef {
    pub name: &'static str,
    pub ty: TokenType,
    pub span: Span,
}

/// The operator between a token and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Operator {
    /// `:` matches: contains for text, equals for the other types, any-of for a list,
    /// within for a range.
    Match,
    /// `=`: equals (not for text).
    Eq,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

impl Operator {
    pub const ALL: [Operator; 6] = [
        Operator::Match,
        Operator::Eq,
        Operator::Gt,
        Operator::Ge,
        Operator::Lt,
        Operator::Le,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Match => ":",
            Operator::Eq => "=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::Lt => "<",
            Operator::Le => "<=",
        }
    }

    /// `>`, `>=`, `<`, `<=`: only numbers and dates take these.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            Operator::Gt | Operator::Ge | Operator::Lt | Operator::Le
        )
    }
}

impl std::fmt::Display for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a clause compares against.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Value {
    Scalar(Scalar),
    /// `[a, b, c]`: any of the values (at least one).
    List {
        items: Vec<Scalar>,
        span: Span,
    },
    Range(Range),
    /// `label:key=value` (extension).
    Label(LabelPair),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Scalar(s) => s.span,
            Value::List { span, .. } => *span,
            Value::Range(r) => r.span,
            Value::Label(l) => l.span,
        }
    }
}

/// One typed value and where it was written.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scalar {
    pub kind: ScalarKind,
    pub span: Span,
}

/// A value already checked against the token's type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ScalarKind {
    Text(Text),
    Number(i64),
    Boolean(bool),
    /// The canonical wire value from the catalogue (`running` is stored as `RUNNING`).
    Keyword(&'static str),
    Date(DateValue),
}

/// A text value and how to match it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Text {
    pub text: String,
    pub mode: TextMode,
}

/// How a text value matches; matching is case-insensitive except for `Exact`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TextMode {
    /// A bare word or a quoted phrase (`"…"` or `'…'`): the field contains it. `*` and `?` in a
    /// quoted phrase are plain characters.
    Contains,
    /// Backticks: the field is exactly this, case included.
    Exact,
    /// A bare word with `*` (any run) or `?` (one character): the whole field matches the
    /// pattern. Only bare-word characters can appear in a pattern, so there is no escape.
    Wildcard,
}

/// `[lo .. hi]` (inclusive) or `(lo .. hi)` (exclusive); `lo` is never above `hi`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Range {
    pub lo: Scalar,
    pub hi: Scalar,
    pub inclusive: bool,
    pub span: Span,
}

/// `key=value` after `label:`: one label matches both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LabelPair {
    pub key: Text,
    pub key_span: Span,
    pub value: Text,
    pub value_span: Span,
    pub span: Span,
}

impl Query {
    /// Whether this is the empty query, which matches every row.
    pub fn is_empty(&self) -> bool {
        self.expr.is_none()
    }

    /// Every clause, left to right (whatever `and`/`or`/`not` combine them).
    pub fn clauses(&self) -> Vec<&Clause> {
        let mut out = Vec::new();
        let mut stack: Vec<&Expr> = self.expr.iter().collect();
        while let Some(e) = stack.pop() {
            match e {
                Expr::Or { operands, .. } | Expr::And { operands, .. } => {
                    stack.extend(operands.iter().rev())
                }
                Expr::Not { operand, .. } => stack.push(operand),
                Expr::Clause(c) => out.push(c),
            }
        }
        out
    }

    /// A copy with every span set to `0:0`: compare trees regardless of where they were written
    /// (`parse(print(q))` has other spans than `q`).
    pub fn without_spans(&self) -> Query {
        let mut q = self.clone();
        if let Some(e) = &mut q.expr {
            e.clear_spans();
        }
        q
    }
}

impl Expr {
    /// Sets every span in this subtree to `0:0`.
    pub fn clear_spans(&mut self) {
        match self {
            Expr::Or { operands, span } | Expr::And { operands, span } => {
                *span = Span::default();
                operands.iter_mut().for_each(Expr::clear_spans);
            }
            Expr::Not { operand, span } => {
                *span = Span::default();
                operand.clear_spans();
            }
            Expr::Clause(c) => {
                c.span = Span::default();
                c.op_span = Span::default();
                c.token.span = Span::default();
                match &mut c.value {
                    Value::Scalar(s) => s.span = Span::default(),
                    Value::List { items, span } => {
                        *span = Span::default();
                        items.iter_mut().for_each(|s| s.span = Span::default());
                    }
                    Value::Range(r) => {
                        r.span = Span::default();
                        r.lo.span = Span::default();
                        r.hi.span = Span::default();
                    }
                    Value::Label(l) => {
                        l.span = Span::default();
                        l.key_span = Span::default();
                        l.value_span = Span::default();
                    }
                }
            }
        }
    }
}
