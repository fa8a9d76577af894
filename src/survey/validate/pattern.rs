//! `pattern` of a text question: the page's browser compiles it with the
//! `v` flag and anchors it (`^(?:p)$`); farvel's Rust side uses `regex`.
//! Accepts only patterns both read the same way, reporting the offending
//! part of the pattern at its place in the file.

use regex_syntax::ast::{
    self, Assertion, AssertionKind, Ast, ClassPerlKind, ClassSet, ClassSetItem, ClassUnicodeKind,
    GroupKind, LiteralKind,
};

use super::Ctx;
use super::positions::span_pos;
use super::tree::Node;

/// A part of the pattern that the two would read differently (or that one
/// rejects): its byte range, the message and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub hint: String,
}

/// Check `pattern` (the value of `node`) and report its problems.
pub fn check(ctx: &mut Ctx, node: &Node, pattern: &str) {
    for p in problems(pattern) {
        let (pos, width) = span_pos(&ctx.chars, node, p.start, p.end);
        ctx.error_at(pos, width, p.message);
        ctx.hint(p.hint);
    }
}

/// Every problem of a pattern (empty when both engines agree on it).
pub fn problems(pattern: &str) -> Vec<Problem> {
    let tree = match ast::parse::Parser::new().parse(pattern) {
        Ok(t) => t,
        Err(e) => {
            let s = e.span();
            return vec![Problem {
                start: s.start.offset,
                end: s.end.offset,
                message: format!("pattern: {}", e.kind()),
                hint: "the pattern must be a regular expression both browsers and farvel read"
                    .into(),
            }];
        }
    };
    let mut out = Vec::new();
    walk(&tree, pattern, &mut out);
    if out.is_empty()
        && let Err(e) = regex::Regex::new(&format!("^(?:{pattern})$"))
    {
        out.push(Problem {
            start: 0,
            end: pattern.len(),
            message: format!("pattern: {e}"),
            hint: "simplify the pattern".into(),
        });
    }
    out
}

fn bad(out: &mut Vec<Problem>, span: &ast::Span, message: &str, hint: &str) {
    out.push(Problem {
        start: span.start.offset,
        end: span.end.offset,
        message: format!("pattern: {message}"),
        hint: hint.into(),
    });
}

/// Characters JavaScript lets you escape outside a class (`u`/`v` mode).
const JS_SYNTAX: &str = "^$\\.*+?()[]{}|/";
/// …and inside a `v`-mode class, additionally.
const JS_CLASS_PUNCT: &str = "&-!#%,:;<=>@`~";

fn walk(a: &Ast, src: &str, out: &mut Vec<Problem>) {
    match a {
        Ast::Empty(_) | Ast::Dot(_) => {}
        Ast::Flags(f) => bad(
            out,
            &f.span,
            "inline flags are not read by browsers",
            "remove the flags; write both cases, e.g. [Aa]",
        ),
        Ast::Literal(l) => literal(l, false, out),
        Ast::Assertion(x) => assertion(x, out),
        Ast::ClassUnicode(c) => unicode(c, out),
        Ast::ClassPerl(c) => perl(c.kind.clone(), &c.span, out),
        Ast::ClassBracketed(c) => class(&c.kind, src, out),
        Ast::Repetition(r) => walk(&r.ast, src, out),
        Ast::Group(g) => {
            match &g.kind {
                GroupKind::CaptureName {
                    starts_with_p: true,
                    ..
                } => bad(
                    out,
                    &g.span,
                    "'(?P<name>' is not read by browsers",
                    "write (?<name>…) or (…)",
                ),
                GroupKind::NonCapturing(flags) if !flags.items.is_empty() => bad(
                    out,
                    &flags.span,
                    "inline flags are not read by browsers",
                    "remove the flags; write both cases, e.g. [Aa]",
                ),
                _ => {}
            }
            walk(&g.ast, src, out);
        }
        Ast::Alternation(x) => x.asts.iter().for_each(|a| walk(a, src, out)),
        Ast::Concat(x) => x.asts.iter().for_each(|a| walk(a, src, out)),
    }
}

fn literal(l: &ast::Literal, in_class: bool, out: &mut Vec<Problem>) {
    match &l.kind {
        LiteralKind::Verbatim => {
            if in_class && "()[]{}/-|".contains(l.c) {
                let msg = format!("'{}' inside [...] must be escaped for browsers", l.c);
                bad(out, &l.span, &msg, &format!("write \\{}", l.c));
            } else if !in_class && "{}]".contains(l.c) {
                let msg = format!("a lone '{}' is an error in browsers", l.c);
                bad(out, &l.span, &msg, &format!("write \\{}", l.c));
            }
        }
        LiteralKind::Meta | LiteralKind::Superfluous => {
            let ok = JS_SYNTAX.contains(l.c) || (in_class && JS_CLASS_PUNCT.contains(l.c));
            if !ok {
                let msg = format!("browsers reject the escape '\\{}'", l.c);
                bad(
                    out,
                    &l.span,
                    &msg,
                    &format!("write {} without the backslash", l.c),
                );
            }
        }
        LiteralKind::Octal => bad(
            out,
            &l.span,
            "octal escapes are read differently",
            "write the character itself",
        ),
        LiteralKind::HexBrace(ast::HexLiteralKind::X)
        | LiteralKind::HexFixed(ast::HexLiteralKind::UnicodeLong) => bad(
            out,
            &l.span,
            "browsers don't read this escape",
            "write \\u{…} or the character itself",
        ),
        LiteralKind::HexBrace(ast::HexLiteralKind::UnicodeLong) => bad(
            out,
            &l.span,
            "browsers don't read this escape",
            "write \\u{…} or the character itself",
        ),
        LiteralKind::Special(ast::SpecialLiteralKind::Bell) => {
            bad(out, &l.span, "browsers don't read '\\a'", "write \\x07")
        }
        _ => {}
    }
}

