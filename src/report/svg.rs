//! Charts as standalone SVG text (no scripts, no external references):
//! horizontal bars for choices, diverging stacked bars for scales and
//! matrix rows (the midpoint stated for even scales), and an NPS bar. Each
//! has `<title>` and `<desc>`; a group without figures is drawn as a hatched
//! "withheld" bar, never as zero. Coordinates are printed with one decimal,
//! so the same input gives the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::survey::model::Scale;

pub struct Labels {
    pub withheld: &'static str,
}

pub struct Bar {
    pub label: String,
    pub x: u64,
    pub n: u64,
}

pub struct Stack {
    pub label: String,
    pub counts: BTreeMap<i64, u64>,
}

const W: f64 = 640.0;
const LABEL_W: f64 = 220.0;
const ROW_H: f64 = 26.0;
const AREA: f64 = W - LABEL_W - 60.0;

/// Text for SVG content and attributes: control characters made spaces,
/// then `& < > " '` escaped (html-escape; valid XML too).
pub fn xml(s: &str) -> String {
    let plain: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    html_escape::encode_quoted_attribute(&plain).into_owned()
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max - 1).collect();
    t.push('…');
    t
}

fn open(out: &mut String, h: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {h:.1}\" width=\"{W}\" height=\"{h:.1}\" role=\"img\" font-family=\"system-ui, sans-serif\" font-size=\"13\">\n<title>{}</title>\n<desc>{}</desc>\n",
        xml(title),
        xml(desc)
    );
    out.push_str("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999\" stroke-width=\"2\"/></pattern></defs>\n");
}

fn label(out: &mut String, y: f64, text: &str) {
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
        LABEL_W - 8.0,
        y + ROW_H / 2.0 + 4.0,
        xml(&short(text, 32))
    );
}

fn rect(out: &mut String, x: f64, y: f64, w: f64, fill: &str) {
    let _ = writeln!(
        out,
        "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\"/>",
        y + 4.0,
        w.max(0.0),
        ROW_H - 8.0
    );
}

/// A row whose group is withheld: hatched, and said in words (never drawn as zero).
fn withheld_row(out: &mut String, y: f64, withheld: &str) {
    rect(out, LABEL_W, y, AREA, "url(#hatch)");
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
        LABEL_W + 4.0,
        y + 17.0,
        xml(withheld)
    );
}

/// Horizontal bars: one per option, share of `n`.
pub fn bars(title: &str, rows: &[Bar], l: &Labels) -> String {
    let h = ROW_H * rows.len() as f64 + 10.0;
    let desc: Vec<String> = rows
        .iter()
        .map(|b| format!("{}: {} of {}", b.label, b.x, b.n))
        .collect();
    let mut out = String::new();
    open(&mut out, h, title, &desc.join("; "));
    for (i, b) in rows.iter().enumerate() {
        let y = 5.0 + ROW_H * i as f64;
        label(&mut out, y, &b.label);
        if b.n == 0 {
            withheld_row(&mut out, y, l.withheld);
            continue;
        }
        let w = AREA * b.x as f64 / b.n as f64;
        rect(&mut out, LABEL_W, y, w, "#3b6ea5");
        let pct = super::stats::percent(b.x, b.n);
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\">{pct} %</text>",
            LABEL_W + w + 6.0,
            y + 17.0
        );
    }
    out.push_str("</svg>\n");
    out
}

/// Diverging colours from the low end (red) to the high end (blue).
fn colour(i: usize, points: usize) -> &'static str {
    const P: [&str; 7] = [
        "#b2182b", "#d6604d", "#f4a582", "#d9d9d9", "#92c5de", "#4393c3", "#2166ac",
    ];
    if points <= 1 {
        return P[3];
    }
    let idx = (i as f64 / (points - 1) as f64 * 6.0).round() as usize;
    P[idx.min(6)]
}

/// Diverging stacked bars, one per row, centred on the scale's midpoint.
pub fn diverging(title: &str, scale: &Scale, rows: &[Stack], l: &Labels) -> String {
    let pts: Vec<i64> = (scale.min..=scale.max).collect();
    let mid = (scale.min + scale.max) as f64 / 2.0;
    let h = ROW_H * rows.len() as f64 + 34.0;
    let mut desc = format!("Diverging bars centred on {mid}; ");
    let parts: Vec<String> = rows
        .iter()
        .map(|r| {
            let c: Vec<String> = pts
                .iter()
                .map(|p| format!("{p}: {}", r.counts.get(p).copied().unwrap_or(0)))
                .collect();
            format!("{} {}", r.label, c.join(", "))
        })
        .collect();
    desc.push_str(&parts.join("; "));
    let mut out = String::new();
    open(&mut out, h, title, &desc);
    let centre = LABEL_W + AREA / 2.0;
    for (i, r) in rows.iter().enumerate() {
        let y = 5.0 + ROW_H * i as f64;
        label(&mut out, y, &r.label);
        let n: u64 = r.counts.values().sum();
        if n == 0 {
            withheld_row(&mut out, y, l.withheld);
            continue;
        }
        let share = |p: i64| r.counts.get(&p).copied().unwrap_or(0) as f64 / n as f64 * AREA / 2.0;
        // Left of the centre: points below the midpoint (and half the middle point).
        let below: f64 = pts
            .iter()
            .filter(|&&p| (p as f64) < mid)
            .map(|&p| share(p))
            .sum::<f64>()
            + pts
                .iter()
                .filter(|&&p| (p as f64) == mid)
                .map(|&p| share(p) / 2.0)
                .sum::<f64>();
        let mut x = centre - below;
        for (j, &p) in pts.iter().enumerate() {
            let w = share(p);
            rect(&mut out, x, y, w, colour(j, pts.len()));
            x += w;
        }
    }
    let y = 5.0 + ROW_H * rows.len() as f64;
    let _ = writeln!(
        out,
        "<line x1=\"{centre:.1}\" y1=\"2\" x2=\"{centre:.1}\" y2=\"{y:.1}\" stroke=\"#333\"/>"
    );
    let _ = writeln!(
        out,
        "<text x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{} ← {mid} → {}</text>",
        y + 16.0,
        scale.min,
        scale.max
    );
    out.push_str("</svg>\n");
    out
}

/// One bar: detractors, passives, promoters, with the score.
pub fn nps(title: &str, d: u64, pas: u64, p: u64, score: i64, names: &[&str; 3]) -> String {
    let n = d + pas + p;
    let desc = format!(
        "{}: {d}; {}: {pas}; {}: {p}; eNPS {score}",
        names[0], names[1], names[2]
    );
    let mut out = String::new();
    open(&mut out, ROW_H + 40.0, title, &desc);
    let mut x = LABEL_W;
    label(
        &mut out,
        5.0,
        &format!("eNPS {}", super::fmt::signed(score)),
    );
    for (c, colour, name) in [
        (d, "#b2182b", names[0]),
        (pas, "#d9d9d9", names[1]),
        (p, "#2166ac", names[2]),
    ] {
        let w = if n == 0 {
            0.0
        } else {
            AREA * c as f64 / n as f64
        };
        rect(&mut out, x, 5.0, w, colour);
        if w > 30.0 {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{}</text>",
                x + w / 2.0,
                ROW_H + 22.0,
                xml(&short(name, 14))
            );
        }
        x += w;
    }
    out.push_str("</svg>\n");
    out
}
