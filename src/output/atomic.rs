//! The output folder is replaced in one step: the site is written into a staging folder
//! beside it, which then takes its place. A failed build leaves the previous output exactly
//! as it was, and a finished one leaves nothing of removed entries behind.
//!
//! Only a folder Dossier made is ever replaced: every output holds the marker file
//! [`MARKER`]. A folder without it is replaced only when it is empty, or when every file
//! in it is one this build wrote (the output of an older Dossier); any other is refused,
//! or with `--force` moved aside, never deleted.
//!
//! The output a build replaces is kept beside the new one (`.public.dossier-previous`),
//! and the next build starts its staging folder from it: files whose bytes did not
//! change are left as they are, changed ones are rewritten in place, and the files no
//! page produced any more are removed at the end. A rebuild of a large site so creates
//! and deletes almost no files — on some file systems creating inodes right after
//! deleting thousands is what a rebuild would spend most of its time on. A kept folder
//! without the marker, or one this user cannot write, is left alone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::fs::{self, escaped};

const STAGING: &str = "dossier-staging";
const OLD: &str = "dossier-old";
const PREVIOUS: &str = "dossier-previous";
const REPLACED: &str = "dossier-replaced";

/// The file in every output (and every staging and kept folder) that says Dossier made it.
pub const MARKER: &str = ".dossier-output";
const MARKER_TEXT: &str =
    "This folder was written by Dossier, a static site generator. Each build replaces it
whole, so keep no files of your own in it. Without this file Dossier does not replace it.
";

/// What a build does with an output folder that is neither empty nor Dossier's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Foreign {
    /// Refuses to replace it (the default).
    Refuse,
    /// Replaces it and keeps it beside the new output as `.NAME.dossier-replaced`
    /// (`--force`).
    PutAside,
}

/// A staging folder for one build; dropped without [`Staging::commit`], it is kept for
/// the next build to start from (or removed, when that is not possible).
pub struct Staging {
    pub dir: PathBuf,
    /// The files the folder started with (from an earlier output), with their sizes.
    pub reused: HashMap<PathBuf, u64>,
    /// Warnings about folders found beside the output and left as they were.
    pub notes: Vec<Diagnostic>,
    output: PathBuf,
    foreign: Foreign,
    done: bool,
}

/// Whose the folder at the output path is, found when the build is ready to replace it.
enum Owner {
    /// There is nothing, or an empty folder.
    Nobody,
    /// It holds the marker.
    Dossier,
    /// No marker, but every file in it is one this build wrote: an older Dossier's output.
    Older,
    /// Someone else's; the first file in it this build did not write.
    Other(PathBuf),
}

fn err(e: impl ToString) -> Diagnostic {
    Diagnostic::error(e.to_string())
}

/// `.NAME.WHAT` beside the output folder `NAME`.
fn beside(output: &Path, what: &str) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(output.file_name().unwrap_or("public".as_ref()));
    name.push(format!(".{what}"));
    output.with_file_name(name)
}

/// `.NAME.dossier-staging-PID` beside the output folder.
fn sibling(output: &Path, what: &str, pid: u32) -> PathBuf {
    beside(output, &format!("{what}-{pid}"))
}

