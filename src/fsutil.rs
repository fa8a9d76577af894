//! Small file wrappers that add the path to every error, and atomic writes
//! (a temporary file in the same folder, then a rename).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

pub fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))
}

/// Write `bytes` to `path` atomically, creating parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_mode(path, bytes, None)
}

/// Write atomically; with `mode` (Unix permission bits) the file gets those
/// permissions before it becomes visible under its name.
pub fn write_atomic_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let bits = mode.unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(bits))
            .map_err(|e| Error::io(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// What a command is about to write at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A regular file, replaced atomically.
    File,
    /// A folder of files the command writes (a report's charts).
    Folder,
}

/// Refuse, before anything is read or written, outputs that would replace
/// one of the command's inputs (the same file under any name: canonical
/// path or, where it exists, the same device and inode), that would put a
/// file inside a folder holding an input, or whose target exists and is
/// not what the command writes (a device, a FIFO, a symlink, a folder in
/// place of a file or a file in place of a folder).
pub fn guard_outputs(outputs: &[(&Path, Output)], inputs: &[&Path]) -> Result<()> {
    let inputs: Vec<_> = inputs
        .iter()
        .map(|p| (*p, std::fs::canonicalize(p).ok(), identity(p)))
        .collect();
    for &(out, kind) in outputs {
        if let Ok(m) = std::fs::symlink_metadata(out) {
            let t = m.file_type();
            let fits = match kind {
                Output::File => t.is_file(),
                Output::Folder => t.is_dir(),
            };
            if !fits {
                let what = if t.is_symlink() {
                    "a symbolic link"
                } else if t.is_dir() {
                    "a folder"
                } else if t.is_file() {
                    "a file"
                } else {
                    "a device, FIFO or socket"
                };
                return Err(Error::msg(format!(
                    "refusing to write {}: it is {what}; give a path to a new or ordinary {} instead",
                    out.display(),
                    if kind == Output::File {
                        "file"
                    } else {
                        "folder"
                    }
                )));
            }
        }
        let canon = canonical_target(out);
        let id = identity(out);
        for (input, icanon, iid) in &inputs {
            let same = (id.is_some() && id == *iid)
                || (canon.is_some() && canon == *icanon)
                || (kind == Output::Folder
                    && canon.is_some()
                    && icanon
                        .as_ref()
                        .is_some_and(|i| canon.as_ref().is_some_and(|c| i.starts_with(c))));
            if same {
                return Err(Error::msg(format!(
                    "refusing to write {} over the input {}: that would destroy it; choose another output path",
                    out.display(),
                    input.display()
                )));
            }
        }
    }
    Ok(())
}

/// The canonical path a (possibly not yet existing) file would have.
fn canonical_target(p: &Path) -> Option<std::path::PathBuf> {
    if let Ok(c) = std::fs::canonicalize(p) {
        return Some(c);
    }
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(p.file_name()?))
}

#[cfg(unix)]
fn identity(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(p).ok()?;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &Path) -> Option<(u64, u64)> {
    None
}
