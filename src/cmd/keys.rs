//! `farvel keys new [--out DIR] [--split]` writes the custodian's key pair
//! (`custodian.key`, or with `--split` two share files, owner-only; and
//! `survey.pub`) and prints the public key line; `farvel keys show FILE`
//! prints the short fingerprint of the public key in a key file, a share, a
//! pair of shares (`a:b`) or a survey's `public_key`.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::cli::{EXIT_OK, KeysCommand};
use crate::error::{Error, Result};
use crate::seal::{self, PrivateKey, PublicKey};

pub const PRIVATE_FILE: &str = "custodian.key";
pub const PUBLIC_FILE: &str = "survey.pub";
pub const SHARE_FILES: [&str; 2] = ["custodian-share-1.key", "custodian-share-2.key"];

pub fn run(cmd: &KeysCommand) -> u8 {
    let result = match cmd {
        KeysCommand::New { out, split } => new_keys(out, *split),
        KeysCommand::Show { file } => show(file),
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => super::fail(&e),
    }
}

fn new_keys(out: &Path, split: bool) -> Result<()> {
    let public = write_key_pair(out, split)?;
    println!("{}", public.to_text());
    let private = if split {
        format!(
            "{} and {} (two shares, both needed: give them to two people, \
             then delete these copies; see docs/custodians.md)",
            out.join(SHARE_FILES[0]).display(),
            out.join(SHARE_FILES[1]).display()
        )
    } else {
        format!(
            "{} (private: keep it secret, see docs/custodians.md)",
            out.join(PRIVATE_FILE).display()
        )
    };
    eprintln!(
        "wrote {private} and {}\n\
         public key fingerprint: {}\n\
         put the line above in the survey as `public_key:` and `collection: sealed`",
        out.join(PUBLIC_FILE).display(),
        public.fingerprint()
    );
    Ok(())
}

/// The private files `keys new` writes.
fn private_files(split: bool) -> Vec<&'static str> {
    if split {
        SHARE_FILES.to_vec()
    } else {
        vec![PRIVATE_FILE]
    }
}

/// Create a key pair in `out` after [`check_key_dir`]; never overwrites.
/// Returns the public key (also written to `survey.pub`).
pub fn write_key_pair(out: &Path, split: bool) -> Result<PublicKey> {
    let names = private_files(split);
    check_key_dir(out, &names)?;
    let public_path = out.join(PUBLIC_FILE);
    let mut paths: Vec<PathBuf> = names.iter().map(|n| out.join(n)).collect();
    paths.push(public_path.clone());
    for path in &paths {
        if path.exists() {
            return Err(Error::msg(format!(
                "{} already exists; farvel never overwrites keys (answers sealed with the old key need it)\n\
                 hint: move the old keys away first, or choose another folder with --out",
                path.display()
            )));
        }
    }
    create_private_dir(out)?;
    let key = PrivateKey::generate();
    let texts = if split {
        let [a, b] = seal::split_key(&key);
        vec![
            seal::share_file_text(&key, &a, 1),
            seal::share_file_text(&key, &b, 2),
        ]
    } else {
        vec![seal::private_key_file_text(&key, &[])]
    };
    for (path, text) in paths.iter().zip(&texts) {
        crate::fsutil::write_atomic_mode(path, text.as_bytes(), Some(0o600))?;
    }
    let public = key.public_key();
    let line = format!("{}\n", public.to_text());
    crate::fsutil::write_atomic_mode(&public_path, line.as_bytes(), Some(0o644))?;
    Ok(public)
}

/// A new folder for keys is owner-only; an existing one is left as it is.
fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

