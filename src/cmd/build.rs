//! `farvel build [PATH…]`: compile every survey into `dist/<id>/` (one
//! page per language, thank-you pages when `thanks_url` is set), skipping
//! surveys whose build stamp says nothing changed; and `farvel theme export`.
//!
//! A broken survey is reported and the others still build (exit 1). The
//! build refuses to write into a folder that holds answers (CSV) or keys.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::cli::{BuildArgs, EXIT_OK, EXIT_PROBLEMS};
use crate::endpoint;
use crate::error::{Error, Result};
use crate::form::{self, RenderOptions};
use crate::survey::Survey;
use crate::theme::{self, Theme};

/// The stamp file beside each survey's pages.
pub const STAMP: &str = ".farvel-build";

/// Refuse an output folder holding answers or keys: whatever is in it may
/// end up published with the pages.
fn refuse_secrets(out: &Path) -> Result<()> {
    if !out.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(out).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::msg(format!("{}: {e}", out.display())))?;
        let path = entry.path();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if entry.file_type().is_file() && matches!(ext.as_str(), "csv" | "key" | "pem") {
            return Err(Error::msg(format!(
                "refusing to build into {}: it holds {}, and everything in it may be published; \
                 move answers and keys elsewhere or choose another --out",
                out.display(),
                path.display()
            )));
        }
    }
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    theme::hex(&Sha256::digest(bytes))
}

enum Outcome {
    Built(usize),
    Unchanged,
}

struct Job<'a> {
    theme: &'a Theme,
    theme_hash: String,
    opts: RenderOptions,
    out: &'a Path,
    force: bool,
}

/// A survey loaded and checked, whose pages are out of date.
struct Pending {
    survey: Survey,
    dir: PathBuf,
    stamp: String,
}

/// Load a survey and compare its stamp; `None` when nothing changed.
fn prepare(file: &Path, job: &Job, ids: &mut BTreeSet<String>) -> Result<Option<Pending>> {
    let source = crate::fsutil::read_to_string(file)?;
    let survey = match crate::survey::parse_survey(&source, file) {
        Ok(s) => s,
        Err(Error::Invalid { path, diagnostics }) => {
            for d in &diagnostics {
                eprint!("{}", d.render(Some(&source)));
            }
            return Err(Error::Invalid { path, diagnostics });
        }
        Err(e) => return Err(e),
    };
    if !ids.insert(survey.id.clone()) {
        return Err(Error::msg(format!(
            "{}: survey id '{}' is used by another file in this build",
            file.display(),
            survey.id
        )));
    }
    let dir = job.out.join(&survey.id);
    let stamp = format!(
        "farvel {}\nfingerprint {}\nsurvey {}\ntheme {}\nendpoint-url {}\n",
        env!("CARGO_PKG_VERSION"),
        survey.fingerprint,
        sha256_hex(source.as_bytes()),
        job.theme_hash,
        job.opts.endpoint_url.as_deref().unwrap_or("-"),
    );
    let unchanged = !job.force
        && std::fs::read_to_string(dir.join(STAMP)).is_ok_and(|s| s == stamp)
        && form::page_paths(&survey)
            .iter()
            .all(|p| dir.join(p).is_file());
    Ok((!unchanged).then_some(Pending { survey, dir, stamp }))
}

/// Render and write a survey's pages, then its stamp.
fn render_write(p: &Pending, job: &Job) -> Result<usize> {
    let pages = form::render_survey(&p.survey, job.theme, &job.opts)?;
    for page in &pages {
        crate::fsutil::write_atomic(&p.dir.join(&page.path), page.html.as_bytes())?;
    }
    crate::fsutil::write_atomic(&p.dir.join(STAMP), p.stamp.as_bytes())?;
    Ok(pages.len())
}

