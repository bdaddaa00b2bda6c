//! The connection layer of `dossier serve`, on `std::net`: one thread per connection, with
//! bounds on everything a client controls.
//!
//! - Open connections are capped below the open-file limit; one over the cap gets a 503
//!   and is closed at once. The accept loop never ends on an error: after running out of
//!   file descriptors (or memory) it waits a little, longer each time, and goes on.
//! - A request head (request line and headers) is at most [`MAX_HEAD`] bytes (431 beyond),
//!   and must arrive within [`HEAD_TIMEOUT`]; a connection idle for [`IDLE_TIMEOUT`] is
//!   closed. A write that makes no progress for [`WRITE_TIMEOUT`] closes the connection,
//!   so a client that never reads holds only its own thread, and only for that long.
//! - Pipelined requests are answered in order on their own connection. Bodies are never
//!   read: a request with one is answered and its connection closed.
//! - A panic while answering closes that connection only.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::io::Errno;

use crate::output::joined::Held;

/// The largest request head read; browsers send 1–2 KB, and Node.js allows 16 KiB.
pub const MAX_HEAD: usize = 16 * 1024;
/// The most headers in one request (more get 431).
const MAX_HEADERS: usize = 100;
/// Time allowed for a whole request head once its first byte has come.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(15);
/// A kept-alive connection with no new request for this long is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// A write that moves no byte for this long ends the connection.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(20);
/// Connection threads run a small handler; this is plenty and keeps thousands cheap.
const STACK_SIZE: usize = 256 * 1024;
/// How often the accept loop looks at the stop flag.
const STOP_CHECK: Duration = Duration::from_millis(200);

/// A parsed request head.
#[derive(Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    pub target: &'a str,
    /// The `Host` header; `""` when it is not UTF-8.
    pub host: Option<&'a str>,
}

#[derive(Debug)]
pub enum Body {
    Owned(Vec<u8>),
    /// A file of the site, shared with it.
    Shared(Held),
}

impl Body {
    fn len(&self) -> usize {
        match self {
            Body::Owned(b) => b.len(),
            Body::Shared(f) => f.len(),
        }
    }

    /// The bytes, when they are whole in memory.
    fn whole(&self) -> Option<&[u8]> {
        match self {
            Body::Owned(b) => Some(b),
            Body::Shared(f) => f.whole(),
        }
    }
}

/// A complete answer: status, headers (`Content-Length` and `Connection` are added), body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

impl Response {
    pub fn new(status: u16, body: Body) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    pub fn text(status: u16, text: &str) -> Response {
        Response::new(status, Body::Owned(text.as_bytes().to_vec()))
            .header("Content-Type", "text/plain; charset=utf-8")
    }
}

/// What the handler does with a request.
pub enum Reply {
    Response(Response),
    /// The connection becomes a long-lived stream, given to [`Handler::stream`].
    Stream,
}

pub trait Handler: Send + Sync + 'static {
    fn handle(&self, request: &Request<'_>) -> Reply;
    /// Runs a stream asked for by [`Reply::Stream`] until it ends; the connection is then
    /// closed.
    fn stream(&self, stream: &mut TcpStream);
}

/// How many connections to keep open at most with `nofile` file descriptors: a quarter
/// (at least 64) stays free for the rebuilds' files, the watcher and the listener.
pub fn connection_cap(nofile: u64) -> usize {
    let reserve = (nofile / 4).max(64);
    let cap = nofile.saturating_sub(reserve).clamp(16, 8192);
    usize::try_from(cap).unwrap_or(8192)
}

/// Raises the soft limit of open files to the hard limit, and returns the soft limit now
/// in force (`None`: unlimited or unknown).
pub fn raise_nofile_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        let raised = rustix::process::Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return limit.maximum;
        }
    }
    limit.current
}

/// Accepts connections on `listener` until `stop` is set, each on a thread of its own,
/// at most `cap` at once.
pub fn accept_loop<H: Handler>(
    listener: &TcpListener,
    handler: &Arc<H>,
    cap: usize,
    stop: &AtomicBool,
) {
    // Non-blocking, so that the loop can look at `stop` between connections.
    let _ = listener.set_nonblocking(true);
    let open = Arc::new(AtomicUsize::new(0));
    let mut backoff = Duration::ZERO;
    let wait = Timespec {
        tv_sec: 0,
        tv_nsec: i64::from(STOP_CHECK.subsec_nanos()),
    };
    while !stop.load(Ordering::SeqCst) {
        if !backoff.is_zero() {
            std::thread::sleep(backoff);
        }
        let mut fds = [PollFd::new(listener, PollFlags::IN)];
        if !matches!(poll(&mut fds, Some(&wait)), Ok(n) if n > 0) {
            continue;
        }
        match listener.accept() {
            Ok((stream, _)) => {
                backoff = Duration::ZERO;
                admit(stream, handler, &open, cap);
            }
            Err(e) => backoff = after_accept_error(&e, backoff),
        }
    }
}

