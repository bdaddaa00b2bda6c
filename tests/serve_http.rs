//! `dossier serve` over HTTP: only the built site, from memory; events; Ctrl-C.

mod common;

use common::TestSite;
use common::server::{Server, next_event};

#[test]
fn serves_pages_with_the_script_and_the_right_types() {
    let site = TestSite::fixture("graph");
    site.write("static/style.css", "body { color: black; }");
    let sources = site.source_files();
    let server = Server::start(site.root());
    let (status, head, body) = server.get("/people/anna/");
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("Content-Type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(
        body.contains("<script src=\"/__dossier/live.js\"></script></body>"),
        "the live script is injected"
    );
    for (path, kind) in [
        ("/style.css", "text/css"),
        ("/search.js", "text/javascript"),
        ("/atom.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
        ("/__dossier/live.js", "text/javascript"),
    ] {
        let (status, head, _) = server.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(
            head.contains(&format!("Content-Type: {kind}")),
            "{path}: {head}"
        );
    }
    let (status, head, _) = server.get("/people?x=1");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /people/?x=1"), "{head}");
    let (status, _, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"), "the site's own 404 page");
    let head_only = server.raw(
        format!(
            "HEAD / HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
            server.port
        )
        .as_bytes(),
    );
    let (status, head, body) = common::server::split_response(&head_only);
    assert_eq!(status, 200);
    assert!(head.contains("Content-Length:"), "{head}");
    assert!(body.is_empty(), "HEAD has no body");
    // Serve leaves public/ alone and writes nothing into the site's own folders.
    assert!(!site.path("public").exists());
    assert_eq!(site.source_files(), sources);
}

#[test]
fn hostile_requests_get_a_4xx_and_nothing_outside_the_site() {
    let site = TestSite::fixture("graph");
    site.write("secret.txt", "TOP-SECRET");
    let server = Server::start(site.root());
    let port = server.port;
    let requests: Vec<String> = [
        "GET /../secret.txt HTTP/1.1",
        "GET /%2e%2e/secret.txt HTTP/1.1",
        "GET /%252e%252e/secret.txt HTTP/1.1",
        "GET /..%2fsecret.txt HTTP/1.1",
        "GET /..\\secret.txt HTTP/1.1",
        "GET /%5c..%5csecret.txt HTTP/1.1",
        "GET /site.yaml HTTP/1.1",
        "GET /content/people/anna.md HTTP/1.1",
        "GET /%00 HTTP/1.1",
        "GET http://127.0.0.1/secret.txt HTTP/1.1",
        "GET /etc/passwd HTTP/1.1",
        "DELETE / HTTP/1.1",
        "POST /search/ HTTP/1.1",
    ]
    .iter()
    .map(|line| format!("{line}\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"))
    .chain([
        format!(
            "GET /{} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n",
            "a/".repeat(3000)
        ),
        "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".to_string(),
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n".to_string(),
    ])
    .collect();
    for request in &requests {
        let answer = server.raw(request.as_bytes());
        let (status, _, body) = common::server::split_response(&answer);
        assert!((400..500).contains(&status), "{request:?} → {status}");
        assert!(
            !body.contains("TOP-SECRET") && !body.contains("root:"),
            "{request:?} leaked"
        );
    }
    // A half-sent request is dropped without harm, and the server still answers.
    let _ = server.raw(b"GET / HTT");
    assert_eq!(server.get("/").0, 200);
}

#[test]
fn edits_push_events_and_errors_keep_the_last_good_site() {
    let site = TestSite::fixture("graph");
    site.write("static/style.css", "body { color: black; }");
    let server = Server::start(site.root());
    let events = server.events();
    common::server::wait_open(&events);
    let text = std::fs::read_to_string(site.path("content/places/road.md")).unwrap();

    site.write("content/places/road.md", &text.replace("Old.", "Very old."));
    let data = next_event(&events, "reload");
    let urls: Vec<String> = serde_json::from_str(&data).unwrap();
    assert!(urls.contains(&"/places/road/".to_string()), "{urls:?}");
    assert!(server.get("/places/road/").2.contains("Very old."));

    site.write("content/places/road.md", "---\ntitle: [broken\n---\n");
    let data = next_event(&events, "error");
    let problems: serde_json::Value = serde_json::from_str(&data).unwrap();
    let road = problems
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["file"] == "content/places/road.md")
        .expect("the broken file is named");
    assert_eq!(road["line"], 3);
    server.wait_for("error: content/places/road.md:3:1:");
    assert!(
        server.get("/places/road/").2.contains("Very old."),
        "the last good build is served"
    );

    site.write("content/places/road.md", &text);
    next_event(&events, "reload");
    assert!(server.get("/places/road/").2.contains("Old."));

    site.write("static/style.css", "body { color: teal; }");
    let data = next_event(&events, "css");
    assert_eq!(data, "[\"/style.css\"]");
}

#[test]
fn pages_added_and_removed_while_serving_are_served_and_gone() {
    // The server copies only the paths a rebuild changed into what it serves: an added
    // page must appear, a removed one must go, and the data files must follow.
    let site = TestSite::fixture("graph");
    let server = Server::start(site.root());
    let events = server.events();
    common::server::wait_open(&events);
    assert_eq!(server.get("/places/quay/").0, 404);

    site.write(
        "content/places/quay.md",
        "---\ntitle: The Quay\nsources: [{title: A note}]\n---\nBy the water.\n",
    );
    next_event(&events, "reload");
    let (status, _, body) = server.get("/places/quay/");
    assert_eq!(status, 200);
    assert!(body.contains("By the water."));
    // Asked for while it is being written, the sitemap waits and then names the page.
    assert!(server.get("/sitemap.xml").2.contains("/places/quay/"));

    std::fs::remove_file(site.path("content/places/quay.md")).unwrap();
    next_event(&events, "reload");
    assert_eq!(server.get("/places/quay/").0, 404);
    assert!(!server.get("/sitemap.xml").2.contains("/places/quay/"));
    assert_eq!(server.get("/places/road/").0, 200);
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = TestSite::fixture("graph");
    let mut server = Server::start(site.root());
    let _stream = server.events();
    assert_eq!(server.get("/").0, 200);
    assert_eq!(server.interrupt(), Some(0));
}

#[test]
fn a_taken_port_moves_to_the_next_free_one() {
    let site = TestSite::fixture("graph");
    let first = Server::start(site.root());
    let second = Server::start_on(site.root(), first.port);
    assert_ne!(second.port, first.port);
    assert_eq!(second.get("/").0, 200);
}

#[test]
fn many_idle_event_streams_do_not_starve_file_requests() {
    let site = TestSite::fixture("graph");
    let server = Server::start(site.root());
    // Opened one after the other, as pages do (bursts are in the next test).
    let streams: Vec<_> = (0..200)
        .map(|_| {
            let stream = server.events();
            common::server::wait_open(&stream);
            stream
        })
        .collect();
    for _ in 0..20 {
        let (status, _, body) = server.get("/people/anna/");
        assert_eq!(status, 200);
        assert!(body.contains("Anna Petrova"));
    }
    // Every stream still gets events.
    let text = std::fs::read_to_string(site.path("content/places/road.md")).unwrap();
    site.write("content/places/road.md", &text.replace("Old.", "Older."));
    for stream in &streams {
        next_event(stream, "reload");
    }
}

#[test]
fn the_watcher_survives_the_content_folder_going_and_coming_back() {
    let site = TestSite::fixture("graph");
    let server = Server::start(site.root());
    let events = server.events();
    common::server::wait_open(&events);
    let moved = site.path("content-away");
    std::fs::rename(site.path("content"), &moved).unwrap();
    // Without content/ the site does not build; the last good one is served.
    next_event(&events, "error");
    assert_eq!(server.get("/people/anna/").0, 200);
    std::fs::rename(&moved, site.path("content")).unwrap();
    next_event(&events, "reload");
    // Edits inside the returned folder are seen again.
    let text = std::fs::read_to_string(site.path("content/places/road.md")).unwrap();
    site.write(
        "content/places/road.md",
        &text.replace("Old.", "Back again."),
    );
    loop {
        next_event(&events, "reload");
        if server.get("/places/road/").2.contains("Back again.") {
            break;
        }
    }
}

#[test]
fn connections_opened_together_are_all_answered_while_others_stay_open() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    let site = TestSite::fixture("graph");
    let server = Server::start(site.root());
    // A browser opens up to six connections at once and keeps them open after their
    // answers (keep-alive). Every connection here stays open: each must be answered
    // while the others are held (a pooled server once left some of them queued).
    let mut open = Vec::new();
    for round in 0..30 {
        let burst: Vec<TcpStream> = (0..6)
            .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
            .collect();
        for (i, mut stream) in burst.into_iter().enumerate() {
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let request = format!(
                "GET /people/anna/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
                server.port
            );
            stream.write_all(request.as_bytes()).unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    other => panic!("round {round}, connection {i}: no answer ({other:?})"),
                }
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("no length in {head}"));
            let mut body = vec![0u8; length];
            stream.read_exact(&mut body).unwrap();
            open.push(stream);
        }
    }
}

