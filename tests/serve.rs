//! The dev server end to end: a real `vouch serve` on port 0 over a temporary
//! copy of a fixture, driven with plain HTTP and the server-sent event stream.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Child;
use std::sync::mpsc;
use std::time::Duration;

struct Server {
    child: Child,
    addr: String,
    events: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Server {
    let (child, url) = spawn_serve(root);
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    assert!(
        addr.starts_with("127.0.0.1:"),
        "binds loopback by default: {addr}"
    );
    let events = subscribe(&addr);
    Server {
        child,
        addr,
        events,
    }
}

/// Opens the event stream and forwards each `data:` line.
fn subscribe(addr: &str) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /__vouch/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { break };
            if let Some(data) = line.strip_prefix("data: ") {
                if tx.send(data.to_string()).is_err() {
                    break;
                }
            }
        }
    });
    std::thread::sleep(Duration::from_millis(200));
    rx
}

/// A raw GET; returns (status, headers, body).
fn get(addr: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_lowercase(), body.to_string())
}

fn wait_reload(s: &Server) {
    let msg = s
        .events
        .recv_timeout(Duration::from_secs(20))
        .expect("a reload message after the save");
    assert_eq!(msg, "reload");
    // Drain a second event from the same save, if the watcher produced one.
    while s.events.recv_timeout(Duration::from_millis(400)).is_ok() {}
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from));
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn serves_rebuilds_reloads_and_recovers() {
    let dir = temp_copy("minimal");
    let root = dir.path();
    std::fs::create_dir_all(root.join("content/pages")).unwrap();
    let s = start(root);
    let (status, headers, body) = get(&s.addr, "/policies/ai-policy/");
    assert_eq!(status, 200);
    assert!(headers.contains("content-type: text/html"));
    assert!(headers.contains("content-security-policy: default-src 'self'"));
    assert!(
        body.contains("/__vouch/reload.js"),
        "live reload script injected in serve mode"
    );
    assert!(
        body.contains("Internal edition"),
        "banner names the edition"
    );
    assert!(!root.join("site").exists(), "serve never writes into site/");

    // An edit shows up after a reload message.
    let policy = root.join("content/policies/ai-policy.md");
    edit(
        &policy,
        "registered before first use",
        "registered before first use (EDIT-ONE)",
    );
    wait_reload(&s);
    assert!(get(&s.addr, "/policies/ai-policy/").2.contains("EDIT-ONE"));

    // Broken YAML: overlay with the diagnostic, last good page still served.
    let faq = root.join("content/registers/faq.yaml");
    edit(&faq, "  topics: [governance]\n", "  topics: [governance\n");
    wait_reload(&s);
    let (status, _, body) = get(&s.addr, "/policies/ai-policy/");
    assert_eq!(status, 200);
    assert!(body.contains("EDIT-ONE"), "last good build is still served");
    assert!(body.contains("id=\"vouch-overlay\""));
    assert!(
        body.contains("E003 yaml-syntax") && body.contains("content/registers/faq.yaml:6:"),
        "{body}"
    );
    let overlay_at = body.find("vouch-overlay").unwrap();
    assert!(
        overlay_at < body.find("<main").unwrap(),
        "overlay comes before the page content"
    );

    // Fixed: overlay gone.
    edit(&faq, "  topics: [governance\n", "  topics: [governance]\n");
    wait_reload(&s);
    assert!(!get(&s.addr, "/policies/ai-policy/")
        .2
        .contains("vouch-overlay"));

    // New, renamed and deleted files.
    let page = root.join("content/pages/about.md");
    std::fs::write(
        &page,
        "---\ntitle: About us\nvisibility: public\n---\n\nABOUT-PAGE\n",
    )
    .unwrap();
    wait_reload(&s);
    assert!(get(&s.addr, "/about/").2.contains("ABOUT-PAGE"));
    std::fs::rename(&page, root.join("content/pages/company.md")).unwrap();
    wait_reload(&s);
    assert_eq!(get(&s.addr, "/about/").0, 404);
    assert!(get(&s.addr, "/company/").2.contains("ABOUT-PAGE"));
    std::fs::remove_file(root.join("content/pages/company.md")).unwrap();
    wait_reload(&s);
    let (status, _, body) = get(&s.addr, "/company/");
    assert_eq!(status, 404);
    assert!(body.contains("<main"), "the theme's 404 page");
}

