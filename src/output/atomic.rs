//! The output folder is replaced in one step: the site is written into a staging folder
//! beside it, which then takes its place. A failed build leaves the previous output exactly
//! as it was, and a finished one leaves nothing of removed entries behind.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::fs;

const STAGING: &str = "dossier-staging";
const OLD: &str = "dossier-old";

/// A staging folder for one build; dropped without [`Staging::commit`], it is removed.
pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    done: bool,
}

fn err(e: impl ToString) -> Diagnostic {
    Diagnostic::error(e.to_string())
}

/// `.NAME.dossier-staging-PID` beside the output folder.
fn sibling(output: &Path, what: &str, pid: u32) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.{what}-{pid}"))
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
        fs::create_dir_all(&dir).map_err(err)?;
        Ok(Staging {
            dir,
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
            return fs::remove_dir_all(&self.dir).map_err(err);
        }
        // No atomic exchange here (not Linux, or a file system without it): two renames.
        let old = sibling(&self.output, OLD, std::process::id());
        fs::rename(&self.output, &old).map_err(err)?;
        if let Err(e) = fs::rename(&self.dir, &self.output) {
            let _ = std::fs::rename(&old, &self.output);
            return Err(err(e));
        }
        fs::remove_dir_all(&old).map_err(err)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
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

/// Removes staging folders left by builds that were killed (their process is gone).
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
            let _ = std::fs::remove_dir_all(item.path());
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

    #[test]
    fn commit_replaces_the_output_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join("old")).unwrap();
        std::fs::write(out.join("old/index.html"), "old").unwrap();

        let staging = Staging::create(&out).unwrap();
        std::fs::write(staging.dir.join("index.html"), "new").unwrap();
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(out.join("old/index.html")).unwrap(),
            "old"
        );

        let staging = Staging::create(&out).unwrap();
        std::fs::write(staging.dir.join("index.html"), "new").unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("old").exists());
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only the output remains");
    }

    #[test]
    fn stale_staging_folders_of_dead_processes_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // PIDs above the kernel's maximum (4194304) never belong to a live process.
        let stale = tmp.path().join(".public.dossier-staging-4294967");
        std::fs::create_dir_all(&stale).unwrap();
        let staging = Staging::create(&out).unwrap();
        assert!(!stale.exists());
        staging.commit().unwrap();
        assert!(out.is_dir());
    }
}