/// A connection whose receive buffer is 4 KB, as a client that reads slowly (or never)
/// has: the server's writes to it soon block.
fn slow_reader(port: u16) -> std::net::TcpStream {
    use rustix::net::{AddressFamily, SocketType, connect, socket, sockopt};
    let fd = socket(AddressFamily::INET, SocketType::STREAM, None).unwrap();
    sockopt::set_socket_recv_buffer_size(&fd, 4096).unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    connect(&fd, &addr).unwrap();
    let stream = std::net::TcpStream::from(fd);
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Reads the status line's first bytes: the server has started to answer.
#[track_caller]
fn read_status(stream: &mut std::net::TcpStream) -> String {
    use std::io::Read;
    let mut status = [0u8; 12];
    stream.read_exact(&mut status).expect("an answer begins");
    String::from_utf8_lossy(&status).into_owned()
}

/// GET `/` until it is answered 200, at most `tries` times 100 ms apart; the statuses seen.
fn get_until_ok(server: &Server, tries: usize) -> Vec<u16> {
    let mut seen = Vec::new();
    for _ in 0..tries {
        let status = server.get("/").0;
        seen.push(status);
        if status == 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    seen
}

#[test]
fn a_non_ascii_folder_without_its_slash_redirects_percent_encoded() {
    let site = TestSite::fixture("graph");
    site.write("static/Ünïcode/index.html", "<p>unicode</p>");
    let server = Server::start(site.root());
    // More than the request threads of a pool: none of them may be lost.
    for _ in 0..8 {
        let (status, head, _) = server.get("/%C3%9Cn%C3%AFcode?q=%C3%BC");
        assert_eq!(status, 301, "{head}");
        assert!(
            head.contains("Location: /%C3%9Cn%C3%AFcode/?q=%C3%BC\r\n"),
            "{head}"
        );
    }
    let (status, _, body) = server.get("/%C3%9Cn%C3%AFcode/");
    assert_eq!(status, 200);
    assert!(body.contains("unicode"));
    assert_eq!(server.get("/").0, 200);
}

#[test]
fn the_open_file_limit_is_raised_to_the_hard_limit() {
    let site = TestSite::fixture("graph");
    let server = Server::start_with_ulimit(site.root(), "-Sn 256");
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.child.id())).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    let numbers: Vec<&str> = line.split_whitespace().skip(3).take(2).collect();
    assert_eq!(numbers[0], numbers[1], "soft and hard: {line}");
}

