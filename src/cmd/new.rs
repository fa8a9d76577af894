//! `farvel new ID [--template …] [--languages …] [--dir …]`: writes
//! DIR/surveys/ID.yaml from a template embedded in the binary (adapted to
//! the languages asked), never overwriting, and makes sure DIR/.gitignore
//! keeps response exports, keys, reports and review files out of git.

mod template;

use std::path::Path;

use crate::cli::{EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, NewArgs};
use crate::error::Result;
use crate::fsutil;

/// The lines `farvel new` makes sure `.gitignore` has: response exports,
/// the custodian's keys, reports, and the custodian's review of free text
/// (as confidential as the exports).
pub const GITIGNORE_LINES: [&str; 6] = [
    "*.csv",
    "keys/",
    "report*.md",
    "report*.html",
    "report_files/",
    "reports/*.review.yaml",
];

pub fn run(args: &NewArgs) -> u8 {
    if let Err(msg) = check_id(&args.id) {
        eprintln!("error: {msg}");
        eprintln!("  = hint: {}", id_hint(&args.id));
        return EXIT_FAILED;
    }
    if let Err(msg) = check_languages(&args.languages) {
        eprintln!("error: {msg}");
        eprintln!("  = hint: give language codes such as --languages nb,en");
        return EXIT_FAILED;
    }
    let path = args.dir.join("surveys").join(format!("{}.yaml", args.id));
    if path.exists() {
        eprintln!(
            "error: {} already exists; farvel new never overwrites",
            path.display()
        );
        eprintln!("  = hint: choose another id, or delete the file first");
        return EXIT_PROBLEMS;
    }
    let text = template::render(args.template, &args.id, &args.languages);
    let result =
        fsutil::write_atomic(&path, text.as_bytes()).and_then(|()| ensure_gitignore(&args.dir));
    match result {
        Ok(added) => {
            println!("wrote {}", path.display());
            if added > 0 {
                println!(
                    "added {added} line(s) to {}",
                    args.dir.join(".gitignore").display()
                );
            }
            let missing: Vec<&str> = args
                .languages
                .iter()
                .map(String::as_str)
                .filter(|l| !template::BUILT_IN.contains(l))
                .collect();
            if !missing.is_empty() {
                println!(
                    "translate the texts marked TODO into {}, and add the page's UI strings under `ui:`",
                    missing.join(", ")
                );
            }
            println!("next: edit the texts, custodian and endpoint, then run `farvel check`");
            EXIT_OK
        }
        Err(e) => super::fail(&e),
    }
}

/// A survey id must make a plain file name: lower-case ASCII letters,
/// digits, `-` and `_`, starting with a letter, at most 64 characters.
fn check_id(id: &str) -> Result<(), String> {
    let ok_chars = id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    let ok_start = id.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    if ok_chars && ok_start && id.len() <= 64 {
        Ok(())
    } else {
        Err(format!("'{id}' cannot be a survey id"))
    }
}

fn id_hint(id: &str) -> String {
    let s = crate::survey::slug::slugify(id).replace('_', "-");
    format!("use lower-case letters, digits, '-' and '_', starting with a letter (such as '{s}')")
}

/// Language codes: 2–3 lower-case letters, optionally `-REGION`; no repeats.
fn check_languages(langs: &[String]) -> Result<(), String> {
    if langs.is_empty() {
        return Err("no language given".into());
    }
    for (i, l) in langs.iter().enumerate() {
        let (base, region) = l.split_once('-').unwrap_or((l, ""));
        let base_ok = (2..=3).contains(&base.len()) && base.bytes().all(|b| b.is_ascii_lowercase());
        let region_ok = !l.contains('-')
            || ((2..=8).contains(&region.len())
                && region.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !base_ok || !region_ok {
            return Err(format!("'{l}' is not a language code"));
        }
        if langs[..i].contains(l) {
            return Err(format!("language '{l}' is given twice"));
        }
    }
    Ok(())
}

/// Append to DIR/.gitignore the [`GITIGNORE_LINES`] it lacks (creating it
/// if needed); returns how many lines were added.
pub fn ensure_gitignore(dir: &Path) -> Result<usize> {
    let path = dir.join(".gitignore");
    let existing = if path.exists() {
        fsutil::read_to_string(&path)?
    } else {
        String::new()
    };
    let have: Vec<&str> = existing
        .lines()
        .map(|l| l.trim().trim_start_matches('/'))
        .collect();
    let missing: Vec<&str> = GITIGNORE_LINES
        .into_iter()
        .filter(|l| !have.contains(l))
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    let mut text = existing.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(
        "# farvel: response exports, the custodian's keys, reports and review files stay out of git\n",
    );
    for l in &missing {
        text.push_str(l);
        text.push('\n');
    }
    fsutil::write_atomic(&path, text.as_bytes())?;
    Ok(missing.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_languages() {
        for ok in ["demo", "exit-2026", "pulse_q1", "a"] {
            assert!(check_id(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Demo", "2026", "-x", "a/b", "../x", "ø", "a b"] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_languages(&l(&["nb", "en", "pt-BR", "sme"])).is_ok());
        for bad in [&["nb", "nb"][..], &["NB"], &["english"], &[], &["en-"]] {
            assert!(check_languages(&l(bad)).is_err(), "{bad:?}");
        }
    }
}
