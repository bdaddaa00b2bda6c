//! The hashes of the pictures, kept between builds: a variant's cache entry is named by
//! a hash of its source's bytes, and hashing every picture of a site again would read
//! all of them in full on every build. `.dossier-cache/images/sources.index` holds, for
//! each source, its length, its modification time and the hash of its bytes; a file
//! whose length and time are those of the index is not read again.
//!
//! A file changed twice within the clock's resolution could keep both; a hash is kept
//! only for a file that had not changed for [`SETTLED`] when it was hashed (as Git does
//! for its index), so such a file is hashed again next time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

/// The index file, in the cache folder.
pub(super) const FILE: &str = "sources.index";

/// The first line of the file; a file that starts otherwise is ignored.
const HEADER: &str = "dossier-sources-index 1";

/// How long a file must have been left alone for its hash to be kept.
const SETTLED: Duration = Duration::from_secs(2);

/// What the index knows of one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: u128,
    hash: blake3::Hash,
}

/// The length and modification time (in nanoseconds since 1970) of a file.
pub(super) fn stamp_of(meta: &std::fs::Metadata) -> Option<(u64, u128)> {
    let modified = meta.modified().ok()?;
    let nanos = modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((meta.len(), nanos))
}

pub(super) struct HashIndex {
    path: PathBuf,
    entries: Mutex<Option<HashMap<String, Stamp>>>,
    changed: AtomicBool,
}

impl HashIndex {
    pub(super) fn new(cache_dir: &Path) -> Self {
        HashIndex {
            path: cache_dir.join(FILE),
            entries: Mutex::new(None),
            changed: AtomicBool::new(false),
        }
    }

    /// The hash kept for `source` when its file still has this length and time.
    pub(super) fn get(&self, source: &str, len: u64, modified: u128) -> Option<blake3::Hash> {
        let mut entries = self.entries.lock().ok()?;
        let entries = entries.get_or_insert_with(|| load(&self.path));
        entries
            .get(source)
            .filter(|s| s.len == len && s.modified == modified)
            .map(|s| s.hash)
    }

    /// Keeps the hash of `source`, unless the file changed too recently to be sure of it.
    pub(super) fn put(&self, source: &str, len: u64, modified: u128, hash: blake3::Hash) {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let settled = now.saturating_sub(modified) >= SETTLED.as_nanos();
        if !settled || source.contains(['\n', '\r']) {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let entries = entries.get_or_insert_with(|| load(&self.path));
        let stamp = Stamp {
            len,
            modified,
            hash,
        };
        if entries.insert(source.to_string(), stamp) != Some(stamp) {
            self.changed.store(true, Ordering::Relaxed);
        }
    }

    /// Writes the index when it has something new: aside, then renamed into place.
    pub(super) fn save(&self) -> Result<(), String> {
        if !self.changed.swap(false, Ordering::Relaxed) {
            return Ok(());
        }
        let Ok(entries) = self.entries.lock() else {
            return Ok(());
        };
        let Some(entries) = entries.as_ref() else {
            return Ok(());
        };
        let mut sources: Vec<(&String, &Stamp)> = entries.iter().collect();
        sources.sort_by(|a, b| a.0.cmp(b.0));
        let mut text = String::with_capacity(64 + sources.len() * 120);
        text.push_str(HEADER);
        text.push('\n');
        for (source, s) in sources {
            text.push_str(&format!(
                "{} {} {} {source}\n",
                s.hash.to_hex(),
                s.len,
                s.modified
            ));
        }
        let fail = |e: std::io::Error| {
            format!(
                "cannot write the image cache `{}`: {e}",
                crate::fs::escaped(&self.path)
            )
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(fail)?;
        let temp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
        let written = std::fs::write(&temp, text).and_then(|()| std::fs::rename(&temp, &self.path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            self.changed.store(true, Ordering::Relaxed);
            return Err(fail(e));
        }
        Ok(())
    }
}

/// The index on disk; empty when there is none or it cannot be read. A line that does
/// not parse is left out.
fn load(path: &Path) -> HashMap<String, Stamp> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return HashMap::new();
    }
    lines
        .filter_map(|line| {
            let mut parts = line.splitn(4, ' ');
            let hash = blake3::Hash::from_hex(parts.next()?).ok()?;
            let len = parts.next()?.parse().ok()?;
            let modified = parts.next()?.parse().ok()?;
            let source = parts.next()?.to_string();
            Some((
                source,
                Stamp {
                    len,
                    modified,
                    hash,
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_come_back_for_the_same_length_and_time_only() {
        let dir = tempfile::tempdir().unwrap();
        let hash = blake3::hash(b"picture");
        let index = HashIndex::new(dir.path());
        index.put("content/a b.jpg", 10, 1_000, hash);
        // Changed a moment ago: not kept.
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        index.put("content/new.jpg", 10, now, hash);
        index.save().unwrap();

        let again = HashIndex::new(dir.path());
        assert_eq!(again.get("content/a b.jpg", 10, 1_000), Some(hash));
        assert_eq!(again.get("content/a b.jpg", 11, 1_000), None);
        assert_eq!(again.get("content/a b.jpg", 10, 1_001), None);
        assert_eq!(again.get("content/new.jpg", 10, now), None);

        // A damaged index is no index.
        std::fs::write(dir.path().join(FILE), "something else\n").unwrap();
        assert_eq!(
            HashIndex::new(dir.path()).get("content/a b.jpg", 10, 1_000),
            None
        );
    }
}
