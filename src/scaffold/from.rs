//! `dossier init --from SRC`: a `site.yaml` for a folder of notes made with another tool,
//! so that the folder builds as it is. What the tool's own configuration says (the title,
//! the address) is taken over; where the notes are and which note is a folder's page
//! follow from the tool.

use std::path::Path;

use super::quoted;
use crate::config::CONFIG_FILE;
use crate::diagnostics::Diagnostic;
use crate::fs;

/// The tools whose folders Dossier recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Quartz,
    Hugo,
    Jekyll,
    Obsidian,
    /// Markdown files and nothing that names a tool.
    Plain,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::Quartz => "a Quartz garden",
            Tool::Hugo => "a Hugo site",
            Tool::Jekyll => "a Jekyll site",
            Tool::Obsidian => "an Obsidian vault",
            Tool::Plain => "a folder of notes",
        }
    }
}

/// What `init --from` found and wrote.
#[derive(Debug)]
pub struct Adopted {
    pub tool: Tool,
    pub config: String,
}

/// The `site.yaml` for the folder `src`, written into it; the folder must not have one.
pub fn init_from(src: &Path) -> Result<Adopted, Diagnostic> {
    if !src.is_dir() {
        return Err(Diagnostic::error(format!(
            "`{}` is not a folder: name the folder of the notes",
            fs::escaped(src)
        )));
    }
    let path = src.join(CONFIG_FILE);
    if path.exists() {
        return Err(Diagnostic::error(format!(
            "`{}` already has a {CONFIG_FILE}: it is left as it is",
            fs::escaped(src)
        )));
    }
    let adopted = adopt(src);
    fs::write_new(&path, adopted.config.as_bytes())
        .map_err(|e| Diagnostic::error(format!("cannot write `{}`: {e}", fs::escaped(&path))))?;
    Ok(adopted)
}

/// Recognises the tool of `src` and writes the configuration text for it.
pub fn adopt(src: &Path) -> Adopted {
    let read = |name: &str| std::fs::read_to_string(src.join(name)).ok();
    let folder_name = src
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Notes".into());
    let mut site = Settings {
        title: folder_name,
        base_url: None,
        content: "content",
        folder_notes: None,
        ignore: Vec::new(),
    };
    let tool = if let Some(text) = read("quartz.config.ts") {
        site.title = ts_string(&text, "pageTitle").unwrap_or(site.title);
        site.base_url = ts_string(&text, "baseUrl").map(|u| with_scheme(&u));
        site.folder_notes = Some("index");
        Tool::Quartz
    } else if let Some(text) = ["hugo.toml", "config.toml"].into_iter().find_map(read) {
        site.title = toml_string(&text, "title").unwrap_or(site.title);
        site.base_url = toml_string(&text, "baseURL").or_else(|| toml_string(&text, "baseurl"));
        Tool::Hugo
    } else if let Some(text) = ["hugo.yaml", "config.yaml"]
        .into_iter()
        .find_map(read)
        .filter(|_| src.join("content").is_dir())
    {
        site.title = yaml_string(&text, "title").unwrap_or(site.title);
        site.base_url = yaml_string(&text, "baseURL");
        Tool::Hugo
    } else if let Some(text) = read("_config.yml") {
        site.title = yaml_string(&text, "title").unwrap_or(site.title);
        site.base_url = yaml_string(&text, "url").map(|url| {
            let base = yaml_string(&text, "baseurl").unwrap_or_default();
            format!("{}/{}", url.trim_end_matches('/'), base.trim_matches('/'))
        });
        site.content = ".";
        site.ignore = JEKYLL_OWN.iter().map(|s| s.to_string()).collect();
        Tool::Jekyll
    } else if src.join(".obsidian").is_dir() {
        site.content = ".";
        if has_folder_notes(src) {
            site.folder_notes = Some("folder_name");
        }
        Tool::Obsidian
    } else {
        if !src.join("content").is_dir() {
            site.content = ".";
        }
        Tool::Plain
    };
    // A vault's templates folder holds notes that are not pages (Obsidian's core plugin).
    if tool == Tool::Obsidian && src.join("templates").is_dir() {
        site.ignore.push("templates".into());
    }
    Adopted {
        tool,
        config: site.yaml(tool),
    }
}

/// The files and folders of a Jekyll site that are its machinery, not its pages.
const JEKYLL_OWN: &[&str] = &[
    "_layouts",
    "_includes",
    "_sass",
    "_data",
    "_plugins",
    "_site",
    "vendor",
    "Gemfile*",
    "*.gemspec",
    "_config*.yml",
    "README.md",
    "LICENSE*",
];

