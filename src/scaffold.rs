//! `dossier new` and `dossier init`: writing new files for the editor, never over theirs.

use std::path::{Path, PathBuf};

use crate::config::{Config, KindId};
use crate::content::Date;
use crate::diagnostics::Diagnostic;
use crate::fs;
use crate::text::{slugify, suggestion};

pub mod from;

/// A YAML double-quoted string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The kind named on the command line: by name (`person`) or folder (`people`).
pub fn find_kind(config: &Config, name: &str) -> Result<KindId, Diagnostic> {
    config
        .kinds
        .by_name(name)
        .or_else(|| config.kinds.by_folder(name))
        .ok_or_else(|| {
            let names: Vec<&str> = config.kinds.names().collect();
            let d = Diagnostic::error(format!(
                "unknown kind `{name}`; the kinds are: {}",
                names.join(", ")
            ));
            match suggestion(name, config.kinds.names()) {
                Some(help) => d.help(help),
                None => d,
            }
        })
}

/// The text of a new entry.
pub fn entry_text(config: &Config, kind: KindId, title: &str, today: Date) -> String {
    let def = config.kinds.get(kind);
    let mut text = format!("---\ntitle: {}\nkind: {}\n", quoted(title), def.name);
    if config.kinds.needs_date(kind) {
        text.push_str(&format!("date: {}\n", today.iso()));
    }
    if kind == crate::config::Kinds::STATEMENT {
        text.push_str("speaker: \"\"\n");
    }
    text.push_str("summary: \"\"\ntags: []\naliases: []\nsources: []\n---\n");
    text.push_str(&format!(
        "Write about {title} here. Link other entries by title, alias or slug with `[[Title]]`.\n"
    ));
    text
}

/// Writes `content/<kind folder>/<slug>.md`; refuses to overwrite.
pub fn new_entry(
    root: &Path,
    config: &Config,
    kind: KindId,
    title: &str,
) -> Result<PathBuf, Diagnostic> {
    let title = title.trim();
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::error(format!(
            "the title `{title}` has no letters or digits to make a file name from"
        )));
    }
    let dir = root.join("content").join(&config.kinds.get(kind).plural);
    let path = dir.join(format!("{slug}.md"));
    fs::create_dir_all(&dir).map_err(|e| Diagnostic::error(e.to_string()))?;
    let text = entry_text(config, kind, title, Date::today());
    fs::write_new(&path, text.as_bytes()).map_err(|e| {
        if e.source.kind() == std::io::ErrorKind::AlreadyExists {
            Diagnostic::error(format!(
                "`{}` already exists; it is left as it is",
                path.display()
            ))
            .help("choose another title, or edit the existing entry")
        } else {
            Diagnostic::error(e.to_string())
        }
    })?;
    Ok(path)
}

