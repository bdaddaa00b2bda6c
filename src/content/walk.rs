//! Finding the files of `content/`.

use std::path::Path;

use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// The files under `content/`, as paths relative to it with `/` separators, sorted.
#[derive(Debug, Default)]
pub struct Found {
    /// Markdown entries.
    pub entries: Vec<String>,
    /// `_index.md` files of sections (and the folder notes that `folder_notes` names).
    pub sections: Vec<String>,
    /// Every folder, the content folder itself as `""`.
    pub dirs: Vec<String>,
    /// Any other file.
    pub assets: Vec<String>,
    pub problems: Vec<Diagnostic>,
}

/// Editor droppings and hidden files: never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with("~$")
}

/// The endings of Markdown files: `.md`, and Jekyll's `.markdown`.
pub const MARKDOWN_EXTENSIONS: [&str; 2] = [".md", ".markdown"];

/// Whether `name` is a Markdown file's.
pub fn is_markdown(name: &str) -> bool {
    MARKDOWN_EXTENSIONS.iter().any(|ext| name.ends_with(ext))
}

/// Whether `rel` is a section's `_index.md` (or `_index.markdown`).
pub fn is_section_index(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    MARKDOWN_EXTENSIONS
        .iter()
        .any(|ext| name.strip_suffix(ext) == Some("_index"))
}

/// The file name of `rel` without its folder and its Markdown ending:
/// `places/Lachin Road.markdown` → `Lachin Road`.
pub fn stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    MARKDOWN_EXTENSIONS
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(name)
}

/// `places/baku.markdown` → `places/baku`: the path without its Markdown ending.
pub fn without_extension(rel: &str) -> &str {
    MARKDOWN_EXTENSIONS
        .iter()
        .find_map(|ext| rel.strip_suffix(ext))
        .unwrap_or(rel)
}

/// `places/baku.md` → `places`; `baku.md` → ``.
pub fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// The files of `content/`; a folder's page is its `_index.md`, or the note that
/// `folder_notes` names.
pub fn walk(root: &Path, config: &Config) -> Found {
    let mut found = Found::default();
    let content = &config.content_dir(root);
    let prefix = config.content_prefix();
    if !content.is_dir() {
        let name = &config.content;
        found.problems.push(
            Diagnostic::error(format!(
                "there is no `{name}/` folder: entries live in `{name}/`"
            ))
            .in_file(name)
            .help("make it, or name the folder of the notes with `content:` in `site.yaml`"),
        );
        return found;
    }
    let ignoring = config.content == "." || !config.ignore.is_empty();
    let mut walker = WalkDir::new(content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(is_ignored(&e.file_name().to_string_lossy())
                    || ignoring
                        && e.path()
                            .strip_prefix(content)
                            .is_ok_and(|rel| config.is_ignored_content(&slash_path(rel))))
        });
    while let Some(item) = walker.next() {
        let item = match item {
            Ok(item) => item,
            Err(err) => {
                let path = err
                    .path()
                    .and_then(|p| p.strip_prefix(content).ok())
                    .map(|p| format!("{prefix}{}", slash_path(p)))
                    .unwrap_or_else(|| config.content.clone());
                found
                    .problems
                    .push(Diagnostic::error(format!("cannot read: {err}")).in_file(path));
                continue;
            }
        };
        let Ok(rel) = item.path().strip_prefix(content) else {
            continue;
        };
        if let Some(problem) = name_problem(&item, Path::new(&prefix).join(rel)) {
            found.problems.push(problem);
            if item.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let rel = slash_path(rel);
        let file_type = item.file_type();
        if item.depth() == 0 {
            // The content folder itself (it may be a link to a folder): the home section.
            found.dirs.push(rel);
        } else if file_type.is_dir() {
            found.dirs.push(rel);
        } else if file_type.is_symlink() {
            found.problems.push(
                Diagnostic::warning("symbolic links are not followed; the link is skipped")
                    .in_file(format!("{prefix}{rel}")),
            );
        } else if !file_type.is_file() {
            // A named pipe or a device would block or never end when read.
            found.problems.push(
                Diagnostic::warning("not a regular file (a pipe, socket or device); it is skipped")
                    .in_file(format!("{prefix}{rel}")),
            );
        } else if is_section_index(&rel)
            || (is_markdown(&rel) && config.folder_notes.is_folder_note(&rel))
        {
            found.sections.push(rel);
        } else if is_markdown(&rel) {
            found.entries.push(rel);
        } else {
            found.assets.push(rel);
        }
    }
    found
}

/// The error for a file or folder whose name is not UTF-8 (`label` is its path as the
/// editor knows it). Such a name cannot be a URL, and a lossy copy of it would name
/// another file; the folder's files are not read.
pub fn name_problem(item: &walkdir::DirEntry, label: std::path::PathBuf) -> Option<Diagnostic> {
    if item.depth() == 0 || item.file_name().to_str().is_some() {
        return None;
    }
    let label = crate::fs::escaped(&label);
    let what = if item.file_type().is_dir() {
        "; its files were not read"
    } else {
        ""
    };
    Some(Diagnostic::error(format!("the name is not valid UTF-8; rename it{what}")).in_file(label))
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_files() {
        for name in [".#a.md", "a.md~", ".a.md.swp", "#a.md#", ".git", "~$a.md"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("a.md"));
        assert!(!is_ignored("_index.md"));
    }

    #[test]
    fn markdown_files_and_their_names() {
        assert!(is_markdown("a/b.md") && is_markdown("_posts/x.markdown"));
        assert!(!is_markdown("a/b.mdx") && !is_markdown("notes.txt"));
        assert!(is_section_index("_index.md") && is_section_index("a/_index.markdown"));
        assert!(!is_section_index("a/my_index.md"));
        assert_eq!(stem("places/Lachin Road.markdown"), "Lachin Road");
        assert_eq!(stem("a.md"), "a");
    }

    #[test]
    fn parent_dirs() {
        assert_eq!(parent_dir("places/baku.md"), "places");
        assert_eq!(parent_dir("a/b/c.md"), "a/b");
        assert_eq!(parent_dir("baku.md"), "");
    }
}
