//! Finding a theme: its templates and static files, on disk or built into the binary.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::fs;

/// The default theme, built in so that a site without `themes/` builds.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A template's name (`entry.html`), the file to name in errors, and its text.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub name: String,
    pub file: String,
    pub text: String,
}

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    BuiltIn(&'static [u8]),
    Disk(PathBuf),
}

#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Its path in the output: `style.css`, `fonts/x.woff2`.
    pub rel: String,
    pub source: StaticSource,
}

#[derive(Debug, Default, Clone)]
pub struct Theme {
    pub templates: Vec<TemplateSource>,
    /// Theme files first, then the site's `static/`, which override them.
    pub statics: Vec<StaticFile>,
}

impl Theme {
    /// The theme `site.yaml` names: the folder `themes/NAME/` of the site, on top of the
    /// built-in theme when NAME is `default`; then the site's own `static/`.
    /// Warnings come back with the theme; errors leave it out.
    pub fn load(root: &Path, config: &Config) -> (Option<Theme>, Vec<Diagnostic>) {
        let mut theme = Theme::default();
        let mut problems = Vec::new();
        let dir = root.join("themes").join(&config.theme);
        let builtin = config.theme == "default";
        if builtin {
            add_builtin(&DEFAULT_THEME, &mut theme);
        } else if !dir.is_dir() {
            let d = Diagnostic::error(format!(
                "theme `{}` not found: there is no folder `themes/{}/`",
                config.theme, config.theme
            ))
            .in_file(crate::config::CONFIG_FILE);
            return (None, vec![d]);
        }
        if dir.is_dir() {
            let label = format!("themes/{}", config.theme);
            for (rel, path) in files(
                &dir.join("templates"),
                &mut problems,
                &format!("{label}/templates"),
            ) {
                let file = format!("{label}/templates/{rel}");
                match fs::read(&path).map(String::from_utf8) {
                    Ok(Ok(text)) => set_template(&mut theme, rel, file, text),
                    Ok(Err(_)) => problems
                        .push(Diagnostic::error("the template is not valid UTF-8").in_file(file)),
                    Err(e) => problems.push(Diagnostic::error(e.to_string()).in_file(file)),
                }
            }
            for (rel, path) in files(
                &dir.join("static"),
                &mut problems,
                &format!("{label}/static"),
            ) {
                set_static(&mut theme, rel, StaticSource::Disk(path));
            }
        }
        for (rel, path) in files(&root.join("static"), &mut problems, "static") {
            set_static(&mut theme, rel, StaticSource::Disk(path));
        }
        let failed = problems.iter().any(Diagnostic::is_error);
        (Some(theme).filter(|_| !failed), problems)
    }
}

fn add_builtin(dir: &'static Dir<'static>, theme: &mut Theme) {
    for entry in dir.entries() {
        if let Some(sub) = entry.as_dir() {
            add_builtin(sub, theme);
        } else if let Some(file) = entry.as_file() {
            let path = file.path().to_string_lossy().replace('\\', "/");
            if let Some(rel) = path.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(file.contents()).into_owned();
                set_template(
                    theme,
                    rel.to_string(),
                    format!("themes/default/templates/{rel} (built in)"),
                    text,
                );
            } else if let Some(rel) = path.strip_prefix("static/") {
                set_static(
                    theme,
                    rel.to_string(),
                    StaticSource::BuiltIn(file.contents()),
                );
            }
        }
    }
}

fn set_template(theme: &mut Theme, name: String, file: String, text: String) {
    let source = TemplateSource { name, file, text };
    match theme.templates.iter_mut().find(|t| t.name == source.name) {
        Some(slot) => *slot = source,
        None => theme.templates.push(source),
    }
}

fn set_static(theme: &mut Theme, rel: String, source: StaticSource) {
    let file = StaticFile { rel, source };
    match theme.statics.iter_mut().find(|s| s.rel == file.rel) {
        Some(slot) => *slot = file,
        None => theme.statics.push(file),
    }
}

/// The regular files under `dir` (relative path, full path), sorted; symbolic links are not
/// followed, so nothing outside the folder is ever copied.
fn files(dir: &Path, problems: &mut Vec<Diagnostic>, label: &str) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !crate::content::walk::is_ignored(&e.file_name().to_string_lossy())
        });
    while let Some(item) = walker.next() {
        if let Ok(item) = &item
            && let Some(problem) = item.path().strip_prefix(dir).ok().and_then(|rel| {
                crate::content::walk::name_problem(item, Path::new(label).join(rel))
            })
        {
            problems.push(problem);
            if item.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        match item {
            Ok(item) if item.file_type().is_file() => {
                if let Ok(rel) = item.path().strip_prefix(dir) {
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    out.push((rel, item.path().to_path_buf()));
                }
            }
            Ok(item) if item.file_type().is_symlink() => {
                let rel = item.path().strip_prefix(dir).unwrap_or(item.path());
                problems.push(
                    Diagnostic::warning("symbolic links are not followed; the link is skipped")
                        .in_file(format!("{label}/{}", rel.to_string_lossy())),
                );
            }
            Ok(_) => {}
            Err(e) => problems.push(Diagnostic::error(format!("cannot read: {e}")).in_file(label)),
        }
    }
    out
}

/// The built-in theme's files, for `dossier init` and the tests.
pub fn builtin_files() -> Vec<(String, &'static [u8])> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
        for entry in dir.entries() {
            if let Some(sub) = entry.as_dir() {
                walk(sub, out);
            } else if let Some(file) = entry.as_file() {
                out.push((
                    file.path().to_string_lossy().replace('\\', "/"),
                    file.contents(),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(&DEFAULT_THEME, &mut out);
    out.sort();
    out
}
