//! The Markdown report (GitHub-flavoured): takes [`Findings`], the
//! reconciliation and the options, and returns the document text plus one
//! SVG chart per question. Sections: summary for management, one section
//! per question, breakdowns, verbatims, method and data quality. It prints
//! only what the audit allowed (`Findings` gates every figure), and
//! "not shown" for the rest.

use super::findings::{Dim, Findings};
use super::text::{Lang, fill};
use super::verbatim::{Removed, Scrubber, blockquote};
use super::{fmt, svg};
use crate::responses::Reconciliation;
use crate::survey::model::{Kind, Question};

/// The chart folder's name for a report `stem`.
pub fn charts_dir(stem: &str) -> String {
    format!("{stem}_files")
}

/// One chart: file name inside the chart folder, and the SVG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub file: String,
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub markdown: String,
    pub charts: Vec<Chart>,
}

pub struct Writer<'w, 'a> {
    pub(super) f: &'w Findings<'a>,
    pub(super) lang: Lang,
    pub(super) recon: &'w Reconciliation,
    pub(super) invited: Option<u32>,
    pub(super) dir: String,
    pub(super) scrubber: Scrubber,
    pub(super) out: String,
    pub(super) charts: Vec<Chart>,
}

impl<'w, 'a> Writer<'w, 'a> {
    pub fn new(
        f: &'w Findings<'a>,
        lang: Lang,
        recon: &'w Reconciliation,
        invited: Option<u32>,
        stem: &str,
        names: &[String],
    ) -> crate::error::Result<Self> {
        let removed = Removed {
            email: lang.t("removed.email"),
            phone: lang.t("removed.phone"),
            name: lang.t("removed.name"),
        };
        Ok(Writer {
            f,
            lang,
            recon,
            invited,
            dir: charts_dir(stem),
            scrubber: Scrubber::new(names, removed)?,
            out: String::new(),
            charts: Vec::new(),
        })
    }

    pub(super) fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub(super) fn tf(&self, key: &str, args: &[(&str, String)]) -> String {
        fill(self.lang.t(key), args)
    }

    pub(super) fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    pub(super) fn para(&mut self, s: &str) {
        self.line(s);
        self.line("");
    }

    /// A chart: written to the chart folder, referenced as an image.
    pub(super) fn chart(&mut self, q: &Question, svg: String) {
        let file = format!("{}.svg", q.id);
        let alt = fmt::md_escape(&format!(
            "{} {}",
            q.text.get(self.lang.code()),
            self.t("chart.alt")
        ));
        self.para(&format!("![{alt}]({}/{file})", self.dir));
        self.charts.push(Chart { file, svg });
    }

    pub fn render(mut self) -> Rendered {
        let title = fmt::md_escape(self.f.survey.title.get(self.lang.code()));
        self.para(&format!("# {}", self.tf("title", &[("title", title)])));
        match self.f.overall.is_some() {
            false => self.too_few(),
            true => {
                self.intro();
                self.summary();
                self.questions();
                self.breakdowns();
                self.verbatims();
            }
        }
        self.method();
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        Rendered {
            markdown: self.out,
            charts: self.charts,
        }
    }

    fn too_few(&mut self) {
        let k = self.f.k.to_string();
        self.para(&self.tf("too_few", &[("k", k)]));
    }

    fn intro(&mut self) {
        let n = self.f.n;
        let mut s = self.tf("intro.answered", &[("n", n.to_string())]);
        if let Some(inv) = self.invited.map(u64::from) {
            s.push(' ');
            s.push_str(&self.rate(n, inv));
        }
        if let Some(c) = &self.f.survey.custodian {
            s.push(' ');
            s.push_str(&self.tf(
                "intro.custodian",
                &[("who", fmt::md_escape(c.get(self.lang.code())))],
            ));
        }
        s.push(' ');
        s.push_str(&self.tf("intro.k", &[("k", self.f.k.to_string())]));
        self.para(&s);
        let spans = &self.f.periods.spans;
        if let (Some(first), Some(last)) = (spans.first(), spans.last()) {
            let span = if first.first == last.last {
                first.first.to_string()
            } else {
                format!("{}–{}", first.first, last.last)
            };
            self.para(&self.tf("intro.periods", &[("span", span)]));
        }
    }

    /// The response rate, rounded so that it never tells how many invitees
    /// fewer than k did not answer.
    fn rate(&self, n: u64, invited: u64) -> String {
        let missing = invited.saturating_sub(n);
        if invited < n {
            self.t("rate.more_than_invited").to_string()
        } else if missing == 0 {
            self.t("rate.all").to_string()
        } else if missing < self.f.k {
            self.tf("rate.nearly_all", &[("k", self.f.k.to_string())])
        } else {
            let p = super::stats::percent(n, invited);
            self.tf(
                "rate.pct",
                &[("invited", invited.to_string()), ("p", p.to_string())],
            )
        }
    }

    fn breakdowns(&mut self) {
        let dims = self.f.dims.clone();
        if dims.is_empty() {
            return;
        }
        self.para(&format!("## {}", self.t("breakdowns")));
        for (d, dim) in dims.iter().enumerate() {
            super::breakdown::table(self, d, *dim);
        }
    }