/// Render the pending surveys on every core; results keep their index.
fn render_all(pending: &[(usize, Pending)], job: &Job) -> Vec<(usize, Result<usize>)> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = pending.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = pending
            .chunks(chunk)
            .map(|c| {
                scope.spawn(move || {
                    c.iter()
                        .map(|(i, p)| (*i, render_write(p, job)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Every file's outcome, in file order (a survey whose renderer died
/// counts as failed).
fn build_all(files: &[PathBuf], job: &Job) -> Vec<Result<Outcome>> {
    let mut results: Vec<Option<Result<Outcome>>> = files.iter().map(|_| None).collect();
    let mut pending = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, f) in files.iter().enumerate() {
        match prepare(f, job, &mut ids) {
            Ok(Some(p)) => pending.push((i, p)),
            Ok(None) => results[i] = Some(Ok(Outcome::Unchanged)),
            Err(e) => results[i] = Some(Err(e)),
        }
    }
    for (i, r) in render_all(&pending, job) {
        results[i] = Some(r.map(Outcome::Built));
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::msg("rendering stopped unexpectedly"))))
        .collect()
}

fn check_endpoint_url(url: Option<&str>) -> Result<()> {
    match url {
        Some(u) if endpoint::origin(u).is_none() => Err(Error::msg(format!(
            "--endpoint-url {u}: expected an absolute http:// or https:// URL"
        ))),
        _ => Ok(()),
    }
}

pub fn run(args: &BuildArgs) -> u8 {
    let setup = || -> Result<(Vec<PathBuf>, Theme)> {
        check_endpoint_url(args.endpoint_url.as_deref())?;
        refuse_secrets(&args.out)?;
        let files = super::check::survey_files(&args.paths)?;
        let theme = Theme::load(args.theme.as_deref(), Path::new("."))?;
        Ok((files, theme))
    };
    let (files, theme) = match setup() {
        Ok(x) => x,
        Err(e) => return super::fail(&e),
    };
    let job = Job {
        theme_hash: theme.hash(),
        theme: &theme,
        opts: RenderOptions {
            endpoint_url: args.endpoint_url.clone(),
        },
        out: &args.out,
        force: args.force,
    };
    let (mut built, mut unchanged, mut failed) = (0, 0, 0);
    for (f, result) in files.iter().zip(build_all(&files, &job)) {
        match result {
            Ok(Outcome::Built(n)) => {
                built += 1;
                eprintln!("built {} ({n} page(s))", f.display());
            }
            Ok(Outcome::Unchanged) => unchanged += 1,
            Err(Error::Invalid { path, diagnostics }) => {
                failed += 1;
                let n = diagnostics.iter().filter(|d| d.is_error()).count();
                eprintln!("error: {} not built: {n} error(s)", path.display());
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {} not built: {e}", f.display());
            }
        }
    }
    eprintln!(
        "{} survey(s): {built} built, {unchanged} unchanged, {failed} failed → {}",
        files.len(),
        args.out.display()
    );
    if failed > 0 { EXIT_PROBLEMS } else { EXIT_OK }
}

pub fn export_theme(dir: &Path) -> u8 {
    match theme::export_default(dir) {
        Ok(paths) => {
            for p in paths {
                println!("{}", p.display());
            }
            EXIT_OK
        }
        Err(e) => super::fail(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_answers_and_keys_in_out() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(refuse_secrets(dir.path()).is_ok());
        std::fs::write(dir.path().join("index.html"), "x").expect("write");
        assert!(refuse_secrets(dir.path()).is_ok());
        for name in ["answers.CSV", "custodian.key", "k.pem"] {
            let sub = dir.path().join("x");
            std::fs::create_dir_all(&sub).expect("mkdir");
            std::fs::write(sub.join(name), "x").expect("write");
            let err = refuse_secrets(dir.path()).expect_err(name).to_string();
            assert!(err.contains(name), "{err}");
            std::fs::remove_file(sub.join(name)).expect("rm");
        }
        assert!(check_endpoint_url(Some("file:///x")).is_err());
        assert!(check_endpoint_url(Some("http://127.0.0.1:9/c")).is_ok());
    }
}
