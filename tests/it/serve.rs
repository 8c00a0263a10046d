//! The dev server end to end: a real `vouch serve` on port 0 over a temporary
//! copy of a fixture, driven with plain HTTP and the server-sent event stream.

use crate::common::*;
use std::io::{BufRead, BufReader, Write};
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

/// A raw GET; returns (status, lowercased headers, body).
fn get(addr: &str, path: &str) -> (u16, String, String) {
    http(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
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
        body.contains("E003 yaml-syntax") && body.contains("content/registers/faq.yaml:5:11"),
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
    let cache = Arc::new(vouch::core::memo::Cache::default());
    let opts = vouch::build::Options {
        today: vouch::core::date::Date::parse(TODAY),
        cache: Some(cache.clone()),
        ..vouch::build::Options::new(dir.path())
    };
    let state = AppState::new();
    let first = rebuild(&opts, "internal", &state).unwrap();
    assert!(first.ok);
    assert!(state.wait_rendered(Duration::from_secs(30)));
    let cold = cache.stats();
    assert_eq!(cold.page_hits, 0);
    assert_eq!(cold.theme_reloads, 1);
    let handbook = dir.path().join("content/policies/canaryint-handbook.md");
    let text = std::fs::read_to_string(&handbook).unwrap();
    std::fs::write(&handbook, text.replace("Call the", "Then call the")).unwrap();
    let second = rebuild(&opts, "internal", &state).unwrap();
    assert!(second.ok);
    assert!(state.wait_rendered(Duration::from_secs(30)));
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
    let page = state
        .file("/policies/canaryint-handbook/index.html")
        .unwrap()
        .expect("the page is served");
    assert!(String::from_utf8_lossy(&page).contains("Then call the"));
}

/// Options of an in-process server over `root`, with a fresh cache.
fn cached_opts(
    root: &Path,
) -> (
    vouch::build::Options,
    std::sync::Arc<vouch::core::memo::Cache>,
) {
    let cache = std::sync::Arc::new(vouch::core::memo::Cache::default());
    let opts = vouch::build::Options {
        today: vouch::core::date::Date::parse(TODAY),
        cache: Some(cache.clone()),
        ..vouch::build::Options::new(root)
    };
    (opts, cache)
}

/// Sets every file's modification time an hour back, as for a checkout
/// that is not being edited.
fn age_files(dir: &Path) {
    let past = std::time::SystemTime::now() - Duration::from_secs(3600);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            age_files(&path);
        } else {
            let f = std::fs::File::options().write(true).open(&path).unwrap();
            f.set_modified(past).unwrap();
        }
    }
}

#[test]
fn rebuild_rereads_only_files_that_changed_on_disk() {
    use vouch::serve::{rebuild, AppState};
    let dir = temp_copy("editions");
    age_files(dir.path());
    let (opts, cache) = cached_opts(dir.path());
    let state = AppState::new();
    assert!(rebuild(&opts, "internal", &state).unwrap().ok);
    let all = cache.stats().file_reads;
    assert!(all > 5, "the first build reads every file: {all}");
    assert!(rebuild(&opts, "internal", &state).unwrap().ok);
    let same = cache.stats();
    assert_eq!(
        (same.file_reads, same.file_hits),
        (0, all),
        "nothing changed, nothing is read"
    );

    // A same-size edit with the modification time put back: the status-change
    // time still tells it apart.
    let handbook = dir.path().join("content/policies/canaryint-handbook.md");
    let text = std::fs::read_to_string(&handbook).unwrap();
    let mtime = std::fs::metadata(&handbook).unwrap().modified().unwrap();
    std::fs::write(&handbook, text.replacen("Call the", "CALL the", 1)).unwrap();
    let f = std::fs::File::options()
        .write(true)
        .open(&handbook)
        .unwrap();
    f.set_modified(mtime).unwrap();
    assert!(rebuild(&opts, "internal", &state).unwrap().ok);
    assert_eq!(cache.stats().file_reads, 1);
    let page = state
        .file("/policies/canaryint-handbook/index.html")
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&page).contains("CALL the"));

    // A file written moments ago is read again even with an unchanged stamp:
    // a second write within the file system's clock tick would not show.
    std::fs::write(&handbook, text.replacen("Call the", "CaLL the", 1)).unwrap();
    assert!(rebuild(&opts, "internal", &state).unwrap().ok);
    assert!(rebuild(&opts, "internal", &state).unwrap().ok);
    assert_eq!(cache.stats().file_reads, 1, "the young file only");
}

