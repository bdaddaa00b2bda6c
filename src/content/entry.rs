//! Entries and sections, parsed from their files.

use std::path::Path;

use super::Date;
use super::front_matter::{
    self, Defaults, FileReporter, FrontMatter, SectionFrontMatter, parse_entry_front_matter,
    parse_section_front_matter,
};
use super::title;
use super::walk::parent_dir;
use crate::config::{Config, Kinds};
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::fs;
use crate::text::slugify;

/// One Markdown entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The file as the editor knows it: `content/places/lachin-road.md`.
    pub file: String,
    /// Relative to `content/`: `places/lachin-road.md`.
    pub rel: String,
    /// The folder under `content/`: `places` (`` at the top).
    pub dir: String,
    pub slug: String,
    /// The page's path in the site: `places/lachin-road/`.
    pub path: String,
    pub front: FrontMatter,
    /// The title in lower case, for sorting by title without allocating.
    pub sort_title: String,
    /// The whole file, for the body and for showing lines in diagnostics.
    pub source: String,
    pub body_offset: usize,
}

impl Entry {
    /// Parses an entry from the text of its file (pure: [`read_source`] reads). A note
    /// without front matter is an entry too: its title comes from its first `# ` heading,
    /// else from its file name, and its date from the start of its file name.
    pub fn parse(rel: &str, source: String, config: &Config) -> (Option<Entry>, Vec<Diagnostic>) {
        let file = config.content_file(rel);
        let mut out = FileReporter::new(&file, &source);
        let split = match front_matter::split(&source) {
            Ok(split) => split,
            Err(e) => {
                out.error(e.pos, e.message);
                return (None, out.diagnostics);
            }
        };
        let dir = parent_dir(rel).to_string();
        let default_kind = dir
            .split('/')
            .next()
            .and_then(|top| config.kinds.by_folder(top))
            .unwrap_or(Kinds::TOPIC);
        let stem = super::walk::stem(rel);
        let dated = dated_name(stem);
        let defaults = Defaults {
            kind: default_kind,
            date: dated.map(|(date, _)| date),
        };
        let front = parse_entry_front_matter(&split, config, defaults, &mut out);
        if !split.has_front_matter && split.body.trim().is_empty() {
            let d = out.warning(
                crate::diagnostics::Pos::new(1, 1),
                format!("the file is empty: it is published as an empty page titled `{stem}`"),
            );
            d.help = Some("write the note, or delete the file".into());
        }
        let slug = match front.as_ref().and_then(|f| f.slug.clone()) {
            Some(slug) => slug,
            None => slugify(stem),
        };
        if slug.is_empty() {
            let d = out.error(
                crate::diagnostics::Pos::new(1, 1),
                format!("the file name `{stem}` has no letters or digits to make a URL from"),
            );
            d.help = Some("rename the file, or set `slug` in the front matter".into());
        }
        let mut body_offset = split.body_offset;
        let Some(mut front) = front.filter(|_| !out.has_errors()) else {
            return (None, out.diagnostics);
        };
        if front.title.is_empty() {
            match title::first_heading(split.body, &config.markdown) {
                Some(heading) => {
                    front.title = heading.text;
                    // The page shows the title above the text: the heading it came from
                    // is not shown twice when it opens the text.
                    if heading.opens_text {
                        body_offset += heading.end;
                    }
                }
                None => front.title = dated.map_or(stem, |(_, rest)| rest).to_string(),
            }
        }
        let wanted = config.sources.min_sources;
        if front.sources.len() < wanted && !super::is_tag_note(rel) {
            // At `sources:`, else at the title, else at the top of the file.
            let key = ["sources", "title"]
                .into_iter()
                .map(|k| front_matter::key_pos(&source, k))
                .find(|p| p.line > 1)
                .unwrap_or(crate::diagnostics::Pos::new(1, 1));
            let cited = match front.sources.len() {
                0 => "no source".to_string(),
                1 => "one source".to_string(),
                n => format!("{n} sources"),
            };
            let d = out.warning(
                key,
                format!(
                    "the entry cites {cited}: its claims rest on fewer than the {wanted} sources site.yaml's `sources.min_sources` asks for"
                ),
            );
            d.help = Some("cite another source that says the same, or lower `min_sources`".into());
        }
        let path = match &front.permalink {
            Some(permalink) => permalink.clone(),
            None => format!("{}{slug}/", dir_path(&dir)),
        };
        let diagnostics = out.diagnostics;
        let entry = Entry {
            file,
            rel: rel.to_string(),
            dir,
            slug,
            path,
            sort_title: front.title.to_lowercase(),
            front,
            source,
            body_offset,
        };
        (Some(entry), diagnostics)
    }