/// Whether `dir` is a folder (not a link to one) holding the marker.
fn is_ours(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

impl Staging {
    pub fn create(output: &Path, foreign: Foreign) -> Result<Staging, Diagnostic> {
        if output.exists() && !output.is_dir() {
            return Err(err(format!(
                "the output `{}` exists and is not a folder",
                escaped(output)
            )));
        }
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(err)?;
        }
        remove_stale(output);
        let dir = sibling(output, STAGING, std::process::id());
        if std::fs::symlink_metadata(&dir).is_ok() {
            if !is_ours(&dir) {
                return Err(err(format!(
                    "`{}` is in the way of the staging folder and Dossier did not make it; \
                     move it elsewhere",
                    escaped(&dir)
                )));
            }
            fs::remove_dir_all(&dir).map_err(err)?;
        }
        let mut notes = Vec::new();
        let mut reused = match adopt(&previous(output), &dir, &mut notes)? {
            Some(files) => files,
            None => {
                fs::create_dir_all(&dir).map_err(err)?;
                HashMap::new()
            }
        };
        let marker = dir.join(MARKER);
        if reused.remove(&marker) != Some(MARKER_TEXT.len() as u64) {
            fs::write(&marker, MARKER_TEXT.as_bytes()).map_err(err)?;
        }
        Ok(Staging {
            dir,
            reused,
            notes,
            output: output.to_path_buf(),
            foreign,
            done: false,
        })
    }

    /// Puts the staged site in place of the output, unless the output is a folder that is
    /// not Dossier's (and not `--force`d). Returns warnings about what it left in place.
    pub fn commit(mut self) -> Result<Vec<Diagnostic>, Diagnostic> {
        self.done = true;
        if std::fs::symlink_metadata(&self.output).is_err() {
            fs::rename(&self.dir, &self.output).map_err(err)?;
            return Ok(Vec::new());
        }
        let owner = owner(&self.output, &self.dir);
        if let Owner::Other(file) = &owner
            && self.foreign == Foreign::Refuse
        {
            let _ = std::fs::remove_dir_all(&self.dir);
            return Err(refusal(&self.output, file));
        }
        let replaced = if exchange(&self.dir, &self.output).is_ok() {
            // The staging path now holds the previous output.
            self.dir.clone()
        } else {
            // No atomic exchange here (not Linux, or a file system without it): two renames.
            let old = sibling(&self.output, OLD, std::process::id());
            fs::rename(&self.output, &old).map_err(err)?;
            if let Err(e) = fs::rename(&self.dir, &self.output) {
                let _ = std::fs::rename(&old, &self.output);
                return Err(err(e));
            }
            old
        };
        Ok(put_away(&replaced, &self.output, owner))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = keep(&self.dir, &self.output);
        }
    }
}

/// `.NAME.dossier-previous` beside the output folder.
fn previous(output: &Path) -> PathBuf {
    beside(output, PREVIOUS)
}

/// Whose `output` is; `staged` is the complete new site.
fn owner(output: &Path, staged: &Path) -> Owner {
    if is_ours(output) {
        return Owner::Dossier;
    }
    let mut empty = true;
    for item in walkdir::WalkDir::new(output).min_depth(1) {
        empty = false;
        let item = match item {
            Ok(item) => item,
            Err(e) => return Owner::Other(e.path().unwrap_or(output).to_path_buf()),
        };
        if item.file_type().is_dir() {
            continue;
        }
        let written = item.file_type().is_file()
            && item.path().strip_prefix(output).is_ok_and(|rel| {
                std::fs::symlink_metadata(staged.join(rel)).is_ok_and(|m| m.is_file())
            });
        if !written {
            return Owner::Other(item.into_path());
        }
    }
    if empty { Owner::Nobody } else { Owner::Older }
}

/// The error for an output folder that is not Dossier's, naming a file in it.
fn refusal(output: &Path, file: &Path) -> Diagnostic {
    let out = escaped(output);
    err(format!(
        "refusing to replace `{out}`: Dossier did not make it (it has no `{MARKER}` file) and \
         `{}` in it is not a file this build writes. Choose a new or empty folder for \
         --output (for an older Dossier's output, remove it first), or pass --force to \
         build there anyway: the folder is then moved aside to `{}`, not deleted",
        escaped(file),
        escaped(&free_name(&beside(output, REPLACED)))
    ))
}

/// `path`, or `path-2`, `path-3` … whichever is free first.
fn free_name(path: &Path) -> PathBuf {
    let mut candidate = path.to_path_buf();
    let mut n = 1;
    while std::fs::symlink_metadata(&candidate).is_ok() {
        n += 1;
        let mut name = path.as_os_str().to_os_string();
        name.push(format!("-{n}"));
        candidate = PathBuf::from(name);
    }
    candidate
}

