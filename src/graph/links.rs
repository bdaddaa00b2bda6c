//! Resolving the links written in entries: relative Markdown paths and wikilinks.

use std::collections::HashMap;

use crate::content::files::{FileRef, SiteFiles, encode_path};
use crate::markdown::{LinkRef, LinkResolver, Resolved};
use crate::text::suggestion;

use super::EntryId;

/// Lookups from what an editor writes in a link to the entry it means.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct NameIndex {
    /// `places/baku.md` → entry.
    pub by_rel: HashMap<String, EntryId>,
    /// Lowercased slug, title and aliases → entries (more than one: ambiguous).
    pub by_name: HashMap<String, Vec<EntryId>>,
    /// `places/_index.md` → the section's page path; also the folder note that is a
    /// folder's page (`places/index.md`), by its own path.
    pub sections: HashMap<String, String>,
    /// A folder note's path without its ending, lowercased (`trips/index`,
    /// `trips/trips`) → its folder's page path: what a wikilink to it names.
    pub folder_notes: HashMap<String, String>,
    /// The file name without `.md`, with spaces, `-` and `_` alike (`making plugins` for
    /// `making-plugins.md`) → entries: looked up when no slug, title or alias matches.
    pub by_file: HashMap<String, Vec<EntryId>>,
    /// Each entry's file under `content/`, for choosing among entries of one name.
    pub rel_of: HashMap<EntryId, String>,
}

impl NameIndex {
    pub fn add_entry(&mut self, id: EntryId, rel: &str, names: impl IntoIterator<Item = String>) {
        self.by_rel.insert(rel.to_string(), id);
        self.rel_of.insert(id, rel.to_string());
        let stem = rel
            .rsplit('/')
            .next()
            .unwrap_or(rel)
            .trim_end_matches(".md");
        let ids = self.by_file.entry(file_key(stem)).or_default();
        if !ids.contains(&id) {
            ids.push(id);
        }
        for name in names {
            let key = name_key(&name);
            if key.is_empty() {
                continue;
            }
            let ids = self.by_name.entry(key).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }

    /// The entries a name means: by slug, title, alias or path, else by file name.
    pub fn lookup(&self, name: &str) -> &[EntryId] {
        match self.by_name.get(&name_key(name)) {
            Some(ids) => ids,
            None => self.by_file.get(&file_key(name)).map_or(&[], Vec::as_slice),
        }
    }

    /// Of several entries of one name, the one a link from a file in the folder `from_dir`
    /// means, the way Obsidian chooses: the one in that folder, else the one with the
    /// shortest path (fewest folders); none when that still leaves more than one.
    pub fn nearest(&self, many: &[EntryId], from_dir: &str) -> Option<EntryId> {
        let rel = |id: &EntryId| self.rel_of.get(id).map_or("", String::as_str);
        let dir = |id: &EntryId| rel(id).rsplit_once('/').map_or("", |(d, _)| d);
        let one = |ids: Vec<EntryId>| match ids[..] {
            [id] => Some(id),
            _ => None,
        };
        let here: Vec<EntryId> = many
            .iter()
            .copied()
            .filter(|id| dir(id) == from_dir)
            .collect();
        if !here.is_empty() {
            return one(here);
        }
        let depth = |id: &EntryId| rel(id).matches('/').count();
        let least = many.iter().map(depth).min()?;
        one(many
            .iter()
            .copied()
            .filter(|id| depth(id) == least)
            .collect())
    }
}

/// How file names compare in wikilinks: as names ([`name_key`]), with `-` and `_` read
/// as spaces.
pub fn file_key(name: &str) -> String {
    name_key(&name.replace(['-', '_', '–', '—'], " "))
}

/// How names compare in wikilinks: in NFC (a `Café` typed with a combining accent is the
/// `Café` typed with `é`), case-insensitive, spaces collapsed, and `-` / `–` / `—` alike (so
/// `[[Russia-Azerbaijan relations]]` finds "Russia–Azerbaijan relations").
pub fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let name: String = name.nfc().collect();
    let mut key = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        for c in word.chars() {
            match c {
                '–' | '—' | '‐' | '‑' => key.push('-'),
                c => key.extend(c.to_lowercase()),
            }
        }
    }
    key
}

