//! `farvel review SURVEY INPUT… [--out FILE]`: read the exports as
//! `report` does and write the custodian's review file of every free-text
//! answer (owner-only, atomically), keeping the decisions of an earlier
//! one; and the two things `report` needs from a review: the file to
//! apply, and the warning (or, with `--require-review`, the refusal) when
//! free text has no decision. Exit codes: 0 written, 1 (report only)
//! texts without a decision under `--require-review`, 2 could not run.

use std::path::{Path, PathBuf};

use crate::answers::Granularity;
use crate::cli::{EXIT_OK, EXIT_PROBLEMS, ReviewArgs};
use crate::error::{Error, Result};
use crate::report::review::{self, Collector, Decisions};
use crate::report::{Lang, pick_lang};
use crate::responses::{ReadOptions, read_responses};
use crate::survey::model::Survey;

pub fn run(args: &ReviewArgs) -> u8 {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => super::fail_reading(&e, &args.survey),
    }
}

fn run_inner(args: &ReviewArgs) -> Result<u8> {
    let survey = crate::survey::load_survey(&args.survey)?;
    let lang = pick_lang(&survey, args.lang.as_deref())?;
    let names = match &args.names {
        Some(p) => read_names(p)?,
        None => Vec::new(),
    };
    let scrubber = review::scrubber(lang, &names)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| review::default_path(&survey.id));
    // Read the old file first: a file farvel cannot read stops the run
    // before anything else happens.
    let old = match out.exists() {
        true => Some(review::load(&out, &survey)?),
        false => None,
    };
    if let Some(old) = &old {
        if old.fingerprint != survey.fingerprint {
            eprintln!(
                "warning: {} was made for another version of the survey: its decisions \
                 apply only to texts read with that version, and every text read now is new",
                out.display()
            );
        }
        if old.lang != lang.code() {
            eprintln!(
                "warning: {} has texts scrubbed in `{}`; new texts are scrubbed in `{}`",
                out.display(),
                old.lang,
                lang.code()
            );
        }
    }
    let read = ReadOptions::from_args(&args.read, Granularity::Quarter)?;
    let sinks = (0..crate::cores())
        .map(|_| Collector::new(&survey))
        .collect();
    let (recon, sinks) = read_responses(&survey, &args.inputs, &read, sinks)?;
    let mut sinks = sinks.into_iter();
    let mut all = sinks.next().unwrap_or_else(|| Collector::new(&survey));
    for s in sinks {
        all.merge(s);
    }
    eprint!("{}", recon.render());
    let fresh = all.finish(&scrubber, lang);
    let (file, stats) = review::merge(old, &review::Header::of(&survey, lang), fresh);
    let text = review::render(&file, scrubber.removes_names())?;
    crate::fsutil::write_atomic_mode(&out, text.as_bytes(), Some(0o600))?;
    let total: usize = file.questions.iter().map(|q| q.texts.len()).sum();
    eprintln!(
        "wrote {} (owner-only; as confidential as the exports): {total} text(s), {} new, \
         {} kept from before, {} no longer in the exports; {} withheld",
        out.display(),
        stats.added,
        stats.kept,
        stats.absent,
        stats.withheld,
    );
    if !scrubber.removes_names() {
        eprintln!("note: names were not removed from the texts (no --names list)");
    }
    Ok(EXIT_OK)
}

/// The names of a `--names` file: one per line, blank lines and `#`
/// comments skipped (as `report` reads it).
pub(crate) fn read_names(p: &Path) -> Result<Vec<String>> {
    Ok(crate::fsutil::read_to_string(p)?
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// A review file the report applies.
pub(crate) struct Applied {
    pub path: PathBuf,
    pub decisions: Decisions,
}

/// The review `report` applies: `--review FILE` (which must exist), else
/// reports/<survey id>.review.yaml when it exists. Notes on stderr what
/// will not apply as the custodian may expect.
pub(crate) fn for_report(
    survey: &Survey,
    given: Option<&Path>,
    lang: Option<&str>,
) -> Result<Option<Applied>> {
    let path = match given {
        Some(p) if !p.exists() => {
            return Err(Error::msg(format!(
                "the review file {} does not exist\n  = hint: `farvel review` writes it",
                p.display()
            )));
        }
        Some(p) => p.to_path_buf(),
        None => {
            let p = review::default_path(&survey.id);
            if !p.exists() {
                return Ok(None);
            }
            p
        }
    };
    let file = review::load(&path, survey)?;
    if file.fingerprint != survey.fingerprint {
        eprintln!(
            "warning: {} was made for another version of the survey: its decisions apply \
             only to texts read with that version (run `farvel review` again)",
            path.display()
        );
    }
    let lang: Lang = pick_lang(survey, lang)?;
    if file.lang != lang.code() {
        eprintln!(
            "warning: the texts in {} were scrubbed in `{}`; in this `{}` report, their \
             replacement texts (such as [e-mail removed]) stay in `{}`",
            path.display(),
            file.lang,
            lang.code(),
            file.lang
        );
    }
    let decisions = Decisions::from_file(&file);
    if decisions.themed_others > 0 {
        eprintln!(
            "note: {} write-in(s) under \"Other\" in {} have themes; themes are counted for text questions only",
            decisions.themed_others,
            path.display()
        );
    }
    Ok(Some(Applied { path, decisions }))
}

/// After reading: free-text answers without a review decision are a
/// warning, or with `require` an error (returns the exit code then).
pub(crate) fn check_unreviewed(
    survey: &Survey,
    unreviewed: u64,
    applied: Option<&Path>,
    require: bool,
) -> Option<u8> {
    if unreviewed == 0 {
        return None;
    }
    let (what, hint) = match applied {
        None => (
            format!(
                "there is no review file ({})",
                review::default_path(&survey.id).display()
            ),
            "run `farvel review SURVEY INPUT…`, read the texts and decide, then report again",
        ),
        Some(p) => (
            format!("they are not in the review file {}", p.display()),
            "run `farvel review` again to add them, read them and decide, then report again",
        ),
    };
    let head = if require { "error" } else { "warning" };
    eprintln!(
        "{head}: {unreviewed} free-text answer(s) have no review decision: {what}\n  = hint: {hint}"
    );
    if require {
        eprintln!("nothing was written (--require-review)");
        return Some(EXIT_PROBLEMS);
    }
    None
}