fn assertion(x: &Assertion, out: &mut Vec<Problem>) {
    match x.kind {
        AssertionKind::StartLine | AssertionKind::EndLine => {}
        AssertionKind::StartText | AssertionKind::EndText => bad(
            out,
            &x.span,
            "'\\A' and '\\z' are not read by browsers",
            "leave them out: the whole answer must match anyway",
        ),
        _ => bad(
            out,
            &x.span,
            "word boundaries differ between browsers and farvel",
            "leave them out or spell out the characters",
        ),
    }
}

fn perl(kind: ClassPerlKind, span: &ast::Span, out: &mut Vec<Problem>) {
    let hint = match kind {
        ClassPerlKind::Digit => "write [0-9]",
        ClassPerlKind::Word => "write [A-Za-z0-9_]",
        ClassPerlKind::Space => "write a space, or [ \\t]",
    };
    bad(
        out,
        span,
        "browsers read \\d, \\w and \\s as ASCII, farvel as Unicode",
        hint,
    );
}

fn unicode(c: &ast::ClassUnicode, out: &mut Vec<Problem>) {
    let ok = match &c.kind {
        ClassUnicodeKind::OneLetter(_) => false,
        ClassUnicodeKind::Named(n) => {
            let b = n.as_bytes();
            (1..=2).contains(&b.len())
                && b[0].is_ascii_uppercase()
                && b.get(1).is_none_or(u8::is_ascii_lowercase)
        }
        ClassUnicodeKind::NamedValue { op, name, value } => {
            matches!(op, ast::ClassUnicodeOpKind::Equal)
                && matches!(name.as_str(), "Script" | "sc" | "Script_Extensions" | "scx")
                && value.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && value.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
        }
    };
    if !ok {
        bad(
            out,
            &c.span,
            "this Unicode class may be read differently by browsers",
            "use a category in braces such as \\p{L} or \\p{Lu}, or \\p{Script=Latin}",
        );
    }
}

fn class(set: &ClassSet, src: &str, out: &mut Vec<Problem>) {
    match set {
        ClassSet::BinaryOp(op) => bad(
            out,
            &op.span,
            "class operations (&&, --, ~~) are read differently",
            "list the characters instead",
        ),
        ClassSet::Item(item) => class_item(item, src, out),
    }
}

fn class_item(item: &ClassSetItem, src: &str, out: &mut Vec<Problem>) {
    match item {
        ClassSetItem::Empty(_) => {}
        ClassSetItem::Literal(l) => literal(l, true, out),
        ClassSetItem::Range(r) => {
            literal(&r.start, true, out);
            literal(&r.end, true, out);
        }
        ClassSetItem::Ascii(a) => bad(
            out,
            &a.span,
            "POSIX classes like [[:alpha:]] are not read by browsers",
            "write the range, e.g. [a-zA-Z]",
        ),
        ClassSetItem::Unicode(c) => unicode(c, out),
        ClassSetItem::Perl(c) => perl(c.kind.clone(), &c.span, out),
        ClassSetItem::Bracketed(b) => class(&b.kind, src, out),
        ClassSetItem::Union(u) => u.items.iter().for_each(|i| class_item(i, src, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_both_engines_read_alike_pass() {
        for p in [
            "[0-9]{4}",
            "[A-Za-z ]+",
            "(ab|cd)?x*",
            "\\p{L}+",
            "\\p{Script=Latin}",
            "[\\-+.]",
            "a\\.b",
            "(?<year>[0-9]{4})",
            "[^,]*",
            "a{2,3}?",
        ] {
            assert_eq!(problems(p), vec![], "{p}");
        }
    }

    /// (pattern, byte range of the culprit, words of the message)
    #[test]
    fn patterns_read_differently_are_rejected() {
        let cases: &[(&str, usize, usize, &str)] = &[
            ("(?i)abc", 0, 4, "inline flags"),
            ("(?i:abc)", 2, 3, "inline flags"),
            ("a(?=b)", 1, 4, "look-around"),
            ("(a)\\1", 3, 5, "backreferences"),
            ("\\Aabc\\z", 0, 2, "'\\A'"),
            ("\\d{4}", 0, 2, "ASCII"),
            ("x\\bY", 1, 3, "word boundaries"),
            ("[[:alpha:]]+", 1, 10, "POSIX"),
            ("\\pL", 0, 3, "Unicode class"),
            ("\\p{Greek}", 0, 9, "Unicode class"),
            ("[a-z-]", 4, 5, "escaped"),
            ("a{,3}", 2, 2, "decimal"),
            ("(?P<y>a)", 0, 8, "(?P<name>"),
            ("[a-z&&[^aeiou]]", 1, 14, "class operations"),
            ("a\\#b", 1, 3, "escape"),
            ("a}", 1, 2, "lone"),
            ("(a", 0, 1, "unclosed"),
        ];
        let mut wrong = Vec::new();
        for &(p, s, e, words) in cases {
            let got = problems(p);
            let ok = got
                .first()
                .is_some_and(|f| (f.start, f.end) == (s, e) && f.message.contains(words));
            if !ok {
                wrong.push(format!("{p}: {got:?}"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