/// What a link resolver needs to know about each entry.
pub struct EntryRef<'a> {
    pub path: &'a str,
    pub file: &'a str,
    pub title: &'a str,
}

/// The entries a link resolver looks up, by index: the site's own entries, read in
/// place, so that resolving one page's links costs nothing per entry of the site.
pub trait EntryNames: Sync {
    fn entry(&self, i: usize) -> EntryRef<'_>;
    fn count(&self) -> usize;
}

impl EntryNames for &[EntryRef<'_>] {
    fn entry(&self, i: usize) -> EntryRef<'_> {
        let e = &self[i];
        EntryRef {
            path: e.path,
            file: e.file,
            title: e.title,
        }
    }

    fn count(&self) -> usize {
        self.len()
    }
}

impl EntryNames for &[std::sync::Arc<crate::content::Entry>] {
    fn entry(&self, i: usize) -> EntryRef<'_> {
        let e = &self[i];
        EntryRef {
            path: &e.path,
            file: &e.file,
            title: &e.front.title,
        }
    }

    fn count(&self) -> usize {
        self.len()
    }
}

/// Resolves the links of one page.
pub struct PageLinks<'a> {
    pub index: &'a NameIndex,
    pub entries: &'a dyn EntryNames,
    /// The files beside the entries and the static files.
    pub files: &'a SiteFiles,
    /// The folder of the page's file under `content/` (`places`, or `` at the top).
    pub from_dir: &'a str,
    /// The site's base path (`/` or `/dossier/`).
    pub base_path: &'a str,
    /// What the editor's paths to content files start with: `content/`, or nothing
    /// when the content folder is the site's root.
    pub content_prefix: &'a str,
}

/// The key of a folder's section in [`NameIndex::sections`]: `places/_index.md`.
pub fn section_key(dir: &str) -> String {
    if dir.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{dir}/_index.md")
    }
}

