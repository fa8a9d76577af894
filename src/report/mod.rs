//! `farvel report`: a survey, normalised responses and the reconciliation
//! in; an anonymity-safe findings report out (GitHub-flavoured Markdown,
//! a self-contained HTML twin, one SVG chart per question).
//!
//! Responses stream through a [`ReportBuilder`] one at a time; only counts
//! per atom (segment values × period) and a bounded set of verbatims are
//! kept. [`ReportBuilder::finish`] plans the periods, runs the anonymity
//! audit ([`audit`], [`span`]) and writes the files atomically.

pub mod aggregate;
pub mod audit;
mod breakdown;
pub mod findings;
pub mod fmt;
pub mod html;
pub mod json;
pub mod markdown;
pub mod periods;
mod questions;
pub mod review;
pub mod span;
pub mod stats;
mod summary;
pub mod svg;
mod tally;
pub mod text;
pub mod verbatim;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::responses::Reconciliation;
use crate::responses::{Catalog, Coded};
use crate::survey::model::Survey;

pub use periods::PeriodChoice;
pub use text::Lang;

/// Verbatims shown per text question.
pub const VERBATIM_LIMIT: u64 = 15;

#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The Markdown file; the HTML and the chart folder go beside it.
    pub out: PathBuf,
    /// `nb` or `en`; `None`: the survey's first language when shipped, else `en`.
    pub lang: Option<String>,
    pub period: PeriodChoice,
    pub invited: Option<u32>,
    /// Names to remove from verbatims.
    pub names: Vec<String>,
    /// Where to write every figure as JSON (`docs/report-json.md`).
    pub json: Option<PathBuf>,
}

/// What a run produced, for the command's closing lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSummary {
    pub respondents: u64,
    /// Whether the whole population reached k (otherwise the report only says so).
    pub described: bool,
    /// Groups (the whole population, each segment and period group and
    /// each combined group) whose size is shown.
    pub groups_shown: usize,
    /// Candidate groups whose size is not shown.
    pub groups_not_shown: usize,
    pub files: Vec<PathBuf>,
}

/// The rendered report, before it is written.
pub struct RenderedReport {
    pub markdown: String,
    pub html: String,
    /// (file name inside the chart folder, SVG)
    pub charts: Vec<(String, String)>,
    /// Every figure, shown or not, as JSON.
    pub json: String,
    pub summary: ReportSummary,
}

/// The report language for these options.
pub fn pick_lang(survey: &Survey, requested: Option<&str>) -> Result<Lang> {
    match requested {
        Some(code) => Lang::from_code(code).ok_or_else(|| {
            Error::msg(format!(
                "farvel has report text in nb and en, not `{code}` (use --lang nb or --lang en)"
            ))
        }),
        None => Ok(Lang::from_code(survey.default_language()).unwrap_or(Lang::En)),
    }
}

impl crate::responses::Sink for ReportBuilder<'_> {
    fn push(&mut self, row: &Coded, _: &Catalog) {
        self.agg.push(row);
    }

    fn fresh(&self) -> Option<Self> {
        Some(ReportBuilder::with_review(
            self.agg.survey,
            self.agg.review(),
        ))
    }
}

/// Aggregates responses one at a time; see the module doc.
pub struct ReportBuilder<'a> {
    agg: aggregate::Aggregator<'a>,
}

impl<'a> ReportBuilder<'a> {
    pub fn new(survey: &'a Survey) -> Self {
        ReportBuilder {
            agg: aggregate::Aggregator::new(survey, VERBATIM_LIMIT),
        }
    }

    /// A builder that applies the custodian's review of free text.
    pub fn with_review(survey: &'a Survey, review: Option<&'a review::Decisions>) -> Self {
        ReportBuilder {
            agg: aggregate::Aggregator::new(survey, VERBATIM_LIMIT).with_review(review),
        }
    }

    /// Free-text answers so far with no review decision.
    pub fn unreviewed(&self) -> u64 {
        self.agg.unreviewed()
    }

    /// Add another builder's responses (of the same survey).
    pub fn merge(&mut self, other: ReportBuilder<'a>) {
        self.agg.merge(other.agg);
    }

    /// Audit and render, without writing.
    pub fn render(self, recon: &Reconciliation, opts: &ReportOptions) -> Result<RenderedReport> {
        let survey = self.agg.survey;
        let lang = pick_lang(survey, opts.lang.as_deref())?;
        let f = findings::Findings::build(self.agg.finish(), opts.period);
        let stem = stem(&opts.out);
        let writer = markdown::Writer::new(&f, lang, recon, opts.invited, &stem, &opts.names)?;
        let json = json::document(&f, &|t| writer.scrubber.scrub(t));
        let r = writer.render();
        let dir = markdown::charts_dir(&stem);
        let refs: Vec<(String, String)> = r
            .charts
            .iter()
            .map(|c| (format!("{dir}/{}", c.file), c.svg.clone()))
            .collect();
        let body = html::render_markdown(&r.markdown, &refs);
        let title = survey.title.get(lang.code()).to_string();
        let html = html::document(lang.code(), &title, &body);
        let summary = ReportSummary {
            respondents: f.n,
            described: f.overall.is_some(),
            groups_shown: f.plan.sizes.len(),
            groups_not_shown: f.candidates.saturating_sub(
                f.plan
                    .sizes
                    .iter()
                    .filter(|g| !matches!(g, audit::GroupId::Merged(_)))
                    .count(),
            ),
            files: Vec::new(),
        };
        let charts = r.charts.into_iter().map(|c| (c.file, c.svg)).collect();
        Ok(RenderedReport {
            markdown: r.markdown + "\n",
            html,
            charts,
            json,
            summary,
        })
    }

    /// Audit, render and write `out`, its HTML twin and the chart folder.
    pub fn finish(self, recon: &Reconciliation, opts: &ReportOptions) -> Result<ReportSummary> {
        let r = self.render(recon, opts)?;
        let mut summary = r.summary;
        let html_path = opts.out.with_extension("html");
        let dir = opts
            .out
            .with_file_name(markdown::charts_dir(&stem(&opts.out)));
        crate::fsutil::write_atomic(&opts.out, r.markdown.as_bytes())?;
        crate::fsutil::write_atomic(&html_path, r.html.as_bytes())?;
        summary.files.push(opts.out.clone());
        summary.files.push(html_path);
        if let Some(p) = &opts.json {
            crate::fsutil::write_atomic(p, r.json.as_bytes())?;
        }
        for (file, svg) in &r.charts {
            let p = dir.join(file);
            crate::fsutil::write_atomic(&p, svg.as_bytes())?;
            summary.files.push(p);
        }
        Ok(summary)
    }
}

fn stem(out: &Path) -> String {
    out.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into())
}
