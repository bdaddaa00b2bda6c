//! Keeps tiny_http's connection queue moving.
//!
//! tiny_http (0.12) runs every accepted connection on a thread of its pool, and the thread
//! stays with the connection until the client closes it: a browser keeps its connections
//! open for minutes after their answers. When a connection arrives, the pool hands it to
//! an idle thread, or starts a new thread when it counts none idle. But a thread that has
//! been woken for a connection still counts as idle until it runs, so when a browser opens
//! several connections within microseconds (it opens up to six at once), the later ones
//! can be queued with no thread woken for them. They wait until some thread finishes its
//! connection, which can be minutes, and the page never finishes loading.
//!
//! A queued connection is taken by the next thread that comes back to the queue. A
//! connection that closes at once brings one back: if the pool has an idle thread, that
//! thread wakes, takes the oldest queued connection first; if it has none, a new thread
//! takes the empty connection, finishes it at once and goes on to the queue. So after
//! every answered request (when connections arrive, requests follow), and every second
//! in any case, the drainer opens a connection to the server and closes it unused.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the queue is drained when no request asks for it.
const EVERY: Duration = Duration::from_secs(1);
/// At most one drain in this time, however many requests ask: under load the queue is
/// drained 1,000 times a second, not once per request.
const GAP: Duration = Duration::from_millis(1);

/// The handle the request handlers ask for a drain with.
#[derive(Clone)]
pub struct Drain {
    ask: SyncSender<()>,
}

impl Drain {
    /// Asks for a drain soon; never blocks (a drain already asked for covers this one).
    pub fn soon(&self) {
        let _ = self.ask.try_send(());
    }
}

/// Starts the drainer for a server listening at `addr`. Once `stop` is set, it stops at
/// its next drain (`Drain::soon` makes that now).
pub fn start(addr: SocketAddr, stop: Arc<AtomicBool>) -> (Drain, JoinHandle<()>) {
    let (ask, asked) = sync_channel(1);
    let target = reachable(addr);
    let thread = std::thread::spawn(move || run(target, &asked, &stop));
    (Drain { ask }, thread)
}

fn run(target: SocketAddr, asked: &Receiver<()>, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match asked.recv_timeout(EVERY) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if stop.load(Ordering::SeqCst) {
            return;
        }
        // Connected and dropped: the server's thread reads the end of the stream at once.
        let _ = TcpStream::connect_timeout(&target, Duration::from_secs(1));
        std::thread::sleep(GAP);
    }
}

/// The address a client reaches the server at: a server bound to every address is
/// reached on loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_on_every_address_is_reached_on_loopback() {
        let v4: SocketAddr = "0.0.0.0:4000".parse().unwrap();
        assert_eq!(reachable(v4), "127.0.0.1:4000".parse().unwrap());
        let v6: SocketAddr = "[::]:4000".parse().unwrap();
        assert_eq!(reachable(v6), "[::1]:4000".parse().unwrap());
        let lan: SocketAddr = "192.168.1.5:4000".parse().unwrap();
        assert_eq!(reachable(lan), lan);
    }
}