impl PageLinks<'_> {
    fn url(&self, path: &str, fragment: Option<&str>) -> String {
        let mut url = format!("{}{}", self.base_path, path);
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(&crate::markdown::anchor_id(f));
        }
        url
    }

    fn entry(&self, id: EntryId, fragment: Option<String>) -> Resolved {
        let path = self.entries.entry(id.index()).path;
        Resolved::Internal {
            url: self.url(path, fragment.as_deref()),
            target: Some(id.0),
            fragment,
        }
    }

    /// The page of a section (its fragment is checked with the site paths).
    fn section(&self, path: &str, fragment: Option<String>) -> Resolved {
        Resolved::SitePath {
            url: self.url(path, fragment.as_deref()),
            path: path.to_string(),
            fragment,
        }
    }

    fn file(&self, file: FileRef) -> Resolved {
        Resolved::File {
            url: format!("{}{}", self.base_path, encode_path(&file.path)),
            file,
        }
    }

    fn wiki(&self, dest: &str, image: bool) -> Resolved {
        let (name, heading) = match dest.split_once('#') {
            Some((n, h)) => (n.trim(), Some(h.trim())),
            None => (dest.trim(), None),
        };
        // `#Heading` text becomes the heading's id (an id written as is stays as it is),
        // `#A#B` the heading B under A, `#^id` a block.
        let fragment = heading
            .filter(|h| !h.is_empty())
            .map(crate::markdown::wiki_fragment);
        if name.is_empty() {
            return match fragment {
                Some(fragment) => Resolved::SamePage { fragment },
                None => Resolved::Broken {
                    kind: crate::diagnostics::Kind::BrokenLink,
                    message: "empty wikilink `[[]]`".into(),
                    help: None,
                },
            };
        }
        if image {
            return self.embed(dest, name, fragment);
        }
        let entries = self.index.lookup(name);
        if entries.len() > 1
            && let Some(id) = self.index.nearest(entries, self.from_dir)
        {
            return self.entry(id, fragment);
        }
        match entries {
            [id] => self.entry(*id, fragment),
            [] => {
                if let Some(file) = self.wiki_file(name) {
                    return self.file(file);
                }
                if let Some(page) = self.wiki_page(name) {
                    return self.section(&page, fragment);
                }
                Resolved::Broken {
                    kind: crate::diagnostics::Kind::MissingNote,
                    message: format!(
                        "wikilink `[[{dest}]]`: no entry has this title, alias or slug"
                    ),
                    help: suggestion(
                        name,
                        (0..self.entries.count()).map(|i| self.entries.entry(i).title),
                    ),
                }
            }
            many => self.ambiguous(&format!("wikilink `[[{dest}]]`"), many),
        }
    }

    fn ambiguous(&self, what: &str, many: &[EntryId]) -> Resolved {
        let candidates: Vec<&str> = many
            .iter()
            .map(|id| self.entries.entry(id.index()).file)
            .collect();
        Resolved::Broken {
            kind: crate::diagnostics::Kind::AmbiguousLink,
            message: format!(
                "{what} is ambiguous: it could mean {}",
                candidates.join(", ")
            ),
            help: Some("link by slug or file path, or give the entries distinct aliases".into()),
        }
    }

    /// `![[…]]`: a file (a picture, a sound, a film, a PDF …) by its name or path, else a
    /// note or a folder's page, whose text the page shows in place.
    fn embed(&self, dest: &str, name: &str, fragment: Option<String>) -> Resolved {
        if let Some(file) = self.wiki_file(name) {
            return self.file(file);
        }
        let note = name.strip_suffix(".md").unwrap_or(name);
        let entries = self.index.lookup(note);
        if entries.len() > 1
            && let Some(id) = self.index.nearest(entries, self.from_dir)
        {
            return self.entry(id, fragment);
        }
        match entries {
            [id] => self.entry(*id, fragment),
            [] => match self.wiki_page(note) {
                Some(page) if page.starts_with(crate::pages::TAGS) => Resolved::Broken {
                    kind: crate::diagnostics::Kind::BrokenLink,
                    message: format!(
                        "embed `![[{dest}]]`: a tag's page has no text of its own to show"
                    ),
                    help: Some(format!("link to it with `[[{dest}]]`")),
                },
                Some(page) => self.section(&page, fragment),
                None if looks_like_file(name) => Resolved::Broken {
                    kind: crate::diagnostics::Kind::MissingFile,
                    message: format!("embed `![[{dest}]]`: no file has this name or path"),
                    help: self.nearby(&join(self.from_dir, name), false, false),
                },
                None => Resolved::Broken {
                    kind: crate::diagnostics::Kind::MissingNote,
                    message: format!(
                        "embed `![[{dest}]]`: no entry has this title, alias or slug, and no \
                         file this name"
                    ),
                    help: suggestion(
                        note,
                        (0..self.entries.count()).map(|i| self.entries.entry(i).title),
                    ),
                },
            },
            many => self.ambiguous(&format!("embed `![[{dest}]]`"), many),
        }
    }

    /// The page of a folder (`[[advanced]]`, `[[advanced/]]`: its section) or of a tag
    /// (`[[tags/energy]]`, checked with the site paths once the tags are known) that a
    /// wikilink names when no entry has the name.
    fn wiki_page(&self, name: &str) -> Option<String> {
        let folder = name.trim_end_matches('/');
        // A folder note by its path (`[[trips/index]]`), or by its name from a note of
        // its folder, then at the top (`[[index]]`), as for notes of one name.
        let note = folder.to_lowercase();
        let here = join(self.from_dir, &note).to_lowercase();
        for key in [&here, &note] {
            if let Some(path) = self.index.folder_notes.get(key) {
                return Some(path.clone());
            }
        }
        if let Some(path) = self.index.sections.get(&section_key(folder)) {
            return Some(path.clone());
        }
        let tag = folder
            .strip_prefix("tags/")
            .or_else(|| folder.strip_prefix("Tags/"))?;
        let slug = crate::text::tag_slug(tag);
        (!slug.is_empty()).then(|| crate::pages::tag(&slug))
    }

    /// A file named in a wikilink (`[[scan.pdf]]`, `![[map.png]]`): a path relative to
    /// the page's file, else the one file of `content/` with that name.
    fn wiki_file(&self, name: &str) -> Option<FileRef> {
        if let Some(file) =
            normalize(&join(self.from_dir, name)).and_then(|r| self.files.content(&r))
        {
            return Some(file);
        }
        let mut named = self
            .files
            .content_files()
            .filter(|rel| rel.rsplit('/').next() == Some(name));
        match (named.next(), named.next()) {
            (Some(rel), None) => self.files.content(rel),
            _ => None,
        }
    }

    fn markdown(&self, dest: &str, image: bool) -> Resolved {
        if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
            return Resolved::Keep;
        }
        if let Some(fragment) = dest.strip_prefix('#') {
            return Resolved::SamePage {
                fragment: percent_decode(fragment),
            };
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(percent_decode(f)).filter(|f| !f.is_empty())),
            None => (dest, None),
        };
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        if path.is_empty() {
            return Resolved::Keep;
        }
        let what = if image { "image" } else { "link" };
        let decoded = percent_decode(path);
        let from_root = decoded.strip_prefix('/');
        let Some(rel) = normalize(&match from_root {
            Some(from_root) => from_root.to_string(),
            None => join(self.from_dir, &decoded),
        }) else {
            return Resolved::Broken {
                kind: crate::diagnostics::Kind::BrokenLink,
                message: format!("{what} `{dest}` points outside `content/`"),
                help: None,
            };
        };
        if crate::content::walk::is_markdown(&decoded) {
            if let Some(id) = self.index.by_rel.get(&rel) {
                return self.entry(*id, fragment);
            }
            if let Some(section_path) = self.index.sections.get(&rel) {
                return self.section(section_path, fragment);
            }
            return Resolved::Broken {
                kind: crate::diagnostics::Kind::MissingNote,
                message: format!(
                    "{what} `{dest}`: there is no entry `{}{rel}`",
                    self.content_prefix
                ),
                help: suggestion(&rel, self.index.by_rel.keys().map(String::as_str)),
            };
        }
        let file = match from_root {
            Some(_) => self.files.site(&rel),
            None => self.files.content(&rel),
        };
        if let Some(file) = file {
            return self.file(file);
        }
        if let Some(section_path) = self.index.sections.get(&section_key(&rel)) {
            return self.section(section_path, fragment);
        }
        if image && from_root.is_some() {
            // Dossier writes no pictures: an image is a file of `content/` or `static/`.
            return Resolved::Broken {
                kind: crate::diagnostics::Kind::MissingFile,
                message: format!(
                    "image `{dest}`: there is no file `{rel}` in `content/` or `static/`"
                ),
                help: self.nearby(&rel, true, false),
            };
        }
        if let Some(site_path) = from_root {
            // A page of the site such as `/tags/`, under any base path: checked once every
            // page is known.
            return Resolved::SitePath {
                url: self.url(site_path, fragment.as_deref()),
                path: site_path.to_string(),
                fragment,
            };
        }
        let folder = decoded.ends_with('/') || decoded.ends_with("/.") || decoded == ".";
        let shown = if folder {
            format!("{rel}/")
        } else {
            rel.clone()
        };
        Resolved::Broken {
            kind: crate::diagnostics::Kind::MissingFile,
            message: format!(
                "{what} `{dest}`: there is no {} `{}{shown}`",
                if folder { "folder" } else { "file" },
                self.content_prefix
            ),
            help: self.nearby(&rel, false, folder),
        }
    }

    /// `did you mean …?` for a path under `content/` (or a site path, `from_root`) that
    /// names nothing: the closest file or folder, written as the editor would write it
    /// from the page's file.
    /// A folder is looked for among folders and entries (`baku/` for `baku.md`), a file
    /// among files and entries.
    pub fn nearby(&self, rel: &str, from_root: bool, folder: bool) -> Option<String> {
        let mut candidates: Vec<&str> = self.index.by_rel.keys().map(String::as_str).collect();
        if folder {
            candidates.extend(
                self.index
                    .sections
                    .keys()
                    .filter_map(|k| k.strip_suffix("/_index.md"))
                    .filter(|d| *d != self.from_dir),
            );
        } else {
            candidates.extend(self.files.content_files());
            if from_root {
                candidates.extend(self.files.static_files());
            }
        }
        let rel = rel.trim_end_matches('/');
        let best = crate::text::did_you_mean(rel, candidates.iter().copied())?;
        let slash = if folder && !best.ends_with(".md") {
            "/"
        } else {
            ""
        };
        let written = if from_root {
            format!("/{best}{slash}")
        } else {
            format!("{}{slash}", relative_to(self.from_dir, best))
        };
        Some(format!("did you mean `{written}`?"))
    }
}

