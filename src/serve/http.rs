//! The HTTP side of `dossier serve`: only files of the built site, from memory, with the
//! live-reload script injected into HTML, and Server-Sent Events at `/__dossier/events`.

use std::io::Write as _;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::drain::Drain;
use super::project::Files;

pub const EVENTS_PATH: &str = "/__dossier/events";
pub const SCRIPT_PATH: &str = "/__dossier/live.js";
const LIVE_JS: &str = include_str!("live.js");
/// Open event streams beyond this get 503: each holds a thread.
const MAX_STREAMS: usize = 512;

/// A path of the site from a request target, or `None` for anything that is not a plain
/// path inside the site: absolute URLs, `..` (also percent-encoded), backslashes, NUL and
/// other control characters, invalid UTF-8, overlong targets.
pub fn sanitize(target: &str) -> Option<String> {
    if target.len() > 2048 || !target.starts_with('/') {
        return None;
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return None;
    }
    let mut parts = Vec::new();
    for segment in decoded.split('/').skip(1) {
        match segment {
            "." | ".." => return None,
            "" => {}
            s => parts.push(s),
        }
    }
    let mut rel = parts.join("/");
    if decoded.ends_with('/') && !rel.is_empty() {
        rel.push('/');
    }
    Some(rel)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            let hi = bytes.get(i + 1).copied().and_then(hex)?;
            let lo = bytes.get(i + 2).copied().and_then(hex)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a site path leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(String),
    /// A folder asked for without its slash: `/places` → `/places/`.
    Redirect(String),
    NotFound,
}

pub fn resolve(files: &Files, rel: &str) -> Target {
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if files.contains_key(&key) {
        return Target::File(key);
    }
    if !rel.is_empty() && !rel.ends_with('/') && files.contains_key(&format!("{rel}/index.html")) {
        return Target::Redirect(format!("/{rel}/"));
    }
    Target::NotFound
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

/// The page with the live-reload script before `</body>`.
pub fn inject(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\"></script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Whether a `Host` header names this server: a loopback name or address, the bound
/// address, or — when bound to every interface — any IP address. A web page elsewhere
/// cannot read the preview through a domain name that resolves to 127.0.0.1 (DNS
/// rebinding).
pub fn host_allowed(host: &str, bound: IpAddr) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        })
    };
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == bound || bound.is_unspecified(),
        Err(_) => false,
    }
}

/// Open event streams.
#[derive(Default)]
pub struct Events {
    clients: Mutex<Vec<Sender<String>>>,
    /// The current `error` event, sent to pages that connect while the build is broken.
    current_error: Mutex<Option<String>>,
    streams: AtomicUsize,
}

impl Events {
    fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        if let Ok(error) = self.current_error.lock()
            && let Some(e) = error.as_ref()
        {
            let _ = tx.send(e.clone());
        }
        if let Ok(mut clients) = self.clients.lock() {
            clients.push(tx);
        }
        rx
    }

    /// Sends `event` with `data` (one line of JSON) to every open page.
    pub fn send(&self, event: &str, data: &str) {
        let message = format!("event: {event}\ndata: {data}\n\n");
        if let Ok(mut error) = self.current_error.lock() {
            *error = (event == "error").then(|| message.clone());
        }
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(message.clone()).is_ok());
        }
    }

    /// Ends every stream (on shutdown).
    pub fn close(&self) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.clear();
        }
    }

    pub fn open_streams(&self) -> usize {
        self.streams.load(Ordering::Relaxed)
    }
}

/// What the request handlers share.
pub struct State {
    pub files: RwLock<Arc<Files>>,
    pub events: Events,
    pub bound: IpAddr,
    /// True while the data files (sitemap, search index) of a rebuild are being written,
    /// after its pages are served: requests for them wait.
    pub data_pending: Mutex<bool>,
    pub data_ready: Condvar,
    /// Keeps tiny_http's connection queue moving (see `drain`).
    drain: Drain,
}

impl State {
    pub fn new(bound: IpAddr, drain: Drain) -> State {
        State {
            drain,
            files: RwLock::new(Arc::new(Files::new())),
            events: Events::default(),
            bound,
            data_pending: Mutex::new(false),
            data_ready: Condvar::new(),
        }
    }

    pub fn set_data_pending(&self, pending: bool) {
        if let Ok(mut flag) = self.data_pending.lock() {
            *flag = pending;
        }
        if !pending {
            self.data_ready.notify_all();
        }
    }

