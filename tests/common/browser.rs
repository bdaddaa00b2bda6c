//! A real headless Chromium driven through chromedriver (WebDriver), and a small static
//! file server for built sites. Chromedriver runs in its own process group, which is
//! killed when the browser is dropped, so no Chromium is left behind when a test fails.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use dossier::serve::conn;
use fantoccini::{Client, ClientBuilder};

pub struct Browser {
    driver: Child,
    pub client: Client,
    _profile: tempfile::TempDir,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    pub async fn start() -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver (Debian package chromium-driver) must be installed");
        // Wait until chromedriver accepts connections.
        let mut ready = false;
        for _ in 0..200 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                ready = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(ready, "chromedriver did not start");
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session in Chromium");
        // A page that never finishes loading fails the test in 30 s, not chromedriver's 300.
        let timeouts = fantoccini::wd::TimeoutConfiguration::new(
            Some(std::time::Duration::from_secs(30)),
            Some(std::time::Duration::from_secs(30)),
            None,
        );
        client
            .update_timeouts(timeouts)
            .await
            .expect("WebDriver timeouts");
        Browser {
            driver,
            client,
            _profile: profile,
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.wait();
    }
}

/// Serves `root` over HTTP at `http://127.0.0.1:PORT{prefix}` from a background thread;
/// returns the port. It runs on `dossier serve`'s own connection layer.
pub fn serve_dir(root: &Path, prefix: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let port = listener.local_addr().expect("an address").port();
    let handler = std::sync::Arc::new(DirServer {
        root: root.to_path_buf(),
        prefix,
    });
    std::thread::spawn(move || {
        let stop = std::sync::atomic::AtomicBool::new(false);
        conn::accept_loop(&listener, &handler, 512, &stop);
    });
    port
}

struct DirServer {
    root: PathBuf,
    prefix: &'static str,
}

impl conn::Handler for DirServer {
    fn handle(&self, request: &conn::Request<'_>) -> conn::Reply {
        let url = request.target.split(['?', '#']).next().unwrap_or("");
        let rel = url.strip_prefix(self.prefix).unwrap_or("");
        let mut path = self.root.join(rel);
        if rel.contains("..") {
            path = self.root.join("missing");
        } else if path.is_dir() {
            path = path.join("index.html");
        }
        conn::Reply::Response(match std::fs::read(&path) {
            Ok(bytes) => {
                let kind = match path.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css",
                    Some("js") => "text/javascript",
                    Some("svg") => "image/svg+xml",
                    Some("xml") => "application/xml",
                    _ => "application/octet-stream",
                };
                conn::Response::new(200, conn::Body::Owned(bytes)).header("Content-Type", kind)
            }
            Err(_) => conn::Response::text(404, "not found"),
        })
    }

    fn stream(&self, _stream: &mut TcpStream) {}
}
