//! A hand-written recursive-descent parser for the `show_if` grammar:
//!
//! ```text
//! expr       = or ;
//! or         = and { "or" and } ;
//! and        = unary { "and" unary } ;
//! unary      = "not" unary | primary ;
//! primary    = "(" expr ")" | "answered" "(" id ")" | comparison ;
//! comparison = id op literal | literal "in" id | id "in" list ;
//! ```

use super::ast::*;

/// A syntax error: a message and the byte range in the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Num(f64),
    Str(String),
    Op(CmpOp),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    End,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("'{s}'"),
        Tok::Num(n) => format!("the number {n}"),
        Tok::Str(s) => format!("the string '{s}'"),
        Tok::Op(o) => format!("'{}'", o.symbol()),
        Tok::LParen => "'('".into(),
        Tok::RParen => "')'".into(),
        Tok::LBracket => "'['".into(),
        Tok::RBracket => "']'".into(),
        Tok::Comma => "','".into(),
        Tok::Dot => "'.'".into(),
        Tok::End => "the end of the expression".into(),
    }
}

fn lex(src: &str) -> Result<Vec<(Tok, Span)>, ParseError> {
    let b = src.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    let err = |msg: &str, s: usize, e: usize| ParseError {
        message: msg.to_string(),
        span: Span { start: s, end: e },
    };
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let tok = match c {
            b'(' => {
                i += 1;
                Tok::LParen
            }
            b')' => {
                i += 1;
                Tok::RParen
            }
            b'[' => {
                i += 1;
                Tok::LBracket
            }
            b']' => {
                i += 1;
                Tok::RBracket
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b'.' if !b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i += 1;
                Tok::Dot
            }
            b'=' | b'!' | b'<' | b'>' => {
                let two = b.get(i + 1) == Some(&b'=');
                let op = match (c, two) {
                    (b'=', true) => CmpOp::Eq,
                    (b'!', true) => CmpOp::Ne,
                    (b'<', true) => CmpOp::Le,
                    (b'>', true) => CmpOp::Ge,
                    (b'<', false) => CmpOp::Lt,
                    (b'>', false) => CmpOp::Gt,
                    (b'=', false) => {
                        return Err(err("'=' is not an operator; write '=='", i, i + 1));
                    }
                    _ => return Err(err("'!' is not an operator; write '!=' or 'not'", i, i + 1)),
                };
                i += if two { 2 } else { 1 };
                Tok::Op(op)
            }
            b'\'' => {
                i += 1;
                let mut s = String::new();
                loop {
                    match b.get(i) {
                        None => {
                            return Err(err(
                                "unterminated string: a closing ' is missing",
                                start,
                                b.len(),
                            ));
                        }
                        Some(b'\\') if b.get(i + 1) == Some(&b'\'') => {
                            s.push('\'');
                            i += 2;
                        }
                        Some(b'\'') => {
                            i += 1;
                            break;
                        }
                        Some(_) => {
                            let ch = src[i..].chars().next().unwrap_or('\u{fffd}');
                            s.push(ch);
                            i += ch.len_utf8();
                        }
                    }
                }
                Tok::Str(s)
            }
            b'"' => return Err(err("strings use single quotes: 'value'", i, i + 1)),
            b'-' | b'0'..=b'9' | b'.' => {
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                    i += 1;
                }
                let text = &src[start..i];
                match text.parse::<f64>() {
                    Ok(n) if n.is_finite() => Tok::Num(n),
                    _ => return Err(err(&format!("'{text}' is not a number"), start, i)),
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                Tok::Ident(src[start..i].to_string())
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(err(
                    &format!("unexpected character '{ch}'"),
                    i,
                    i + ch.len_utf8(),
                ));
            }
        };
        out.push((tok, Span { start, end: i }));
    }
    out.push((
        Tok::End,
        Span {
            start: src.len(),
            end: src.len(),
        },
    ));
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, Span)>,
    pos: usize,
    /// Parentheses and `not`s open around the current token.
    depth: usize,
    /// Comparisons and `answered(…)` read so far.
    terms: usize,
}

/// Longest condition, in bytes.
pub const MAX_LEN: usize = 4096;
/// Most comparisons (and `answered(…)`) in one condition.
pub const MAX_TERMS: usize = 256;
/// Deepest nesting of parentheses and `not`.
pub const MAX_DEPTH: usize = 32;

