//! The recursive-descent parser: one function per grammar rule (see the crate docs); this
//! file has the expression rules, `value.rs` the value rules.
//!
//! Strict and lenient parsing are the same code. Every error goes through [`Parser::error`]:
//! a strict parser stops at the first one ("halts": every rule returns at once), a lenient
//! one records it, drops the broken clause or closes the missing bracket, and carries on.
//! Nesting is counted before recursing, so no input can recurse deeper than [`MAX_DEPTH`].

mod value;

use crate::ast::{Clause, Expr, Query, Span, TokenRef};
use crate::catalogue::{lookup, Entity};
use crate::check::check_value;
use crate::error::{ErrorKind, QqlError, MAX_DEPTH, MAX_ERRORS, MAX_LEN};
use crate::lexer::{Mode, Scanner, Tok, Token};
use crate::suggest::suggest_token;

/// What came before a rule, for "Expected a clause after 'and'.": its text and span.
type After = Option<(String, Span)>;

pub(crate) struct Parser<'q> {
    sc: Scanner<'q>,
    query: &'q str,
    entity: Entity,
    lenient: bool,
    errors: Vec<QqlError>,
    /// Set by the first error of a strict parse, or by `TooDeep`: every rule returns at once.
    halted: bool,
    /// Current nesting of `(` and `not`.
    depth: usize,
    /// Currently open parentheses: a `)` closes one, or is stray.
    parens: usize,
}

/// Parses `input`; the error list is empty exactly when the query is valid.
pub(crate) fn run(input: &str, entity: Entity, lenient: bool) -> (Query, Vec<QqlError>) {
    let chars: Vec<char> = input.chars().collect();
    let mut errors = Vec::new();
    let mut end = chars.len();
    if end > MAX_LEN {
        let kind = ErrorKind::TooLong { len: end };
        errors.push(QqlError::new(kind, Span::new(MAX_LEN, end), input));
        if !lenient {
            return (Query::default(), errors);
        }
        // The console still gets a tree (and completion) for the part within the limit.
        end = MAX_LEN;
    }
    let mut p = Parser {
        sc: Scanner {
            chars: &chars,
            pos: 0,
            end,
        },
        query: input,
        entity,
        lenient,
        errors,
        halted: false,
        depth: 0,
        parens: 0,
    };
    let expr = p.query();
    (Query { expr }, p.errors)
}

/// `Or`/`And` of the operands, or the single operand itself, or nothing.
fn combine(mut operands: Vec<Expr>, or: bool) -> Option<Expr> {
    match operands.len() {
        0 => None,
        1 => operands.pop(),
        _ => {
            let span = operands[0].span().to(operands[operands.len() - 1].span());
            Some(if or {
                Expr::Or { operands, span }
            } else {
                Expr::And { operands, span }
            })
        }
    }
}

impl<'q> Parser<'q> {
    fn peek(&self, mode: Mode) -> Token {
        self.sc.peek(mode)
    }

    fn bump(&mut self, t: &Token) {
        self.sc.bump(t);
    }

    /// Records an error; a strict parser stops at its first.
    fn error(&mut self, kind: ErrorKind, span: Span) {
        if self.halted {
            return;
        }
        self.errors.push(QqlError::new(kind, span, self.query));
        if !self.lenient || self.errors.len() >= MAX_ERRORS {
            self.halted = true;
        }
    }

    fn too_deep(&mut self, span: Span) {
        self.error(ErrorKind::TooDeep, span);
        // Even a lenient parse stops: going on would mean recursing past the limit.
        self.halted = true;
    }

    fn text(&self, span: Span) -> String {
        self.sc.chars[span.start..span.end].iter().collect()
    }

    /// `'word'` (shortened when long) or "the end of the query", for messages.
    fn describe(&self, t: &Token) -> String {
        if t.tok == Tok::Eof {
            return "the end of the query".into();
        }
        let text = self.text(t.span);
        if text.chars().count() > 40 {
            format!("'{}…'", text.chars().take(40).collect::<String>())
        } else {
            format!("'{text}'")
        }
    }

    /// `query = [ or_expr ] EOF`
    fn query(&mut self) -> Option<Expr> {
        if self.peek(Mode::Operand).tok == Tok::Eof {
            return None;
        }
        let expr = self.or_expr(None);
        // `or_expr` only stops at the end of the text; this loop keeps that a certainty.
        while !self.halted {
            let t = self.peek(Mode::Operand);
            if t.tok == Tok::Eof {
                break;
            }
            let found = self.describe(&t);
            self.error(
                ErrorKind::UnexpectedToken {
                    found,
                    expected: "the end of the query",
                },
                t.span,
            );
            self.bump(&t);
        }
        expr
    }

    /// `or_expr = and_expr { "or" and_expr }`
    fn or_expr(&mut self, after: After) -> Option<Expr> {
        let mut operands: Vec<Expr> = self.and_expr(after).into_iter().collect();
        while !self.halted {
            let t = self.peek(Mode::Operand);
            if !t.is_keyword("or") {
                break;
            }
            self.bump(&t);
            let after = Some((self.text(t.span), t.span));
            operands.extend(self.and_expr(after));
        }
        combine(operands, true)
    }

