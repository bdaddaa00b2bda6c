//! Watching the site's folders: file-system events become a small set of changes.

use std::collections::{BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::CONFIG_FILE;
use crate::content::walk::is_ignored;

/// What one changed path means for the site.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// `site.yaml`: everything is rebuilt.
    Config,
    /// A file under `content/`, relative to it (`places/baku.md`).
    Content(String),
    /// A template of the theme (`entry.html`).
    Template(String),
    /// A static file of the theme or the site, as written into the output (`style.css`).
    Static(String),
}

/// Classifies a path under the site root. `None` for paths that do not affect the site:
/// the output, editor temporary files, hidden files, anything else.
pub fn classify(root: &Path, path: &Path, theme: &str) -> Option<Change> {
    classify_in(root, path, theme, crate::config::DEFAULT_CONTENT)
}

/// [`classify`] for a site whose content folder is `content` (`.`: the root itself).
pub fn classify_in(root: &Path, path: &Path, theme: &str, content: &str) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let (first, rest) = parts.split_first()?;
    if parts.iter().skip(1).any(|p| is_ignored(p)) || is_ignored(first) {
        return None;
    }
    let joined = |items: &[String]| items.join("/");
    let content_parts: Vec<&str> = content.split('/').filter(|p| *p != ".").collect();
    match first.as_str() {
        CONFIG_FILE if rest.is_empty() => Some(Change::Config),
        // `static/` itself: made or removed; its files are looked at again.
        "static" => Some(Change::Static(joined(rest))),
        "themes" if rest.len() <= 1 => Some(Change::Template(String::new())),
        "themes" => match rest {
            [name, kind, tail @ ..] if name == theme && !tail.is_empty() => match kind.as_str() {
                "templates" => Some(Change::Template(joined(tail))),
                "static" => Some(Change::Static(joined(tail))),
                _ => None,
            },
            _ => None,
        },
        _ if parts.len() >= content_parts.len()
            && parts.iter().zip(&content_parts).all(|(a, b)| a == b) =>
        {
            let inner = &parts[content_parts.len()..];
            // A vault whose notes are the root: Dossier's output is not one of them.
            if content_parts.is_empty() && ["public", "node_modules"].contains(&first.as_str()) {
                return None;
            }
            Some(Change::Content(joined(inner)))
        }
        _ => None,
    }
}

/// A batch of changes, merged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub config: bool,
    pub templates: BTreeSet<String>,
    pub statics: BTreeSet<String>,
    /// Paths under `content/` (files or folders), relative to it; `""` is the folder itself.
    pub content: BTreeSet<String>,
}

impl Changes {
    pub fn add(&mut self, change: Change) {
        match change {
            Change::Config => self.config = true,
            Change::Template(t) => {
                self.templates.insert(t);
            }
            Change::Static(s) => {
                self.statics.insert(s);
            }
            Change::Content(c) => {
                self.content.insert(c);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.config
            && self.templates.is_empty()
            && self.statics.is_empty()
            && self.content.is_empty()
    }

    /// Only stylesheets changed: pages can swap them without reloading.
    pub fn only_css(&self) -> bool {
        !self.config
            && self.templates.is_empty()
            && self.content.is_empty()
            && !self.statics.is_empty()
            && self.statics.iter().all(|s| s.ends_with(".css"))
    }
}

/// Which changed paths of a batch may still be half written.
///
/// A file is *settled* when its last event says the writer is done with it: it was closed
/// after writing, or renamed into place (an editor's save to a temporary file). Any other
/// event (data written, a file made, removed or renamed away, which a save that replaces
/// the file also does first) leaves it unsettled. A batch whose paths are all settled
/// need not wait for the file system to be quiet; backends that do not report closes
/// leave every path unsettled, so their batches wait as before.
#[derive(Debug, Default)]
struct Settling {
    unsettled: HashSet<PathBuf>,
}

impl Settling {
    fn note(&mut self, kind: &EventKind, paths: &[PathBuf]) {
        let done = matches!(
            kind,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
                | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
        );
        // A rename of both ends settles both: the old name is gone for good, the new one
        // is whole.
        for path in paths {
            if done {
                self.unsettled.remove(path);
            } else {
                self.unsettled.insert(path.clone());
            }
        }
    }

    fn all_settled(&self) -> bool {
        self.unsettled.is_empty()
    }
}

/// Watches `content/`, `themes/`, `static/` and `site.yaml`, and hands out batches of
/// changes: a burst of events (an editor's write-then-rename, a checkout of hundreds of
/// files) becomes one batch once the file system has been quiet for `quiet`, or for
/// `settle` when every changed file has been closed after writing or renamed into place
/// (see [`Settling`]).
pub struct Watcher {
    root: PathBuf,
    theme: String,
    /// The content folder `site.yaml` names (`content`, or `.` for the root).
    content: String,
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// Folders watched recursively, by name; re-added when they reappear.
    watched: BTreeSet<String>,
}

const FOLDERS: [&str; 3] = ["content", "themes", "static"];

impl Watcher {
    pub fn new(root: &Path, theme: &str) -> notify::Result<Watcher> {
        // Events name absolute paths; classify them against the absolute root.
        let root = &root.canonicalize()?;
        let (tx, rx): (Sender<_>, _) = channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = tx.send(event);
        })?;
        // The root itself, not recursively: site.yaml, and folders being (re)created.
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut w = Watcher {
            root: root.to_path_buf(),
            theme: theme.to_string(),
            content: crate::config::DEFAULT_CONTENT.to_string(),
            watcher,
            events: rx,
            watched: BTreeSet::new(),
        };
        w.rewatch();
        Ok(w)
    }

