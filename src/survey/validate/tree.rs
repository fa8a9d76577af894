//! A YAML document loaded into a tree that keeps the line and column of
//! every node, read with yaml-rust2's event parser. Takes the file's text;
//! returns the root [`Node`] or the scanner's error with its position.
//! Anchors and aliases are resolved by copying the anchored node.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diag::Pos;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Single,
    Double,
    /// `|`
    Literal,
    /// `>`
    Folded,
}

#[derive(Debug, Clone)]
pub enum Value {
    /// Entries in file order; duplicate keys are kept (see [`duplicate_keys`]).
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
    Scalar {
        text: String,
        style: Style,
    },
}

#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    /// Where the node starts (for a quoted scalar: its opening quote; for a
    /// block scalar: its first character of content).
    pub pos: Pos,
    /// How many characters of its first line the node covers (≥ 1).
    pub width: usize,
    /// Char index of `pos` in the source.
    pub index: usize,
}

impl Node {
    pub fn entries(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar (also of a null scalar: "", "~", "null").
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn style(&self) -> Option<Style> {
        match &self.value {
            Value::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    /// A plain `~`, `null` or empty scalar: YAML's "nothing".
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, style: Style::Plain }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The key node and value of the first entry named `key`.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.text() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// The value of the first entry named `key`, unless it is null.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v).filter(|v| !v.is_null())
    }

    /// How the node reads in a message: `'text'`, `a map`, `a list`, `nothing`.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Map(_) => "a map".into(),
            Value::Seq(_) => "a list".into(),
            Value::Scalar { .. } if self.is_null() => "nothing".into(),
            Value::Scalar { text, .. } => {
                let short: String = text.chars().take(40).collect();
                let dots = if short.len() < text.len() { "…" } else { "" };
                format!("'{}{dots}'", short.replace('\n', " "))
            }
        }
    }
}

/// A YAML syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

fn pos_of(m: &Marker) -> Pos {
    Pos {
        line: m.line(),
        col: m.col() + 1,
    }
}

enum Frame {
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        start: Marker,
        anchor: usize,
    },
    Seq {
        items: Vec<Node>,
        start: Marker,
        anchor: usize,
    },
}

struct Builder<'a> {
    chars: &'a [char],
    stack: Vec<Frame>,
    docs: Vec<(Node, Pos)>,
    doc_start: Pos,
    /// Anchored nodes, with how many nodes each holds.
    anchors: HashMap<usize, (Node, usize)>,
    /// Whether any node carries a YAML tag (`!!str`, `!x`).
    tagged: bool,
    /// Nodes copied in by aliases so far.
    expanded: usize,
    /// The first limit hit (an alias bomb, nesting too deep).
    error: Option<SyntaxError>,
}

/// Most nodes that aliases may copy into one file: far more than any
/// survey needs, far less than an alias bomb ("billion laughs") makes.
pub const ALIAS_LIMIT: usize = 100_000;
/// Deepest nesting of maps and lists in a survey file.
pub const DEPTH_LIMIT: usize = 64;

/// How many nodes a node holds, itself included.
fn size(n: &Node) -> usize {
    match &n.value {
        Value::Map(e) => 1 + e.iter().map(|(k, v)| size(k) + size(v)).sum::<usize>(),
        Value::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Scalar { .. } => 1,
    }
}

