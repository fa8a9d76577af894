//! Sections and the keys every question shares: id rules and duplicates,
//! type, text, hint, required, segment, key and show_if. Type-specific keys
//! are checked in [`super::kinds`]. Returns the questions in survey order
//! for the checks that look across questions.

use super::keys::*;
use super::tree::Node;
use super::{Ctx, condition, kinds, lenient};
use crate::survey::keys::RESERVED_IDS;
use crate::survey::model::Question;
use crate::survey::slug::is_slug;

/// One question as read from the tree, leniently.
pub struct Q<'a> {
    pub node: &'a Node,
    /// Its place in the survey (0-based, sections flattened).
    pub n: usize,
    pub id: Option<String>,
    /// The type, if it is one farvel knows.
    pub kind: Option<&'static str>,
    /// The question as far as the model can be built (for conditions,
    /// warnings and the endpoint's entries); `None` without a known type.
    pub model: Option<Question>,
}

impl Q<'_> {
    /// `question 'reason'`, or `question 3` without an id.
    pub fn label(&self) -> String {
        match &self.id {
            Some(id) => format!("question '{id}'"),
            None => format!("question {}", self.n + 1),
        }
    }
}

/// Why `id` can't be a question id, if it can't.
pub fn id_problem(id: &str) -> Option<String> {
    Some(if RESERVED_IDS.contains(&id) {
        format!("'{id}' is a reserved name (form services or farvel give it a meaning)")
    } else if id.starts_with('_') {
        format!("'{id}' starts with '_', which is reserved for farvel's own fields")
    } else if id.contains("__") {
        format!("'{id}' contains '__', which farvel uses for one-field-per-option names")
    } else if id.ends_with("_other") {
        format!("'{id}' ends in '_other', which farvel uses for the 'Other' text box")
    } else if !is_slug(id) {
        format!("'{id}' is not a valid id")
    } else {
        return None;
    })
}

pub const ID_HINT: &str =
    "use lower-case letters a-z, digits and single '_' between words, starting with a letter";

/// Check the sections and every question; the questions in order.
pub fn sections<'a>(ctx: &mut Ctx, root: &'a Node) -> Vec<Q<'a>> {
    let Some(sv) = required(
        ctx,
        root,
        "sections",
        root,
        ": a survey needs at least one section",
    ) else {
        return Vec::new();
    };
    let Some(secs) = seq_of(ctx, sv, "sections") else {
        return Vec::new();
    };
    if secs.is_empty() {
        ctx.error(
            sv,
            "'sections' is empty: a survey needs at least one section",
        );
    }
    let mut nodes = Vec::new();
    for (n, s) in secs.iter().enumerate() {
        if s.entries().is_none() {
            let msg = format!(
                "a section must be a map (title, questions), found {}",
                s.describe()
            );
            ctx.error(s, msg);
            continue;
        }
        unknown_keys(ctx, s, &names(crate::survey::keys::SECTION_KEYS), &|_| None);
        for key in ["title", "intro"] {
            if let Some(t) = s.get(key) {
                text(ctx, t, &format!("the {key} of section {}", n + 1));
            }
        }
        let what = format!(": section {} has no questions", n + 1);
        let Some(qv) = required(ctx, s, "questions", s, &what) else {
            continue;
        };
        match seq_of(ctx, qv, "questions") {
            Some([]) => ctx.error(qv, format!("'questions' is empty{}", &what[1..])),
            Some(items) => nodes.extend(items),
            None => {}
        }
    }
    let qs: Vec<Q> = nodes
        .into_iter()
        .enumerate()
        .map(|(n, node)| read(node, n))
        .collect();
    for n in 0..qs.len() {
        question(ctx, &qs, n);
    }
    qs
}