#[test]
fn more_connections_than_the_file_limit_are_refused_and_then_served_again() {
    use std::io::Write;
    use std::net::TcpStream;
    use std::time::Duration;

    let site = TestSite::fixture("graph");
    let server = Server::start_with_ulimit(site.root(), "-n 256");
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    // Connections are accepted in order: once this one is dealt with, so were the 300.
    let mut last = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    last.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = last.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let mut answer = Vec::new();
    let outcome = std::io::Read::read_to_end(&mut last, &mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 503") || (answer.is_empty() && outcome.is_ok()),
        "a connection over the limit is refused or closed at once: {answer:?} {outcome:?}"
    );
    drop(idle);
    drop(last);
    let seen = get_until_ok(&server, 50);
    assert_eq!(seen.last(), Some(&200), "answered again: {seen:?}");
}

#[test]
fn an_endless_header_line_gets_431_and_is_not_kept_in_memory() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    let site = TestSite::fixture("graph");
    let server = Server::start(site.root());
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: ");
    let chunk = vec![b'a'; 1 << 20];
    let mut sent = 0;
    // 128 MB, or until the server closes the connection.
    while sent < 128 && stream.write_all(&chunk).is_ok() {
        sent += 1;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer:?}"
    );
    let peak = server.status_kb("VmHWM");
    assert!(peak < 64 * 1024, "the server's peak RSS is {peak} kB");
    assert_eq!(server.get("/").0, 200);
}

