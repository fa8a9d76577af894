//! Positions inside a scalar: maps a byte range of a scalar's value (e.g. a
//! `show_if` expression or a `pattern`) back to the file's line and column,
//! minding quotes, escapes, folded lines and block scalars.

use super::tree::{Node, Style};
use crate::diag::Pos;

/// The file position of every char of the scalar's value, walking the source
/// from the node's start.
pub fn char_positions(chars: &[char], node: &Node) -> Vec<Pos> {
    let (Some(text), Some(style)) = (node.text(), node.style()) else {
        return Vec::new();
    };
    if style == Style::Literal {
        return literal_positions(text, node.pos);
    }
    let mut out = Vec::with_capacity(text.len());
    let mut cur = Cursor {
        chars,
        i: node.index,
        pos: node.pos,
    };
    if matches!(style, Style::Single | Style::Double) {
        cur.advance(1);
    }
    for v in text.chars() {
        let here = cur.pos;
        match cur.peek() {
            None => {}
            Some('\n') => {
                cur.skip_break();
                if v == '\n' && cur.peek() == Some('\n') {
                    cur.skip_break();
                }
            }
            Some(' ' | '\t') if v == ' ' && cur.rest_of_line_blank() => cur.skip_break(),
            Some('\'') if style == Style::Single => cur.advance(2),
            Some('\\') if style == Style::Double => {
                while cur.peek() == Some('\\') && cur.peek_at(1) == Some('\n') {
                    cur.advance(1);
                    cur.skip_break();
                }
                let len = match cur.peek_at(1) {
                    Some('x') => 4,
                    Some('u') => 6,
                    Some('U') => 10,
                    _ => 2,
                };
                cur.advance(len);
            }
            Some(_) => cur.advance(1),
        }
        out.push(here);
    }
    out
}

/// A literal block keeps its lines: value line k, column c is source line
/// start.line + k, column start.col + c.
fn literal_positions(text: &str, start: Pos) -> Vec<Pos> {
    let mut out = Vec::new();
    let (mut line, mut col) = (start.line, start.col);
    for c in text.chars() {
        out.push(Pos { line, col });
        if c == '\n' {
            line += 1;
            col = start.col;
        } else {
            col += 1;
        }
    }
    out
}

struct Cursor<'a> {
    chars: &'a [char],
    i: usize,
    pos: Pos,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }
    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.i + n).copied()
    }
    fn advance(&mut self, n: usize) {
        for _ in 0..n {
            match self.peek() {
                Some('\n') => {
                    self.pos.line += 1;
                    self.pos.col = 1;
                }
                Some(_) => self.pos.col += 1,
                None => return,
            }
            self.i += 1;
        }
    }
    /// Past trailing blanks, one line break and the next line's indentation.
    fn skip_break(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.advance(1);
        }
        if self.peek() == Some('\n') {
            self.advance(1);
        }
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.advance(1);
        }
    }
    fn rest_of_line_blank(&self) -> bool {
        self.chars[self.i.min(self.chars.len())..]
            .iter()
            .take_while(|c| **c != '\n')
            .all(|c| *c == ' ' || *c == '\t')
            && self.chars.get(self.i..).is_some_and(|r| r.contains(&'\n'))
    }
}

/// The position and caret width of the byte range `start..end` of the
/// scalar's value. The width is cut at the end of the first line.
pub fn span_pos(chars: &[char], node: &Node, start: usize, end: usize) -> (Pos, usize) {
    let text = node.text().unwrap_or("");
    let positions = char_positions(chars, node);
    let ci = |b: usize| text.char_indices().take_while(|(i, _)| *i < b).count();
    let (a, z) = (ci(start), ci(end.max(start)));
    let Some(&first) = positions.get(a).or(positions.last()) else {
        return (node.pos, 1);
    };
    let width = (a..z)
        .take_while(|i| positions.get(*i).is_some_and(|p| p.line == first.line))
        .count();
    let past_end = a >= positions.len();
    let pos = if past_end {
        Pos {
            line: first.line,
            col: first.col + 1,
        }
    } else {
        first
    };
    (pos, width.max(1))
}

#[cfg(test)]
mod tests {
    use super::super::tree::load;
    use super::*;

    /// (yaml, the value's byte range, expected line, col, width)
    #[test]
    fn spans_map_to_the_file() {
        let cases: &[(&str, usize, usize, usize, usize, usize)] = &[
            ("k: a == 'x'\n", 5, 8, 1, 9, 3),
            ("k: 'a == ''x'''\n", 5, 8, 1, 10, 3),
            ("k: \"a == 'x'\"\n", 5, 8, 1, 10, 3),
            ("k: \"\\t == 'x'\"\n", 5, 8, 1, 11, 3),
            ("k: |\n  a ==\n  'x'\n", 5, 8, 3, 3, 3),
            ("k: >\n  a ==\n  'x'\n", 5, 8, 3, 3, 3),
            ("k: a ==\n  'x'\n", 5, 8, 2, 3, 3),
            ("k:   \"é == 'x'\"\n", 0, 2, 1, 7, 1),
            ("k: \"abc\"\n", 3, 3, 1, 8, 1),
        ];
        for &(src, s, e, line, col, width) in cases {
            let root = load(src).unwrap().unwrap();
            let chars: Vec<char> = src.chars().collect();
            let node = root.get("k").unwrap();
            let (p, w) = span_pos(&chars, node, s, e);
            assert_eq!((p.line, p.col, w), (line, col, width), "{src:?} {node:?}");
        }
    }
}