impl LinkResolver for PageLinks<'_> {
    fn resolve(&self, link: LinkRef<'_>) -> Resolved {
        if link.wiki {
            self.wiki(link.dest, link.image)
        } else {
            self.markdown(link.dest, link.image)
        }
    }

    fn has_file(&self, path: &str) -> bool {
        self.files.site(path).is_some()
    }
}

/// The path that leads from a file in the folder `dir` to `target` (both under
/// `content/`): `relative_to("notes/a", "images/x.png")` is `../../images/x.png`.
fn relative_to(dir: &str, target: &str) -> String {
    let from: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = target.split('/').collect();
    let common = from
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to.len().saturating_sub(1));
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// Whether a name ends as a file's does (`x.png`, `paper.pdf`), not a note's.
fn looks_like_file(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_alphanumeric())
            && !ext.chars().all(|c| c.is_ascii_digit())
    })
}

fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

/// Resolves `.` and `..`; `None` when the path climbs out of the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// `%20` → ` ` (links to files with spaces in their names); invalid escapes stay as written.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(hi * 16 + lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::files::FileSource;

    fn fixture() -> (NameIndex, Vec<EntryRef<'static>>) {
        let entries = vec![
            EntryRef {
                path: "places/lachin-road/",
                file: "content/places/lachin-road.md",
                title: "Lachin–Khankandi road",
            },
            EntryRef {
                path: "people/lavrov/",
                file: "content/people/lavrov.md",
                title: "Sergey Lavrov",
            },
            EntryRef {
                path: "places/baku/",
                file: "content/places/baku.md",
                title: "Baku",
            },
            EntryRef {
                path: "places/baku-bay/",
                file: "content/places/baku-bay.md",
                title: "Baku Bay",
            },
        ];
        let mut index = NameIndex::default();
        index.add_entry(
            EntryId(0),
            "places/lachin-road.md",
            [
                "lachin-road".into(),
                "Lachin–Khankandi road".into(),
                "Lachin road".into(),
            ],
        );
        index.add_entry(
            EntryId(1),
            "people/lavrov.md",
            ["lavrov".into(), "Sergey Lavrov".into()],
        );
        index.add_entry(EntryId(2), "places/baku.md", ["baku".into(), "Baku".into()]);
        index.add_entry(
            EntryId(3),
            "places/baku-bay.md",
            ["baku-bay".into(), "Baku Bay".into(), "Baku".into()],
        );
        for dir in ["places", "people", "Old Maps"] {
            index
                .sections
                .insert(section_key(dir), crate::content::entry::dir_path(dir));
        }
        (index, entries)
    }

    fn resolve(dest: &str, wiki: bool) -> Resolved {
        let (index, entries) = fixture();
        let files = SiteFiles::new(
            &[
                "people/portrait of Lavrov.jpg".to_string(),
                "Old Maps/road é.png".to_string(),
            ],
            ["style.css", "images/x.png"],
        );
        let links = PageLinks {
            index: &index,
            entries: &entries.as_slice(),
            files: &files,
            from_dir: "people",
            base_path: "/dossier/",
            content_prefix: "content/",
        };
        links.resolve(LinkRef {
            dest,
            wiki,
            image: false,
        })
    }

    fn url(r: Resolved) -> String {
        match r {
            Resolved::Internal { url, .. }
            | Resolved::SitePath { url, .. }
            | Resolved::File { url, .. } => url,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn relative_markdown_links_become_urls_under_the_base_path() {
        assert_eq!(
            url(resolve("../places/lachin-road.md", false)),
            "/dossier/places/lachin-road/"
        );
        assert_eq!(
            url(resolve("lavrov.md#early-life", false)),
            "/dossier/people/lavrov/#early-life"
        );
        assert_eq!(
            url(resolve("./../places/_index.md", false)),
            "/dossier/places/"
        );
        assert_eq!(
            url(resolve("/places/baku.md", false)),
            "/dossier/places/baku/"
        );
        assert_eq!(
            resolve("/tags/#x", false),
            Resolved::SitePath {
                url: "/dossier/tags/#x".into(),
                path: "tags/".into(),
                fragment: Some("x".into()),
            }
        );
        assert_eq!(resolve("https://example.org/x.md", false), Resolved::Keep);
        assert_eq!(resolve("mailto:a@b.c", false), Resolved::Keep);
        assert_eq!(
            resolve("#top", false),
            Resolved::SamePage {
                fragment: "top".into()
            }
        );
    }

    fn broken(r: Resolved) -> (String, Option<String>) {
        match r {
            Resolved::Broken { message, help, .. } => (message, help),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn files_resolve_from_the_source_file_or_the_site_root() {
        // Beside the page's file, percent-encoded, under the base path.
        match resolve("portrait%20of%20Lavrov.jpg", false) {
            Resolved::File { url, file } => {
                assert_eq!(url, "/dossier/people/portrait%20of%20Lavrov.jpg");
                assert_eq!(
                    file.source,
                    FileSource::Content("people/portrait of Lavrov.jpg".into())
                );
            }
            other => panic!("{other:?}"),
        }
        // Up a folder, into one whose name slugifies; by its path under content/ or in
        // the output.
        let copied = "/dossier/old-maps/road%20%C3%A9.png";
        assert_eq!(url(resolve("../Old Maps/road é.png", false)), copied);
        assert_eq!(url(resolve("/Old%20Maps/road%20é.png", false)), copied);
        assert_eq!(url(resolve("/old-maps/road é.png", false)), copied);
        // Static files from the root only.
        assert_eq!(
            url(resolve("/images/x.png", false)),
            "/dossier/images/x.png"
        );
        let (message, help) = broken(resolve("images/x.png", false));
        assert_eq!(
            message,
            "link `images/x.png`: there is no file `content/people/images/x.png`"
        );
        assert_eq!(help, None);
        // A folder of content/ is its section's page.
        assert_eq!(
            url(resolve("../places/#top", false)),
            "/dossier/places/#top"
        );
        assert_eq!(url(resolve("./", false)), "/dossier/people/");
    }

    #[test]
    fn a_relative_path_to_nothing_is_broken_with_the_nearest_file() {
        let (message, help) = broken(resolve("portrait-of-Lavrov.jpg", false));
        assert_eq!(
            message,
            "link `portrait-of-Lavrov.jpg`: there is no file `content/people/portrait-of-Lavrov.jpg`"
        );
        assert_eq!(
            help.as_deref(),
            Some("did you mean `portrait of Lavrov.jpg`?")
        );
        let (message, help) = broken(resolve("../places/baku/", false));
        assert_eq!(
            message,
            "link `../places/baku/`: there is no folder `content/places/baku/`"
        );
        assert_eq!(help.as_deref(), Some("did you mean `../places/baku.md`?"));
        let (message, _) = broken(resolve("../../up.png", false));
        assert_eq!(message, "link `../../up.png` points outside `content/`");
    }

    #[test]
    fn wikilinks_resolve_by_slug_title_or_alias_ignoring_case_and_dashes() {
        for dest in [
            "Lachin road",
            "lachin-road",
            "LACHIN-KHANKANDI ROAD",
            "Lachin–Khankandi road",
        ] {
            assert_eq!(
                url(resolve(dest, true)),
                "/dossier/places/lachin-road/",
                "{dest}"
            );
        }
        match resolve("Lachin road#In the report", true) {
            Resolved::Internal {
                url,
                fragment,
                target,
            } => {
                assert_eq!(url, "/dossier/places/lachin-road/#in-the-report");
                assert_eq!(fragment.as_deref(), Some("in-the-report"));
                assert_eq!(target, Some(0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn broken_and_ambiguous_links_say_why() {
        match resolve("../places/lachin-raod.md", false) {
            Resolved::Broken { message, help, .. } => {
                assert_eq!(
                    message,
                    "link `../places/lachin-raod.md`: there is no entry `content/places/lachin-raod.md`"
                );
                assert_eq!(
                    help.as_deref(),
                    Some("did you mean `places/lachin-road.md`?")
                );
            }
            other => panic!("{other:?}"),
        }
        match resolve("Sergei Lavrov", true) {
            Resolved::Broken { message, help, .. } => {
                assert!(message.contains("no entry has this title"));
                assert_eq!(help.as_deref(), Some("did you mean `Sergey Lavrov`?"));
            }
            other => panic!("{other:?}"),
        }
        match resolve("baku", true) {
            Resolved::Broken { message, .. } => {
                assert!(message.contains("ambiguous"), "{message}");
                assert!(
                    message.contains("content/places/baku.md, content/places/baku-bay.md"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            resolve("../../x.md", false),
            Resolved::Broken { .. }
        ));
    }

    #[test]
    fn wikilinks_find_file_names_with_spaces_and_dashes_alike() {
        let mut index = NameIndex::default();
        index.add_entry(
            EntryId(0),
            "notes/making-plugins.md",
            ["Writing plugins".into()],
        );
        assert_eq!(index.lookup("making plugins"), [EntryId(0)]);
        assert_eq!(index.lookup("Making_Plugins"), [EntryId(0)]);
        assert_eq!(index.lookup("writing plugins"), [EntryId(0)]);
        assert!(index.lookup("making").is_empty());
    }

    #[test]
    fn of_one_name_the_note_in_the_same_folder_then_the_shortest_path_wins() {
        let mut index = NameIndex::default();
        index.add_entry(EntryId(0), "a/b/setup.md", ["Setup".into()]);
        index.add_entry(EntryId(1), "c/setup.md", ["Setup".into()]);
        index.add_entry(EntryId(2), "d/setup.md", ["Setup".into()]);
        let all = index.lookup("setup").to_vec();
        assert_eq!(all.len(), 3);
        assert_eq!(index.nearest(&all, "a/b"), Some(EntryId(0)));
        assert_eq!(index.nearest(&all, "d"), Some(EntryId(2)));
        // Two at the least depth: still ambiguous.
        assert_eq!(index.nearest(&all, "e"), None);
        assert_eq!(index.nearest(&all[..2], "e"), Some(EntryId(1)));
    }

    #[test]
    fn wikilinks_name_folder_and_tag_pages() {
        assert_eq!(url(resolve("places", true)), "/dossier/places/");
        assert_eq!(url(resolve("Old Maps/", true)), "/dossier/old-maps/");
        assert_eq!(
            resolve("tags/Lachin road#x", true),
            Resolved::SitePath {
                url: "/dossier/tags/lachin-road/#x".into(),
                path: "tags/lachin-road/".into(),
                fragment: Some("x".into()),
            }
        );
    }

    #[test]
    fn percent_escapes_decode() {
        assert_eq!(percent_decode("my%20file.md"), "my file.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%é%"), "%é%");
    }
}
