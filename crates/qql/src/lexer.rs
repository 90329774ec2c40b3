//! The scanner: splits query text into tokens with character spans.
//!
//! What counts as a word depends on where the parser is (see [`Mode`]): after an operator a
//! value may contain `:` (`created>2024-05-01T10:00Z`, `host.ipAddress:fe80::1`), inside
//! brackets `..` ends a word, and after `label:` so does `=`. The parser therefore asks for
//! the next token in the mode it needs instead of lexing the whole text up front.

use crate::ast::{Operator, Span};

/// Where the parser is, which decides what ends a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Token names, `and`/`or`/`not`, parentheses and operators.
    Operand,
    /// A value right after an operator.
    Value,
    /// Inside `[…]` or `(…)` of a list or range: `..` and `,` separate.
    Bracket,
    /// The key of `label:key=value`: `=` ends it.
    LabelKey,
}

/// A lexical token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    /// `..` or `...`
    DotDot,
    Op(Operator),
    /// A bare word: a token name, a keyword or an unquoted value.
    Word(String),
    /// `"…"`, `'…'` or `` `…` `` with escapes resolved; `terminated` is false when the text ran
    /// out before the closing quote.
    Quoted {
        text: String,
        quote: char,
        terminated: bool,
    },
    Eof,
}

/// A token, its span and whether whitespace came before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
    pub space_before: bool,
}

impl Token {
    /// The word, if this is a word equal to `kw` in any ASCII case (`and`, `or`, `not`).
    pub fn is_keyword(&self, kw: &str) -> bool {
        matches!(&self.tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    /// `and`, `or` or `not`.
    pub fn is_any_keyword(&self) -> bool {
        ["and", "or", "not"].iter().any(|k| self.is_keyword(k))
    }
}

/// A cursor over the characters of a query; cheap to copy, so peeking is scanning a copy.
#[derive(Clone, Copy, Debug)]
pub struct Scanner<'q> {
    pub chars: &'q [char],
    pub pos: usize,
    /// Scanning stops here: the end of the text, or of a quoted range being re-read.
    pub end: usize,
}

/// Characters that end a word in every mode.
fn always_ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ',')
}