    /// The Markdown after the front matter.
    pub fn body(&self) -> &str {
        &self.source[self.body_offset..]
    }
}

/// A Jekyll post's file name, `2014-12-17-summit` (or a daily note's, `2014-12-17`): its
/// date and the rest of the name (the whole name when nothing follows the date).
pub fn dated_name(stem: &str) -> Option<(Date, &str)> {
    let day = stem.get(..10)?;
    let rest = &stem[10..];
    let rest = match rest.strip_prefix(['-', '_', ' ']) {
        Some(rest) if !rest.trim().is_empty() => rest,
        _ if rest.is_empty() => stem,
        _ => return None,
    };
    let date = Date::parse(day).ok()?;
    (date.precision() == super::date::Precision::Day).then_some((date, rest))
}

/// The site path of a content folder: `My Places/old` → `my-places/old/`; `` → ``.
pub fn dir_path(dir: &str) -> String {
    if dir.is_empty() {
        return String::new();
    }
    let mut path = String::with_capacity(dir.len() + 1);
    for part in dir.split('/') {
        let slug = slugify(part);
        path.push_str(if slug.is_empty() { "-" } else { &slug });
        path.push('/');
    }
    path
}

/// A folder of `content/`, with the front matter and text of its `_index.md` if it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Relative to `content/`: `places`, or `` for the content folder itself (the home page).
    pub dir: String,
    /// `content/places/_index.md`, when there is one.
    pub file: Option<String>,
    /// The section page's path in the site: `places/` (`` for the home page).
    pub path: String,
    pub title: String,
    pub front: SectionFrontMatter,
    pub source: String,
    pub body_offset: usize,
}

impl Section {
    /// Parses a section from its `_index.md` (relative path and text), if it has one.
    pub fn parse(
        dir: &str,
        index: Option<(&String, String)>,
        config: &Config,
    ) -> (Section, Vec<Diagnostic>) {
        let mut section = Section {
            dir: dir.to_string(),
            file: None,
            path: dir_path(dir),
            title: default_title(dir, config),
            front: SectionFrontMatter::default(),
            source: String::new(),
            body_offset: 0,
        };
        let Some((rel, source)) = index else {
            return (section, Vec::new());
        };
        let file = config.content_file(rel);
        let mut out = FileReporter::new(&file, &source);
        match front_matter::split(&source) {
            Ok(split) => {
                section.body_offset = split.body_offset;
                if let Some(front) = parse_section_front_matter(&split, &mut out) {
                    match &front.title {
                        Some(title) => section.title = title.clone(),
                        // Like an entry's: the first `# ` heading, shown once.
                        None => {
                            if let Some(h) = title::first_heading(split.body, &config.markdown) {
                                section.title = h.text;
                                if h.opens_text {
                                    section.body_offset += h.end;
                                }
                            }
                        }
                    }
                    section.front = front;
                }
            }
            Err(e) => {
                out.error(e.pos, e.message);
            }
        }
        let diagnostics = out.diagnostics;
        section.file = Some(file);
        section.source = source;
        (section, diagnostics)
    }

    pub fn body(&self) -> &str {
        &self.source[self.body_offset..]
    }
}

fn default_title(dir: &str, config: &Config) -> String {
    if dir.is_empty() {
        return config.title.clone();
    }
    let last = dir.rsplit('/').next().unwrap_or(dir);
    if let Some(kind) = config.kinds.by_folder(last) {
        return config.kinds.get(kind).title_plural.clone();
    }
    let mut chars = last.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect::<String>())
        .unwrap_or_default()
        .replace(['-', '_'], " ")
}

/// Reads `content/REL` as UTF-8; invalid UTF-8 is an error at the first bad byte.
pub fn read_source(root: &Path, rel: &str, config: &Config) -> Result<String, Diagnostic> {
    let file = config.content_file(rel);
    let bytes = fs::read(&config.content_dir(root).join(rel)).map_err(|e| {
        Diagnostic::error(format!("cannot read the file: {}", e.source)).in_file(&file)
    })?;
    decode(&file, bytes)
}