#[test]
fn pages_render_on_request_before_the_background_pass_ends() {
    use vouch::serve::{rebuild, AppState};
    let dir = temp_copy("editions");
    let (opts, _) = cached_opts(dir.path());
    let state = AppState::new();
    assert!(rebuild(&opts, "internal", &state).unwrap().ok);
    // Asked for at once: a page is rendered from the swapped-in model, and a
    // file only the whole pass makes (the search index) waits for it.
    let page = state.file("/policies/canaryint-handbook/index.html");
    assert!(String::from_utf8_lossy(&page.unwrap().unwrap()).contains("<main"));
    let index = state.file("/search-index/docs-0.json").unwrap().unwrap();
    assert!(String::from_utf8_lossy(&index).contains("canaryint-handbook"));
    assert!(state.file("/search-index.json").unwrap().is_some());
    assert!(state.wait_rendered(Duration::from_secs(30)));
    assert!(state.file("/no-such-file.json").unwrap().is_none());
}

#[test]
fn render_stops_when_cancelled() {
    let dir = temp_copy("editions");
    let analysis = vouch::build::analyse(&vouch::build::Options::new(dir.path())).unwrap();
    let site = analysis.site.unwrap();
    let theme = vouch::build::theme_for(&site, None).unwrap();
    let sink = vouch::pipeline::write::MemorySink::default();
    let stop = || true;
    let r = vouch::build::render_editions(&site, &[2], &theme, &sink, true, None, Some(&stop));
    assert!(matches!(r, Err(vouch::build::Failure::Cancelled)));
}

#[test]
fn link_check_findings_reach_the_overlay_after_the_swap() {
    let dir = temp_copy("minimal");
    let root = dir.path();
    let s = start(root);
    let policy = root.join("content/policies/ai-policy.md");
    edit(
        &policy,
        "registered before first use",
        "registered before first use ([LINKED-EDIT](/no-such-page/))",
    );
    wait_reload(&s);
    // The broken link is found by the background pass, after the model was
    // swapped in: the page shows the edit and the finding.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let body = loop {
        let (_, _, body) = get(&s.addr, "/policies/ai-policy/");
        if body.contains("vouch-overlay") || std::time::Instant::now() > deadline {
            break body;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(body.contains("LINKED-EDIT"), "the new build is served");
    assert!(body.contains("E033"), "the broken link is in the overlay");
    assert!(body.contains("found after the page was rendered"));
}

#[test]
fn public_preview_renders_nothing_internal_on_request() {
    use vouch::core::routes::file_for;
    use vouch::serve::{rebuild, AppState};
    let dir = temp_copy("editions");
    let (opts, _) = cached_opts(dir.path());
    let state = AppState::new();
    assert!(rebuild(&opts, "public", &state).unwrap().ok);
    // Asked for before the background pass is done, so pages are rendered
    // on request: the same edition filter must hold there.
    let leaks = |file: &str| {
        state
            .file(file)
            .unwrap()
            .map(|b| String::from_utf8_lossy(&b).to_lowercase())
            .filter(|t| t.contains("canaryint") || t.contains("canarycust"))
    };
    for url in [
        "/policies/canaryint-handbook/",
        "/risks/r-canaryint/",
        "/systems/canaryint-system/",
        "/evidence/ev-canarycust-pack/",
    ] {
        assert!(
            state.file(&file_for(url)).unwrap().is_none(),
            "{url} is not part of the public edition"
        );
    }
    let site = vouch::build::analyse(&opts).unwrap().site.unwrap();
    let urls = vouch::site::pages::urls(&site, 0);
    assert!(urls.len() > 10);
    for url in &urls {
        assert_eq!(leaks(&file_for(url)), None, "{url}");
    }
    for file in [
        "/search-index.json",
        "/search-index/docs-0.json",
        "/search-index/terms-0.json",
        "/search-index/text-0.json",
        "/feed.xml",
        "/_redirects",
        "/urls.json",
    ] {
        assert!(state.file(file).unwrap().is_some(), "{file} is written");
        assert_eq!(leaks(file), None, "{file}");
    }
}

#[test]
fn template_error_found_at_render_keeps_the_last_good_page() {
    let dir = temp_copy("minimal");
    let tpl = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&tpl).unwrap();
    let s = start(dir.path());
    let (_, _, good) = get(&s.addr, "/policies/ai-policy/");
    assert!(good.contains("registered before first use"));
    // Parses, so the theme loads; fails only when a document page renders.
    std::fs::write(
        tpl.join("document.html"),
        "{% extends \"base.html\" %}{% block content %}{{ no_such.variable }}{% endblock content %}",
    )
    .unwrap();
    wait_reload(&s);
    let (status, _, body) = get(&s.addr, "/policies/ai-policy/");
    assert_eq!(status, 200);
    assert!(
        body.contains("registered before first use"),
        "the last good page"
    );
    assert!(body.contains("vouch-overlay"), "{body}");
    assert!(body.contains("E039"), "the template error is listed");
    assert!(body.contains("showing the last good build"));
}

