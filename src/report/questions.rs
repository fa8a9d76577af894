//! One report section per question, in survey order, by question type:
//! shares with Wilson intervals, full scale distributions with top-2-box,
//! median and mean, NPS with the adjusted-Wald interval, number quantiles,
//! dates by month, rankings, and pointers to the verbatims. Whole
//! population only; a segment question shows only its published groups.

use std::collections::BTreeMap;

use super::aggregate::QAgg;
use super::audit::GroupId;
use super::fmt::{self, bar, interval, md_escape, option_label, option_values, pct, point_label};
use super::markdown::Writer;
use super::stats::{enps, mean_ci, quantile, wilson};
use super::svg;
use crate::survey::model::{Kind, Polarity, Question, Scale};

/// Counts of one question's values, in display order.
fn value_counts(q: &Question, a: &QAgg) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = option_values(q)
        .into_iter()
        .map(|val| {
            let c = a.counts.get(&val).copied().unwrap_or(0);
            (val, c)
        })
        .collect();
    if !matches!(q.kind, Kind::YesNo) {
        v.sort_by_key(|x| std::cmp::Reverse(x.1));
    }
    v
}

/// Top-2-box of a scale: (x, n) where x = the two highest points, or the
/// two lowest when `problem` and polarity is positive.
pub fn top2(scale: &Scale, counts: &BTreeMap<i64, u64>, top: bool) -> (u64, u64) {
    let n = counts.values().sum();
    let x = counts
        .iter()
        .filter(|(p, _)| {
            if top {
                **p >= scale.max - 1
            } else {
                **p <= scale.min + 1
            }
        })
        .map(|(_, c)| c)
        .sum();
    (x, n)
}

/// Whether the "problem" end of a scale is its top (negative polarity).
pub fn problem_is_top(polarity: Polarity) -> bool {
    polarity == Polarity::Negative
}

impl Writer<'_, '_> {
    pub(super) fn questions(&mut self) {
        self.para(&format!("## {}", self.t("by_question")));
        let survey = self.f.survey;
        for section in &survey.sections {
            if !section.questions.iter().any(|q| q.is_answerable()) {
                continue;
            }
            if let Some(t) = &section.title {
                self.para(&format!("### {}", md_escape(t.get(self.lang.code()))));
            }
            for q in section.questions.iter().filter(|q| q.is_answerable()) {
                self.question(q);
            }
        }
    }

    fn question(&mut self, q: &Question) {
        let Some(qi) = self.f.questions.iter().position(|x| x.id == q.id) else {
            return;
        };
        self.para(&format!("#### {}", md_escape(q.text.get(self.lang.code()))));
        if let Some(si) = self.f.segments.iter().position(|s| s.id == q.id) {
            super::breakdown::segment_question(self, q, si);
            return;
        }
        let counts = self
            .f
            .group(GroupId::Overall)
            .filter(|_| self.f.plan.counts_shown(qi, GroupId::Overall))
            .and_then(|c| c.q.get(qi))
            .cloned();
        let Some(c) = counts else {
            self.para(self.t("q.not_shown"));
            return;
        };
        let skipped = c.shown.saturating_sub(c.answered);
        let s = self.tf(
            "q.answered",
            &[
                ("shown", c.shown.to_string()),
                ("answered", c.answered.to_string()),
                ("skipped", skipped.to_string()),
            ],
        );
        self.para(&s);
        if c.answered == 0 || matches!(q.kind, Kind::Text { .. }) {
            if matches!(q.kind, Kind::Text { .. }) {
                self.para(self.t("q.text"));
            }
            return;
        }
        let Some(a) = self.f.overall_q(qi).cloned() else {
            self.para(self.t("q.figures_not_shown"));
            return;
        };
        if a.answered < 10 {
            self.para(self.t("q.indicative"));
        }
        match &q.kind {
            Kind::Choice { .. } | Kind::Multi { .. } | Kind::YesNo => self.shares(q, &a),
            Kind::Scale { scale, polarity } => self.scale(q, &a, scale, *polarity),
            Kind::Nps => self.nps(q, &a),
            Kind::Matrix {
                rows,
                scale,
                polarity,
            } => self.matrix(q, &a, rows, scale, *polarity),
            Kind::Number { .. } => self.number(&a),
            Kind::Date { .. } => self.dates(&a),
            Kind::Ranking { .. } => self.ranking(q, &a),
            Kind::Text { .. } | Kind::Info => {}
        }
    }