#[test]
fn refuses_paths_outside_the_site() {
    let dir = temp_copy("minimal");
    std::fs::write(dir.path().join("SECRET.txt"), "TOP-SECRET-BYTES").unwrap();
    let s = start(dir.path());
    for path in [
        "/../SECRET.txt",
        "/%2e%2e/SECRET.txt",
        "/static/%2E%2E/%2E%2E/SECRET.txt",
        "/..%2fSECRET.txt",
        "//etc/passwd",
        "/static/..\\..\\SECRET.txt",
    ] {
        let (status, _, body) = get(&s.addr, path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(
            !body.contains("TOP-SECRET-BYTES") && !body.contains("root:"),
            "{path} leaked"
        );
    }
    let (status, headers, _) = get(&s.addr, "/static/style.css");
    assert_eq!(status, 200);
    assert!(headers.contains("content-type: text/css"));
    let (status, headers, _) = get(&s.addr, "/api/faq.json");
    assert_eq!(status, 200);
    assert!(headers.contains("content-type: application/json"));
    assert_eq!(
        get(&s.addr, "/policies/ai-policy").0,
        301,
        "adds the trailing slash"
    );
}

#[test]
fn template_change_is_picked_up() {
    let dir = temp_copy("minimal");
    let tpl = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&tpl).unwrap();
    let s = start(dir.path());
    std::fs::write(
        tpl.join("404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>CUSTOM-404</h1>{% endblock content %}",
    )
    .unwrap();
    wait_reload(&s);
    assert!(get(&s.addr, "/nope/").2.contains("CUSTOM-404"));
}

#[test]
fn rebuild_reparses_and_rerenders_only_what_changed() {
    use std::sync::Arc;
    use vouch::serve::{rebuild, AppState};
    let dir = temp_copy("editions");
    let cache = Arc::new(vouch::cache::Cache::default());
    let opts = vouch::build::Options {
        today: vouch::date::Date::parse(TODAY),
        cache: Some(cache.clone()),
        ..vouch::build::Options::new(dir.path())
    };
    let (tx, _) = tokio::sync::broadcast::channel(4);
    let state = AppState {
        snapshot: Arc::default(),
        events: tx,
    };
    let first = rebuild(&opts, "internal", &state).unwrap();
    assert!(first.ok);
    let cold = cache.stats();
    assert_eq!(cold.page_hits, 0);
    assert_eq!(cold.theme_reloads, 1);
    let handbook = dir.path().join("content/policies/canaryint-handbook.md");
    let text = std::fs::read_to_string(&handbook).unwrap();
    std::fs::write(&handbook, text.replace("Call the", "Then call the")).unwrap();
    let second = rebuild(&opts, "internal", &state).unwrap();
    assert!(second.ok);
    let warm = cache.stats();
    assert_eq!(
        warm.theme_reloads, 0,
        "templates are not recompiled for a content edit"
    );
    assert_eq!(
        warm.markdown_misses, 1,
        "only the edited document is parsed again"
    );
    assert_eq!(
        (warm.parse_misses, warm.parse_hits),
        (1, cold.parse_misses - 1),
        "only the edited file's front matter is parsed again: {warm:?}"
    );
    assert!(
        warm.page_misses <= 3,
        "only pages showing the edit are rendered again: {warm:?}"
    );
    assert!(warm.page_hits > 20, "{warm:?}");
    let snap = state.snapshot.read().unwrap();
    let page = String::from_utf8_lossy(&snap.files["/policies/canaryint-handbook/index.html"])
        .into_owned();
    assert!(page.contains("Then call the"));
}