/// Refuse a key folder under `dist/` (the published site) or inside a git
/// work tree where the private files `names` would not be git-ignored.
/// Outside git (or without git installed) any other folder is allowed.
pub fn check_key_dir(out: &Path, names: &[&str]) -> Result<()> {
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let abs = normalize(&cwd.join(out));
    let (existing, rest) = split_existing(&abs);
    let existing = existing.canonicalize().unwrap_or(existing);
    let toplevel = git_toplevel(&existing);
    let root = toplevel.clone().unwrap_or_else(|| cwd.clone());
    let inside = existing.join(&rest);
    let relative = inside.strip_prefix(&root).unwrap_or(out);
    let is_dist = |p: &Path| {
        p.components()
            .any(|c| c == Component::Normal("dist".as_ref()))
    };
    if is_dist(relative) || is_dist(out) {
        return Err(Error::msg(format!(
            "refusing to put keys in {}: dist/ is what gets published\n\
             hint: use the default keys/ (git-ignored) or a folder outside the project",
            out.display()
        )));
    }
    if toplevel.is_none() {
        return Ok(());
    }
    for name in names {
        match git_check_ignore(&existing, &rest.join(name)) {
            Some(true) => {}
            Some(false) => {
                return Err(Error::msg(format!(
                    "refusing to write {}: it is inside the git work tree {} and not git-ignored, \
                     so it could be committed\nhint: add `{}/` to .gitignore, or use --out with a folder outside the project",
                    out.join(name).display(),
                    root.display(),
                    relative.display()
                )));
            }
            None => {
                return Err(Error::msg(format!(
                    "git could not tell whether {} is ignored; refusing to write the private key there",
                    out.join(name).display()
                )));
            }
        }
    }
    Ok(())
}

/// Remove `.` and resolve `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The longest existing ancestor of `abs` and the part below it.
fn split_existing(abs: &Path) -> (PathBuf, PathBuf) {
    let mut existing = abs.to_path_buf();
    let mut rest = Vec::new();
    while !existing.is_dir() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let rest: PathBuf = rest.iter().rev().collect();
    (existing, rest)
}

/// The work tree containing `dir`, or None when git is absent or `dir` is
/// not in a work tree.
fn git_toplevel(dir: &Path) -> Option<PathBuf> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(PathBuf::from(text.trim_end_matches(['\n', '\r'])))
}

/// Whether git ignores `rel` (relative to `dir`); None when git cannot say.
fn git_check_ignore(dir: &Path, rel: &Path) -> Option<bool> {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["check-ignore", "-q", "--"])
        .arg(rel)
        .status()
        .ok()?;
    match status.code() {
        Some(0) => Some(true),
        Some(1) => Some(false),
        _ => None,
    }
}

fn show(file: &Path) -> Result<()> {
    if !file.exists() && std::env::split_paths(file.as_os_str()).count() == 2 {
        let key = seal::load_private_key(file)?;
        println!("{}", key.public_key().fingerprint());
        return Ok(());
    }
    let text = crate::fsutil::read_to_string(file)?;
    if seal::is_share_text(&text) {
        let claimed = seal::claimed_fingerprint(&text).ok_or_else(|| {
            Error::msg(format!(
                "{}: this share has no `# public key fingerprint:` line; show both shares (a:b)",
                file.display()
            ))
        })?;
        println!("{claimed}");
        eprintln!(
            "one share only: this is the fingerprint written in it; show both (a:b) to verify"
        );
        return Ok(());
    }
    println!("{}", public_key_of(file, &text)?.fingerprint());
    Ok(())
}

/// The public key in a private key file, a `survey.pub`, or a survey's
/// `public_key:`.
fn public_key_of(file: &Path, text: &str) -> Result<PublicKey> {
    let at = |e: String| Error::msg(format!("{}: {e}", file.display()));
    let has_line = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .any(|l| l.starts_with(prefix) && !l.starts_with('#'))
    };
    if has_line(seal::PRIVATE_PREFIX) {
        return seal::parse_private_key(text)
            .map(|k| k.public_key())
            .map_err(at);
    }
    if text.trim().starts_with(seal::PUBLIC_PREFIX) {
        return seal::parse_public_key(text).map_err(at);
    }
    let yaml: Option<serde_yaml::Value> = serde_yaml::from_str(text).ok();
    match yaml.as_ref().and_then(|y| y.get("public_key")) {
        Some(serde_yaml::Value::String(pk)) => seal::parse_public_key(pk).map_err(at),
        _ => Err(at(format!(
            "no key found: expected a {} (custodian.key), a {} line (survey.pub) or a survey with `public_key:`",
            seal::PRIVATE_PREFIX,
            seal::PUBLIC_PREFIX
        ))),
    }
}