/// UTF-8 text of a file, or an error pointing at the first byte that is not UTF-8.
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let pos = LineIndex::new(&prefix).pos(&prefix, valid);
        Diagnostic::error(format!(
            "the file is not valid UTF-8 (byte {valid} is not part of a UTF-8 character); save it as UTF-8"
        ))
        .in_file(file)
        .at_pos(pos)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    fn config() -> Config {
        Config::parse(
            "title: T\nbase_url: https://e.org/\n",
            &Overrides::default(),
        )
        .config
        .unwrap()
    }

    #[test]
    fn entry_paths_come_from_folder_and_file_name() {
        let (entry, problems) = Entry::parse(
            "My Places/Lachin Road.md",
            "---\ntitle: Lachin road\n---\nText\n".into(),
            &config(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let entry = entry.unwrap();
        assert_eq!(entry.slug, "lachin-road");
        assert_eq!(entry.path, "my-places/lachin-road/");
        assert_eq!(entry.body(), "Text\n");
        assert_eq!(entry.file, "content/My Places/Lachin Road.md");
    }

    #[test]
    fn kind_defaults_to_the_folder_kind_then_topic() {
        let c = config();
        let (person, _) = Entry::parse("people/a.md", "---\ntitle: A\n---\n".into(), &c);
        assert_eq!(c.kinds.get(person.unwrap().front.kind).name, "person");
        let (topic, _) = Entry::parse("misc/a.md", "---\ntitle: A\n---\n".into(), &c);
        assert_eq!(c.kinds.get(topic.unwrap().front.kind).name, "topic");
    }

    #[test]
    fn a_note_without_front_matter_takes_its_title_from_its_heading_or_name() {
        let c = config();
        let (entry, problems) = Entry::parse(
            "people/ada.md",
            "\n# Ada Lovelace\n\nShe wrote the first program.\n".into(),
            &c,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let entry = entry.unwrap();
        assert_eq!(entry.front.title, "Ada Lovelace");
        assert_eq!(c.kinds.get(entry.front.kind).name, "person");
        // The heading is the page's title: the body starts after it.
        assert_eq!(entry.body(), "She wrote the first program.\n");

        let (entry, _) = Entry::parse("notes/my_odd-Note.md", "Text only.\n".into(), &c);
        let entry = entry.unwrap();
        assert_eq!(entry.front.title, "my_odd-Note");
        assert_eq!(entry.slug, "my-odd-note");

        let (entry, problems) = Entry::parse(
            "_posts/2014-12-17-welcome.markdown",
            "---\nlayout: post\n---\nHello.\n".into(),
            &c,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let entry = entry.unwrap();
        assert_eq!(entry.front.title, "welcome");
        assert_eq!(entry.front.date.unwrap().iso(), "2014-12-17");
        assert_eq!(entry.path, "posts/2014-12-17-welcome/");
    }

    #[test]
    fn an_empty_note_is_a_warning() {
        let (entry, problems) = Entry::parse("a.md", "\n".into(), &config());
        assert_eq!(entry.unwrap().front.title, "a");
        assert_eq!(problems.len(), 1);
        assert!(!problems[0].is_error());
        assert!(
            problems[0]
                .headline()
                .starts_with("content/a.md:1:1: the file is empty")
        );
    }

    #[test]
    fn dated_names() {
        assert_eq!(
            dated_name("2014-12-17-x").map(|(d, r)| (d.iso(), r)),
            Some(("2014-12-17".into(), "x"))
        );
        assert_eq!(dated_name("2014-12-17").map(|(_, r)| r), Some("2014-12-17"));
        assert_eq!(dated_name("2014-13-17-x"), None);
        assert_eq!(dated_name("2014-12-17x"), None);
        assert_eq!(dated_name("baku"), None);
    }

    #[test]
    fn slug_in_front_matter_wins() {
        let (entry, _) = Entry::parse(
            "places/x.md",
            "---\ntitle: A\nslug: baku\n---\n".into(),
            &config(),
        );
        assert_eq!(entry.unwrap().path, "places/baku/");
    }

    #[test]
    fn invalid_utf8_points_at_the_bad_byte() {
        let d = decode("content/a.md", b"---\ntitle: caf\xe9\n---\n".to_vec()).unwrap_err();
        assert_eq!(d.headline().split(": ").next(), Some("content/a.md:2:11"));
    }

    #[test]
    fn a_section_without_a_title_takes_its_first_heading() {
        let rel = "notes/_index.md".to_string();
        let (s, problems) = Section::parse(
            "notes",
            Some((&rel, "# My notes\n\nAll of them.\n".into())),
            &config(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.title, "My notes");
        assert_eq!(s.body(), "All of them.\n");
    }

    #[test]
    fn section_titles_default_to_kind_names() {
        let (s, _) = Section::parse("people", None, &config());
        assert_eq!(s.title, "People");
        assert_eq!(s.path, "people/");
        let (root, _) = Section::parse("", None, &config());
        assert_eq!(root.title, "T");
        assert_eq!(root.path, "");
    }
}