    fn wait_for_data(&self) {
        if let Ok(flag) = self.data_pending.lock() {
            let _ = self
                .data_ready
                .wait_timeout_while(flag, Duration::from_secs(10), |pending| *pending);
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn text_response(status: u16, text: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(text.as_bytes().to_vec())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

/// Answers one request. Event streams are handed to a thread of their own.
pub fn handle(state: &Arc<State>, request: Request) {
    // A request has come: other connections may have come with it.
    state.drain.soon();
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    let Some(host) = host else {
        let _ = request.respond(text_response(400, "missing Host header"));
        return;
    };
    if !host_allowed(&host, state.bound) {
        let _ = request.respond(text_response(403, "this preview answers only to localhost"));
        return;
    }
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let response =
            text_response(405, "only GET and HEAD").with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(response);
        return;
    }
    let target = request.url().to_string();
    let path = target.split('?').next().unwrap_or("");
    if path == EVENTS_PATH && method == Method::Get {
        stream_events(state, request);
        return;
    }
    if path == SCRIPT_PATH {
        let response = Response::from_data(LIVE_JS.as_bytes().to_vec())
            .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store"));
        let _ = request.respond(response);
        return;
    }
    let rel_path = path.trim_start_matches('/');
    if super::project::is_data_file(rel_path) {
        state.wait_for_data();
    }
    let files = state.files.read().map(|f| Arc::clone(&f)).ok();
    let Some(files) = files else {
        let _ = request.respond(text_response(500, "the site is not available"));
        return;
    };
    let Some(rel) = sanitize(&target) else {
        let _ = request.respond(not_found(&files));
        return;
    };
    let response = match resolve(&files, &rel) {
        Target::File(key) => {
            let bytes = &files[&key];
            let kind = content_type(&key);
            let body = if kind.starts_with("text/html") {
                inject(bytes)
            } else {
                bytes.to_vec()
            };
            Response::from_data(body)
                .with_header(header("Content-Type", kind))
                .with_header(header("Cache-Control", "no-store"))
        }
        Target::Redirect(location) => {
            let query = target
                .split_once('?')
                .map(|(_, q)| format!("?{q}"))
                .unwrap_or_default();
            text_response(301, "moved")
                .with_header(header("Location", &format!("{location}{query}")))
        }
        Target::NotFound => not_found(&files),
    };
    let _ = request.respond(response);
}

/// The site's own `404.html`, with status 404.
fn not_found(files: &Files) -> Response<std::io::Cursor<Vec<u8>>> {
    match files.get("404.html") {
        Some(page) => Response::from_data(inject(page))
            .with_status_code(StatusCode(404))
            .with_header(header("Content-Type", "text/html; charset=utf-8")),
        None => text_response(404, "not found"),
    }
}

fn stream_events(state: &Arc<State>, request: Request) {
    if state.events.streams.load(Ordering::Relaxed) >= MAX_STREAMS {
        let _ = request.respond(text_response(503, "too many open event streams"));
        return;
    }
    state.events.streams.fetch_add(1, Ordering::Relaxed);
    let state = Arc::clone(state);
    std::thread::spawn(move || {
        let rx = state.events.subscribe();
        let mut writer = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        let mut ok = writer
            .write_all(head.as_bytes())
            .and_then(|_| writer.flush())
            .is_ok();
        while ok {
            let message = match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(m) => m,
                // A comment line keeps proxies from closing an idle stream, and finds
                // closed ones.
                Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
                Err(RecvTimeoutError::Disconnected) => break,
            };
            ok = writer
                .write_all(message.as_bytes())
                .and_then(|_| writer.flush())
                .is_ok();
        }
        state.events.streams.fetch_sub(1, Ordering::Relaxed);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_hostile_paths() {
        let table: &[(&str, Option<&str>)] = &[
            ("/", Some("")),
            ("/places/baku/", Some("places/baku/")),
            ("/places/baku", Some("places/baku")),
            ("/style.css?v=2", Some("style.css")),
            ("/a%20b.png", Some("a b.png")),
            ("/../etc/passwd", None),
            ("/places/../../etc/passwd", None),
            ("/%2e%2e/etc/passwd", None),
            ("/%2E%2E%2Fetc%2Fpasswd", None),
            ("/places/%2e%2e/%2e%2e/x", None),
            ("/..%5c..%5cwindows", None),
            ("/a\\b", None),
            ("/a%00b", None),
            ("/a%0d%0aSet-Cookie:x", None),
            ("/%ff%fe", None),
            ("/%zz", None),
            ("/%2", None),
            ("/./index.html", None),
            ("http://evil.example/index.html", None),
            ("//evil.example/x", Some("evil.example/x")),
            ("*", None),
            ("", None),
        ];
        for (input, expected) in table {
            assert_eq!(sanitize(input).as_deref(), *expected, "{input}");
        }
        // Double encoding decodes once: `%252e` is the literal name `%2e`, not `.`.
        assert_eq!(sanitize("/%252e%252e/x").as_deref(), Some("%2e%2e/x"));
        assert_eq!(sanitize(&format!("/{}", "a".repeat(3000))), None);
    }

    #[test]
    fn resolves_folders_redirects_and_misses() {
        let files: Files = ["index.html", "places/index.html", "style.css"]
            .iter()
            .map(|p| (p.to_string(), Arc::new(Vec::new())))
            .collect();
        assert_eq!(resolve(&files, ""), Target::File("index.html".into()));
        assert_eq!(
            resolve(&files, "places/"),
            Target::File("places/index.html".into())
        );
        assert_eq!(
            resolve(&files, "places"),
            Target::Redirect("/places/".into())
        );
        assert_eq!(
            resolve(&files, "style.css"),
            Target::File("style.css".into())
        );
        assert_eq!(resolve(&files, "nothing"), Target::NotFound);
        assert_eq!(resolve(&files, "style.css/"), Target::NotFound);
    }

    #[test]
    fn injects_the_script_before_the_body_ends() {
        let out = inject(b"<html><body><p>x</p></BODY></html>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body><p>x</p><script src=\"/__dossier/live.js\"></script></BODY></html>"
        );
        let bare = inject(b"<p>no body</p>");
        assert!(
            String::from_utf8(bare)
                .unwrap()
                .ends_with("<script src=\"/__dossier/live.js\"></script>")
        );
    }

    #[test]
    fn allows_only_local_hosts() {
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        for ok in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LOCALHOST",
            "[::1]:1111",
            "127.0.0.2",
        ] {
            assert!(host_allowed(ok, local), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "127.0.0.1.nip.io",
            "192.168.1.5:1111",
            "",
            "localhost.evil.example",
        ] {
            assert!(!host_allowed(bad, local), "{bad}");
        }
        let all: IpAddr = "0.0.0.0".parse().unwrap();
        assert!(host_allowed("192.168.1.5:1111", all));
        assert!(!host_allowed("evil.example", all));
    }

    #[test]
    fn content_types_cover_the_theme() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("atom.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("map.PNG"), "image/png");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
