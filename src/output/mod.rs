//! Writing the site: pages into a staging folder that replaces the output atomically, the
//! feeds, the sitemap, `robots.txt`, and static files.

pub mod atomic;
pub mod feed;
pub mod search;
pub mod sitemap;

use std::collections::HashSet;
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

    fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            self.ensure_dir(parent)?;
        }
        let error = |e: std::io::Error| {
            Diagnostic::error(format!("cannot write `{}`: {e}", path.display()))
        };
        let file = std::fs::File::create(&path).map_err(error)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut out).and_then(|()| out.flush()).map_err(error)
    }
}

/// Escapes text for XML content and attribute values.
pub(crate) fn xml_escape(out: &mut String, text: &str) {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            b if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') => "",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(replacement);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_xml_and_drops_forbidden_controls() {
        let mut out = String::new();
        super::xml_escape(&mut out, "a<b>&\"c'\u{1}d\te é");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&apos;d\te é");
    }
}