fn read(node: &Node, n: usize) -> Q<'_> {
    let id = node.get("id").and_then(Node::text).map(str::to_string);
    let kind = node
        .get("type")
        .and_then(Node::text)
        .and_then(|t| TYPES.iter().copied().find(|k| *k == t));
    let model =
        kind.map(|k| lenient::model(node, k, id.clone().unwrap_or_else(|| format!("info_{n}"))));
    Q {
        node,
        n,
        id,
        kind,
        model,
    }
}

fn question(ctx: &mut Ctx, qs: &[Q], n: usize) {
    let q = &qs[n];
    let node = q.node;
    if node.entries().is_none() {
        let msg = format!(
            "a question must be a map (id, type, text, …), found {}",
            node.describe()
        );
        ctx.error(node, msg);
        return;
    }
    let label = q.label();
    let kind = question_type(ctx, q, &label);
    let mut known: Vec<&str> = COMMON_KEYS.to_vec();
    match kind {
        Some(k) => known.extend(type_keys(k)),
        None => TYPES.iter().for_each(|t| known.extend(type_keys(t))),
    }
    let elsewhere = |key: &str| {
        let owners: Vec<&str> = TYPES
            .iter()
            .copied()
            .filter(|t| type_keys(t).contains(&key))
            .collect();
        (!owners.is_empty()).then(|| {
            format!(
                "'{key}' does not apply to a question of type '{}' (only to {})",
                kind.unwrap_or(""),
                owners.join(", ")
            )
        })
    };
    unknown_keys(ctx, node, &known, &elsewhere);
    question_id(ctx, qs, n, kind);
    if let Some(t) = required(ctx, node, "text", node, &format!(" in {label}")) {
        text(ctx, t, &format!("the text of {label}"));
    }
    if let Some(t) = node.get("hint") {
        text(ctx, t, &format!("the hint of {label}"));
    }
    bool_of(ctx, node, "required");
    bool_of(ctx, node, "key");
    if bool_of(ctx, node, "segment") == Some(true)
        && kind.is_some_and(|k| k != "choice" && k != "yesno")
        && let Some((k, _)) = node.entry("segment")
    {
        ctx.error(
            k,
            "'segment: true' only applies to choice and yesno questions",
        );
        ctx.hint("reports break results down by a segment's options; other types have none");
    }
    if let Some(v) = node.get("show_if")
        && let Some(src) = str_of(ctx, v, "show_if")
    {
        condition::show_if(ctx, v, src, qs, n);
    }
    if let Some(k) = kind {
        kinds::check(ctx, node, k, &label);
    }
}

fn question_type(ctx: &mut Ctx, q: &Q, label: &str) -> Option<&'static str> {
    let v = required(ctx, q.node, "type", q.node, &format!(" in {label}"))?;
    let t = str_of(ctx, v, "type")?;
    if q.kind.is_none() {
        let tail = did_you_mean(t, TYPES.iter().copied());
        ctx.error(v, format!("unknown question type '{t}'{tail}"));
        ctx.hint(format!("the types are: {}", TYPES.join(", ")));
    }
    q.kind
}

fn question_id(ctx: &mut Ctx, qs: &[Q], n: usize, kind: Option<&str>) {
    let node = qs[n].node;
    let Some((k, v)) = node.entry("id") else {
        if kind != Some("info") {
            ctx.error(node, format!("missing 'id' in {}", qs[n].label()));
            ctx.hint("every question but info needs an id, e.g. id: reason");
        }
        return;
    };
    if v.is_null() {
        ctx.error(k, "'id' has no value");
        return;
    }
    let Some(id) = str_of(ctx, v, "id") else {
        return;
    };
    if let Some(problem) = id_problem(id) {
        ctx.error(v, problem);
        ctx.hint(ID_HINT);
        return;
    }
    let first = qs[..n]
        .iter()
        .find(|o| o.id.as_deref() == Some(id))
        .and_then(|o| o.node.get("id"));
    if let Some(first) = first {
        let msg = format!(
            "duplicate question id '{id}' (first at line {})",
            first.pos.line
        );
        ctx.error(v, msg);
    }
}