#[test]
fn a_failed_rebuild_lets_the_served_build_finish_its_pass() {
    use vouch::serve::{rebuild, AppState};
    let dir = temp_copy("editions");
    // Enough pages that the first pass is surely still rendering below.
    let pages = dir.path().join("content/pages");
    std::fs::create_dir_all(&pages).unwrap();
    for i in 0..1500 {
        let text = format!("---\ntitle: Filler {i}\n---\n\nFiller text {i}.\n");
        std::fs::write(pages.join(format!("filler-{i}.md")), text).unwrap();
    }
    let (opts, _) = cached_opts(dir.path());
    let state = AppState::new();
    assert!(rebuild(&opts, "internal", &state).unwrap().ok);
    // At once, while the first pass is still rendering: a save that cannot
    // be read at all (exit-code-2 kind of failure) stops that pass...
    let content = dir.path().join("content");
    std::fs::rename(&content, dir.path().join("moved")).unwrap();
    assert!(rebuild(&opts, "internal", &state).is_err());
    // ...which must run again, or the feed would wait for nothing.
    let start = std::time::Instant::now();
    assert!(state.file("/feed.xml").unwrap().is_some());
    assert!(state.wait_rendered(Duration::from_secs(40)));
    assert!(start.elapsed() < Duration::from_secs(40));
}

/// A request for `path` with the given method and header lines.
fn ask(addr: &str, method: &str, path: &str, headers: &str) -> (u16, String, String) {
    http(
        addr,
        &format!("{method} {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"),
    )
}

#[test]
fn answers_each_local_host_name_with_the_port() {
    let dir = temp_copy("minimal");
    let s = start(dir.path());
    let port = s.addr.rsplit(':').next().unwrap();
    for host in ["localhost", "LocalHost", "127.0.0.1", "[::1]"] {
        let host = format!("Host: {host}:{port}\r\n");
        let (status, _, body) = ask(&s.addr, "GET", "/policies/ai-policy/", &host);
        assert_eq!(status, 200, "{host}");
        assert!(body.contains("registered before first use"), "{host}");
    }
}

#[test]
fn refuses_requests_naming_another_host_with_421() {
    let dir = temp_copy("minimal");
    let s = start(dir.path());
    let port: u16 = s.addr.rsplit(':').next().unwrap().parse().unwrap();
    let other = port.wrapping_add(1);
    for (path, headers) in [
        // DNS rebinding: the attacker's name resolving to 127.0.0.1.
        (
            "/policies/ai-policy/",
            format!("Host: rebind.example:{port}\r\n"),
        ),
        (
            "/__vouch/events",
            format!("Host: rebind.example:{port}\r\n"),
        ),
        (
            "/policies/ai-policy/",
            format!("Host: localhost:{other}\r\n"),
        ),
        ("/policies/ai-policy/", "Host: localhost\r\n".into()),
        (
            "/policies/ai-policy/",
            format!("Host: 127.0.0.1.nip.io:{port}\r\n"),
        ),
        (
            "/policies/ai-policy/",
            format!("Host: localhost:{port}\r\nHost: rebind.example:{port}\r\n"),
        ),
        (
            &format!("http://rebind.example:{port}/policies/ai-policy/"),
            format!("Host: localhost:{port}\r\n"),
        ),
    ] {
        let (status, head, body) = ask(&s.addr, "GET", path, &headers);
        assert_eq!(status, 421, "{path} {headers:?}");
        assert!(head.contains("content-type: text/plain"), "{head}");
        assert!(body.contains("Misdirected Request"), "{body}");
        assert!(!body.contains("registered before first use"), "{body}");
    }
    // HTTP/1.0 with no Host header names no server at all.
    let (status, _, body) = http(&s.addr, "GET /policies/ai-policy/ HTTP/1.0\r\n\r\n");
    assert_eq!(status, 421);
    assert!(!body.contains("registered before first use"));
}