impl Builder<'_> {
    fn width_at(&self, m: &Marker, text: &str, style: Style) -> usize {
        let rest = self.chars.get(m.index()..).unwrap_or(&[]);
        let line_len = rest.iter().take_while(|c| **c != '\n').count();
        let w = match style {
            Style::Single | Style::Double => quoted_width(rest, style).unwrap_or(line_len),
            _ => text.chars().take_while(|c| *c != '\n').count(),
        };
        w.min(line_len).max(1)
    }

    fn node(&self, value: Value, m: &Marker, width: usize) -> Node {
        Node {
            value,
            pos: pos_of(m),
            width: width.max(1),
            index: m.index(),
        }
    }

    fn push(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            let n = size(&node);
            self.anchors.insert(anchor, (node.clone(), n));
        }
        match self.stack.last_mut() {
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
            Some(Frame::Seq { items, .. }) => items.push(node),
            None => self.docs.push((node, self.doc_start)),
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, m: Marker) {
        match ev {
            Event::DocumentStart => self.doc_start = pos_of(&m),
            Event::Scalar(text, style, anchor, tag) => {
                self.tagged |= tag.is_some();
                let style = match style {
                    TScalarStyle::Plain => Style::Plain,
                    TScalarStyle::SingleQuoted => Style::Single,
                    TScalarStyle::DoubleQuoted => Style::Double,
                    TScalarStyle::Literal => Style::Literal,
                    TScalarStyle::Folded => Style::Folded,
                };
                let width = self.width_at(&m, &text, style);
                let node = self.node(Value::Scalar { text, style }, &m, width);
                self.push(node, anchor);
            }
            Event::Alias(id) => {
                let empty = self.node(
                    Value::Scalar {
                        text: String::new(),
                        style: Style::Plain,
                    },
                    &m,
                    1,
                );
                let node = match self.anchors.get(&id) {
                    Some((node, n)) if self.error.is_none() => {
                        self.expanded = self.expanded.saturating_add(*n);
                        if self.expanded > ALIAS_LIMIT {
                            self.error = Some(SyntaxError {
                                pos: pos_of(&m),
                                message: format!(
                                    "YAML aliases expand to more than {ALIAS_LIMIT} nodes by here (an alias bomb?); write the repeated part out, or use fewer aliases"
                                ),
                            });
                            empty
                        } else {
                            node.clone()
                        }
                    }
                    _ => empty,
                };
                self.push(node, 0);
            }
            Event::MappingStart(..) | Event::SequenceStart(..)
                if self.stack.len() >= DEPTH_LIMIT && self.error.is_none() =>
            {
                self.error = Some(SyntaxError {
                    pos: pos_of(&m),
                    message: format!(
                        "maps and lists nested deeper than {DEPTH_LIMIT} levels; a survey needs a handful"
                    ),
                });
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    start: m,
                    anchor: 0,
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.tagged |= tag.is_some();
                self.stack.push(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    start: m,
                    anchor,
                });
            }
            Event::SequenceStart(anchor, tag) => {
                self.tagged |= tag.is_some();
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    start: m,
                    anchor,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => self.close(),
            _ => {}
        }
    }
}

impl Builder<'_> {
    fn close(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (node, anchor) = match frame {
            Frame::Map {
                entries,
                start,
                anchor,
                ..
            } => {
                // A block map's start marker sits oddly; its first key is
                // where a reader sees it begin.
                let flow = self.chars.get(start.index()) == Some(&'{');
                let mut node = self.node(Value::Map(Vec::new()), &start, 1);
                if let (false, Some((k, _))) = (flow, entries.first()) {
                    node.pos = k.pos;
                    node.index = k.index;
                }
                node.value = Value::Map(entries);
                (node, anchor)
            }
            Frame::Seq {
                items,
                start,
                anchor,
            } => (self.node(Value::Seq(items), &start, 1), anchor),
        };
        self.push(node, anchor);
    }
}

