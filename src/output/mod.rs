//! Writing the site: pages into a staging folder that replaces the output atomically, the
//! feeds, the sitemap, `robots.txt`, and static files.

pub mod atomic;
pub mod feed;
pub mod joined;
pub mod open_data;
pub mod search;
pub mod sitemap;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostics::Diagnostic;
use crate::fs;

/// Where rendered files go: a folder for `build`, nowhere for `check`, memory for `serve`.
pub trait Sink: Sync {
    /// Writes `bytes` to the site path `rel` (`places/baku/index.html`).
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic>;

    /// Writes a large file piece by piece, without holding it whole in memory where the
    /// sink can avoid it.
    fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let mut bytes = Vec::new();
        fill(&mut bytes).map_err(|e| Diagnostic::error(format!("cannot write `{rel}`: {e}")))?;
        self.write(rel, &bytes)
    }

    /// Writes a file made of shared parts (see [`joined`]); a sink that keeps files in
    /// memory keeps the parts.
    fn write_joined(&self, rel: &str, file: joined::Joined) -> Result<(), Diagnostic> {
        self.write_with(rel, &mut |w| file.write_to(w))
    }

    /// Whether the sink holds `rel` already, as a file of `len` bytes that can stay as it
    /// is, so that it need not be written (nor read to be compared). Only for files whose
    /// name says what is in them: a picture's variant, named by its cache key. The file
    /// then counts as written.
    fn keep_named(&self, rel: &str, len: u64) -> bool {
        let _ = (rel, len);
        false
    }

    /// Copies the file at `source` (a static file, an asset: written as they are) to the
    /// site path `rel`; `label` names the source in errors.
    fn copy_file(&self, rel: &str, source: &Path, label: &str) -> Result<(), Diagnostic> {
        let bytes =
            fs::read(source).map_err(|e| Diagnostic::error(e.to_string()).in_file(label))?;
        self.write(rel, &bytes)
    }
}

/// How long a source file must have been left alone for its copy to carry its
/// modification time (as the index of pictures' hashes waits: `images::index`): a file
/// changed twice within the clock's resolution could otherwise keep one time for both.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

/// The time a copy of a file last modified at `modified` is given: the same time when the
/// file has settled, else the epoch, which no later version of it will have.
fn copy_time(modified: std::time::SystemTime) -> std::time::SystemTime {
    let settled = std::time::SystemTime::now()
        .duration_since(modified)
        .is_ok_and(|age| age >= SETTLED);
    if settled {
        modified
    } else {
        std::time::SystemTime::UNIX_EPOCH
    }
}

/// Discards everything (for `dossier check`).
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> Result<(), Diagnostic> {
        Ok(())
    }

    fn write_joined(&self, _: &str, _: joined::Joined) -> Result<(), Diagnostic> {
        Ok(())
    }

    fn keep_named(&self, _: &str, _: u64) -> bool {
        true
    }
}

/// Writes into a folder, creating sub-folders as needed.
///
/// The folder may start with the files of an earlier output ([`DirSink::reusing`]): a
/// file whose bytes are the same is left untouched, a changed one is rewritten in place,
/// and [`DirSink::remove_unwritten`] removes the ones no longer written.
pub struct DirSink {
    root: PathBuf,
    made: Mutex<HashSet<PathBuf>>,
    /// Files of the earlier output not written yet, with their sizes.
    unwritten: Mutex<HashMap<PathBuf, u64>>,
}

impl DirSink {
    pub fn new(root: &Path) -> Self {
        DirSink::reusing(root, HashMap::new())
    }

    /// A sink over a folder that already holds `files` (full paths, with sizes).
    pub fn reusing(root: &Path, files: HashMap<PathBuf, u64>) -> Self {
        DirSink {
            root: root.to_path_buf(),
            made: Mutex::new(HashSet::new()),
            unwritten: Mutex::new(files),
        }
    }

    fn ensure_dir(&self, dir: &Path) -> Result<(), Diagnostic> {
        if let Ok(made) = self.made.lock()
            && made.contains(dir)
        {
            return Ok(());
        }
        if fs::create_dir_all(dir).is_err() {
            // A file of the earlier output where this build has a folder.
            self.clear_way(dir);
            fs::create_dir_all(dir).map_err(|e| Diagnostic::error(e.to_string()))?;
        }
        if let Ok(mut made) = self.made.lock() {
            made.insert(dir.to_path_buf());
        }
        Ok(())
    }

