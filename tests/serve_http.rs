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
    // answers (keep-alive). tiny_http runs each connection on a thread of its pool; when
    // two arrive within microseconds while one thread of the pool is idle, the second can
    // be queued with no thread woken for it, and it waits until some connection closes.
    // Every connection here stays open, so a queued one is answered only if the server
    // makes sure the queue is drained.
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