    /// `and_expr = not_expr { "and" not_expr }`
    ///
    /// Two operands side by side are an error (`Juxtaposition`); the lenient parser reads
    /// them as if `and` stood between them.
    fn and_expr(&mut self, after: After) -> Option<Expr> {
        let mut operands: Vec<Expr> = self.not_expr(after).into_iter().collect();
        while !self.halted {
            let t = self.peek(Mode::Operand);
            match &t.tok {
                Tok::Eof => break,
                Tok::RParen if self.parens > 0 => break,
                Tok::RParen => {
                    self.error(ErrorKind::UnmatchedParen, t.span);
                    self.bump(&t);
                }
                Tok::Word(_) if t.is_keyword("or") => break,
                Tok::Word(_) if t.is_keyword("and") => {
                    self.bump(&t);
                    let after = Some((self.text(t.span), t.span));
                    operands.extend(self.not_expr(after));
                }
                Tok::Word(_) | Tok::Quoted { .. } | Tok::LParen => {
                    let found = self.describe(&t);
                    self.error(ErrorKind::Juxtaposition { found }, t.span);
                    operands.extend(self.not_expr(None));
                }
                _ => {
                    let found = self.describe(&t);
                    let expected = if self.parens > 0 {
                        "'and', 'or' or ')'"
                    } else {
                        "'and', 'or' or the end of the query"
                    };
                    self.error(ErrorKind::UnexpectedToken { found, expected }, t.span);
                    self.bump(&t);
                }
            }
        }
        combine(operands, false)
    }

    /// `not_expr = "not" not_expr | primary`
    fn not_expr(&mut self, after: After) -> Option<Expr> {
        let t = self.peek(Mode::Operand);
        if !t.is_keyword("not") {
            return self.primary(after);
        }
        if self.depth >= MAX_DEPTH {
            self.too_deep(t.span);
            return None;
        }
        self.bump(&t);
        self.depth += 1;
        let operand = self.not_expr(Some((self.text(t.span), t.span)));
        self.depth -= 1;
        operand.map(|e| Expr::Not {
            span: t.span.to(e.span()),
            operand: Box::new(e),
        })
    }

    /// `primary = "(" or_expr ")" | clause`
    ///
    /// The lenient parser skips what cannot start a clause (a stray `)` or `,`) and tries again.
    fn primary(&mut self, after: After) -> Option<Expr> {
        while !self.halted {
            let t = self.peek(Mode::Operand);
            match &t.tok {
                Tok::LParen => return self.group(t),
                Tok::Word(_) if !t.is_any_keyword() => return self.clause(),
                Tok::RParen if self.parens == 0 => {
                    self.error(ErrorKind::UnmatchedParen, t.span);
                    self.bump(&t);
                }
                Tok::Word(_) | Tok::Eof | Tok::RParen => {
                    let found = self.describe(&t);
                    let (after, span) = match after {
                        Some((text, span)) => (Some(text), span),
                        None => (None, t.span),
                    };
                    self.error(ErrorKind::ExpectedClause { after, found }, span);
                    return None;
                }
                _ => {
                    let found = self.describe(&t);
                    self.error(
                        ErrorKind::UnexpectedToken {
                            found,
                            expected: "a token name",
                        },
                        t.span,
                    );
                    self.bump(&t);
                }
            }
        }
        None
    }

    /// `group = "(" or_expr ")"`; a missing `)` is an error the lenient parser repairs.
    fn group(&mut self, open: Token) -> Option<Expr> {
        if self.depth >= MAX_DEPTH {
            self.too_deep(open.span);
            return None;
        }
        self.bump(&open);
        self.depth += 1;
        self.parens += 1;
        let inner = self.or_expr(Some(("(".into(), open.span)));
        self.depth -= 1;
        self.parens -= 1;
        let close = self.peek(Mode::Operand);
        if close.tok == Tok::RParen {
            self.bump(&close);
        } else {
            let opened_at = open.span.start;
            let span = Span::new(opened_at, close.span.start.max(open.span.end));
            self.error(ErrorKind::UnclosedParen { opened_at }, span);
        }
        inner
    }

    /// `clause = token operator value` where
    /// `token = word` (a name from the entity's catalogue) and
    /// `operator = ":" | "=" | ">" | ">=" | "<" | "<="`.
    fn clause(&mut self) -> Option<Expr> {
        let name_tok = self.sc.next(Mode::Operand);
        let Tok::Word(name) = &name_tok.tok else {
            return None;
        };
        let def = lookup(self.entity, name);
        if def.is_none() {
            let suggestion = suggest_token(self.entity, name);
            let kind = ErrorKind::UnknownToken {
                token: name.clone(),
                entity: self.entity,
                suggestion,
            };
            self.error(kind, name_tok.span);
        }
        let op_tok = self.peek(Mode::Operand);
        let Tok::Op(op) = op_tok.tok else {
            self.error(
                ErrorKind::MissingOperator {
                    token: name.clone(),
                },
                name_tok.span,
            );
            self.skip_orphan_value(&op_tok);
            return None;
        };
        self.bump(&op_tok);
        let after_span = name_tok.span.to(op_tok.span);
        let raw = self.value(def, &self.text(after_span), after_span)?;
        let def = def?;
        let span = Span::new(name_tok.span.start, self.sc.pos);
        match check_value(def, op, op_tok.span, raw, self.sc.chars) {
            Ok(value) => Some(Expr::Clause(Clause {
                token: TokenRef {
                    name: def.name,
                    ty: def.ty,
                    span: name_tok.span,
                },
                op,
                op_span: op_tok.span,
                value,
                span,
            })),
            Err((kind, span)) => {
                self.error(kind, span);
                None
            }
        }
    }

    /// After `state RUNNING` (no operator), the lenient parser also drops `RUNNING`, unless
    /// it is the start of the next clause (`foo bar:1`).
    fn skip_orphan_value(&mut self, next: &Token) {
        let orphan = match &next.tok {
            Tok::Quoted { .. } => true,
            Tok::Word(_) if !next.is_any_keyword() => {
                let mut ahead = self.sc;
                ahead.bump(next);
                !matches!(ahead.peek(Mode::Operand).tok, Tok::Op(_))
            }
            _ => false,
        };
        if orphan && !self.halted {
            self.bump(next);
        }
    }
}
