//! `farvel check [PATH…]`: validate every survey file (folders walked, files
//! sorted) and print every problem rustc-style on stderr, then a summary.
//! Exit 0 when there are no errors (and no warnings with
//! `--deny-warnings`), 1 when there are, 2 when a path could not be read.

use std::path::{Path, PathBuf};

use crate::cli::{CheckArgs, EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS};
use crate::error::Error;

/// Every `.yaml`/`.yml` file under the given paths (default `surveys/`),
/// sorted; fails on the first path that can't be read.
pub fn survey_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let (files, mut failed) = collect_files(paths);
    match failed.is_empty() {
        true => Ok(files),
        false => Err(failed.remove(0)),
    }
}

/// Every `.yaml`/`.yml` file under the given paths (default `surveys/`),
/// sorted and without repeats, and the paths that could not be read.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let defaults = [PathBuf::from("surveys")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    let mut failed = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(p.clone());
            continue;
        }
        if !p.exists() {
            failed.push(Error::msg(format!(
                "{}: no such file or folder",
                p.display()
            )));
            continue;
        }
        for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
            match entry {
                Ok(e) if e.file_type().is_file() && is_yaml(e.path()) => {
                    out.push(e.path().to_path_buf());
                }
                Ok(_) => {}
                Err(e) => failed.push(Error::msg(format!("{}: {e}", p.display()))),
            }
        }
    }
    out.sort();
    out.dedup();
    (out, failed)
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn run(args: &CheckArgs) -> u8 {
    let (files, mut failed) = collect_files(&args.paths);
    let (mut errors, mut warnings) = (0, 0);
    for f in &files {
        let source = match crate::fsutil::read_to_string(f) {
            Ok(s) => s,
            Err(e) => {
                failed.push(e);
                continue;
            }
        };
        let (_, diagnostics) = crate::survey::check_survey(&source, f);
        for d in &diagnostics {
            if d.is_error() {
                errors += 1;
            } else {
                warnings += 1;
            }
            eprintln!("{}", d.render(Some(&source)));
        }
    }
    for e in &failed {
        super::fail(e);
    }
    if files.is_empty() && failed.is_empty() {
        eprintln!("error: no .yaml or .yml files found");
        return EXIT_FAILED;
    }
    eprintln!(
        "checked {}: {}, {}",
        plural(files.len(), "file"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    if !failed.is_empty() {
        EXIT_FAILED
    } else if errors > 0 || (args.deny_warnings && warnings > 0) {
        EXIT_PROBLEMS
    } else {
        EXIT_OK
    }
}
