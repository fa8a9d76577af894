//! The view of one question for the page template: every control with its
//! field name and value already decided by the endpoint adapter, so the
//! template only lays them out and every language posts the same fields.
//!
//! Takes a question, the survey, the page language and the adapter;
//! returns a serialisable [`QuestionView`].

use serde::Serialize;

use crate::endpoint::{Adapter, Part};
use crate::i18n::Strings;
use crate::markdown;
use crate::survey::{Choice, DatePrecision, Kind, MultiEncoding, Question, Scale, Survey};

/// A name/value pair (attributes, select options).
#[derive(Debug, Clone, Serialize)]
pub struct Attr {
    pub k: String,
    pub v: String,
}

fn attr(k: &str, v: impl Into<String>) -> Attr {
    Attr {
        k: k.to_string(),
        v: v.into(),
    }
}

/// One radio button or checkbox.
#[derive(Debug, Clone, Serialize)]
pub struct OptionView {
    pub name: String,
    pub value: String,
    pub label: String,
    /// A second line (a scale point's label).
    pub sub: String,
    /// Set on the first control of a question or matrix row.
    pub id: String,
    /// The option value conditions see, when the posted value differs.
    pub v: String,
    pub pin: bool,
    pub excl: bool,
    pub other: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub id: String,
    pub label: String,
    pub options: Vec<OptionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankView {
    pub name: String,
    pub id: String,
    pub label: String,
    pub v: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputView {
    pub name: String,
    pub itype: String,
    pub attrs: Vec<Attr>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthView {
    pub year_name: String,
    pub month_name: String,
    pub years: Vec<i32>,
    pub months: Vec<Attr>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    pub id: String,
    /// The survey type (`data-type`).
    pub qtype: String,
    /// The layout the template uses: radio, checkbox, select, matrix,
    /// ranking, month, input, textarea, info.
    pub layout: String,
    pub text: String,
    /// Markdown rendered (HTML).
    pub hint: String,
    /// `Expr::to_json()` of `show_if`, or empty.
    pub show_if: String,
    /// The condition note (HTML), or empty.
    pub note: String,
    pub required: bool,
    pub native_required: bool,
    /// The id of the question's first control (error summary target).
    pub fid: String,
    pub describedby: String,
    /// `data-*` attributes on the wrapper (min, max, shuffle).
    pub data: Vec<Attr>,
    pub options: Vec<OptionView>,
    pub other: Option<InputView>,
    pub rows: Vec<RowView>,
    pub ranks: Vec<RankView>,
    pub rank_values: Vec<usize>,
    pub input: Option<InputView>,
    pub month: Option<MonthView>,
    /// info: the Markdown body (HTML).
    pub body: String,
}

/// Everything a question view needs from its surroundings.
pub struct Ctx<'a> {
    pub survey: &'a Survey,
    pub lang: &'a str,
    pub strings: &'a Strings<'a>,
    pub adapter: &'a dyn Adapter,
    /// The language whose labels Google Forms expects, and its strings.
    pub labels_lang: &'a str,
    pub labels_strings: &'a Strings<'a>,
}

impl Ctx<'_> {
    fn name(&self, q: &Question, part: Part) -> String {
        self.adapter.field_name(&self.survey.endpoint, q, part)
    }
}

/// The years offered by month-precision dates (fixed, so builds stay
/// deterministic), newest first.
const YEARS: std::ops::RangeInclusive<i32> = 1960..=2040;

pub fn question_view(q: &Question, cx: &Ctx) -> QuestionView {
    let lang = cx.lang;
    let s = cx.strings;
    let fid = format!("f-{}", q.id);
    let hint = q
        .hint
        .as_ref()
        .map(|h| markdown::render(h.get(lang)))
        .unwrap_or_default();
    let (show_if, note) = match &q.show_if {
        Some(c) => (
            c.expr.to_json().to_string(),
            super::notes::note_html(&c.expr, cx.survey, lang, s),
        ),
        None => (String::new(), String::new()),
    };
    let mut described = Vec::new();
    if !hint.is_empty() {
        described.push(format!("h-{}", q.id));
    }
    if !note.is_empty() {
        described.push(format!("n-{}", q.id));
    }
    let single = matches!(
        q.kind,
        Kind::Choice { .. }
            | Kind::YesNo
            | Kind::Scale { .. }
            | Kind::Nps
            | Kind::Text { .. }
            | Kind::Number { .. }
            | Kind::Date {
                precision: DatePrecision::Day
            }
    );
    let mut v = QuestionView {
        id: q.id.clone(),
        qtype: q.kind.name().to_string(),
        layout: String::new(),
        text: q.text.get(lang).to_string(),
        hint,
        show_if,
        note,
        required: q.required,
        native_required: q.required && q.show_if.is_none() && single,
        fid,
        describedby: described.join(" "),
        data: Vec::new(),
        options: Vec::new(),
        other: None,
        rows: Vec::new(),
        ranks: Vec::new(),
        rank_values: Vec::new(),
        input: None,
        month: None,
        body: String::new(),
    };
    fill_kind(&mut v, q, cx);
    v
}

fn fill_kind(v: &mut QuestionView, q: &Question, cx: &Ctx) {
    let s = cx.strings;
    match &q.kind {
        Kind::Choice {
            options,
            dropdown,
            other,
            shuffle,
            pin,
        } => {
            v.layout = if *dropdown { "select" } else { "radio" }.into();
            v.options = choice_options(q, options, cx, *other, false, MultiEncoding::Repeat, pin);
            if *shuffle {
                v.data.push(attr("data-shuffle", "1"));
            }
            if *other {
                v.other = Some(other_input(q, cx));
            }
        }
        Kind::Multi {
            options,
            min,
            max,
            other,
            none,
            shuffle,
            pin,
        } => {
            v.layout = "checkbox".into();
            let enc = cx.adapter.multi(&cx.survey.endpoint);
            v.options = choice_options(q, options, cx, *other, *none, enc, pin);
            if let Some(n) = min {
                v.data.push(attr("data-min", n.to_string()));
            }
            if let Some(n) = max {
                v.data.push(attr("data-max", n.to_string()));
            }
            if *shuffle {
                v.data.push(attr("data-shuffle", "1"));
            }
            if enc == MultiEncoding::Comma {
                v.data.push(attr("data-join", "1"));
            }
            if *other {
                v.other = Some(other_input(q, cx));
            }
        }
        Kind::YesNo => {
            v.layout = "radio".into();
            let name = cx.name(q, Part::Main);
            v.options = ["yes", "no"]
                .iter()
                .map(|val| {
                    let label = s.get(&format!("yesno.{val}")).to_string();
                    let labels = cx.labels_strings.get(&format!("yesno.{val}")).to_string();
                    plain_option(&name, val, cx.adapter.option_value(val, &labels), label)
                })
                .collect();
        }
        Kind::Scale { scale, .. } => {
            v.layout = "radio".into();
            v.data.push(attr("data-scale", "1"));
            v.options = scale_options(&cx.name(q, Part::Main), scale, cx, false);
        }
        Kind::Nps => {
            v.layout = "radio".into();
            v.data.push(attr("data-scale", "nps"));
            let name = cx.name(q, Part::Main);
            v.options = (0..=10)
                .map(|p| {
                    let mut o = plain_option(&name, &p.to_string(), p.to_string(), p.to_string());
                    o.sub = match p {
                        0 => s.get("nps.low").to_string(),
                        10 => s.get("nps.high").to_string(),
                        _ => String::new(),
                    };
                    o
                })
                .collect();
        }
        Kind::Matrix { rows, scale, .. } => {
            v.layout = "matrix".into();
            v.rows = rows
                .iter()
                .map(|(row, label)| {
                    let mut options = scale_options(&cx.name(q, Part::Row(row)), scale, cx, true);
                    if let Some(first) = options.first_mut() {
                        first.id = format!("f-{}-{row}", q.id);
                    }
                    RowView {
                        id: row.clone(),
                        label: label.get(cx.lang).to_string(),
                        options,
                    }
                })
                .collect();
            if let Some(first) = v.rows.first() {
                v.fid = format!("f-{}-{}", q.id, first.id);
            }
        }
        Kind::Ranking { options } => {
            v.layout = "ranking".into();
            v.ranks = options
                .iter()
                .enumerate()
                .map(|(i, c)| RankView {
                    name: cx.name(q, Part::Rank(&c.value)),
                    id: if i == 0 {
                        v.fid.clone()
                    } else {
                        format!("f-{}-{}", q.id, c.value)
                    },
                    label: c.label.get(cx.lang).to_string(),
                    v: c.value.clone(),
                })
                .collect();
            v.rank_values = (1..=options.len()).collect();
        }
        Kind::Date {
            precision: DatePrecision::Day,
        } => {
            v.layout = "input".into();
            v.input = Some(InputView {
                name: cx.name(q, Part::Main),
                itype: "date".into(),
                attrs: Vec::new(),
            });
        }
        Kind::Date {
            precision: DatePrecision::Month,
        } => {
            v.layout = "month".into();
            v.month = Some(MonthView {
                year_name: cx.name(q, Part::Year),
                month_name: cx.name(q, Part::Month),
                years: YEARS.rev().collect(),
                months: (1..=12)
                    .map(|m| attr(&format!("{m:02}"), s.get(&format!("month.{m}"))))
                    .collect(),
            });
        }
        Kind::Number {
            min,
            max,
            step,
            integer,
        } => {
            v.layout = "input".into();
            let mut attrs = vec![attr(
                "inputmode",
                if *integer { "numeric" } else { "decimal" },
            )];
            for (k, val) in [("min", min), ("max", max)] {
                if let Some(n) = val {
                    attrs.push(attr(k, fmt_num(*n)));
                }
            }
            match (step, integer) {
                (Some(st), _) => attrs.push(attr("step", fmt_num(*st))),
                (None, true) => attrs.push(attr("step", "1")),
                (None, false) => attrs.push(attr("step", "any")),
            }
            v.input = Some(InputView {
                name: cx.name(q, Part::Main),
                itype: "number".into(),
                attrs,
            });
        }
        Kind::Text {
            multiline,
            min_length,
            max_length,
            pattern,
            pattern_message,
        } => {
            v.layout = if *multiline { "textarea" } else { "input" }.into();
            let mut attrs = Vec::new();
            if let Some(n) = min_length {
                attrs.push(attr("minlength", n.to_string()));
            }
            if let Some(n) = max_length {
                attrs.push(attr("maxlength", n.to_string()));
            }
            if let Some(p) = pattern {
                attrs.push(attr("pattern", p.clone()));
                if let Some(m) = pattern_message {
                    attrs.push(attr("data-pattern-message", m.get(cx.lang)));
                }
            }
            v.input = Some(InputView {
                name: cx.name(q, Part::Main),
                itype: "text".into(),
                attrs,
            });
        }
        Kind::Info => {
            v.layout = "info".into();
            v.body = markdown::render(q.text.get(cx.lang));
        }
    }
    if let Some(first) = v.options.first_mut() {
        first.id = v.fid.clone();
    }
}

fn plain_option(name: &str, logical: &str, value: String, label: String) -> OptionView {
    OptionView {
        name: name.to_string(),
        v: if value == logical {
            String::new()
        } else {
            logical.to_string()
        },
        value,
        label,
        sub: String::new(),
        id: String::new(),
        pin: false,
        excl: false,
        other: false,
    }
}

fn other_input(q: &Question, cx: &Ctx) -> InputView {
    InputView {
        name: cx.name(q, Part::Other),
        itype: "text".into(),
        attrs: vec![attr("id", format!("o-{}", q.id))],
    }
}

/// Options of a choice or multi question, `other` and `none` last.
fn choice_options(
    q: &Question,
    options: &[Choice],
    cx: &Ctx,
    other: bool,
    none: bool,
    enc: MultiEncoding,
    pin: &[String],
) -> Vec<OptionView> {
    let labels_strings = cx.labels_strings;
    let mut items: Vec<(String, String, String, bool)> = options
        .iter()
        .map(|c| {
            (
                c.value.clone(),
                c.label.get(cx.lang).to_string(),
                c.label.get(cx.labels_lang).to_string(),
                pin.contains(&c.value),
            )
        })
        .collect();
    if other {
        let l = cx.strings.get("option.other").to_string();
        items.push((
            "other".into(),
            l,
            labels_strings.get("option.other").into(),
            true,
        ));
    }
    if none {
        let l = cx.strings.get("option.none").to_string();
        items.push((
            "none".into(),
            l,
            labels_strings.get("option.none").into(),
            true,
        ));
    }
    let is_multi = matches!(q.kind, Kind::Multi { .. });
    items
        .into_iter()
        .map(|(value, label, labels_label, pinned)| {
            let (name, sent) = match (is_multi, enc) {
                (true, MultiEncoding::Split) => (
                    cx.adapter
                        .field_name(&cx.survey.endpoint, q, Part::Row(&value)),
                    "1".to_string(),
                ),
                (true, MultiEncoding::Brackets) => (
                    format!("{}[]", cx.name(q, Part::Main)),
                    cx.adapter.option_value(&value, &labels_label),
                ),
                _ => (
                    cx.name(q, Part::Main),
                    cx.adapter.option_value(&value, &labels_label),
                ),
            };
            let mut o = plain_option(&name, &value, sent, label);
            o.pin = pinned;
            o.excl = is_multi && value == "none";
            o.other = value == "other";
            o
        })
        .collect()
}

/// Radio buttons for a scale. In a matrix row (`row`) whose every point
/// has a label, the label alone names each button (the rows repeat it).
fn scale_options(name: &str, scale: &Scale, cx: &Ctx, row: bool) -> Vec<OptionView> {
    let labels_strings = cx.labels_strings;
    let mut options: Vec<OptionView> = (scale.min..=scale.max)
        .map(|p| {
            let point = p.to_string();
            let (label, labels_label) = match &scale.preset {
                Some(preset) => {
                    let key = format!("scale.{preset}.{p}");
                    (
                        cx.strings.get(&key).to_string(),
                        labels_strings.get(&key).to_string(),
                    )
                }
                None => scale
                    .labels
                    .get(&p)
                    .map(|t| {
                        (
                            t.get(cx.lang).to_string(),
                            t.get(cx.labels_lang).to_string(),
                        )
                    })
                    .unwrap_or_default(),
            };
            let sent = if row && !labels_label.is_empty() {
                cx.adapter.option_value(&point, &labels_label)
            } else {
                point.clone()
            };
            let mut o = plain_option(name, &point, sent, point.clone());
            o.sub = label;
            o
        })
        .collect();
    if row && options.iter().all(|o| !o.sub.is_empty()) {
        for o in &mut options {
            o.label = std::mem::take(&mut o.sub);
        }
    }
    options
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}
