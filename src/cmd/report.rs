//! `farvel report SURVEY INPUT…`: read normalised responses, stream them
//! into the report builder, write report.md, report.html and the charts.
//!
//! Until ingest's `crate::responses::read_responses` is merged, this reads
//! only farvel's normalised CSV (header: question ids in survey order,
//! `q_other` after a question with "other", `q__row` per matrix row, then
//! `_period`; multi and ranking values joined by `|`; empty = not answered).
//! The lead switches `read_input` to `read_responses` at merge.

use std::collections::BTreeMap;
use std::path::Path;

use crate::answers::{Answer, Period, Response};
use crate::cli::{EXIT_OK, ReportArgs, ReportPeriod};
use crate::error::{Error, Result};
use crate::report::{PeriodChoice, ReportBuilder, ReportOptions};
use crate::responses::{FileTally, Reconciliation};
use crate::survey::model::{Kind, Question, Survey};

pub fn run(args: &ReportArgs) -> u8 {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => super::fail(&e),
    }
}

fn run_inner(args: &ReportArgs) -> Result<u8> {
    let survey = crate::survey::load_survey(&args.survey)?;
    let names = match &args.names {
        Some(p) => crate::fsutil::read_to_string(p)?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect(),
        None => Vec::new(),
    };
    let opts = ReportOptions {
        out: args.out.clone(),
        lang: args.lang.clone(),
        period: match args.period {
            ReportPeriod::Auto => PeriodChoice::Auto,
            ReportPeriod::Quarter => PeriodChoice::Fixed(crate::answers::Granularity::Quarter),
            ReportPeriod::Half => PeriodChoice::Fixed(crate::answers::Granularity::Half),
            ReportPeriod::Year => PeriodChoice::Fixed(crate::answers::Granularity::Year),
            ReportPeriod::All => PeriodChoice::All,
        },
        invited: args.invited,
        names,
    };
    crate::report::pick_lang(&survey, opts.lang.as_deref())?;
    let mut builder = ReportBuilder::new(&survey);
    let mut recon = Reconciliation::default();
    for input in &args.inputs {
        read_normalised(&survey, input, &mut recon, &mut |r| builder.push(&r))?;
    }
    let summary = builder.finish(&recon, &opts)?;
    let charts = summary.files.len().saturating_sub(2);
    eprintln!(
        "wrote {} and {} chart(s): {} responses; {} group(s) fewer than k, {} withheld, {} figure(s) guarded",
        summary
            .files
            .iter()
            .take(2)
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        charts,
        summary.respondents,
        summary.groups_small,
        summary.groups_withheld,
        summary.figures_guarded,
    );
    if !summary.described {
        eprintln!("note: fewer than k respondents: the report says so and shows no figures");
    }
    Ok(EXIT_OK)
}

/// What a normalised column holds.
enum Col<'s> {
    Answer(&'s Question),
    Other(&'s Question),
    Row(&'s Question, String),
    Period,
    Unknown,
}

fn column<'s>(survey: &'s Survey, name: &str) -> Col<'s> {
    if name == "_period" {
        return Col::Period;
    }
    if let Some((q, row)) = name.split_once("__") {
        return match survey.question(q) {
            Some(q) if matches!(q.kind, Kind::Matrix { .. }) => Col::Row(q, row.to_string()),
            _ => Col::Unknown,
        };
    }
    if let Some(q) = survey.question(name).filter(|q| q.is_answerable()) {
        return Col::Answer(q);
    }
    match name.strip_suffix("_other").and_then(|q| survey.question(q)) {
        Some(q) if q.kind.allows_other() => Col::Other(q),
        _ => Col::Unknown,
    }
}

