//! `dossier serve`: builds the site into memory, serves it, watches the site's folders and
//! rebuilds what a change affects, and tells open pages over Server-Sent Events.

pub mod conn;
pub mod http;
pub mod project;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostic;
use http::State;
use project::{Project, Rebuild};
use watch::{Batching, Changes, Watcher};

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// The first port to try; the next free one is taken when it is busy.
    pub port: u16,
    pub drafts: bool,
    pub open: bool,
    /// Log the time of each stage of every rebuild.
    pub verbose: bool,
    /// `--links`, over `links:` of `site.yaml`.
    pub links: Option<crate::diagnostics::LinkPolicy>,
}

/// Where the server reports what it does.
pub trait Log: Sync {
    fn info(&self, line: &str);
    fn diagnostic(&self, d: &Diagnostic);
}

/// Why the server could not start.
#[derive(Debug)]
pub struct ServeError(pub String);

fn bind(addr: IpAddr, first: u16) -> Result<TcpListener, ServeError> {
    let mut last = String::new();
    for port in first..=first.saturating_add(50) {
        match TcpListener::bind(SocketAddr::new(addr, port)) {
            Ok(listener) => {
                // std listens with a backlog of 128: a page of open event streams and a
                // burst of requests overflow it, and dropped connections retry after
                // seconds.
                let _ = rustix::net::listen(&listener, 1024);
                return Ok(listener);
            }
            Err(e) => last = e.to_string(),
        }
        if first == 0 {
            break;
        }
    }
    Err(ServeError(format!(
        "cannot listen on {addr} from port {first}: {last}"
    )))
}

