//! `farvel build [PATH…]`: compile every survey into `dist/<id>/` (one
//! page per language, thank-you pages when `thanks_url` is set), skipping
//! surveys whose build stamp says nothing changed; and `farvel theme export`.
//!
//! A broken survey is reported and the others still build (exit 1). The
//! build refuses to write into a folder that holds answers (CSV) or keys.

use std::collections::BTreeSet;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

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

/// A survey read and checked: the model and the sha256 of its text.
struct Parsed {
    survey: Survey,
    source_hash: String,
}

/// A parse failure: the error and its diagnostics rendered against the
/// source (printed later, in file order).
struct Failed {
    error: Error,
    rendered: String,
}

/// A survey loaded and checked, and where its pages go.
struct Pending {
    survey: Survey,
    dir: PathBuf,
    stamp: String,
}

/// Read and check one survey file (runs on any core).
fn parse(file: &Path) -> std::result::Result<Parsed, Failed> {
    let plain = |error| Failed {
        error,
        rendered: String::new(),
    };
    let source = crate::fsutil::read_to_string(file).map_err(plain)?;
    match crate::survey::parse_survey(&source, file) {
        Ok(survey) => Ok(Parsed {
            survey,
            source_hash: sha256_hex(source.as_bytes()),
        }),
        Err(Error::Invalid { path, diagnostics }) => Err(Failed {
            rendered: diagnostics
                .iter()
                .map(|d| d.render(Some(&source)))
                .collect(),
            error: Error::Invalid { path, diagnostics },
        }),
        Err(e) => Err(plain(e)),
    }
}

/// Claim the survey's id (ids are taken in file order) and stamp it.
fn claim(file: &Path, p: Parsed, job: &Job, ids: &mut BTreeSet<String>) -> Result<Pending> {
    let survey = p.survey;
    if !ids.insert(survey.id.clone()) {
        return Err(Error::msg(format!(
            "{}: survey id '{}' is used by another file in this build",
            file.display(),
            survey.id
        )));
    }
    let stamp = format!(
        "farvel {}\nfingerprint {}\nsurvey {}\ntheme {}\nendpoint-url {}\n",
        env!("CARGO_PKG_VERSION"),
        survey.fingerprint,
        p.source_hash,
        job.theme_hash,
        job.opts.endpoint_url.as_deref().unwrap_or("-"),
    );
    Ok(Pending {
        dir: job.out.join(&survey.id),
        survey,
        stamp,
    })
}

/// Whether the pages on disk are those this stamp describes.
fn unchanged(p: &Pending, job: &Job) -> bool {
    !job.force
        && std::fs::read_to_string(p.dir.join(STAMP)).is_ok_and(|s| s == p.stamp)
        && form::page_paths(&p.survey)
            .iter()
            .all(|f| p.dir.join(f).is_file())
}

/// Render and write a survey's pages, then its stamp (unless unchanged).
fn render_write(p: &Pending, job: &Job) -> Result<Outcome> {
    if unchanged(p, job) {
        return Ok(Outcome::Unchanged);
    }
    let pages = form::render_survey(&p.survey, job.theme, &job.opts)?;
    for page in &pages {
        crate::fsutil::write_atomic(&p.dir.join(&page.path), page.html.as_bytes())?;
    }
    crate::fsutil::write_atomic(&p.dir.join(STAMP), p.stamp.as_bytes())?;
    Ok(Outcome::Built(pages.len()))
}

/// `f` over every item on every core (each worker takes the next item
/// when it is free); the results in item order, `None` where `f` panicked
/// (the other items still run).
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<Option<R>> {
    let run = |item: &T| std::panic::catch_unwind(AssertUnwindSafe(|| f(item))).ok();
    // Asking for the cores reads cgroup files: not for a single item.
    let workers = if items.len() <= 1 {
        1
    } else {
        crate::cores().min(items.len())
    };
    if workers <= 1 {
        return items.iter().map(run).collect();
    }
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (tx, next, run) = (tx.clone(), &next, &run);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if tx.send((i, run(item))).is_err() {
                        break;
                    }
                }
            });
        }
    });
    drop(tx);
    let mut out: Vec<Option<R>> = items.iter().map(|_| None).collect();
    for (i, r) in rx {
        out[i] = r;
    }
    out
}

fn died() -> Error {
    Error::msg("building stopped unexpectedly")
}

/// Every file's outcome, in file order. Diagnostics of broken surveys are
/// printed here, in file order.
fn build_all(files: &[PathBuf], job: &Job) -> Vec<Result<Outcome>> {
    let mut results: Vec<Option<Result<Outcome>>> = files.iter().map(|_| None).collect();
    let mut pending = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, parsed) in par_map(files, |f| parse(f)).into_iter().enumerate() {
        match parsed {
            Some(Ok(p)) => match claim(&files[i], p, job, &mut ids) {
                Ok(p) => pending.push((i, p)),
                Err(e) => results[i] = Some(Err(e)),
            },
            Some(Err(failed)) => {
                eprint!("{}", failed.rendered);
                results[i] = Some(Err(failed.error));
            }
            None => results[i] = Some(Err(died())),
        }
    }
    let built = par_map(&pending, |(_, p)| render_write(p, job));
    for ((i, _), r) in pending.iter().zip(built) {
        results[*i] = Some(r.unwrap_or_else(|| Err(died())));
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(died())))
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

    #[test]
    fn par_map_keeps_item_order_and_survives_a_panicking_item() {
        let items: Vec<u32> = (0..200).collect();
        let out = par_map(&items, |&i| {
            assert!(i != 7, "item 7 fails on purpose");
            i * 2
        });
        assert_eq!(out.len(), items.len());
        for (i, r) in out.iter().enumerate() {
            let want = (i != 7).then_some(i as u32 * 2);
            assert_eq!(*r, want, "item {i}");
        }
        assert_eq!(par_map(&[3u8], |&x| x), vec![Some(3)]);
        assert!(par_map(&[] as &[u8], |&x| x).is_empty());
    }
}