    /// Watches the folders that exist and are not watched yet (a folder deleted and made
    /// again needs a new watch).
    fn rewatch(&mut self) {
        // Notes at the root: the root is watched whole (and the folders within it).
        let folders: Vec<String> = if self.content == "." {
            vec![".".to_string()]
        } else {
            FOLDERS
                .iter()
                .map(|f| f.to_string())
                .chain([self.content.clone()])
                .collect()
        };
        let stale: Vec<String> = self
            .watched
            .iter()
            .filter(|w| !folders.contains(w))
            .cloned()
            .collect();
        let path_of = |folder: &str| match folder {
            "." => self.root.clone(),
            f => self.root.join(f),
        };
        for folder in stale {
            self.watched.remove(&folder);
            let _ = self.watcher.unwatch(&path_of(&folder));
        }
        for folder in folders {
            let path = path_of(&folder);
            let exists = path.is_dir();
            if exists && !self.watched.contains(&folder) {
                if folder == "." {
                    // Watched once, not recursively, when the watcher was made.
                    let _ = self.watcher.unwatch(&self.root);
                }
                if self.watcher.watch(&path, RecursiveMode::Recursive).is_ok() {
                    self.watched.insert(folder);
                }
            } else if !exists && self.watched.remove(&folder) {
                let _ = self.watcher.unwatch(&path);
            }
        }
    }

    /// The content folder of the last build's `site.yaml`.
    pub fn set_content(&mut self, content: &str) {
        if self.content != content {
            let was_root = self.content == ".";
            self.content = content.to_string();
            if was_root && self.watched.remove(".") {
                let _ = self.watcher.unwatch(&self.root);
                let _ = self.watcher.watch(&self.root, RecursiveMode::NonRecursive);
            }
            self.rewatch();
        }
    }

    pub fn set_theme(&mut self, theme: &str) {
        self.theme = theme.to_string();
    }

    /// Waits up to `wait` for the next batch; `None` when nothing changed.
    pub fn next_batch(&mut self, wait: Duration, timing: Batching) -> Option<Changes> {
        let mut changes = Changes::default();
        let mut settling = Settling::default();
        // Events that change nothing (Dossier's own reads, files it ignores) do not start
        // a batch.
        let deadline = Instant::now() + wait;
        while changes.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(event) => self.absorb(event, &mut changes, &mut settling),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
        let started = Instant::now();
        loop {
            let left = timing.longest.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            let quiet = if !changes.is_empty() && settling.all_settled() {
                timing.settle
            } else {
                timing.quiet
            };
            match self.events.recv_timeout(quiet.min(left)) {
                Ok(event) => self.absorb(event, &mut changes, &mut settling),
                Err(_) => break,
            }
        }
        self.rewatch();
        (!changes.is_empty()).then_some(changes)
    }

    fn absorb(
        &mut self,
        event: notify::Result<notify::Event>,
        changes: &mut Changes,
        settling: &mut Settling,
    ) {
        let Ok(event) = event else {
            // The watcher lost events (a queue overflow): rebuild everything.
            changes.config = true;
            return;
        };
        let closed = matches!(
            event.kind,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
        );
        if matches!(event.kind, EventKind::Access(_)) && !closed {
            return;
        }
        let mut mine = Vec::with_capacity(event.paths.len());
        for path in &event.paths {
            if let Some(change) = classify_in(&self.root, path, &self.theme, &self.content) {
                // A close says a write is done; it is not a change of its own.
                if !closed {
                    changes.add(change);
                }
                mine.push(path.clone());
            }
        }
        settling.note(&event.kind, &mine);
    }
}

/// How long a batch waits for more events: `quiet` after the last one while a changed file
/// may still be half written, `settle` once every changed file is settled, and never more
/// than `longest` in all.
#[derive(Clone, Copy, Debug)]
pub struct Batching {
    pub quiet: Duration,
    pub settle: Duration,
    pub longest: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(path: &str) -> Option<Change> {
        classify(Path::new("/site"), Path::new(path), "default")
    }