const INIT_FILES: &[(&str, &str)] = &[
    (
        ".gitignore",
        "# The output, and the earlier output the next build starts from.\n/public/\n/.public.dossier-*/\n# Resized pictures, made again when deleted.\n/.dossier-cache/\n",
    ),
    (
        "site.yaml",
        "title: \"My dossier\"\ndescription: \"A cross-linked dossier of people, places and events.\"\nbase_url: \"https://example.org/\"\nlanguage: en\ntheme: default\nauthor: \"The editors\"\nrelated:\n  count: 5\n  min_score: 0\nfeed:\n  count: 20\nhighlight:\n  theme: InspiredGitHub\n  dark_theme: base16-ocean.dark\nmarkdown:\n  smart_punctuation: true\n  raw_html: keep\nsearch: true\npaginate_by: 100\n",
    ),
    (
        "content/_index.md",
        "---\ntitle: \"My dossier\"\ndescription: \"A cross-linked dossier.\"\n---\nThis dossier starts with one example entry of each kind. Start with [[Example topic]].\n",
    ),
    (
        "content/topics/example-topic.md",
        "---\ntitle: \"Example topic\"\nkind: topic\nsummary: \"A topic ties entries of every kind together.\"\ntags: [\"Example\"]\nsources:\n  - title: \"Where the facts come from\"\n---\nA topic links to a [[Example person|person]], a [[Example place|place]], an [[Example organization|organization]], a [[Example project|project]], an [[Example event|event]], a [[Example statement|statement]] and a [[Example document|document]].\n\n## Background\n\nHeadings get ids, so links can point at them: [[Example topic#Background]].\n",
    ),
    (
        "content/people/example-person.md",
        "---\ntitle: \"Example person\"\nkind: person\naliases: [\"E. Person\"]\ntags: [\"Example\"]\nsources:\n  - title: \"Where the facts come from\"\n---\nA person, who made an [[Example statement]] at an [[Example event]].\n",
    ),
    (
        "content/places/example-place.md",
        "---\ntitle: \"Example place\"\nkind: place\ntags: [\"Example\"]\nsources:\n  - title: \"Where the facts come from\"\n---\nA place where the [[Example event]] was held.\n",
    ),
    (
        "content/organizations/example-organization.md",
        "---\ntitle: \"Example organization\"\nkind: organization\ntags: [\"Example\"]\nsources:\n  - title: \"Where the facts come from\"\n---\nAn organization that runs the [[Example project]].\n",
    ),
    (
        "content/projects/example-project.md",
        "---\ntitle: \"Example project\"\nkind: project\ntags: [\"Example\"]\nsources:\n  - title: \"Where the facts come from\"\n---\nA project of the [[Example organization]], described in the [[Example document]].\n",
    ),
    (
        "content/events/example-event.md",
        "---\ntitle: \"Example event\"\nkind: event\ndate: 2024-01-15\ntags: [\"Example\"]\nsources:\n  - title: \"Where the facts come from\"\n---\nAn event in the [[Example place]], where [[E. Person]] spoke.\n",
    ),
    (
        "content/statements/example-statement.md",
        "---\ntitle: \"Example statement\"\nkind: statement\ndate: 2024-01-15\nspeaker: \"Example person\"\ntags: [\"Example\"]\nsources:\n  - title: \"Where the facts come from\"\n---\nWhat the [[Example person]] said, in the editor's words, attributed.\n",
    ),
    (
        "content/documents/example-document.md",
        "---\ntitle: \"Example document\"\nkind: document\ndate: 2023-06\ntags: [\"Example\"]\nsources:\n  - title: \"Where the facts come from\"\n---\nA document about the [[Example project]]. Its date is known to the month.\n",
    ),
];

/// Writes a new site into `dir`, which must be missing or empty.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    if dir.exists() {
        let mut items = std::fs::read_dir(dir)
            .map_err(|e| Diagnostic::error(format!("cannot read `{}`: {e}", dir.display())))?;
        if items.next().is_some() {
            return Err(Diagnostic::error(format!(
                "`{}` is not empty; `dossier init` only writes into a new or empty folder",
                dir.display()
            )));
        }
    }
    let mut written = Vec::new();
    for (rel, text) in INIT_FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Diagnostic::error(e.to_string()))?;
        }
        fs::write_new(&path, text.as_bytes()).map_err(|e| Diagnostic::error(e.to_string()))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    #[test]
    fn quotes_yaml_strings() {
        assert_eq!(quoted("A \"b\" \\ c"), "\"A \\\"b\\\" \\\\ c\"");
    }

    #[test]
    fn new_entries_parse_back() {
        let config = Config::parse(
            "title: T\nbase_url: https://e.org/\n",
            &Overrides::default(),
        )
        .config
        .unwrap();
        let kind = find_kind(&config, "statement").unwrap();
        let text = entry_text(
            &config,
            kind,
            "Bayramov: \"trade up\"",
            Date::parse("2026-11-27").unwrap(),
        );
        let (entry, problems) = crate::content::Entry::parse("statements/x.md", text, &config);
        assert!(problems.is_empty(), "{problems:?}");
        let entry = entry.unwrap();
        assert_eq!(entry.front.title, "Bayramov: \"trade up\"");
        assert_eq!(entry.front.date.unwrap().iso(), "2026-11-27");
        assert!(find_kind(&config, "people").is_ok());
        assert_eq!(
            find_kind(&config, "persn").unwrap_err().help.as_deref(),
            Some("did you mean `person`?")
        );
    }
}
