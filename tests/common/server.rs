//! `dossier serve` as a child process on a free port, stopped with SIGINT when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

pub struct Server {
    pub child: Child,
    pub port: u16,
    /// Every line the server prints, as it prints them.
    pub lines: Receiver<String>,
}

impl Server {
    pub fn start(root: &Path) -> Server {
        Server::start_on(root, super::browser::free_port())
    }

    /// Starts on `port`, or the next free port after it; `port` is then the one taken.
    pub fn start_on(root: &Path, port: u16) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
        command.args([
            "--root",
            root.to_str().unwrap(),
            "serve",
            "--port",
            &port.to_string(),
        ]);
        Server::spawn(command, port)
    }

    /// Starts under `ulimit ULIMIT` (e.g. `-n 256`) of the shell, which then `exec`s the
    /// server: the child's id is the server's.
    pub fn start_with_ulimit(root: &Path, ulimit: &str) -> Server {
        let port = super::browser::free_port();
        let mut command = Command::new("bash");
        command.args([
            "-c",
            &format!("ulimit {ulimit} && exec \"$0\" --root \"$1\" serve --port \"$2\""),
            env!("CARGO_BIN_EXE_dossier"),
            root.to_str().unwrap(),
            &port.to_string(),
        ]);
        Server::spawn(command, port)
    }

    fn spawn(mut command: Command, port: u16) -> Server {
        let mut child = command
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dossier serve");
        let (tx, lines) = channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let mut server = Server { child, port, lines };
        let line = server.wait_for("serving http://");
        server.port = line
            .rsplit(':')
            .next()
            .and_then(|p| p.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        server
    }

    /// Waits for a printed line containing `text` (at most 30 s), returning it.
    #[track_caller]
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(line) => seen.push(line),
                Err(e) => panic!("the server never printed {text:?} ({e}); it printed {seen:?}"),
            }
        }
    }

    /// A line of the server's `/proc/PID/status`, e.g. `VmHWM`, in its unit (kB).
    pub fn status_kb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in {status}"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Sends `raw` as is and returns the whole answer.
    pub fn raw(&self, raw: &[u8]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(raw).unwrap();
        // Nothing more will be sent: a half-sent request ends here.
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// A GET with `Connection: close`: (status, headers, body).
    pub fn get(&self, target: &str) -> (u16, String, String) {
        let answer = self.raw(
            format!(
                "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                self.port
            )
            .as_bytes(),
        );
        split_response(&answer)
    }

    /// An open event stream; lines arrive on the receiver.
    pub fn events(&self) -> Receiver<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .write_all(
                format!(
                    "GET /__dossier/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
                    self.port
                )
                .as_bytes(),
            )
            .unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        rx
    }

    /// Sends SIGINT (Ctrl-C) and returns the exit code.
    pub fn interrupt(&mut self) -> Option<i32> {
        Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        self.child.wait().ok().and_then(|s| s.code())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn split_response(answer: &str) -> (u16, String, String) {
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// Waits until an event stream is open: the server subscribes it before it answers.
#[track_caller]
pub fn wait_open(events: &Receiver<String>) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match events.recv_timeout(left) {
            Ok(line) if line.starts_with("retry:") => return,
            Ok(_) => {}
            Err(e) => panic!("the event stream did not open: {e}"),
        }
    }
}

/// Reads lines until one starts with `event: NAME`, then returns the data line.
#[track_caller]
pub fn next_event(events: &Receiver<String>, name: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = events
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("no `{name}` event ({e}); saw {seen:?}"));
        seen.push(line.clone());
        if line == format!("event: {name}") {
            let data = events.recv_timeout(Duration::from_secs(5)).unwrap();
            return data.strip_prefix("data: ").unwrap_or(&data).to_string();
        }
    }
}