    /// Removes what an earlier output has in the way of writing `path`: a file in place
    /// of one of its folders, or a folder in place of the file.
    fn clear_way(&self, path: &Path) {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return;
        };
        let mut at = self.root.clone();
        for part in rel.components() {
            at.push(part);
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.is_dir() && at == path => {
                    let _ = std::fs::remove_dir_all(&at);
                }
                Ok(m) if !m.is_dir() && at != path => {
                    let _ = std::fs::remove_file(&at);
                }
                _ => {}
            }
        }
    }

    /// Takes `path` off the earlier files still to write; its earlier size, if it had one.
    fn take_earlier(&self, path: &Path) -> Option<u64> {
        self.unwritten.lock().ok().and_then(|mut u| u.remove(path))
    }

    /// Creates (or truncates) `path`, clearing the way once when an earlier output blocks it.
    fn create(&self, path: &Path, existed: bool) -> Result<std::fs::File, Diagnostic> {
        if let Some(parent) = path.parent() {
            self.ensure_dir(parent)?;
        }
        let file = match std::fs::File::create(path) {
            Err(_) if existed || path.is_dir() => {
                self.clear_way(path);
                // A file of the earlier output this user may not write (another user's):
                // its folder is writable, so it can be replaced.
                if existed {
                    let _ = std::fs::remove_file(path);
                }
                std::fs::File::create(path)
            }
            result => result,
        };
        file.map_err(|e| cannot_write(path, e))
    }

    /// Removes the files of the earlier output that this build did not write, and the
    /// folders that leaves empty.
    pub fn remove_unwritten(&self) -> Result<(), Diagnostic> {
        let unwritten = match self.unwritten.lock() {
            Ok(mut u) => std::mem::take(&mut *u),
            Err(_) => return Ok(()),
        };
        for path in unwritten.keys() {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(Diagnostic::error(format!(
                        "cannot remove `{}`: {e}",
                        path.display()
                    )));
                }
            }
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != self.root) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        Ok(())
    }
}

impl Sink for DirSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.root.join(rel);
        let earlier = self.take_earlier(&path);
        if earlier == Some(bytes.len() as u64) && std::fs::read(&path).is_ok_and(|old| old == bytes)
        {
            return Ok(());
        }
        self.create(&path, earlier.is_some())?
            .write_all(bytes)
            .map_err(|e| cannot_write(&path, e))
    }

    fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let path = self.root.join(rel);
        let earlier = self.take_earlier(&path);
        let file = self.create(&path, earlier.is_some())?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| cannot_write(&path, e))
    }

    /// A file of the earlier output with the length and modification time of the source
    /// stays as it is (neither is read: a copy is given its source's time, see
    /// [`copy_time`]); any other is copied in the kernel (`copy_file_range` on Linux,
    /// through `std::io::copy`), not through this process's memory.
    fn copy_file(&self, rel: &str, source: &Path, label: &str) -> Result<(), Diagnostic> {
        let read_failed = |e: std::io::Error| {
            Diagnostic::error(format!("cannot read `{}`: {e}", fs::escaped(source))).in_file(label)
        };
        let mut from = std::fs::File::open(source).map_err(read_failed)?;
        let meta = from.metadata().map_err(read_failed)?;
        let modified = meta.modified().ok();
        let path = self.root.join(rel);
        let earlier = self.take_earlier(&path);
        if earlier == Some(meta.len())
            && let Some(modified) = modified
            && modified != std::time::SystemTime::UNIX_EPOCH
            && std::fs::symlink_metadata(&path)
                .and_then(|m| m.modified())
                .is_ok_and(|m| m == modified)
        {
            return Ok(());
        }
        let mut to = self.create(&path, earlier.is_some())?;
        std::io::copy(&mut from, &mut to).map_err(|e| cannot_write(&path, e))?;
        if let Some(modified) = modified {
            to.set_modified(copy_time(modified))
                .map_err(|e| cannot_write(&path, e))?;
        }
        Ok(())
    }

    /// A file of the earlier output of that name and length stays.
    fn keep_named(&self, rel: &str, len: u64) -> bool {
        let path = self.root.join(rel);
        let Ok(mut unwritten) = self.unwritten.lock() else {
            return false;
        };
        if unwritten.get(&path) == Some(&len) {
            unwritten.remove(&path);
            return true;
        }
        false
    }
}

/// The error of a failed write, naming the file.
fn cannot_write(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write `{}`: {e}", path.display()))
}
