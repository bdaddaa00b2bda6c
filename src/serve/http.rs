//! The HTTP side of `dossier serve`: only files of the built site, from memory, with the
//! live-reload script injected into HTML, and Server-Sent Events at `/__dossier/events`.

use std::io::Write as _;
use std::net::{IpAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::conn::{self, Body, Handler, Reply, Request, Response};
use super::project::Files;
use crate::output::joined::Held;

pub const EVENTS_PATH: &str = "/__dossier/events";
pub const SCRIPT_PATH: &str = "/__dossier/live.js";
const LIVE_JS: &str = include_str!("live.js");
/// Open event streams beyond this get 503: each holds a connection and its thread.
pub const MAX_STREAMS: usize = 512;

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

/// A decoded site path as it goes in a URL: bytes other than unreserved characters, `/`
/// and sub-delimiters percent-encoded (`%` too, so that decoding gives the path back).
pub fn encode_path(path: &str) -> String {
    encode(path, |b| {
        b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b)
    })
}

/// A query as received, with anything that may not stand in a header value
/// percent-encoded (it is already encoded otherwise).
fn encode_query(query: &str) -> String {
    encode(query, |b| b.is_ascii_graphic())
}

fn encode(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
        // `rel` is decoded: a header carries it percent-encoded.
        return Target::Redirect(format!("/{}/", encode_path(rel)));
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

/// The page of `file` with the live-reload script before `</body>`.
fn inject_into(file: &Held) -> Vec<u8> {
    match file.whole() {
        Some(bytes) => inject(bytes),
        None => inject(&file.to_vec()),
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
    /// The files served: changed in place, a rebuild's changed paths at a time, under
    /// the write lock (see `serve::publish`), so that a request sees one build or the next.
    pub files: RwLock<Files>,
    pub events: Events,
    pub bound: IpAddr,
    /// True while the data files (sitemap, search index) of a rebuild are being written,
    /// after its pages are served: requests for them wait.
    pub data_pending: Mutex<bool>,
    pub data_ready: Condvar,
}

impl State {
    pub fn new(bound: IpAddr) -> State {
        State {
            files: RwLock::new(Files::new()),
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

impl Handler for State {
    fn handle(&self, request: &Request<'_>) -> Reply {
        handle(self, request)
    }

    fn stream(&self, stream: &mut TcpStream) {
        stream_events(self, stream);
    }
}

fn html(status: u16, body: Vec<u8>) -> Response {
    Response::new(status, Body::Owned(body)).header("Content-Type", "text/html; charset=utf-8")
}

/// Answers one request; an event stream is run by the connection afterwards.
pub fn handle(state: &State, request: &Request<'_>) -> Reply {
    Reply::Response(match answer(state, request) {
        Some(response) => response,
        None => return Reply::Stream,
    })
}

/// The answer to a request, or `None` for an event stream.
fn answer(state: &State, request: &Request<'_>) -> Option<Response> {
    let Some(host) = request.host else {
        return Some(Response::text(400, "missing Host header"));
    };
    if !host_allowed(host, state.bound) {
        return Some(Response::text(
            403,
            "this preview answers only to localhost",
        ));
    }
    let method = request.method;
    if method != "GET" && method != "HEAD" {
        return Some(Response::text(405, "only GET and HEAD").header("Allow", "GET, HEAD"));
    }
    let target = request.target;
    let path = target.split('?').next().unwrap_or("");
    if path == EVENTS_PATH && method == "GET" {
        return None;
    }
    if path == SCRIPT_PATH {
        return Some(
            Response::new(200, Body::Owned(LIVE_JS.as_bytes().to_vec()))
                .header("Content-Type", "text/javascript; charset=utf-8")
                .header("Cache-Control", "no-store"),
        );
    }
    let rel_path = path.trim_start_matches('/');
    if super::project::is_data_file(rel_path) {
        state.wait_for_data();
    }
    let Ok(files) = state.files.read() else {
        return Some(Response::text(500, "the site is not available"));
    };
    let Some(rel) = sanitize(target) else {
        return Some(not_found(&files));
    };
    Some(match resolve(&files, &rel) {
        Target::File(key) => {
            let kind = content_type(&key);
            let body = match files.get(&key) {
                Some(file) if kind.starts_with("text/html") => Body::Owned(inject_into(file)),
                Some(file) => Body::Shared(file.clone()),
                None => return Some(not_found(&files)),
            };
            Response::new(200, body)
                .header("Content-Type", kind)
                .header("Cache-Control", "no-store")
        }
        Target::Redirect(location) => {
            let query = target
                .split_once('?')
                .map_or(String::new(), |(_, q)| format!("?{}", encode_query(q)));
            Response::text(301, "moved").header("Location", format!("{location}{query}"))
        }
        Target::NotFound => not_found(&files),
    })
}

/// The site's own `404.html`, with status 404.
fn not_found(files: &Files) -> Response {
    match files.get("404.html") {
        Some(page) => html(404, inject_into(page)),
        None => Response::text(404, "not found"),
    }
}

/// Open event streams beyond [`MAX_STREAMS`] are refused, as long as this one lives.
struct StreamSlot<'a>(&'a AtomicUsize);

impl Drop for StreamSlot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How often a waiting event stream looks whether its client has gone.
const GONE_CHECK: Duration = Duration::from_millis(250);
/// A comment line this often keeps proxies from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

fn stream_events(state: &State, stream: &mut TcpStream) {
    let streams = &state.events.streams;
    let taken = streams.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
        (n < MAX_STREAMS).then_some(n + 1)
    });
    if taken.is_err() {
        let busy = Response::text(503, "too many open event streams");
        let _ = conn::write_response(stream, &busy, false, true);
        return;
    }
    let _slot = StreamSlot(streams);
    let rx = state.events.subscribe();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut last_write = Instant::now();
    loop {
        let message = match rx.recv_timeout(GONE_CHECK) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => {
                // The slot is freed as soon as the page goes, not at the next write.
                if conn::peer_gone(stream) {
                    return;
                }
                if last_write.elapsed() < KEEP_ALIVE {
                    continue;
                }
                ": keep-alive\n\n".to_string()
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if stream.write_all(message.as_bytes()).is_err() {
            return;
        }
        last_write = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

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
    fn redirects_carry_the_path_percent_encoded() {
        let files: Files = ["Ünïcode/index.html", "a b%/index.html"]
            .iter()
            .map(|p| (p.to_string(), Held::Bytes(Arc::new(Vec::new()))))
            .collect();
        assert_eq!(
            resolve(&files, "Ünïcode"),
            Target::Redirect("/%C3%9Cn%C3%AFcode/".into())
        );
        assert_eq!(
            resolve(&files, "a b%"),
            Target::Redirect("/a%20b%25/".into())
        );
        assert_eq!(encode_query("x=%ff%0d é"), "x=%ff%0d%20%C3%A9");
    }

    #[test]
    fn resolves_folders_redirects_and_misses() {
        let files: Files = ["index.html", "places/index.html", "style.css"]
            .iter()
            .map(|p| (p.to_string(), Held::Bytes(Arc::new(Vec::new()))))
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
