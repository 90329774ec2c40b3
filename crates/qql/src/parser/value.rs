//! The value rules of the parser: scalars, lists, ranges, quoted ranges and label pairs.

use super::Parser;
use crate::ast::{Operator, Span};
use crate::catalogue::{TokenDef, TokenType};
use crate::check::{RawKind, RawScalar, RawValue};
use crate::error::ErrorKind;
use crate::lexer::{Mode, Scanner, Tok, Token};

impl Parser<'_> {
    /// `value = list | range | label_pair | scalar`, `scalar = word | quoted`.
    ///
    /// A bare `and`/`or`/`not` after whitespace is not a value (`state: and …` lacks one).
    /// A quoted range (`created:'[now-7d .. now]'`) is read as the range.
    pub(super) fn value(
        &mut self,
        def: Option<&TokenDef>,
        after: &str,
        after_span: Span,
    ) -> Option<RawValue> {
        let t = self.peek(Mode::Value);
        let ty = def.map(|d| d.ty);
        match &t.tok {
            Tok::LBracket | Tok::LParen => self.bracketed(t),
            Tok::Word(_) if t.space_before && t.is_any_keyword() => {
                self.error(
                    ErrorKind::ExpectedValue {
                        after: after.into(),
                    },
                    after_span,
                );
                None
            }
            Tok::Word(_) | Tok::Quoted { .. } if ty == Some(TokenType::LabelPair) => {
                self.label_pair()
            }
            Tok::Quoted { text, .. }
                if ty.is_some_and(TokenType::is_ordered)
                    && text.trim_start().starts_with(['[', '(']) =>
            {
                self.quoted_range(&t)
            }
            Tok::Word(_) | Tok::Quoted { .. } => self.raw_scalar(&t).map(RawValue::Scalar),
            _ => {
                self.error(
                    ErrorKind::ExpectedValue {
                        after: after.into(),
                    },
                    after_span,
                );
                None
            }
        }
    }

    /// Consumes a word or quoted token as a raw value (an unterminated quote is an error the
    /// lenient parser repairs by closing it at the end).
    fn raw_scalar(&mut self, t: &Token) -> Option<RawScalar> {
        let (kind, text) = match &t.tok {
            Tok::Word(w) => (RawKind::Word, w.clone()),
            Tok::Quoted {
                text,
                quote,
                terminated,
            } => {
                if !terminated {
                    let kind = ErrorKind::UnterminatedString {
                        quote: *quote,
                        opened_at: t.span.start,
                    };
                    self.error(kind, t.span);
                }
                let kind = if *quote == '`' {
                    RawKind::Backtick
                } else {
                    RawKind::Quoted
                };
                (kind, text.clone())
            }
            _ => return None,
        };
        self.bump(t);
        (!self.halted).then_some(RawScalar {
            kind,
            text,
            span: t.span,
        })
    }

    /// `quoted_range = quote ( list | range ) quote`: the text between the quotes is read again.
    fn quoted_range(&mut self, q: &Token) -> Option<RawValue> {
        let Tok::Quoted { terminated, .. } = q.tok else {
            return None;
        };
        let outer = self.sc;
        let end = if terminated {
            q.span.end - 1
        } else {
            q.span.end
        };
        self.sc = Scanner {
            chars: outer.chars,
            pos: q.span.start + 1,
            end,
        };
        let open = self.peek(Mode::Value);
        if !matches!(open.tok, Tok::LBracket | Tok::LParen) {
            // The quoted text only started with a bracket once its escapes were resolved.
            self.sc = outer;
            return self.raw_scalar(q).map(RawValue::Scalar);
        }
        let mut raw = self.bracketed(open);
        let rest = self.peek(Mode::Value);
        if raw.is_some() && rest.tok != Tok::Eof {
            let found = self.describe(&rest);
            self.error(
                ErrorKind::UnexpectedToken {
                    found,
                    expected: "the closing quote",
                },
                rest.span,
            );
            raw = None;
        }
        self.sc = outer;
        self.sc.pos = q.span.end;
        if !terminated {
            let kind = ErrorKind::UnterminatedString {
                quote: q_char(q),
                opened_at: q.span.start,
            };
            self.error(kind, q.span);
        }
        raw.filter(|_| !self.halted)
    }

    /// `list = "[" scalar { "," scalar } "]"`,
    /// `range = ( "[" | "(" ) scalar ( ".." | "..." ) scalar ( "]" | ")" )`.
    ///
    /// After an error inside the brackets the lenient parser skips to the closing one.
    fn bracketed(&mut self, open: Token) -> Option<RawValue> {
        self.bump(&open);
        let raw = self.bracket_body(&open);
        if raw.is_none() && !self.halted {
            loop {
                let t = self.peek(Mode::Bracket);
                match t.tok {
                    Tok::Eof => break,
                    Tok::RBracket | Tok::RParen => {
                        self.bump(&t);
                        break;
                    }
                    _ => self.bump(&t),
                }
            }
        }
        raw
    }

    fn bracket_body(&mut self, open: &Token) -> Option<RawValue> {
        let (open_c, close_c) = if open.tok == Tok::LBracket {
            ('[', ']')
        } else {
            ('(', ')')
        };
        let first = self.item(&open_c.to_string(), open.span)?;
        let t = self.peek(Mode::Bracket);
        match t.tok {
            Tok::DotDot => {
                self.bump(&t);
                let hi = self.item(&self.text(t.span), t.span)?;
                let close = self.peek(Mode::Bracket);
                let c = match close.tok {
                    Tok::RBracket => ']',
                    Tok::RParen => ')',
                    _ => return self.unclosed(open, &close, open_c, close_c),
                };
                self.bump(&close);
                let span = open.span.to(close.span);
                if c != close_c {
                    let kind = ErrorKind::MismatchedBracket {
                        open: open_c,
                        close: c,
                    };
                    self.error(kind, span);
                }
                Some(RawValue::Range {
                    lo: first,
                    hi,
                    inclusive: open_c == '[',
                    span,
                })
            }
            Tok::Comma | Tok::RBracket if open_c == '[' => {
                let mut items = vec![first];
                let mut t = t;
                while t.tok == Tok::Comma {
                    self.bump(&t);
                    items.push(self.item(",", t.span)?);
                    t = self.peek(Mode::Bracket);
                }
                if t.tok != Tok::RBracket {
                    return self.unclosed(open, &t, open_c, close_c);
                }
                self.bump(&t);
                Some(RawValue::List {
                    items,
                    span: open.span.to(t.span),
                })
            }
            _ if open_c == '(' => {
                let found = self.describe(&t);
                let expected =
                    "'..' between the bounds of the range (any of several values: [a, b])";
                self.error(ErrorKind::UnexpectedToken { found, expected }, t.span);
                None
            }
            _ => self.unclosed(open, &t, open_c, close_c),
        }
    }

    /// The list or range ends without its closing bracket, or with something else there.
    fn unclosed(
        &mut self,
        open: &Token,
        t: &Token,
        open_c: char,
        close_c: char,
    ) -> Option<RawValue> {
        if t.tok == Tok::Eof {
            let opened_at = open.span.start;
            let kind = ErrorKind::UnclosedBracket {
                open: open_c,
                close: close_c,
                opened_at,
            };
            self.error(kind, Span::new(opened_at, t.span.start.max(open.span.end)));
        } else {
            let found = self.describe(t);
            let expected = if close_c == ']' {
                "',', '..' or ']'"
            } else {
                "')'"
            };
            self.error(ErrorKind::UnexpectedToken { found, expected }, t.span);
        }
        None
    }

    /// `item = word | quoted`, inside brackets.
    fn item(&mut self, after: &str, after_span: Span) -> Option<RawScalar> {
        let t = self.peek(Mode::Bracket);
        match t.tok {
            Tok::Word(_) | Tok::Quoted { .. } => self.raw_scalar(&t),
            _ => {
                self.error(
                    ErrorKind::ExpectedValue {
                        after: after.into(),
                    },
                    after_span,
                );
                None
            }
        }
    }

    /// `label_pair = scalar "=" scalar` (extension): `label:team=payments`.
    fn label_pair(&mut self) -> Option<RawValue> {
        let key_tok = self.peek(Mode::LabelKey);
        let key = self.raw_scalar(&key_tok)?;
        let eq = self.peek(Mode::Operand);
        if eq.tok != Tok::Op(Operator::Eq) {
            let found = format!("'{}'", self.text(key.span));
            self.error(ErrorKind::ExpectedLabelPair { found }, key.span);
            return None;
        }
        self.bump(&eq);
        let value_tok = self.peek(Mode::Value);
        let value = match value_tok.tok {
            Tok::Word(_) | Tok::Quoted { .. }
                if !(value_tok.space_before && value_tok.is_any_keyword()) =>
            {
                self.raw_scalar(&value_tok)?
            }
            _ => {
                let span = key.span.to(eq.span);
                self.error(
                    ErrorKind::ExpectedValue {
                        after: self.text(span),
                    },
                    span,
                );
                return None;
            }
        };
        let span = key.span.to(value.span);
        Some(RawValue::Label { key, value, span })
    }
}

fn q_char(t: &Token) -> char {
    match t.tok {
        Tok::Quoted { quote, .. } => quote,
        _ => '"',
    }
}