impl<'q> Scanner<'q> {
    pub fn new(chars: &'q [char]) -> Scanner<'q> {
        Scanner {
            chars,
            pos: 0,
            end: chars.len(),
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        (i < self.end).then(|| self.chars[i])
    }

    /// The next token in `mode`, without consuming it.
    pub fn peek(&self, mode: Mode) -> Token {
        let mut copy = *self;
        copy.next(mode)
    }

    /// Consumes `t`, a token returned by `peek`.
    pub fn bump(&mut self, t: &Token) {
        self.pos = t.span.end;
    }

    /// Reads the next token in `mode`.
    pub fn next(&mut self, mode: Mode) -> Token {
        let before = self.pos;
        while self.at(self.pos).is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
        let space_before = self.pos > before;
        let start = self.pos;
        let Some(c) = self.at(start) else {
            return Token {
                tok: Tok::Eof,
                span: Span::new(start, start),
                space_before,
            };
        };
        let next = self.at(start + 1);
        let (tok, len) = match c {
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '[' => (Tok::LBracket, 1),
            ']' => (Tok::RBracket, 1),
            ',' => (Tok::Comma, 1),
            '"' | '\'' | '`' => return self.quoted(c, space_before),
            '.' if mode == Mode::Bracket && next == Some('.') => (
                Tok::DotDot,
                if self.at(start + 2) == Some('.') {
                    3
                } else {
                    2
                },
            ),
            ':' if mode == Mode::Operand => (Tok::Op(Operator::Match), 1),
            '=' if mode == Mode::Operand => (Tok::Op(Operator::Eq), 1),
            '>' if mode == Mode::Operand && next == Some('=') => (Tok::Op(Operator::Ge), 2),
            '>' if mode == Mode::Operand => (Tok::Op(Operator::Gt), 1),
            '<' if mode == Mode::Operand && next == Some('=') => (Tok::Op(Operator::Le), 2),
            '<' if mode == Mode::Operand => (Tok::Op(Operator::Lt), 1),
            _ => return self.word(mode, space_before),
        };
        self.pos = start + len;
        Token {
            tok,
            span: Span::new(start, self.pos),
            space_before,
        }
    }

    /// A bare word: everything up to a character that ends words in `mode`.
    fn word(&mut self, mode: Mode, space_before: bool) -> Token {
        let start = self.pos;
        while let Some(c) = self.at(self.pos) {
            let ends = always_ends_word(c)
                || match mode {
                    Mode::Operand => matches!(c, ':' | '=' | '<' | '>' | '"' | '\'' | '`'),
                    Mode::Value => false,
                    Mode::Bracket => c == '.' && self.at(self.pos + 1) == Some('.'),
                    Mode::LabelKey => c == '=',
                };
            // The first character always belongs to the word, so that scanning always moves.
            if ends && self.pos > start {
                break;
            }
            self.pos += 1;
            if ends {
                break;
            }
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        Token {
            tok: Tok::Word(text),
            span: Span::new(start, self.pos),
            space_before,
        }
    }

    /// A quoted string; a backslash takes the next character literally (`\"`, `\\`).
    fn quoted(&mut self, quote: char, space_before: bool) -> Token {
        let start = self.pos;
        self.pos += 1;
        let mut text = String::new();
        let mut terminated = false;
        while let Some(c) = self.at(self.pos) {
            self.pos += 1;
            if c == quote {
                terminated = true;
                break;
            }
            if c == '\\' {
                if let Some(escaped) = self.at(self.pos) {
                    self.pos += 1;
                    text.push(escaped);
                    continue;
                }
            }
            text.push(c);
        }
        Token {
            tok: Tok::Quoted {
                text,
                quote,
                terminated,
            },
            span: Span::new(start, self.pos),
            space_before,
        }
    }
}

/// Splits a whole query into tokens for syntax highlighting (every word in operand position;
/// values after an operator are lexed as values). Never fails; the last token is `Eof`.
pub fn tokenize(input: &str) -> Vec<Token> {
    let chars: Vec<char> = input.chars().collect();
    let mut sc = Scanner::new(&chars);
    let mut out = Vec::new();
    let mut mode = Mode::Operand;
    loop {
        let t = sc.next(mode);
        mode = match (&t.tok, mode) {
            (Tok::Op(_), Mode::Operand) => Mode::Value,
            (Tok::LBracket | Tok::LParen, Mode::Value) => Mode::Bracket,
            (Tok::RBracket | Tok::RParen, Mode::Bracket) => Mode::Operand,
            (_, Mode::Bracket) => Mode::Bracket,
            _ => Mode::Operand,
        };
        let eof = t.tok == Tok::Eof;
        out.push(t);
        if eof {
            return out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(input: &str) -> Vec<Tok> {
        tokenize(input).into_iter().map(|t| t.tok).collect()
    }

    fn word(s: &str) -> Tok {
        Tok::Word(s.into())
    }

    #[test]
    fn values_may_contain_colons_but_token_names_may_not() {
        assert_eq!(
            toks("created>2024-05-01T10:00Z"),
            [
                word("created"),
                Tok::Op(Operator::Gt),
                word("2024-05-01T10:00Z"),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("a:1 b>=2"),
            [
                word("a"),
                Tok::Op(Operator::Match),
                word("1"),
                word("b"),
                Tok::Op(Operator::Ge),
                word("2"),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn ranges_split_on_two_or_three_dots() {
        assert_eq!(
            toks("s:[4..5]"),
            [
                word("s"),
                Tok::Op(Operator::Match),
                Tok::LBracket,
                word("4"),
                Tok::DotDot,
                word("5"),
                Tok::RBracket,
                Tok::Eof
            ]
        );
        let t = tokenize("s:(1 ... 2.5)");
        assert_eq!(t[4].tok, Tok::DotDot);
        assert_eq!(t[4].span, Span::new(5, 8));
        assert_eq!(t[5].tok, word("2.5"));
    }

    #[test]
    fn strings_resolve_escapes_and_spans_count_characters() {
        let t = tokenize(r#"é:"a \"b\" \\""#);
        assert_eq!(t[0].span, Span::new(0, 1));
        assert_eq!(
            t[2].tok,
            Tok::Quoted {
                text: r#"a "b" \"#.into(),
                quote: '"',
                terminated: true
            }
        );
        assert_eq!(t[2].span, Span::new(2, 14));
        let t = tokenize("a:'open");
        assert!(matches!(
            &t[2].tok,
            Tok::Quoted {
                terminated: false,
                ..
            }
        ));
    }
}