struct Settings {
    title: String,
    base_url: Option<String>,
    content: &'static str,
    folder_notes: Option<&'static str>,
    ignore: Vec<String>,
}

impl Settings {
    fn yaml(&self, tool: Tool) -> String {
        let mut out = format!(
            "# Written by `dossier init --from` for {}; edit it freely.\n",
            tool.name()
        );
        out += &format!("title: {}\n", quoted(self.title.trim()));
        match &self.base_url {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                out += &format!("base_url: {}\n", quoted(url));
            }
            _ => {
                out += "# The address the site is published at: change it before publishing.\n";
                out += "base_url: \"https://example.org/\"\n";
            }
        }
        if self.content != "content" {
            out += "# The notes are this folder's own files (site.yaml, themes/, static/ and\n";
            out += "# public/ aside).\n";
        }
        out += &format!("content: {}\n", quoted(self.content));
        if let Some(rule) = self.folder_notes {
            out += &format!("folder_notes: {rule}\n");
        }
        if !self.ignore.is_empty() {
            out += "ignore:\n";
            for pattern in &self.ignore {
                out += &format!("  - {}\n", quoted(pattern));
            }
        }
        out += "# While links are being mended, `links: warn` builds with broken links as\n";
        out += "# warnings; `dossier check` counts what is left.\n";
        out += "links: warn\n";
        out += "# Front matter needs no changes: `description` is read as the summary,\n";
        out += "# `categories` as tags, `publish: false` and `published: false` as drafts,\n";
        out += "# `redirect_from` and URL `aliases` as old URLs (see the README, Coming from\n";
        out += "# Obsidian, Quartz, Jekyll or Hugo).\n";
        out
    }
}

/// Whether some folder of the vault has a note named like it (`Trips/Trips.md`).
fn has_folder_notes(src: &Path) -> bool {
    walkdir::WalkDir::new(src)
        .max_depth(4)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !crate::content::walk::is_ignored(&e.file_name().to_string_lossy())
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir() && e.depth() > 0)
        .any(|e| {
            e.path()
                .join(format!("{}.md", e.file_name().to_string_lossy()))
                .is_file()
        })
}

/// `url` with `https://` before it when it has no scheme (Quartz writes `baseUrl` bare).
fn with_scheme(url: &str) -> String {
    if url.contains("://") {
        url.to_string()
    } else {
        format!("https://{}", url.trim_start_matches('/'))
    }
}

/// The string value of `key: "…"` (or `'…'`) in a TypeScript object literal.
fn ts_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line
            .trim()
            .strip_prefix(key)?
            .trim_start()
            .strip_prefix(':')?;
        unquote(rest.trim().trim_end_matches(','))
    })
}

/// The string value of a top-level `key = "…"` in TOML.
fn toml_string(text: &str, key: &str) -> Option<String> {
    text.lines()
        .take_while(|line| !line.trim_start().starts_with('['))
        .find_map(|line| {
            let (k, v) = line.split_once('=')?;
            (k.trim() == key).then(|| unquote(v.trim()))?
        })
}

/// The string value of a top-level `key: …` in YAML (quoted or plain, without a comment).
fn yaml_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?.trim();
        let value = unquote(rest).unwrap_or_else(|| {
            rest.split(" #")
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        });
        (!value.is_empty()).then_some(value)
    })
}

fn unquote(text: &str) -> Option<String> {
    let quote = text.chars().next().filter(|c| ['"', '\''].contains(c))?;
    let inner = &text[1..];
    let end = inner.find(quote)?;
    Some(inner[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_values_of_other_tools_configurations() {
        let quartz = "const config = {\n  configuration: {\n    pageTitle: \"🪴 My garden\",\n    baseUrl: \"garden.example.org\",\n";
        assert_eq!(
            ts_string(quartz, "pageTitle").as_deref(),
            Some("🪴 My garden")
        );
        assert_eq!(
            with_scheme(&ts_string(quartz, "baseUrl").unwrap()),
            "https://garden.example.org"
        );
        let hugo = "baseURL = 'https://blog.example.org/'\ntitle = \"My blog\"\n[params]\ntitle = \"other\"\n";
        assert_eq!(toml_string(hugo, "title").as_deref(), Some("My blog"));
        assert_eq!(
            toml_string(hugo, "baseURL").as_deref(),
            Some("https://blog.example.org/")
        );
        let jekyll = "title: Your awesome title # the site's\nurl: \"https://example.com\"\nbaseurl: /blog\n";
        assert_eq!(
            yaml_string(jekyll, "title").as_deref(),
            Some("Your awesome title")
        );
        assert_eq!(yaml_string(jekyll, "baseurl").as_deref(), Some("/blog"));
    }
}