#[test]
fn slow_readers_of_a_large_file_do_not_stall_other_requests() {
    use std::io::Write;

    let site = TestSite::fixture("graph");
    site.write_bytes("static/video.mp4", &vec![7u8; 16 << 20]);
    let server = Server::start(site.root());
    let readers: Vec<_> = (0..6)
        .map(|_| {
            let mut stream = slow_reader(server.port);
            stream
                .write_all(b"GET /video.mp4 HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .unwrap();
            assert_eq!(read_status(&mut stream), "HTTP/1.1 200");
            stream
        })
        .collect();
    let (status, _, body) = server.get("/people/anna/");
    assert_eq!(status, 200);
    assert!(body.contains("Anna Petrova"));
    drop(readers);
}

#[test]
fn a_pipelining_client_that_never_reads_stalls_only_itself() {
    use std::io::Write;

    let site = TestSite::fixture("graph");
    site.write_bytes("static/page.bin", &vec![7u8; 64 << 10]);
    let server = Server::start(site.root());
    let mut client = slow_reader(server.port);
    let mut writer = client.try_clone().unwrap();
    writer
        .set_write_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let pipelined = b"GET /page.bin HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(3000);
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(&pipelined);
    });
    assert_eq!(read_status(&mut client), "HTTP/1.1 200");
    let (status, _, body) = server.get("/people/anna/");
    assert_eq!(status, 200);
    assert!(body.contains("Anna Petrova"));
    let _ = client.shutdown(std::net::Shutdown::Both);
    let _ = sender.join();
}

#[test]
fn closed_event_streams_free_their_slots_at_once() {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    let site = TestSite::fixture("graph");
    let server = Server::start(site.root());
    let request = format!(
        "GET /__dossier/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
        server.port
    );
    let open = |expect_open: bool| -> (TcpStream, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        if expect_open {
            // Subscribed once `retry:` has come.
            let mut line = String::new();
            while !line.starts_with("retry:") {
                line.clear();
                assert!(reader.read_line(&mut line).unwrap() > 0, "{status}");
            }
        }
        (stream, status)
    };
    let streams: Vec<_> = (0..dossier::serve::http::MAX_STREAMS)
        .map(|_| open(true))
        .collect();
    assert!(open(false).1.starts_with("HTTP/1.1 503"), "the cap holds");
    drop(streams);
    let mut seen = Vec::new();
    for _ in 0..50 {
        let status = open(false).1;
        let ok = status.starts_with("HTTP/1.1 200");
        seen.push(status);
        if ok {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        seen.last().is_some_and(|s| s.starts_with("HTTP/1.1 200")),
        "a new stream within 5 s: {seen:?}"
    );
}

#[test]
fn odd_requests_keep_their_answers() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    let site = TestSite::fixture("graph");
    let server = Server::start(site.root());
    let port = server.port;
    let answer = |raw: String| common::server::split_response(&server.raw(raw.as_bytes()));

    let (status, head, _) = answer(format!(
        "PUT / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(status, 405);
    assert!(head.contains("Allow: GET, HEAD\r\n"), "{head}");
    let (status, _, _) = answer(format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nExpect: garbage\r\n\r\n"
    ));
    assert_eq!(status, 417);
    let (status, _, _) = answer("GET / HTTP/1.0\r\n\r\n".to_string());
    assert_eq!(status, 400, "HTTP/1.0 without Host");
    let (status, _, _) = answer(format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example:{port}\r\n\r\n"
    ));
    assert_eq!(status, 400, "two Host headers");
    let (status, head, _) = answer(format!(
        "GET /people?%ff%0d%0aSet-Cookie:x=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    ));
    assert_eq!(status, 301);
    assert!(
        head.contains("Location: /people/?%ff%0d%0aSet-Cookie:x=1\r\n"),
        "{head}"
    );
    assert!(!head.contains("\r\nSet-Cookie"), "{head}");

    // Pipelined requests are answered in order on their connection.
    let answers = server.raw(
        format!(
            "GET /robots.txt HTTP/1.1\r\nHost: localhost\r\n\r\n\
             HEAD /atom.xml HTTP/1.1\r\nHost: localhost\r\n\r\n\
             GET /search.js HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    let kinds: Vec<&str> = answers
        .match_indices("Content-Type: ")
        .map(|(i, _)| answers[i + 14..].split(';').next().unwrap_or(""))
        .collect();
    assert_eq!(
        kinds,
        ["text/plain", "application/xml", "text/javascript"],
        "{answers}"
    );

    // A POST with a large body is answered without the body being read into memory.
    let before = server.status_kb("VmHWM");
    let mut post = TcpStream::connect(("127.0.0.1", port)).unwrap();
    post.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut writer = post.try_clone().unwrap();
    writer
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let sender = std::thread::spawn(move || {
        let head = "POST /search/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 104857600\r\n\r\n";
        let _ = writer.write_all(head.as_bytes());
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..100 {
            if writer.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let mut status = [0u8; 12];
    post.read_exact(&mut status).unwrap();
    assert_eq!(&status, b"HTTP/1.1 405");
    drop(post);
    let _ = sender.join();
    let after = server.status_kb("VmHWM");
    assert!(after < before + 16 * 1024, "peak RSS {before} → {after} kB");
    assert_eq!(server.get("/").0, 200);
}