    #[test]
    fn a_vault_at_the_root_is_content_but_for_the_sites_own_files() {
        let c = |path: &str| classify_in(Path::new("/v"), Path::new(path), "default", ".");
        assert_eq!(
            c("/v/Trips/Rome.md"),
            Some(Change::Content("Trips/Rome.md".into()))
        );
        assert_eq!(c("/v/site.yaml"), Some(Change::Config));
        assert_eq!(c("/v/static/x.css"), Some(Change::Static("x.css".into())));
        assert_eq!(c("/v/public/index.html"), None);
        assert_eq!(c("/v/.obsidian/workspace.json"), None);
        let notes = |path: &str| classify_in(Path::new("/v"), Path::new(path), "default", "notes");
        assert_eq!(notes("/v/notes/a.md"), Some(Change::Content("a.md".into())));
        assert_eq!(notes("/v/content/a.md"), None);
    }

    #[test]
    fn classifies_paths_into_kinds_of_work() {
        assert_eq!(c("/site/site.yaml"), Some(Change::Config));
        assert_eq!(
            c("/site/content/places/baku.md"),
            Some(Change::Content("places/baku.md".into()))
        );
        assert_eq!(c("/site/content"), Some(Change::Content(String::new())));
        assert_eq!(
            c("/site/content/places"),
            Some(Change::Content("places".into()))
        );
        assert_eq!(
            c("/site/themes/default/templates/entry.html"),
            Some(Change::Template("entry.html".into()))
        );
        assert_eq!(
            c("/site/themes/default/templates/partials/card.html"),
            Some(Change::Template("partials/card.html".into()))
        );
        assert_eq!(
            c("/site/themes/default/static/style.css"),
            Some(Change::Static("style.css".into()))
        );
        assert_eq!(
            c("/site/static/img/map.png"),
            Some(Change::Static("img/map.png".into()))
        );
        assert_eq!(c("/site/static"), Some(Change::Static(String::new())));
        assert_eq!(c("/site/themes"), Some(Change::Template(String::new())));
    }

    #[test]
    fn ignores_output_editor_files_and_other_themes() {
        for path in [
            "/site/public/index.html",
            "/site/target/debug/x",
            "/site/.git/index",
            "/site/content/places/.baku.md.swp",
            "/site/content/places/baku.md~",
            "/site/content/places/#baku.md#",
            "/site/content/.#baku.md",
            "/site/themes/other/templates/entry.html",
            "/site/themes/default/README.md",
            "/site/README.md",
            "/elsewhere/content/a.md",
        ] {
            assert_eq!(c(path), None, "{path}");
        }
    }

    #[test]
    fn batches_know_when_only_css_changed() {
        let mut changes = Changes::default();
        changes.add(Change::Static("style.css".into()));
        assert!(changes.only_css());
        changes.add(Change::Static("logo.png".into()));
        assert!(!changes.only_css());
        let mut content = Changes::default();
        content.add(Change::Content("a.md".into()));
        assert!(!content.only_css());
        assert!(Changes::default().is_empty());
    }

    fn note(settling: &mut Settling, kind: EventKind, paths: &[&str]) {
        let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
        settling.note(&kind, &paths);
    }

    #[test]
    fn a_file_is_settled_once_closed_after_writing_or_renamed_into_place() {
        use notify::event::{CreateKind, DataChange, RemoveKind};
        let written = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));

        // Written in place: settled at the close.
        let mut s = Settling::default();
        note(&mut s, written, &["/site/content/a.md"]);
        assert!(!s.all_settled());
        note(&mut s, closed, &["/site/content/a.md"]);
        assert!(s.all_settled());

        // Two files: settled when both are closed.
        let mut s = Settling::default();
        note(&mut s, written, &["/site/content/a.md"]);
        note(&mut s, written, &["/site/content/b.md"]);
        note(&mut s, closed, &["/site/content/a.md"]);
        assert!(!s.all_settled());
        note(&mut s, closed, &["/site/content/b.md"]);
        assert!(s.all_settled());

        // Saved through a temporary file: the rename into place settles it.
        let mut s = Settling::default();
        note(
            &mut s,
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            &["/site/content/a.md"],
        );
        assert!(s.all_settled());

        // Moved away or removed (a save that replaces the file does that first), or made
        // and not yet closed: not settled.
        for kind in [
            EventKind::Modify(ModifyKind::Name(RenameMode::From)),
            EventKind::Remove(RemoveKind::File),
            EventKind::Create(CreateKind::File),
        ] {
            let mut s = Settling::default();
            note(&mut s, kind, &["/site/content/a.md"]);
            assert!(!s.all_settled(), "{kind:?}");
        }

        // A rename of both ends settles both.
        let mut s = Settling::default();
        note(&mut s, written, &["/site/content/a.md"]);
        note(
            &mut s,
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["/site/content/a.md", "/site/content/b.md"],
        );
        assert!(s.all_settled());
    }
}