#[test]
fn answers_only_get_and_head() {
    let dir = temp_copy("minimal");
    let s = start(dir.path());
    let host = format!("Host: {}\r\n", s.addr);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        for path in ["/policies/ai-policy/", "/__vouch/reload.js"] {
            let (status, head, body) = ask(&s.addr, method, path, &host);
            assert_eq!(status, 405, "{method} {path}");
            assert!(head.contains("allow: get, head"), "{head}");
            assert!(!body.contains("registered before first use"));
        }
    }
    let (_, get_head, _) = ask(&s.addr, "GET", "/policies/ai-policy/", &host);
    let (status, head, body) = ask(&s.addr, "HEAD", "/policies/ai-policy/", &host);
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    assert_eq!(body, "", "HEAD has no body");
    let length = |h: &str| {
        h.lines()
            .find_map(|l| l.strip_prefix("content-length: ").map(str::to_string))
    };
    assert_eq!(
        length(&head),
        length(&get_head),
        "the length GET would send"
    );
    let (status, head, body) = ask(&s.addr, "HEAD", "/static/style.css", &host);
    assert_eq!((status, body.as_str()), (200, ""));
    assert!(head.contains("content-type: text/css"), "{head}");
}

#[test]
fn ctrl_c_stops_the_server_with_a_live_reload_client_connected() {
    let dir = temp_copy("minimal");
    let mut s = start(dir.path());
    // The stream is open (start() subscribed) and idle.
    assert!(s.events.recv_timeout(Duration::from_millis(300)).is_err());
    interrupt(&s.child);
    let status = wait_exit(&mut s.child, Duration::from_secs(3))
        .expect("serve exits within a few seconds of Ctrl-C");
    assert!(status.success(), "{status:?}");
    assert_eq!(
        s.events.recv_timeout(Duration::from_secs(2)),
        Err(mpsc::RecvTimeoutError::Disconnected),
        "the event stream was ended"
    );
}

#[test]
fn recovers_when_content_is_deleted_and_recreated() {
    let dir = temp_copy("minimal");
    let root = dir.path();
    let saved = tempfile::tempdir().unwrap();
    copy_dir(&root.join("content"), saved.path());
    let s = start(root);
    std::fs::remove_dir_all(root.join("content")).unwrap();
    wait_reload(&s);
    let (status, _, body) = get(&s.addr, "/policies/ai-policy/");
    assert_eq!(status, 200, "the last good build is still served");
    assert!(body.contains("id=\"vouch-overlay\""), "{body}");
    assert!(body.contains("E040 missing-file"), "{body}");
    assert!(body.contains("the content/ folder is missing"), "{body}");

    copy_dir(saved.path(), &root.join("content"));
    edit(
        &root.join("content/policies/ai-policy.md"),
        "registered before first use",
        "registered before first use (BACK-AGAIN)",
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let body = loop {
        let (_, _, body) = get(&s.addr, "/policies/ai-policy/");
        let done = body.contains("BACK-AGAIN") && !body.contains("vouch-overlay");
        if done || std::time::Instant::now() > deadline {
            break body;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(body.contains("BACK-AGAIN"), "rebuilt from the new content/");
    assert!(!body.contains("vouch-overlay"), "overlay gone: {body}");
    // The new folder is watched: a later save shows too.
    while s.events.recv_timeout(Duration::from_millis(400)).is_ok() {}
    edit(
        &root.join("content/policies/ai-policy.md"),
        "BACK-AGAIN",
        "SAVED-LATER",
    );
    wait_reload(&s);
    assert!(get(&s.addr, "/policies/ai-policy/")
        .2
        .contains("SAVED-LATER"));
}
