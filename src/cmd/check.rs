//! `farvel check [PATH…]`: validate every survey file and print every problem.

use std::path::PathBuf;

use crate::cli::{CheckArgs, EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS};
use crate::error::Error;

/// Every `.yaml`/`.yml` file under the given paths (files as given,
/// folders walked in name order).
pub fn survey_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let defaults = [PathBuf::from("surveys")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(p.clone());
            continue;
        }
        if !p.exists() {
            return Err(Error::msg(format!(
                "{}: no such file or folder",
                p.display()
            )));
        }
        for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
            let entry = entry.map_err(|e| Error::msg(format!("{}: {e}", p.display())))?;
            let path = entry.path();
            let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
            if entry.file_type().is_file() && is_yaml {
                out.push(path.to_path_buf());
            }
        }
    }
    Ok(out)
}

pub fn run(args: &CheckArgs) -> u8 {
    let files = match survey_files(&args.paths) {
        Ok(f) => f,
        Err(e) => return super::fail(&e),
    };
    let mut errors = 0;
    let mut warnings = 0;
    for f in &files {
        let source = std::fs::read_to_string(f).ok();
        match crate::survey::load_survey(f) {
            Ok(_) => {}
            Err(Error::Invalid { diagnostics, .. }) => {
                for d in &diagnostics {
                    if d.is_error() {
                        errors += 1;
                    } else {
                        warnings += 1;
                    }
                    eprint!("{}", d.render(source.as_deref()));
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_FAILED;
            }
        }
    }
    eprintln!(
        "checked {} file(s): {errors} error(s), {warnings} warning(s)",
        files.len()
    );
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        EXIT_PROBLEMS
    } else {
        EXIT_OK
    }
}
