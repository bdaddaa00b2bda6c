//! Writing the site: pages into a staging folder that replaces the output atomically, the
//! feeds, the sitemap, `robots.txt`, and static files.

pub mod atomic;
pub mod feed;
pub mod search;
pub mod sitemap;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostics::Diagnostic;
use crate::fs;

/// Where rendered files go: a folder for `build`, nowhere for `check`, memory for `serve`.
pub trait Sink: Sync {
    /// Writes `bytes` to the site path `rel` (`places/baku/index.html`).
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
}

/// Discards everything (for `dossier check`).
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> Result<(), Diagnostic> {
        Ok(())
    }
}

/// Writes into a folder, creating sub-folders as needed.
pub struct DirSink {
    root: PathBuf,
    made: Mutex<HashSet<PathBuf>>,
}

impl DirSink {
    pub fn new(root: &Path) -> Self {
        DirSink {
            root: root.to_path_buf(),
            made: Mutex::new(HashSet::new()),
        }
    }

    fn ensure_dir(&self, dir: &Path) -> Result<(), Diagnostic> {
        if let Ok(made) = self.made.lock()
            && made.contains(dir)
        {
            return Ok(());
        }
        fs::create_dir_all(dir).map_err(|e| Diagnostic::error(e.to_string()))?;
        if let Ok(mut made) = self.made.lock() {
            made.insert(dir.to_path_buf());
        }
        Ok(())
    }
}

impl Sink for DirSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            self.ensure_dir(parent)?;
        }
        fs::write(&path, bytes).map_err(|e| Diagnostic::error(e.to_string()))
    }
}

/// Escapes text for XML content and attribute values.
pub(crate) fn xml_escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}