    fn verbatims(&mut self) {
        let texts: Vec<&Question> = self
            .f
            .questions
            .iter()
            .copied()
            .filter(|q| matches!(q.kind, Kind::Text { .. }))
            .collect();
        // "Other" texts appear only where there are some to show.
        let others: Vec<&Question> = self
            .f
            .questions
            .iter()
            .copied()
            .filter(|q| self.f.others.contains_key(&q.id))
            .collect();
        if texts.is_empty() && others.is_empty() {
            return;
        }
        self.para(&format!("## {}", self.t("verbatims")));
        let mut intro = self.tf(
            "verbatims.intro",
            &[("m", super::findings::verbatim_floor(self.f.k).to_string())],
        );
        intro.push(' ');
        intro.push_str(self.t(if self.scrubber.removes_names() {
            "verbatims.names"
        } else {
            "verbatims.no_names"
        }));
        self.para(&intro);
        for q in texts {
            let text = fmt::md_escape(q.text.get(self.lang.code()));
            self.para(&format!("### {text}"));
            match self.f.verbatims.get(&q.id) {
                Some(v) => {
                    if let Some(qi) = self.f.questions.iter().position(|x| x.id == q.id) {
                        super::review::theme_table(self, qi);
                    }
                    self.quotes(v)
                }
                None => self.para(self.t("verbatims.none")),
            }
        }
        for q in others {
            let text = fmt::md_escape(q.text.get(self.lang.code()));
            self.para(&format!(
                "### {}",
                self.tf("verbatims.other", &[("q", text)])
            ));
            if let Some(v) = self.f.others.get(&q.id) {
                self.quotes(v);
            }
        }
    }

    /// How many texts there are, and the kept ones as block quotes.
    fn quotes(&mut self, v: &super::aggregate::Verbatims) {
        let shown = v.shown();
        let mut s = self.tf(
            "verbatims.count",
            &[("total", v.total.to_string()), ("shown", shown.to_string())],
        );
        let rest = v.total.saturating_sub(shown + v.withheld);
        if rest > 0 {
            s.push(' ');
            s.push_str(&self.tf("verbatims.rest", &[("rest", rest.to_string())]));
        }
        if v.withheld > 0 {
            let key = match v.withheld {
                1 => "verbatims.withheld_one",
                _ => "verbatims.withheld",
            };
            s.push(' ');
            s.push_str(&self.tf(key, &[("n", v.withheld.to_string())]));
        }
        self.para(&s);
        let quotes: Vec<(String, u64)> = v
            .texts()
            .map(|(t, c)| (blockquote(&self.scrubber.scrub(t)), c))
            .collect();
        for (q, c) in quotes {
            self.out.push_str(&q);
            if c > 1 {
                self.line(">");
                self.line(&format!(
                    "> {}",
                    self.tf("verbatims.same", &[("n", c.to_string())])
                ));
            }
            self.line("");
        }
    }

    fn method(&mut self) {
        self.para(&format!("## {}", self.t("method")));
        let r = self.recon;
        let mut items: Vec<String> = Vec::new();
        items.push(self.tf(
            "method.rows",
            &[
                ("read", r.read().to_string()),
                ("files", r.files.len().to_string()),
                ("used", r.used().to_string()),
                ("dup", r.duplicates().to_string()),
                ("rej", r.rejected().to_string()),
            ],
        ));
        let mut reasons: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
        for f in &r.files {
            for (why, n) in &f.rejected {
                *reasons.entry(why.as_str()).or_default() += n;
            }
        }
        for (why, n) in reasons {
            items.push(self.tf(
                "method.rejected",
                &[("n", n.to_string()), ("why", fmt::md_escape(why))],
            ));
        }
        for (why, n) in &r.dropped_answers {
            items.push(self.tf(
                "method.dropped",
                &[("n", n.to_string()), ("why", fmt::md_escape(why))],
            ));
        }
        if r.fingerprint_mismatches > 0 {
            items.push(self.tf(
                "method.fingerprint",
                &[("n", r.fingerprint_mismatches.to_string())],
            ));
        }
        if !r.dropped_columns.is_empty() {
            let cols: Vec<String> = r
                .dropped_columns
                .iter()
                .map(|c| format!("`{}`", c.replace('`', "'")))
                .collect();
            items.push(self.tf("method.columns", &[("cols", cols.join(", "))]));
        }
        let k = self.f.k;
        items.push(self.tf(
            "method.k",
            &[("k", k.to_string()), ("k2", (2 * k).to_string())],
        ));
        items.push(self.tf(
            "method.withheld",
            &[("k", k.to_string()), ("k2", (2 * k).to_string())],
        ));
        if !self.f.plan.merged.is_empty() {
            items.push(self.t("method.merged").to_string());
        }
        if self.f.dims.contains(&Dim::Period) {
            items.push(self.tf("method.periods", &[("k", k.to_string())]));
        }
        items.push(self.tf(
            "method.verbatims",
            &[("m", super::findings::verbatim_floor(k).to_string())],
        ));
        items.push(self.t("method.intervals").to_string());
        items.push(self.t("method.quantiles").to_string());
        items.push(self.t("method.rounding").to_string());
        for i in items {
            self.line(&format!("- {i}"));
        }
        self.line("");
    }

    pub(super) fn svg_text(&self) -> svg::Labels {
        svg::Labels {
            withheld: self.t("svg.withheld"),
        }
    }
}