/// Deals with the folder a commit replaced (now at `replaced`): Dossier's own is kept for
/// the next build, an empty one removed, anyone else's moved aside and named.
fn put_away(replaced: &Path, output: &Path, owner: Owner) -> Vec<Diagnostic> {
    match owner {
        Owner::Nobody => {
            let _ = std::fs::remove_dir(replaced);
            Vec::new()
        }
        Owner::Dossier => keep(replaced, output).into_iter().collect(),
        Owner::Older => {
            // Every file of it is a build's: it is as good a start as Dossier's own.
            let _ = std::fs::write(replaced.join(MARKER), MARKER_TEXT);
            keep(replaced, output).into_iter().collect()
        }
        Owner::Other(_) => {
            let aside = free_name(&beside(output, REPLACED));
            let at = if std::fs::rename(replaced, &aside).is_ok() {
                aside
            } else {
                replaced.to_path_buf()
            };
            vec![Diagnostic::warning(format!(
                "`{}` was not Dossier's output: its files were moved to `{}` (nothing was \
                 deleted)",
                escaped(output),
                escaped(&at)
            ))]
        }
    }
}

/// Keeps `tree` (a folder of Dossier's) as the folder the next build of `output` starts
/// from; removes it when another build already left one. A warning when neither works.
fn keep(tree: &Path, output: &Path) -> Option<Diagnostic> {
    if std::fs::rename(tree, previous(output)).is_ok() {
        return None;
    }
    let e = fs::remove_dir_all(tree).err()?;
    Some(Diagnostic::warning(format!(
        "{e}: it holds an earlier output of this site and was left as it is; remove it \
         (it may need the user that wrote it)"
    )))
}

/// Moves the folder kept by an earlier build to `dir` and lists its files with their
/// sizes. Anything a build must not write through is removed first: symbolic links
/// (they could point out of the folder), special files, and files with other hard links
/// (rewriting them in place would change the other copies, such as a deployed release
/// made with `cp -al`). `None` when there is no such folder or it cannot be used: one
/// without the marker, or one this user cannot write, is left as it is, with a note.
fn adopt(
    kept: &Path,
    dir: &Path,
    notes: &mut Vec<Diagnostic>,
) -> Result<Option<HashMap<PathBuf, u64>>, Diagnostic> {
    if std::fs::symlink_metadata(kept).is_err() {
        return Ok(None);
    }
    let shown = escaped(kept);
    if !is_ours(kept) {
        notes.push(Diagnostic::warning(format!(
            "`{shown}` was left as it is: it has no `{MARKER}` file, so it is not a folder \
             this Dossier kept, and builds start from an empty folder while it is there; \
             remove it if it is an output an older Dossier kept"
        )));
        return Ok(None);
    }
    if std::fs::rename(kept, dir).is_err() {
        return Ok(None);
    }
    match list_files(dir) {
        Ok(files) => Ok(Some(files)),
        Err((path, why)) => {
            fs::rename(dir, kept).map_err(err)?;
            let at = match path.strip_prefix(dir) {
                Ok(rel) if !rel.as_os_str().is_empty() => {
                    format!(" `{}`", escaped(&kept.join(rel)))
                }
                _ => String::new(),
            };
            notes.push(Diagnostic::warning(format!(
                "`{shown}`, the output an earlier build kept to start from, cannot be used \
                 (cannot write{at}: {why}): it was left as it is and this build started from \
                 an empty folder; remove it (it may need the user that wrote it)"
            )));
            Ok(None)
        }
    }
}

