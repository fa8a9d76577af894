//! `farvel report SURVEY INPUT…`: read exports (or normalised CSV) through
//! ingest, stream the responses into the report builder, and write
//! report.md, report.html and the charts. Exit codes follow ingest's: 0 the
//! run completed, 1 (no report written) when rows name other versions of
//! the survey and none names this one, 2 unreadable input.

use crate::answers::Granularity;
use crate::cli::{EXIT_OK, EXIT_PROBLEMS, ReportArgs};
use crate::error::Result;
use crate::report::{ReportBuilder, ReportOptions};
use crate::responses::{ReadOptions, read_responses};

pub fn run(args: &ReportArgs) -> u8 {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => super::fail_reading(&e, &args.survey),
    }
}

fn run_inner(args: &ReportArgs) -> Result<u8> {
    guard(args)?;
    let survey = crate::survey::load_survey(&args.survey)?;
    let names = match &args.names {
        Some(p) => super::review::read_names(p)?,
        None => Vec::new(),
    };
    let opts = ReportOptions {
        out: args.out.clone(),
        lang: args.lang.clone(),
        period: args.period.into(),
        invited: args.invited,
        names,
        json: args.json.clone(),
    };
    crate::report::pick_lang(&survey, opts.lang.as_deref())?;
    let review = super::review::for_report(&survey, args.review.as_deref(), opts.lang.as_deref())?;
    let decisions = review.as_ref().map(|r| &r.decisions);
    // Read at the finest period; the report coarsens, never refines.
    let read = ReadOptions::from_args(&args.read, Granularity::Quarter)?;
    // One builder per core; their counts add up to the same figures.
    let builders = (0..crate::cores())
        .map(|_| ReportBuilder::with_review(&survey, decisions))
        .collect();
    let (recon, builders) = read_responses(&survey, &args.inputs, &read, builders)?;
    let mut builders = builders.into_iter();
    let mut builder = builders
        .next()
        .unwrap_or_else(|| ReportBuilder::with_review(&survey, decisions));
    for b in builders {
        builder.merge(b);
    }
    eprint!("{}", recon.render());
    if recon.no_version_matches() {
        eprint!(
            "{}",
            recon.other_versions_error(&args.survey, survey.short_fingerprint())
        );
        eprintln!("no report written");
        return Ok(EXIT_PROBLEMS);
    }
    let applied = review.as_ref().map(|r| r.path.as_path());
    let unreviewed = builder.unreviewed();
    if let Some(code) =
        super::review::check_unreviewed(&survey, unreviewed, applied, args.require_review)
    {
        return Ok(code);
    }
    let summary = builder.finish(&recon, &opts)?;
    let charts = summary.files.len().saturating_sub(2);
    eprintln!(
        "wrote {} and {} chart(s): {} responses; sizes shown for {} group(s), not shown for {}",
        summary
            .files
            .iter()
            .take(2)
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        charts,
        summary.respondents,
        summary.groups_shown,
        summary.groups_not_shown,
    );
    if !summary.described {
        eprintln!("note: fewer than k respondents: the report says so and shows no figures");
    }
    Ok(EXIT_OK)
}

/// Every path the report writes checked against every path it reads.
fn guard(args: &ReportArgs) -> Result<()> {
    use crate::fsutil::Output;
    let html = args.out.with_extension("html");
    let stem = args
        .out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let charts = args
        .out
        .with_file_name(crate::report::markdown::charts_dir(&stem));
    let mut outputs = vec![
        (args.out.as_path(), Output::File),
        (html.as_path(), Output::File),
        (charts.as_path(), Output::Folder),
    ];
    if let Some(j) = &args.json {
        outputs.push((j.as_path(), Output::File));
    }
    let mut inputs: Vec<&std::path::Path> = vec![args.survey.as_path()];
    inputs.extend(args.inputs.iter().map(|p| p.as_path()));
    inputs.extend(args.names.as_deref());
    inputs.extend(args.read.key.as_deref());
    inputs.extend(args.read.map.as_deref());
    crate::fsutil::guard_outputs(&outputs, &inputs)
}