/// How long to wait before the next accept after `error`.
fn after_accept_error(error: &io::Error, backoff: Duration) -> Duration {
    let errno = Errno::from_io_error(error);
    match errno {
        // Out of descriptors or memory: nothing frees up by trying again at once.
        Some(Errno::MFILE | Errno::NFILE | Errno::NOBUFS | Errno::NOMEM) => {
            (backoff * 2).clamp(Duration::from_millis(10), Duration::from_secs(1))
        }
        // The connection went before it was accepted, a signal, or no connection after all.
        Some(Errno::CONNABORTED | Errno::INTR | Errno::PROTO | Errno::AGAIN) => Duration::ZERO,
        // Anything else: do not spin on it.
        _ => Duration::from_millis(50),
    }
}

/// Counts an open connection for as long as it lives (also through a panic).
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn admit<H: Handler>(stream: TcpStream, handler: &Arc<H>, open: &Arc<AtomicUsize>, cap: usize) {
    if open.load(Ordering::SeqCst) >= cap {
        refuse(stream);
        return;
    }
    open.fetch_add(1, Ordering::SeqCst);
    let slot = Slot(Arc::clone(open));
    let handler = Arc::clone(handler);
    // When no thread can be made, the closure (the stream and its slot) is dropped: the
    // connection closes and its slot is freed.
    let _ = std::thread::Builder::new()
        .name("dossier-http".into())
        .stack_size(STACK_SIZE)
        .spawn(move || {
            let _slot = slot;
            let _ = catch_unwind(AssertUnwindSafe(|| connection(stream, &*handler)));
        });
}

/// A short 503 for a connection over the cap, written without waiting, and closed.
fn refuse(mut stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let _ = stream.write(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\
          Content-Length: 26\r\nRetry-After: 1\r\nConnection: close\r\n\r\n\
          too many open connections\n",
    );
}

/// What reading a request head came to.
enum Head {
    /// A whole head of this many bytes is at the start of the buffer.
    Complete(usize),
    /// The client closed, went quiet, or the socket failed.
    Gone,
    TooLarge,
    Bad,
}

/// Reads until `buf` starts with a whole request head.
fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Head {
    let mut deadline = Instant::now()
        + if buf.is_empty() {
            IDLE_TIMEOUT
        } else {
            HEAD_TIMEOUT
        };
    let mut chunk = [0u8; 4096];
    loop {
        if !buf.is_empty() {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            match httparse::Request::new(&mut headers).parse(buf) {
                Ok(httparse::Status::Complete(n)) => return Head::Complete(n),
                Ok(httparse::Status::Partial) => {}
                Err(httparse::Error::TooManyHeaders) => return Head::TooLarge,
                Err(_) => return Head::Bad,
            }
            if buf.len() >= MAX_HEAD {
                return Head::TooLarge;
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Head::Gone;
        }
        let room = (MAX_HEAD - buf.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) => return Head::Gone,
            Ok(n) => {
                if buf.is_empty() {
                    deadline = Instant::now() + HEAD_TIMEOUT;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Head::Gone,
        }
    }
}

/// What a request head says beyond method, target and host.
struct Framing {
    keep_alive: bool,
    has_body: bool,
}

/// Answers the requests of one connection, in order, until it closes.
fn connection<H: Handler>(mut stream: TcpStream, handler: &H) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let mut buf = Vec::new();
    loop {
        let n = match read_head(&mut stream, &mut buf) {
            Head::Complete(n) => n,
            Head::Gone => return,
            Head::TooLarge => {
                return fail(stream, &Response::text(431, "request head too large"));
            }
            Head::Bad => return fail(stream, &Response::text(400, "bad request")),
        };
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut headers);
        if !matches!(parsed.parse(&buf[..n]), Ok(httparse::Status::Complete(_))) {
            return fail(stream, &Response::text(400, "bad request"));
        }
        let framing = match framing(&parsed) {
            Ok(f) => f,
            Err(response) => return fail(stream, &response),
        };
        let host = match hosts(parsed.headers) {
            Ok(host) => host,
            Err(()) => return fail(stream, &Response::text(400, "more than one Host header")),
        };
        let request = Request {
            method: parsed.method.unwrap_or(""),
            target: parsed.path.unwrap_or(""),
            host,
        };
        let head_only = request.method == "HEAD";
        match handler.handle(&request) {
            Reply::Stream => {
                handler.stream(&mut stream);
                return;
            }
            Reply::Response(response) => {
                let close = !framing.keep_alive || framing.has_body;
                if write_response(&mut stream, &response, head_only, close).is_err() {
                    return;
                }
                if close {
                    return linger(stream);
                }
            }
        }
        buf.drain(..n);
    }
}

fn header_value<'h>(headers: &'h [httparse::Header<'_>], name: &str) -> Option<&'h [u8]> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value)
}

fn has_token(value: Option<&[u8]>, token: &str) -> bool {
    value.is_some_and(|v| {
        v.split(|&b| b == b',')
            .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
    })
}