/// Parse one cell for question `q`; `Err(rule)` names the rule broken.
fn parse_answer(q: &Question, cell: &str) -> std::result::Result<Answer, &'static str> {
    let values = q.kind.option_values();
    let point = |lo: i64, hi: i64| match cell.trim().parse::<i64>() {
        Ok(p) if (lo..=hi).contains(&p) => Ok(Answer::Point(p)),
        _ => Err("value outside the scale"),
    };
    match &q.kind {
        Kind::Choice { .. } => values
            .contains(&cell)
            .then(|| Answer::Choice(cell.to_string()))
            .ok_or("not one of the options"),
        Kind::Multi { .. } | Kind::Ranking { .. } => {
            let picked: Vec<String> = cell.split('|').map(|s| s.trim().to_string()).collect();
            if picked.iter().any(|v| !values.contains(&v.as_str())) {
                return Err("not one of the options");
            }
            Ok(match q.kind {
                Kind::Multi { .. } => Answer::Multi(picked),
                _ => Answer::Ranking(picked),
            })
        }
        Kind::YesNo => match cell {
            "yes" => Ok(Answer::YesNo(true)),
            "no" => Ok(Answer::YesNo(false)),
            _ => Err("not yes or no"),
        },
        Kind::Scale { scale, .. } => point(scale.min, scale.max),
        Kind::Nps => point(0, 10),
        Kind::Number { .. } => cell
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Answer::Number)
            .ok_or("not a number"),
        Kind::Date { .. } => {
            let (y, m) = cell.split_once('-').ok_or("not a month (YYYY-MM)")?;
            match (y.parse::<i32>(), m.parse::<u32>()) {
                (Ok(year), Ok(month)) if (1..=12).contains(&month) => {
                    Ok(Answer::Month { year, month })
                }
                _ => Err("not a month (YYYY-MM)"),
            }
        }
        Kind::Text { .. } => Ok(Answer::Text(cell.replace("\r\n", "\n"))),
        Kind::Matrix { .. } | Kind::Info => Err("no single-cell answer"),
    }
}

/// Read one normalised CSV, calling `sink` per response.
pub fn read_normalised(
    survey: &Survey,
    path: &Path,
    recon: &mut Reconciliation,
    sink: &mut dyn FnMut(Response),
) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers = rdr.headers().map_err(|e| csv_error(path, &e))?.clone();
    let cols: Vec<Col> = headers.iter().map(|h| column(survey, h)).collect();
    if !cols.iter().any(|c| matches!(c, Col::Period)) {
        return Err(Error::msg(format!(
            "{}:1:1: not a normalised CSV (no `_period` column)\n  hint: until ingest is merged, `farvel report` reads farvel's normalised CSV only",
            path.display()
        )));
    }
    for (h, c) in headers.iter().zip(&cols) {
        if matches!(c, Col::Unknown) {
            recon.unmapped_columns.insert(h.to_string());
        }
    }
    let mut tally = FileTally {
        path: path.to_path_buf(),
        ..FileTally::default()
    };
    for rec in rdr.records() {
        tally.read += 1;
        let Ok(rec) = rec else {
            *tally
                .rejected
                .entry("row could not be read".into())
                .or_default() += 1;
            continue;
        };
        if rec.len() < headers.len() {
            tally.short_rows += 1;
        }
        let mut r = Response::default();
        let mut rows: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for (cell, col) in rec.iter().zip(&cols) {
            if cell.is_empty() {
                continue;
            }
            let rule = match col {
                Col::Answer(q) => parse_answer(q, cell).map(|a| {
                    r.answers.insert(q.id.clone(), a);
                }),
                Col::Other(q) => {
                    r.other.insert(q.id.clone(), cell.to_string());
                    Ok(())
                }
                Col::Row(q, row) => match (&q.kind, cell.trim().parse::<i64>()) {
                    (
                        Kind::Matrix {
                            rows: rs, scale, ..
                        },
                        Ok(p),
                    ) if rs.contains_key(row) && (scale.min..=scale.max).contains(&p) => {
                        rows.entry(q.id.clone()).or_default().insert(row.clone(), p);
                        Ok(())
                    }
                    _ => Err("value outside the scale"),
                },
                Col::Period => Period::parse(cell)
                    .map(|p| r.period = Some(p))
                    .ok_or("period not readable"),
                Col::Unknown => Ok(()),
            };
            if let Err(rule) = rule {
                *recon.dropped_answers.entry(rule.to_string()).or_default() += 1;
            }
        }
        for (q, m) in rows {
            r.answers.insert(q, Answer::Matrix(m));
        }
        tally.used += 1;
        sink(r);
    }
    recon.files.push(tally);
    Ok(())
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    let line = e.position().map_or(1, |p| p.line());
    Error::msg(format!(
        "{}:{line}:1: the file could not be read as CSV",
        path.display()
    ))
}