    fn shares(&mut self, q: &Question, a: &QAgg) {
        let rows = value_counts(q, a);
        if matches!(q.kind, Kind::Multi { .. }) {
            self.para(self.t("q.multi_note"));
        }
        self.line(&format!(
            "| {} | n | % | {} | |",
            self.t("col.answer"),
            self.t("col.ci")
        ));
        self.line("| --- | ---: | ---: | --- | --- |");
        let mut bars = Vec::new();
        for (val, c) in &rows {
            let label = option_label(self.lang, q, val);
            let ci = interval(wilson(*c, a.answered));
            self.line(&format!(
                "| {label} | {c} | {} | {ci} | {} |",
                pct(*c, a.answered),
                bar(*c, a.answered)
            ));
            bars.push(svg::Bar {
                label: strip(&label),
                x: *c,
                n: a.answered,
            });
        }
        self.line("");
        let svg = svg::bars(q.text.get(self.lang.code()), &bars, &self.svg_text());
        self.chart(q, svg);
    }

    fn scale(&mut self, q: &Question, a: &QAgg, scale: &Scale, polarity: Polarity) {
        self.distribution(&a.points, a.answered, scale);
        let problem_top = problem_is_top(polarity);
        let (x, n) = top2(scale, &a.points, true);
        let key = if problem_top {
            "q.top2_problem"
        } else {
            "q.top2"
        };
        let mut s = self.tf(
            key,
            &[
                ("points", fmt::box_label(scale, true)),
                ("p", pct(x, n)),
                ("x", x.to_string()),
                ("n", n.to_string()),
                ("ci", interval(wilson(x, n))),
            ],
        );
        let median = quantile(
            &a.points.iter().map(|(p, c)| (*p as i32, *c)).collect(),
            0.5,
        );
        if let Some(m) = median.filter(|_| self.f.nonlinear_ok(n)) {
            s.push(' ');
            s.push_str(&self.tf(
                "q.median",
                &[
                    ("m", fmt::num(self.lang, m)),
                    ("max", scale.max.to_string()),
                ],
            ));
        }
        if let Some(m) = mean_ci(&a.points).filter(|_| n >= 2) {
            s.push(' ');
            s.push_str(&self.tf(
                "q.mean",
                &[
                    ("mean", fmt::dec(self.lang, m.mean, 1)),
                    ("lo", fmt::dec(self.lang, m.low, 1)),
                    ("hi", fmt::dec(self.lang, m.high, 1)),
                ],
            ));
        }
        self.para(&s);
        let rows = vec![svg::Stack {
            label: String::new(),
            counts: a.points.clone(),
        }];
        let svg = svg::diverging(q.text.get(self.lang.code()), scale, &rows, &self.svg_text());
        self.chart(q, svg);
    }

    fn distribution(&mut self, points: &BTreeMap<i64, u64>, n: u64, scale: &Scale) {
        self.line(&format!("| {} | n | % | |", self.t("col.answer")));
        self.line("| --- | ---: | ---: | --- |");
        for p in scale.min..=scale.max {
            let c = points.get(&p).copied().unwrap_or(0);
            let label = point_label(self.lang, scale, p);
            self.line(&format!(
                "| {label} | {c} | {} | {} |",
                pct(c, n),
                bar(c, n)
            ));
        }
        self.line("");
    }

    fn nps(&mut self, q: &Question, a: &QAgg) {
        let sum = |lo: i64, hi: i64| a.points.range(lo..=hi).map(|(_, c)| c).sum::<u64>();
        let (d, p) = (sum(0, 6), sum(9, 10));
        let pas = a.answered - d - p;
        self.line(&format!("| {} | n | % | |", self.t("col.group")));
        self.line("| --- | ---: | ---: | --- |");
        for (key, c) in [
            ("nps.promoters", p),
            ("nps.passives", pas),
            ("nps.detractors", d),
        ] {
            self.line(&format!(
                "| {} | {c} | {} | {} |",
                self.t(key),
                pct(c, a.answered),
                bar(c, a.answered)
            ));
        }
        self.line("");
        let e = enps(p, d, a.answered);
        self.para(&self.tf(
            "q.enps",
            &[
                ("score", fmt::signed(e.score)),
                ("lo", fmt::signed(e.low)),
                ("hi", fmt::signed(e.high)),
                ("n", a.answered.to_string()),
            ],
        ));
        let svg = svg::nps(
            q.text.get(self.lang.code()),
            d,
            pas,
            p,
            e.score,
            &self.svg_labels_nps(),
        );
        self.chart(q, svg);
    }

