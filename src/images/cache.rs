//! The cache of resized pictures: `.dossier-cache/images/` under the site root.
//!
//! An entry's name is a hash of everything that shapes its bytes: the source picture's
//! bytes, the width and height, the JPEG quality, the format, and [`RECIPE`] (bumped
//! whenever the resizing or encoding changes). Nothing else is kept, so the cache can be
//! deleted at any time; it only costs the resizing again.
//!
//! Each file holds the encoded picture followed by a trailer: the BLAKE3 hash of the
//! picture and [`MAGIC`]. An entry is written to a temporary file in the same folder and
//! renamed into place, so no reader sees half of one; an entry whose trailer does not
//! match (cut short, changed by hand, a disk fault) is not served but made again.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The cache folder, relative to the site root.
pub const DIR: &str = ".dossier-cache/images";

/// Names the resizing and encoding: a change to either makes every entry new.
const RECIPE: &str = "dossier-images-2: fast_image_resize lanczos3 from the next wider, jpeg-encoder 0.7, image 0.25";

/// The last bytes of every entry.
const MAGIC: &[u8; 8] = b"DSSRIMG1";

const TRAILER: usize = blake3::OUT_LEN + MAGIC.len();

/// What names one cache entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    hash: blake3::Hash,
    extension: &'static str,
}

impl Key {
    /// The key of a variant of the source whose bytes hash to `content`.
    pub(super) fn new(
        content: &blake3::Hash,
        width: u32,
        height: u32,
        quality: Option<u8>,
        extension: &'static str,
    ) -> Self {
        let mut hasher = blake3::Hasher::new();
        hasher.update(RECIPE.as_bytes());
        hasher.update(content.as_bytes());
        hasher.update(&width.to_le_bytes());
        hasher.update(&height.to_le_bytes());
        hasher.update(&[quality.unwrap_or(0)]);
        hasher.update(extension.as_bytes());
        Key {
            hash: hasher.finalize(),
            extension,
        }
    }

    /// The first 8 hex digits, for the variant's file name in the output.
    pub(super) fn short(&self) -> String {
        self.hash.to_hex()[..8].to_string()
    }

    fn file_name(&self) -> String {
        format!("{}.{}", &self.hash.to_hex()[..32], self.extension)
    }
}

/// The cache folder of one site.
pub(super) struct Cache {
    dir: PathBuf,
}

/// Tells temporary files of one process apart.
static TEMP: AtomicU64 = AtomicU64::new(0);

impl Cache {
    pub(super) fn new(dir: &Path) -> Self {
        Cache {
            dir: dir.to_path_buf(),
        }
    }

    /// Where the entry of `key` is (or would be).
    pub(super) fn path(&self, key: &Key) -> PathBuf {
        self.dir.join(key.file_name())
    }

    /// The picture cached under `key`, when the entry is there and whole.
    pub(super) fn get(&self, key: &Key) -> Option<Vec<u8>> {
        let mut bytes = std::fs::read(self.path(key)).ok()?;
        let split = bytes.len().checked_sub(TRAILER)?;
        let (payload, trailer) = bytes.split_at(split);
        let (hash, magic) = trailer.split_at(blake3::OUT_LEN);
        if magic != MAGIC || blake3::hash(payload).as_bytes() != hash {
            return None;
        }
        bytes.truncate(split);
        Some(bytes)
    }

    /// The length of the picture cached under `key`, from the entry's size alone (not
    /// checked: [`Cache::get`] checks).
    pub(super) fn len(&self, key: &Key) -> Option<u64> {
        let len = std::fs::metadata(self.path(key)).ok()?.len();
        len.checked_sub(TRAILER as u64).filter(|&l| l > 0)
    }

    /// Caches `picture` under `key`: written aside, then renamed into place.
    pub(super) fn put(&self, key: &Key, picture: &[u8]) -> Result<(), String> {
        let target = self.path(key);
        let fail = |e: std::io::Error| {
            format!(
                "cannot write the image cache `{}`: {e}",
                crate::fs::escaped(&target)
            )
        };
        std::fs::create_dir_all(&self.dir).map_err(fail)?;
        let temp = self.dir.join(format!(
            ".{}.{}-{}.tmp",
            key.file_name(),
            std::process::id(),
            TEMP.fetch_add(1, Ordering::Relaxed)
        ));
        let mut bytes = Vec::with_capacity(picture.len() + TRAILER);
        bytes.extend_from_slice(picture);
        bytes.extend_from_slice(blake3::hash(picture).as_bytes());
        bytes.extend_from_slice(MAGIC);
        let written = std::fs::write(&temp, &bytes).and_then(|()| std::fs::rename(&temp, &target));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(fail(e));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(width: u32) -> Key {
        Key::new(&blake3::hash(b"picture"), width, width / 2, Some(80), "jpg")
    }

    #[test]
    fn keys_differ_by_every_setting() {
        let content = blake3::hash(b"picture");
        let base = Key::new(&content, 800, 400, Some(80), "jpg");
        assert_eq!(base, Key::new(&content, 800, 400, Some(80), "jpg"));
        for other in [
            Key::new(&blake3::hash(b"another"), 800, 400, Some(80), "jpg"),
            Key::new(&content, 801, 400, Some(80), "jpg"),
            Key::new(&content, 800, 401, Some(80), "jpg"),
            Key::new(&content, 800, 400, Some(81), "jpg"),
            Key::new(&content, 800, 400, None, "png"),
        ] {
            assert_ne!(base.file_name(), other.file_name());
        }
    }

    #[test]
    fn an_entry_comes_back_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&dir.path().join("images"));
        assert_eq!(cache.get(&key(800)), None);
        cache.put(&key(800), b"jpeg bytes").unwrap();
        assert_eq!(cache.get(&key(800)).as_deref(), Some(&b"jpeg bytes"[..]));
        assert_eq!(cache.get(&key(480)), None);

        // Cut short, changed, or emptied: not served.
        let path = cache.path(&key(800));
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 1]).unwrap();
        assert_eq!(cache.get(&key(800)), None);
        let mut changed = whole.clone();
        changed[0] ^= 1;
        std::fs::write(&path, &changed).unwrap();
        assert_eq!(cache.get(&key(800)), None);
        std::fs::write(&path, b"").unwrap();
        assert_eq!(cache.get(&key(800)), None);

        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("images"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
