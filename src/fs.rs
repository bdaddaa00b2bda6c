//! File-system calls that name their path in every error.
//!
//! Every read, write and folder operation of Dossier goes through these wrappers, so that
//! an error always says which file it was about.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct FsError {
    pub op: &'static str,
    pub path: PathBuf,
    pub source: io::Error,
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot {} `{}`: {}",
            self.op,
            escaped(&self.path),
            self.source
        )
    }
}

impl std::error::Error for FsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

pub type FsResult<T> = Result<T, FsError>;

fn wrap<T>(op: &'static str, path: &Path, result: io::Result<T>) -> FsResult<T> {
    result.map_err(|source| FsError {
        op,
        path: path.to_path_buf(),
        source,
    })
}

pub fn read(path: &Path) -> FsResult<Vec<u8>> {
    wrap("read", path, std::fs::read(path))
}

pub fn write(path: &Path, bytes: &[u8]) -> FsResult<()> {
    wrap("write", path, std::fs::write(path, bytes))
}

/// Writes a new file and fails if one is already there (never overwrites).
pub fn write_new(path: &Path, bytes: &[u8]) -> FsResult<()> {
    use std::io::Write as _;
    let mut file = wrap(
        "create",
        path,
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path),
    )?;
    wrap("write", path, file.write_all(bytes))
}

pub fn create_dir_all(path: &Path) -> FsResult<()> {
    wrap("create folder", path, std::fs::create_dir_all(path))
}

pub fn remove_dir_all(path: &Path) -> FsResult<()> {
    wrap("remove folder", path, std::fs::remove_dir_all(path))
}

pub fn rename(from: &Path, to: &Path) -> FsResult<()> {
    wrap("rename", from, std::fs::rename(from, to))
}

pub fn copy(from: &Path, to: &Path) -> FsResult<()> {
    wrap("copy", from, std::fs::copy(from, to)).map(|_| ())
}

/// A path for messages: valid UTF-8 as it is, any other byte as `\xFF`, so that a name
/// that is not UTF-8 is shown as it is on disk rather than as another, lossy name.
pub fn escaped(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned()
    }
}

/// An absolute path with `.` and `..` resolved, and symbolic links followed in the part
/// that exists.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                lexical.pop();
            }
            std::path::Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

/// The resident memory of this process in bytes (`VmRSS` of `/proc/self/status`), or
/// `None` where the system does not say.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_escaped_byte_by_byte() {
        use std::os::unix::ffi::OsStrExt;
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(
            b"topics/bad-\xff\xfe-\xc3\xa9.md",
        ));
        assert_eq!(super::escaped(path), "topics/bad-\\xff\\xfe-é.md");
    }
}
