//! The output folder is replaced in one step: the site is written into a staging folder
//! beside it, which then takes its place. A failed build leaves the previous output exactly
//! as it was, and a finished one leaves nothing of removed entries behind.
//!
//! The output a build replaces is kept beside the new one (`.public.dossier-previous`),
//! and the next build starts its staging folder from it: files whose bytes did not
//! change are left as they are, changed ones are rewritten in place, and the files no
//! page produced any more are removed at the end. A rebuild of a large site so creates
//! and deletes almost no files — on some file systems creating inodes right after
//! deleting thousands is what a rebuild would spend most of its time on.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::fs;

const STAGING: &str = "dossier-staging";
const OLD: &str = "dossier-old";
const PREVIOUS: &str = "dossier-previous";

/// A staging folder for one build; dropped without [`Staging::commit`], it is kept for
/// the next build to start from (or removed, when that is not possible).
pub struct Staging {
    pub dir: PathBuf,
    /// The files the folder started with (from an earlier output), with their sizes.
    pub reused: HashMap<PathBuf, u64>,
    output: PathBuf,
    done: bool,
}

fn err(e: impl ToString) -> Diagnostic {
    Diagnostic::error(e.to_string())
}

/// `.NAME.WHAT` beside the output folder `NAME`.
fn beside(output: &Path, what: &str) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.{what}"))
}

/// `.NAME.dossier-staging-PID` beside the output folder.
fn sibling(output: &Path, what: &str, pid: u32) -> PathBuf {
    beside(output, &format!("{what}-{pid}"))
}

impl Staging {
    pub fn create(output: &Path) -> Result<Staging, Diagnostic> {
        if output.exists() && !output.is_dir() {
            return Err(err(format!(
                "the output `{}` exists and is not a folder",
                output.display()
            )));
        }
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(err)?;
        }
        remove_stale(output);
        let dir = sibling(output, STAGING, std::process::id());
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(err)?;
        }
        let reused = match adopt(&previous(output), &dir) {
            Some(files) => files,
            None => {
                fs::create_dir_all(&dir).map_err(err)?;
                HashMap::new()
            }
        };
        Ok(Staging {
            dir,
            reused,
            output: output.to_path_buf(),
            done: false,
        })
    }

    /// Puts the staged site in place of the output.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        self.done = true;
        if !self.output.exists() {
            return fs::rename(&self.dir, &self.output).map_err(err);
        }
        if exchange(&self.dir, &self.output).is_ok() {
            // The staging path now holds the previous output.
            return keep(&self.dir, &self.output);
        }
        // No atomic exchange here (not Linux, or a file system without it): two renames.
        let old = sibling(&self.output, OLD, std::process::id());
        fs::rename(&self.output, &old).map_err(err)?;
        if let Err(e) = fs::rename(&self.dir, &self.output) {
            let _ = std::fs::rename(&old, &self.output);
            return Err(err(e));
        }
        keep(&old, &self.output)
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

/// Keeps `tree` as the folder the next build of `output` starts from; removes it when
/// another build already left one.
fn keep(tree: &Path, output: &Path) -> Result<(), Diagnostic> {
    if std::fs::rename(tree, previous(output)).is_ok() {
        return Ok(());
    }
    fs::remove_dir_all(tree).map_err(err)
}

/// Moves the folder kept by an earlier build to `dir` and lists its files with their
/// sizes. Anything a build must not write through is removed first: symbolic links
/// (they could point out of the folder), special files, and files with other hard links
/// (rewriting them in place would change the other copies, such as a deployed release
/// made with `cp -al`). `None` when there is no such folder or it cannot be used.
fn adopt(kept: &Path, dir: &Path) -> Option<HashMap<PathBuf, u64>> {
    std::fs::rename(kept, dir).ok()?;
    let usable = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    let files = usable.then(|| list_files(dir)).flatten();
    if files.is_none() {
        let _ = std::fs::remove_file(dir).or_else(|_| std::fs::remove_dir_all(dir));
    }
    files
}

#[cfg(unix)]
fn list_files(dir: &Path) -> Option<HashMap<PathBuf, u64>> {
    use std::os::unix::fs::MetadataExt;
    let mut files = HashMap::new();
    for item in walkdir::WalkDir::new(dir).min_depth(1) {
        let item = item.ok()?;
        let kind = item.file_type();
        if kind.is_dir() {
            continue;
        }
        let meta = item.metadata().ok()?;
        if kind.is_file() && meta.nlink() == 1 {
            files.insert(item.into_path(), meta.len());
        } else {
            std::fs::remove_file(item.path()).ok()?;
        }
    }
    Some(files)
}

#[cfg(not(unix))]
fn list_files(_: &Path) -> Option<HashMap<PathBuf, u64>> {
    None
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
/// is gone).
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
        if let Some(pid) = pid
            && pid != std::process::id()
            && !process_alive(pid)
        {
            // What a killed build wrote is as good a start for the next as any earlier
            // output: keep it when no build left one.
            let _ = keep(&item.path(), output);
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

        let staging = Staging::create(&out).unwrap();
        assert!(staging.reused.is_empty());
        std::fs::write(staging.dir.join("index.html"), "new").unwrap();
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(out.join("old/index.html")).unwrap(),
            "old"
        );
        assert_eq!(names_in(tmp.path()), [".public.dossier-previous", "public"]);

        // The next build starts from what the failed one wrote.
        let staging = Staging::create(&out).unwrap();
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
        let staging = Staging::create(&out).unwrap();
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

        let staging = Staging::create(&out).unwrap();
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

        // A kept "folder" that is a link to another folder is dropped, not followed.
        std::fs::remove_dir_all(&kept).unwrap();
        std::os::unix::fs::symlink(&outside, &kept).unwrap();
        let staging = Staging::create(&out).unwrap();
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
        let staging = Staging::create(&out).unwrap();
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
}
