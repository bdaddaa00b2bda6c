//! The files a reference can point to: those beside the entries in `content/` and the
//! static files (the theme's and the site's), with the site path each is copied to.

use std::collections::{HashMap, HashSet};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::entry::dir_path;

/// Where a referenced file comes from: what a later stage reads to learn more about it
/// (an image's size, say).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FileSource {
    /// `content/REL`.
    Content(String),
    /// A static file of the theme or of `static/`, by its path in the output.
    Static(String),
}

impl FileSource {
    /// The file as the editor knows it: `content/notes/y.png`, `static/images/x.png`.
    pub fn label(&self) -> String {
        match self {
            FileSource::Content(rel) => format!("content/{rel}"),
            FileSource::Static(rel) => format!("static/{rel}"),
        }
    }
}

/// A file a page refers to: where it comes from and its site path (not percent-encoded).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileRef {
    pub source: FileSource,
    pub path: String,
}

/// Every file of `content/` that is not Markdown, and every static file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SiteFiles {
    /// `notes/My photo.png` → `notes/My photo.png`; `My Notes/a.pdf` → `my-notes/a.pdf`.
    content: HashMap<String, String>,
    /// The other way round: the site path of a content file → its path under `content/`.
    by_site_path: HashMap<String, String>,
    statics: HashSet<String>,
}

/// Where a file of `content/` is copied: beside the page of its folder.
pub fn asset_path(rel: &str) -> String {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    format!("{}{name}", dir_path(dir))
}

/// What a URL path may not hold as it is: `%` itself, and what would end the path or
/// the attribute. Letters outside ASCII are always encoded.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']')
    .add(b'\'');

/// A site path as it goes into a URL: `notes/my photo é.png` → `notes/my%20photo%20%C3%A9.png`.
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

impl SiteFiles {
    /// The files of `content/` that are not Markdown (`assets`, relative to it) and the
    /// output paths of the static files.
    pub fn new<'a>(assets: &[String], statics: impl IntoIterator<Item = &'a str>) -> SiteFiles {
        let mut files = SiteFiles::default();
        for rel in assets {
            let path = asset_path(rel);
            files.by_site_path.insert(path.clone(), rel.clone());
            files.content.insert(rel.clone(), path);
        }
        files.statics = statics.into_iter().map(str::to_string).collect();
        files
    }

    /// The file `content/REL`, if there is one.
    pub fn content(&self, rel: &str) -> Option<FileRef> {
        self.content.get(rel).map(|path| FileRef {
            source: FileSource::Content(rel.to_string()),
            path: path.clone(),
        })
    }

    /// The file a site path (`/images/x.png` without its `/`) names: a file of `content/`
    /// by its path there or by its path in the output, else a static file.
    pub fn site(&self, path: &str) -> Option<FileRef> {
        if let Some(found) = self.content(path) {
            return Some(found);
        }
        if let Some(rel) = self.by_site_path.get(path) {
            return self.content(rel);
        }
        self.statics.contains(path).then(|| FileRef {
            source: FileSource::Static(path.to_string()),
            path: path.to_string(),
        })
    }

    /// The paths under `content/` of its files.
    pub fn content_files(&self) -> impl Iterator<Item = &str> {
        self.content.keys().map(String::as_str)
    }

    /// The output paths of the static files.
    pub fn static_files(&self) -> impl Iterator<Item = &str> {
        self.statics.iter().map(String::as_str)
    }

    /// A fingerprint of what references resolve to: the same files, the same results.
    pub fn hash_into(&self, h: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        let mut content: Vec<&String> = self.content.keys().collect();
        content.sort_unstable();
        content.hash(h);
        let mut statics: Vec<&String> = self.statics.iter().collect();
        statics.sort_unstable();
        statics.hash(h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_files_are_found_by_either_path_and_statics_after_them() {
        let files = SiteFiles::new(
            &["My Notes/a b.png".to_string(), "x.pdf".to_string()],
            ["x.pdf", "style.css"],
        );
        let found = files.site("my-notes/a b.png").unwrap();
        assert_eq!(found.source, FileSource::Content("My Notes/a b.png".into()));
        assert_eq!(found.path, "my-notes/a b.png");
        assert_eq!(files.site("My Notes/a b.png"), Some(found));
        assert_eq!(
            files.site("x.pdf").unwrap().source,
            FileSource::Content("x.pdf".into())
        );
        assert_eq!(
            files.site("style.css").unwrap().source,
            FileSource::Static("style.css".into())
        );
        assert_eq!(files.site("nothere.css"), None);
    }

    #[test]
    fn paths_are_percent_encoded_for_urls() {
        assert_eq!(
            encode_path("notes/my photo é.png"),
            "notes/my%20photo%20%C3%A9.png"
        );
        assert_eq!(encode_path("a/100%#1?.png"), "a/100%25%231%3F.png");
        assert_eq!(encode_path("plain/file-1_a.png"), "plain/file-1_a.png");
    }
}