/// The plain files under `dir` with their sizes, after removing links and special files;
/// the folder that stops this user from writing into it, if one does.
#[cfg(unix)]
fn list_files(dir: &Path) -> Result<HashMap<PathBuf, u64>, (PathBuf, String)> {
    use rustix::fs::{Access, access};
    use std::os::unix::fs::MetadataExt;
    let failed = |path: &Path, e: &dyn std::fmt::Display| (path.to_path_buf(), e.to_string());
    let mut files = HashMap::new();
    for item in walkdir::WalkDir::new(dir) {
        let item = item.map_err(|e| failed(e.path().unwrap_or(dir), &e))?;
        let path = item.path();
        let kind = item.file_type();
        if kind.is_dir() {
            access(path, Access::WRITE_OK | Access::EXEC_OK).map_err(|e| failed(path, &e))?;
            continue;
        }
        // A file this user cannot write needs no check: its folder is writable, so the
        // sink replaces it (see `DirSink::create`).
        let meta = item.metadata().map_err(|e| failed(path, &e))?;
        if kind.is_file() && meta.nlink() == 1 {
            files.insert(item.into_path(), meta.len());
        } else {
            std::fs::remove_file(path).map_err(|e| failed(path, &e))?;
        }
    }
    Ok(files)
}

#[cfg(not(unix))]
fn list_files(dir: &Path) -> Result<HashMap<PathBuf, u64>, (PathBuf, String)> {
    Err((dir.to_path_buf(), "not reused on this system".into()))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Keeps or removes the staging folders left by builds that were killed (their process
/// is gone); only Dossier's own, with the marker.
fn remove_stale(output: &Path) {
    let (Some(parent), Some(name)) = (output.parent(), output.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let Ok(items) = std::fs::read_dir(parent) else {
        return;
    };
    let name = name.to_string_lossy();
    for item in items.flatten() {
        let file_name = item.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let pid = [STAGING, OLD]
            .iter()
            .find_map(|what| rest.strip_prefix(&format!("{what}-")))
            .and_then(|pid| pid.parse::<u32>().ok());
        if !pid.is_some_and(|p| p != std::process::id() && !process_alive(p)) {
            continue;
        }
        if is_ours(&item.path()) {
            // What a killed build wrote is as good a start for the next as any earlier
            // output: keep it when no build left one.
            let _ = keep(&item.path(), output);
        } else {
            // A build killed between making its staging folder and marking it leaves it
            // empty. `remove_dir` removes nothing else: a folder with anything in it,
            // or a link, stays.
            let _ = std::fs::remove_dir(item.path());
        }
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn commit_replaces_the_output_and_keeps_the_old_one_for_the_next_build() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join("old")).unwrap();
        std::fs::write(out.join("old/index.html"), "old").unwrap();
        std::fs::write(out.join(MARKER), MARKER_TEXT).unwrap();

        let staging = Staging::create(&out, Foreign::Refuse).unwrap();
        assert!(staging.reused.is_empty());
        std::fs::write(staging.dir.join("index.html"), "new").unwrap();
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(out.join("old/index.html")).unwrap(),
            "old"
        );
        assert_eq!(names_in(tmp.path()), [".public.dossier-previous", "public"]);

        // The next build starts from what the failed one wrote.
        let staging = Staging::create(&out, Foreign::Refuse).unwrap();
        let index = staging.dir.join("index.html");
        assert_eq!(staging.reused, HashMap::from([(index.clone(), 3)]));
        std::fs::write(&index, "newer").unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "newer"
        );
        assert!(!out.join("old").exists());
        assert_eq!(names_in(tmp.path()), [".public.dossier-previous", "public"]);
        let kept = tmp.path().join(".public.dossier-previous");
        assert_eq!(
            std::fs::read_to_string(kept.join("old/index.html")).unwrap(),
            "old"
        );

        // And the one after that starts from the output it replaced.
        let staging = Staging::create(&out, Foreign::Refuse).unwrap();
        assert_eq!(
            staging.reused,
            HashMap::from([(staging.dir.join("old/index.html"), 3)])
        );
        staging.commit().unwrap();
        assert_eq!(names_in(tmp.path()), [".public.dossier-previous", "public"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_kept_output_is_never_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let kept = tmp.path().join(".public.dossier-previous");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(kept.join("people")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret"), "keep me").unwrap();
        std::fs::write(outside.join("release.html"), "deployed").unwrap();
        std::os::unix::fs::symlink(outside.join("secret"), kept.join("index.html")).unwrap();
        std::os::unix::fs::symlink(&outside, kept.join("people/linked")).unwrap();
        std::fs::hard_link(outside.join("release.html"), kept.join("people/index.html")).unwrap();
        std::fs::write(kept.join("plain.html"), "plain").unwrap();
        std::fs::write(kept.join(MARKER), MARKER_TEXT).unwrap();

        let staging = Staging::create(&out, Foreign::Refuse).unwrap();
        assert_eq!(
            staging.reused,
            HashMap::from([(staging.dir.join("plain.html"), 5)]),
            "only the plain file is reused"
        );
        assert!(std::fs::symlink_metadata(staging.dir.join("index.html")).is_err());
        assert!(std::fs::symlink_metadata(staging.dir.join("people/linked")).is_err());
        assert!(!staging.dir.join("people/index.html").exists());
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(outside.join("secret")).unwrap(),
            "keep me"
        );
        assert_eq!(
            std::fs::read_to_string(outside.join("release.html")).unwrap(),
            "deployed"
        );

        // A kept "folder" that is a link to another folder is not followed.
        std::fs::remove_dir_all(&kept).unwrap();
        std::os::unix::fs::symlink(&outside, &kept).unwrap();
        let staging = Staging::create(&out, Foreign::Refuse).unwrap();
        assert!(staging.reused.is_empty());
        assert!(
            !std::fs::symlink_metadata(&staging.dir)
                .unwrap()
                .is_symlink()
        );
        drop(staging);
        assert_eq!(names_in(&outside), ["release.html", "secret"]);
    }

    #[test]
    fn folders_left_by_dead_builds_are_kept_for_the_next_or_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // PIDs above the kernel's maximum (4194304) never belong to a live process.
        let stale = tmp.path().join(".public.dossier-staging-4294967");
        let old = tmp.path().join(".public.dossier-old-4294968");
        std::fs::create_dir_all(&stale).unwrap();
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(stale.join("index.html"), "half").unwrap();
        std::fs::write(old.join("index.html"), "older").unwrap();
        for dir in [&stale, &old] {
            std::fs::write(dir.join(MARKER), MARKER_TEXT).unwrap();
        }
        let staging = Staging::create(&out, Foreign::Refuse).unwrap();
        assert!(!stale.exists() && !old.exists());
        // One of them (whichever the folder listing gave first) is where this build
        // starts from, the other is gone.
        let index = staging.dir.join("index.html");
        assert!(
            [4, 5]
                .map(|len| HashMap::from([(index.clone(), len)]))
                .contains(&staging.reused),
            "{:?}",
            staging.reused
        );
        staging.commit().unwrap();
        assert!(out.is_dir());
        assert_eq!(names_in(tmp.path()), ["public"]);
    }

    #[test]
    fn an_empty_unmarked_folder_of_a_dead_build_goes_and_one_with_files_stays() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // Killed before it wrote its marker: empty.
        let empty = tmp.path().join(".public.dossier-staging-4294967");
        // Not Dossier's, whatever its name says.
        let full = tmp.path().join(".public.dossier-staging-4294968");
        std::fs::create_dir_all(&empty).unwrap();
        std::fs::create_dir_all(&full).unwrap();
        std::fs::write(full.join("notes.txt"), "mine").unwrap();
        Staging::create(&out, Foreign::Refuse)
            .unwrap()
            .commit()
            .unwrap();
        assert!(!empty.exists());
        assert_eq!(names_in(&full), ["notes.txt"]);
    }
}