/// Width of a quoted scalar on its first line, quotes included; `None` when
/// it continues on the next line.
fn quoted_width(rest: &[char], style: Style) -> Option<usize> {
    let quote = if style == Style::Single { '\'' } else { '"' };
    let mut i = 1;
    while let Some(&c) = rest.get(i) {
        match c {
            '\n' => return None,
            '\\' if style == Style::Double => i += 2,
            '\'' if style == Style::Single && rest.get(i + 1) == Some(&'\'') => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// A loaded document: its root (`None` for an empty file) and whether any
/// node in it carries a YAML tag.
pub struct Document {
    pub root: Option<Node>,
    pub tagged: bool,
}

/// Load the first document of `source`. `Ok(None)` for an empty file.
#[cfg(test)]
pub fn load(source: &str) -> Result<Option<Node>, SyntaxError> {
    let chars: Vec<char> = source.chars().collect();
    load_document(source, &chars).map(|d| d.root)
}

/// Load the only document of `source`, whose chars are `chars`.
pub fn load_document(source: &str, chars: &[char]) -> Result<Document, SyntaxError> {
    let mut b = Builder {
        chars,
        stack: Vec::new(),
        docs: Vec::new(),
        doc_start: Pos { line: 1, col: 1 },
        anchors: HashMap::new(),
        tagged: false,
        expanded: 0,
        error: None,
    };
    let mut parser = Parser::new_from_str(source);
    parser.load(&mut b, true).map_err(|e| SyntaxError {
        pos: pos_of(e.marker()),
        message: format!("YAML syntax: {}", e.info()),
    })?;
    if let Some(e) = b.error {
        return Err(e);
    }
    if let Some((_, second)) = b.docs.get(1) {
        return Err(SyntaxError {
            pos: *second,
            message: "a survey file holds one YAML document; found a second one here".into(),
        });
    }
    Ok(Document {
        root: b.docs.into_iter().next().map(|(n, _)| n),
        tagged: b.tagged,
    })
}

/// A key that appears twice in one map: (the second key node, the first's line,
/// the name of the map's own key, e.g. `options`).
pub struct Duplicate<'a> {
    pub key: &'a Node,
    pub first_line: usize,
    pub parent: Option<&'a str>,
}

/// Every duplicate key in the tree, in file order.
pub fn duplicate_keys(root: &Node) -> Vec<Duplicate<'_>> {
    let mut out = Vec::new();
    walk_dups(root, None, &mut out);
    out.sort_by_key(|d| (d.key.pos.line, d.key.pos.col));
    out
}

fn walk_dups<'a>(node: &'a Node, parent: Option<&'a str>, out: &mut Vec<Duplicate<'a>>) {
    match &node.value {
        Value::Map(entries) => {
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for (k, v) in entries {
                if let Some(t) = k.text() {
                    if let Some(&line) = seen.get(t) {
                        out.push(Duplicate {
                            key: k,
                            first_line: line,
                            parent,
                        });
                    } else {
                        seen.insert(t, k.pos.line);
                    }
                }
                walk_dups(v, k.text(), out);
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| walk_dups(i, parent, out)),
        Value::Scalar { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(n: &Node) -> (usize, usize, usize) {
        (n.pos.line, n.pos.col, n.width)
    }

    #[test]
    fn positions_of_nodes() {
        let src =
            "a: 1\nb:\n  c: 'x y'\n  d: \"q\\\"\"\n  é: [1, {x: 2}]\ne: |\n  block\nf:\n  - k: v\n";
        let root = load(src).unwrap().unwrap();
        let cases: Vec<(&Node, (usize, usize, usize))> = vec![
            (root.get("a").unwrap(), (1, 4, 1)),
            (root.get("b").unwrap(), (3, 3, 1)),
            (root.get("b").unwrap().get("c").unwrap(), (3, 6, 5)),
            (root.get("b").unwrap().get("d").unwrap(), (4, 6, 5)),
            (root.get("b").unwrap().get("é").unwrap(), (5, 6, 1)),
            (root.get("e").unwrap(), (7, 3, 5)),
            (root.get("f").unwrap(), (9, 3, 1)),
            (&root.get("f").unwrap().items().unwrap()[0], (9, 5, 1)),
        ];
        for (n, want) in cases {
            assert_eq!(at(n), want, "{n:?}");
        }
        let flow = &root.get("b").unwrap().get("é").unwrap().items().unwrap()[1];
        assert_eq!(at(flow), (5, 10, 1));
    }

    #[test]
    fn syntax_errors_and_documents() {
        let cases = [
            ("a: [1, 2\n", 2, "YAML syntax"),
            ("a: b: c\n", 1, "YAML syntax"),
            ("a: 1\n---\nb: 2\n", 2, "one YAML document"),
            ("a:\n\t- b\n", 2, "YAML syntax"),
        ];
        for (src, line, msg) in cases {
            let e = load(src).unwrap_err();
            assert_eq!(e.pos.line, line, "{src:?}: {e:?}");
            assert!(e.message.contains(msg), "{src:?}: {e:?}");
        }
        assert!(load("").unwrap().is_none());
        assert!(load("# only a comment\n").unwrap().is_none());
    }

    #[test]
    fn duplicates_at_second_occurrence() {
        let src = "a: 1\nb: {x: 1, x: 2}\na: 3\n";
        let root = load(src).unwrap().unwrap();
        let d: Vec<_> = duplicate_keys(&root)
            .iter()
            .map(|d| (d.key.pos.line, d.key.pos.col, d.first_line, d.parent))
            .collect();
        assert_eq!(d, vec![(2, 11, 2, Some("b")), (3, 1, 1, None)]);
    }

    #[test]
    fn aliases_copy_the_anchored_node() {
        let root = load("a: &x {k: v}\nb: *x\n").unwrap().unwrap();
        assert_eq!(root.get("b").unwrap().get("k").unwrap().text(), Some("v"));
    }
}