/// The URLs for the `reload` event: pages by their folder URL; `*` when a file that any
/// page may use (a script, an image) changed.
fn reload_urls(changed: &[String], base_path: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for path in changed {
        if let Some(folder) = path.strip_suffix("index.html") {
            urls.push(format!("{base_path}{folder}"));
        } else if path.ends_with(".html") {
            urls.push(format!("{base_path}{path}"));
        } else if path.ends_with(".xml")
            || path.ends_with("search-index.js")
            || path == "robots.txt"
        {
            // Data files: no page shows them.
        } else {
            urls.push("*".into());
        }
    }
    urls.sort();
    urls.dedup();
    urls
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

fn error_data(problems: &[Diagnostic]) -> String {
    let list: Vec<serde_json::Value> = problems
        .iter()
        .map(|d| {
            serde_json::json!({
                "file": d.file,
                "line": d.pos.map(|p| p.line),
                "column": d.pos.map(|p| p.col),
                "message": d.message,
                "report": d.render(false),
            })
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

/// How long the loop waits for the next batch when nothing else is to be done.
const IDLE_WAIT: Duration = Duration::from_millis(200);

/// How long the data files (sitemap, search index) of a rebuild wait for a pause in the
/// editing before they are written.
const DATA_GRACE: Duration = Duration::from_millis(30);

/// A batch ends 15 ms after the last event while a changed file may still be half
/// written, 1 ms after it once every changed file was closed after writing or renamed
/// into place, and 800 ms after the first event at the latest.
const BATCHING: Batching = Batching {
    quiet: Duration::from_millis(15),
    settle: Duration::from_millis(1),
    longest: Duration::from_millis(800),
};

/// Serves until Ctrl-C (or `stop`, for tests). Returns once the server has shut down.
pub fn run(opts: &ServeOptions, log: &dyn Log, stop: Arc<AtomicBool>) -> Result<(), ServeError> {
    // Every connection is a file descriptor: the common soft limit of 1,024 is far below
    // the hard one.
    let nofile = conn::raise_nofile_limit().unwrap_or(u64::MAX);
    let listener = bind(opts.bind, opts.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServeError(format!("not listening: {e}")))?;
    let host = if opts.bind.is_unspecified() {
        "localhost".to_string()
    } else {
        match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        }
    };
    let url = format!("http://{host}:{}/", addr.port());

    // Watch before the first build, so that nothing saved during it is missed.
    let mut watcher = Watcher::new(&opts.root, "default")
        .map_err(|e| ServeError(format!("cannot watch the site: {e}")))?;
    let started = Instant::now();
    let mut project = Project::new(&opts.root, &url, opts.drafts);
    project.set_links(opts.links);
    // Pages first: the sitemap and the search index follow right after the reload event.
    project.defer_data(true);
    let state = Arc::new(State::new(opts.bind));
    match project.full() {
        Rebuild::Done { changed, .. } => {
            publish(&project, &state, &changed);
            log.info(&format!("built in {} ms", started.elapsed().as_millis()));
        }
        Rebuild::Failed(problems) => {
            for d in &problems {
                log.diagnostic(d);
            }
            log.info("the site did not build; fix the problems above and the page will update");
            state.events.send("error", &error_data(&problems));
        }
    }

    let acceptor = {
        let state = Arc::clone(&state);
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            conn::accept_loop(&listener, &state, conn::connection_cap(nofile), &stop);
        })
    };
    log.info(&format!("serving {url} (Ctrl-C to stop)"));
    if opts.open {
        open_browser(&url);
    }

    if let Some(theme) = project.theme_name() {
        watcher.set_theme(theme);
    }
    if let Some(content) = project.content_folder() {
        watcher.set_content(content);
    }
    while !stop.load(Ordering::SeqCst) {
        // The data files of the last rebuild wait while edits keep coming: a page the
        // editor is looking at comes first, and they are written once the editor pauses.
        let data_pending = project.data_pending();
        let wait = if data_pending { DATA_GRACE } else { IDLE_WAIT };
        let Some(changes) = watcher.next_batch(wait, BATCHING) else {
            if data_pending {
                let started = Instant::now();
                let changed = project.complete_data();
                publish(&project, &state, &changed);
                state.set_data_pending(false);
                if opts.verbose {
                    log.info(&format!(
                        "  sitemap and search index in {:.1} ms",
                        started.elapsed().as_secs_f64() * 1000.0
                    ));
                }
            }
            continue;
        };
        let started = Instant::now();
        let outcome = project.rebuild(&changes);
        if let Some(theme) = project.theme_name() {
            watcher.set_theme(theme);
        }
        if let Some(content) = project.content_folder() {
            watcher.set_content(content);
        }
        if project.data_pending() {
            state.set_data_pending(true);
        }
        report(&project, &state, &changes, outcome, started, log);
        if opts.verbose && !project.stage_times().is_empty() {
            log.info(&format!("  stages: {}", project.stage_times()));
        }
    }

    state.events.close();
    let _ = acceptor.join();
    log.info("stopped");
    Ok(())
}

/// Makes the project's files the ones served: the paths a rebuild `changed` (added,
/// changed or removed) are copied over, the rest stay, so that the cost follows the edit.
fn publish(project: &Project, state: &State, changed: &[String]) {
    let (Some(files), Ok(mut served)) = (project.files(), state.files.write()) else {
        return;
    };
    for path in changed {
        match files.get(path) {
            Some(file) => {
                served.insert(path.clone(), file.clone());
            }
            None => {
                served.remove(path);
            }
        }
    }
    debug_assert_eq!(
        served.len(),
        files.len(),
        "a rebuild left out a changed path"
    );
}

fn report(
    project: &Project,
    state: &State,
    changes: &Changes,
    outcome: Rebuild,
    started: Instant,
    log: &dyn Log,
) {
    match outcome {
        Rebuild::Done { changed, css_only } => {
            publish(project, state, &changed);
            let took = started.elapsed().as_secs_f64() * 1000.0;
            if css_only && changes.only_css() {
                let urls: Vec<String> = changed
                    .iter()
                    .map(|p| format!("{}{p}", project.base_path()))
                    .collect();
                state.events.send("css", &json_list(&urls));
            } else {
                state.events.send(
                    "reload",
                    &json_list(&reload_urls(&changed, project.base_path())),
                );
            }
            log.info(&format!(
                "rebuilt in {took:.0} ms: {} files changed",
                changed.len()
            ));
        }
        Rebuild::Failed(problems) => {
            for d in &problems {
                log.diagnostic(d);
            }
            log.info(&format!(
                "the rebuild failed ({} problems); still serving the last good build",
                problems.iter().filter(|d| d.is_error()).count()
            ));
            state.events.send("error", &error_data(&problems));
        }
    }
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(program)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reload_urls_name_pages_and_mark_global_changes() {
        let changed: Vec<String> = [
            "index.html",
            "places/baku/index.html",
            "404.html",
            "atom.xml",
            "search-index.js",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            reload_urls(&changed, "/"),
            ["/", "/404.html", "/places/baku/"]
        );
        let with_script = vec!["search.js".to_string(), "tags/index.html".to_string()];
        assert_eq!(reload_urls(&with_script, "/"), ["*", "/tags/"]);
    }
}