/// Keep-alive and body, from the version and headers; or the error answer.
fn framing(request: &httparse::Request<'_, '_>) -> Result<Framing, Response> {
    let headers = &*request.headers;
    if let Some(expect) = header_value(headers, "Expect")
        && !expect.trim_ascii().eq_ignore_ascii_case(b"100-continue")
    {
        return Err(Response::text(417, "unknown Expect"));
    }
    let mut length: Option<u64> = None;
    for h in headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("Content-Length"))
    {
        let n = std::str::from_utf8(h.value)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok());
        match (n, length) {
            (None, _) => return Err(Response::text(400, "bad Content-Length")),
            (Some(n), Some(m)) if n != m => {
                return Err(Response::text(400, "conflicting Content-Length"));
            }
            (Some(n), _) => length = Some(n),
        }
    }
    let has_body = length.unwrap_or(0) > 0 || header_value(headers, "Transfer-Encoding").is_some();
    let connection = header_value(headers, "Connection");
    let keep_alive = if request.version == Some(0) {
        has_token(connection, "keep-alive")
    } else {
        !has_token(connection, "close")
    };
    Ok(Framing {
        keep_alive,
        has_body,
    })
}

/// The one `Host` header, if any (`""` when it is not UTF-8); `Err` for two or more.
fn hosts<'a>(headers: &[httparse::Header<'a>]) -> Result<Option<&'a str>, ()> {
    let mut found = headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("Host"))
        .map(|h| std::str::from_utf8(h.value).unwrap_or(""));
    let first = found.next();
    if found.next().is_some() {
        return Err(());
    }
    Ok(first)
}

/// Answers with an error and closes the connection (the client may still be sending).
fn fail(mut stream: TcpStream, response: &Response) {
    if write_response(&mut stream, response, false, true).is_ok() {
        linger(stream);
    }
}

/// Closes a connection whose client may still be sending (a body, the rest of a huge
/// head): closing with unread bytes would reset the connection and could destroy the
/// answer before the client reads it. So: no more writes, then read and drop what comes,
/// up to 1 MiB or a second.
fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut left = 1usize << 20;
    let mut chunk = [0u8; 4096];
    while left > 0 {
        let time = deadline.saturating_duration_since(Instant::now());
        if time.is_zero() || stream.set_read_timeout(Some(time)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        417 => "Expectation Failed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes `response`; with `close`, says that the connection closes after it.
pub fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    head_only: bool,
    close: bool,
) -> io::Result<()> {
    let body = &response.body;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        // A value is ours, never a client's bytes unchecked; still, no header splitting.
        if value
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
        {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if head_only {
        return stream.write_all(&out);
    }
    match body.whole() {
        Some(bytes) if bytes.len() <= 16 * 1024 => {
            out.extend_from_slice(bytes);
            stream.write_all(&out)
        }
        Some(bytes) => {
            stream.write_all(&out)?;
            stream.write_all(bytes)
        }
        // A file joined from many small parts: written through a buffer, not a call each.
        None => {
            let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut *stream);
            buffered.write_all(&out)?;
            if let Body::Shared(file) = body {
                file.write_to(&mut buffered)?;
            }
            buffered.flush()
        }
    }
}

/// Whether the client of a stream that it only reads has gone: closed or reset.
pub fn peer_gone(stream: &TcpStream) -> bool {
    let mut fds = [PollFd::new(
        stream,
        PollFlags::IN | PollFlags::RDHUP | PollFlags::HUP | PollFlags::ERR,
    )];
    let now = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match poll(&mut fds, Some(&now)) {
        Ok(n) if n > 0 => {
            let events = fds[0].revents();
            if events.intersects(PollFlags::RDHUP | PollFlags::HUP | PollFlags::ERR) {
                return true;
            }
            // Readable: the end of the stream, or bytes the client should not send; those
            // are read and dropped.
            let mut chunk = [0u8; 1024];
            match (&*stream).read(&mut chunk) {
                Ok(0) | Err(_) => true,
                Ok(_) => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_cap_leaves_descriptors_free() {
        assert_eq!(connection_cap(256), 192);
        assert_eq!(connection_cap(1024), 768);
        assert_eq!(connection_cap(100), 36);
        assert_eq!(connection_cap(10), 16);
        assert_eq!(connection_cap(1 << 20), 8192);
    }

    #[test]
    fn running_out_of_descriptors_backs_off_and_aborted_connections_do_not() {
        let emfile = io::Error::from_raw_os_error(Errno::MFILE.raw_os_error());
        let first = after_accept_error(&emfile, Duration::ZERO);
        assert_eq!(first, Duration::from_millis(10));
        assert_eq!(
            after_accept_error(&emfile, first),
            Duration::from_millis(20)
        );
        assert_eq!(
            after_accept_error(&emfile, Duration::from_secs(1)),
            Duration::from_secs(1)
        );
        let aborted = io::Error::from_raw_os_error(Errno::CONNABORTED.raw_os_error());
        assert_eq!(after_accept_error(&aborted, first), Duration::ZERO);
    }
}