    fn matrix(
        &mut self,
        q: &Question,
        a: &QAgg,
        rows: &indexmap::IndexMap<String, crate::survey::model::Text>,
        scale: &Scale,
        polarity: Polarity,
    ) {
        let points: Vec<i64> = (scale.min..=scale.max).collect();
        let head: Vec<String> = points.iter().map(|p| p.to_string()).collect();
        let top_label = if problem_is_top(polarity) {
            self.t("col.problem")
        } else {
            self.t("col.top2")
        };
        self.line(&format!(
            "| {} | n | {} | {top_label} | {} | {} |",
            self.t("col.statement"),
            head.join(" | "),
            self.t("col.ci"),
            self.t("col.median")
        ));
        self.line(&format!(
            "| --- | ---: |{} ---: | --- | ---: |",
            " ---: |".repeat(points.len())
        ));
        let mut stacks = Vec::new();
        for (rid, text) in rows {
            let label = md_escape(text.get(self.lang.code()));
            let counts = a.rows.get(rid).cloned().unwrap_or_default();
            let n: u64 = counts.values().sum();
            if n < self.f.k {
                let dash = vec![self.t("not_shown"); points.len() + 4].join(" | ");
                self.line(&format!("| {label} | {dash} |"));
                continue;
            }
            let cells: Vec<String> = points
                .iter()
                .map(|p| counts.get(p).copied().unwrap_or(0).to_string())
                .collect();
            let (x, _) = top2(scale, &counts, true);
            let med = quantile(&counts.iter().map(|(p, c)| (*p as i32, *c)).collect(), 0.5)
                .filter(|_| self.f.nonlinear_ok(n))
                .map_or_else(
                    || self.t("not_shown").to_string(),
                    |m| fmt::num(self.lang, m),
                );
            self.line(&format!(
                "| {label} | {n} | {} | {} | {} | {} |",
                cells.join(" | "),
                pct(x, n),
                interval(wilson(x, n)),
                med
            ));
            stacks.push(svg::Stack {
                label: strip(&label),
                counts,
            });
        }
        self.line("");
        let svg = svg::diverging(
            q.text.get(self.lang.code()),
            scale,
            &stacks,
            &self.svg_text(),
        );
        self.chart(q, svg);
    }

    fn number(&mut self, a: &QAgg) {
        if !self.f.nonlinear_ok(a.answered) {
            self.para(self.t("q.quantiles_not_shown"));
            return;
        }
        let q = |p| {
            quantile(&a.numbers, p)
                .map(|v| fmt::num(self.lang, v))
                .unwrap_or_default()
        };
        let s = self.tf(
            "q.number",
            &[("median", q(0.5)), ("q1", q(0.25)), ("q3", q(0.75))],
        );
        self.para(&s);
    }

    fn dates(&mut self, a: &QAgg) {
        let by_year = a.counts.len() > 12;
        let mut m: BTreeMap<String, u64> = BTreeMap::new();
        for (k, c) in &a.counts {
            let key = if by_year {
                k.get(..4).unwrap_or(k).to_string()
            } else {
                k.clone()
            };
            *m.entry(key).or_default() += c;
        }
        self.line(&format!(
            "| {} | n | % |",
            self.t(if by_year { "col.year" } else { "col.month" })
        ));
        self.line("| --- | ---: | ---: |");
        for (k, c) in &m {
            self.line(&format!("| {k} | {c} | {} |", pct(*c, a.answered)));
        }
        self.line("");
    }

    fn ranking(&mut self, q: &Question, a: &QAgg) {
        self.line(&format!(
            "| {} | {} | {} | % |",
            self.t("col.option"),
            self.t("col.mean_rank"),
            self.t("col.first")
        ));
        self.line("| --- | ---: | ---: | ---: |");
        let mut rows: Vec<(String, f64, u64)> = q
            .kind
            .options()
            .iter()
            .map(|o| {
                let (s, c) = a.ranks.get(&o.value).copied().unwrap_or((0, 0));
                let mean = if c == 0 {
                    f64::INFINITY
                } else {
                    s as f64 / c as f64
                };
                (
                    o.value.clone(),
                    mean,
                    a.counts.get(&o.value).copied().unwrap_or(0),
                )
            })
            .collect();
        rows.sort_by(|x, y| x.1.total_cmp(&y.1));
        for (v, mean, first) in rows {
            let m = if mean.is_finite() {
                fmt::dec(self.lang, mean, 1)
            } else {
                "—".into()
            };
            self.line(&format!(
                "| {} | {m} | {first} | {} |",
                option_label(self.lang, q, &v),
                pct(first, a.answered)
            ));
        }
        self.line("");
    }

    pub(super) fn svg_labels_nps(&self) -> [&'static str; 3] {
        [
            self.t("nps.detractors"),
            self.t("nps.passives"),
            self.t("nps.promoters"),
        ]
    }
}

/// Undo Markdown escaping for SVG labels (which are XML-escaped instead).
pub fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut esc = false;
    for c in s.chars() {
        if c == '\\' && !esc {
            esc = true;
            continue;
        }
        esc = false;
        out.push(c);
    }
    out
}