const KEYWORDS: [&str; 6] = ["and", "or", "not", "in", "answered", "true"];

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn span(&self) -> Span {
        self.toks[self.pos].1
    }
    fn bump(&mut self) -> (Tok, Span) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == kw)
    }
    fn error<T>(&self, expected: &str) -> Result<T, ParseError> {
        Err(ParseError {
            message: format!("expected {expected}, found {}", describe(self.peek())),
            span: self.span(),
        })
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.is_kw("or") {
            self.bump();
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while self.is_kw("and") {
            self.bump();
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.is_kw("not") {
            self.deeper()?;
            self.bump();
            let e = Expr::Not(Box::new(self.unary()?));
            self.depth -= 1;
            return Ok(e);
        }
        self.primary()
    }

    /// One more level of nesting, within [`MAX_DEPTH`].
    fn deeper(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError {
                message: format!(
                    "the condition nests parentheses and 'not' deeper than {MAX_DEPTH} levels"
                ),
                span: self.span(),
            });
        }
        Ok(())
    }

    /// One more comparison, within [`MAX_TERMS`].
    fn term(&mut self) -> Result<(), ParseError> {
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(ParseError {
                message: format!(
                    "the condition has more than {MAX_TERMS} comparisons; split the question or simplify the condition"
                ),
                span: self.span(),
            });
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        match self.peek().clone() {
            Tok::LParen => {
                self.deeper()?;
                self.bump();
                let e = self.or()?;
                if *self.peek() != Tok::RParen {
                    return self.error("')'");
                }
                self.bump();
                self.depth -= 1;
                Ok(e)
            }
            Tok::Ident(s) if s == "answered" => {
                self.term()?;
                self.bump();
                if *self.peek() != Tok::LParen {
                    return self.error("'(' after answered");
                }
                self.bump();
                let r = self.reference()?;
                if *self.peek() != Tok::RParen {
                    return self.error("')'");
                }
                self.bump();
                Ok(Expr::Answered(r))
            }
            Tok::Ident(s) if s != "true" && s != "false" => {
                self.term()?;
                let target = self.reference()?;
                match self.peek().clone() {
                    Tok::Op(op) => {
                        let (_, op_span) = self.bump();
                        let (value, value_span) = self.literal()?;
                        Ok(Expr::Compare {
                            target,
                            op,
                            op_span,
                            value,
                            value_span,
                        })
                    }
                    Tok::Ident(k) if k == "in" => {
                        self.bump();
                        if *self.peek() != Tok::LBracket {
                            return self.error("'[' to start a list");
                        }
                        self.bump();
                        let mut values = vec![self.literal()?];
                        while *self.peek() == Tok::Comma {
                            self.bump();
                            values.push(self.literal()?);
                        }
                        if *self.peek() != Tok::RBracket {
                            return self.error("',' or ']'");
                        }
                        self.bump();
                        Ok(Expr::InList { target, values })
                    }
                    _ => self.error("a comparison operator (==, !=, <, <=, >, >=) or 'in'"),
                }
            }
            Tok::Num(_) | Tok::Str(_) | Tok::Ident(_) => {
                self.term()?;
                let (value, value_span) = self.literal()?;
                if !self.is_kw("in") {
                    return self.error("'in' after a value (as in 'pay' in factors)");
                }
                self.bump();
                let target = self.reference()?;
                Ok(Expr::Contains {
                    value,
                    value_span,
                    target,
                })
            }
            _ => self.error("a question id, 'not', 'answered(' or '('"),
        }
    }

    fn reference(&mut self) -> Result<Ref, ParseError> {
        let (tok, span) = self.bump();
        let Tok::Ident(question) = tok else {
            self.pos -= 1;
            return self.error("a question id");
        };
        if KEYWORDS.contains(&question.as_str()) || question == "false" {
            return Err(ParseError {
                message: format!("'{question}' is a keyword, not a question id"),
                span,
            });
        }
        let mut end = span.end;
        let row = if *self.peek() == Tok::Dot {
            self.bump();
            let (t, s) = self.bump();
            match t {
                Tok::Ident(r) => {
                    end = s.end;
                    Some(r)
                }
                _ => {
                    self.pos -= 1;
                    return self.error("a matrix row id after '.'");
                }
            }
        } else {
            None
        };
        Ok(Ref {
            question,
            row,
            span: Span {
                start: span.start,
                end,
            },
        })
    }

    fn literal(&mut self) -> Result<(Literal, Span), ParseError> {
        let (tok, span) = self.bump();
        let lit = match tok {
            Tok::Num(n) => Literal::Number(n),
            Tok::Str(s) => Literal::Str(s),
            Tok::Ident(s) if s == "true" => Literal::Bool(true),
            Tok::Ident(s) if s == "false" => Literal::Bool(false),
            Tok::Ident(s) => {
                return Err(ParseError {
                    message: format!("expected a value, found '{s}'"),
                    span,
                })
                .map_err(|mut e: ParseError| {
                    e.message
                        .push_str(&format!(" (strings need quotes: '{s}')"));
                    e
                });
            }
            _ => {
                self.pos -= 1;
                return self.error("a value (a number, a 'string', true or false)");
            }
        };
        Ok((lit, span))
    }
}

/// Parse a `show_if` expression.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    if src.len() > MAX_LEN {
        let start = (0..=MAX_LEN)
            .rev()
            .find(|&i| src.is_char_boundary(i))
            .unwrap_or(0);
        return Err(ParseError {
            message: format!("the condition is longer than {MAX_LEN} characters"),
            span: Span {
                start,
                end: src.len(),
            },
        });
    }
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
        terms: 0,
    };
    let e = p.or()?;
    if *p.peek() != Tok::End {
        return p.error("'and', 'or' or the end of the expression");
    }
    Ok(e)
}
