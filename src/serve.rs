//! `vouch serve`: builds one edition into memory, serves it on 127.0.0.1,
//! rebuilds on save, and tells browsers to reload only after the new build has
//! been swapped in. A failed rebuild keeps the last good build and shows the
//! diagnostics in an overlay injected into every HTML page by the server.
//!
//! Steps of a rebuild: debounce file events -> [`crate::build::analyse`] ->
//! render into a [`MemorySink`] (unchanged pages come from the page cache) ->
//! swap the snapshot -> broadcast `reload` over server-sent events.

use crate::build::{self, Failure, Options};
use crate::diagnostics::{Diagnostic, Severity};
use crate::live::Live;
use crate::markdown::escape;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Response, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// Settings of `vouch serve`.
#[derive(Clone)]
pub struct ServeOptions {
    pub build: Options,
    pub edition: String,
    pub bind: String,
    pub port: u16,
    /// Use notify's polling watcher (network drives, WSL).
    pub poll: bool,
    pub open: bool,
}

/// The build being served and the findings of the latest save.
#[derive(Default)]
pub struct Snapshot {
    /// The last good build (None until the first one).
    pub live: Option<Arc<Live>>,
    pub diagnostics: Vec<Diagnostic>,
    /// The diagnostics are of a save that was not swapped in.
    pub stale: bool,
    pub generation: u64,
}

/// Shared server state.
#[derive(Clone)]
pub struct AppState {
    pub snapshot: Arc<RwLock<Snapshot>>,
    pub events: broadcast::Sender<String>,
}

/// How long a request for a feed or index waits for the background pass.
const WAIT_FOR_PASS: Duration = Duration::from_secs(60);

impl AppState {
    /// A fresh state with no build yet.
    pub fn new() -> Self {
        AppState {
            snapshot: Arc::default(),
            events: broadcast::channel(64).0,
        }
    }

    fn current(&self) -> (Option<Arc<Live>>, u64) {
        self.snapshot
            .read()
            .map(|s| (s.live.clone(), s.generation))
            .unwrap_or_default()
    }

    /// A file of the served build, rendering a page on first request. A
    /// file that is not a page (feed, search index) waits for the
    /// background pass. Blocking: call it off the async runtime.
    pub fn file(&self, file: &str) -> Result<Option<Arc<Vec<u8>>>, Failure> {
        let start = Instant::now();
        loop {
            let (Some(live), _) = self.current() else {
                return Ok(None);
            };
            if let Some(found) = live.file(file)? {
                return Ok(Some(found));
            }
            if live.is_complete() || start.elapsed() > WAIT_FOR_PASS {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the served build has been fully rendered (tests, tools).
    pub fn wait_rendered(&self, timeout: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.current().0.is_some_and(|l| l.is_complete()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// Outcome of one rebuild, for the terminal and the latency benchmark.
#[derive(Debug)]
pub struct Rebuilt {
    pub ok: bool,
    pub elapsed: Duration,
    pub diagnostics: Vec<Diagnostic>,
}

/// Analyses the project and, when it is valid, swaps the new model into
/// `state`; on failure keeps the last good build and records the
/// diagnostics. Then notifies browsers, and starts the background pass that
/// renders every page and link-checks them.
pub fn rebuild(opts: &Options, edition: &str, state: &AppState) -> Result<Rebuilt, String> {
    let start = Instant::now();
    let (old, _) = state.current();
    // The previous build's background pass would compete for the CPU.
    if let Some(o) = &old {
        o.cancel();
    }
    let result = analyse_live(opts, edition);
    let mut snap = state
        .snapshot
        .write()
        .map_err(|_| "state lock poisoned".to_string())?;
    snap.generation += 1;
    let generation = snap.generation;
    let (rebuilt, background) = match result {
        Ok((live, diags)) => {
            snap.live = Some(live.clone());
            snap.diagnostics = diags.clone();
            snap.stale = false;
            let r = Rebuilt {
                ok: true,
                elapsed: start.elapsed(),
                diagnostics: diags,
            };
            (r, Some(live))
        }
        Err(Failure::Content(diags)) => {
            snap.diagnostics = diags.clone();
            snap.stale = true;
            let r = Rebuilt {
                ok: false,
                elapsed: start.elapsed(),
                diagnostics: diags,
            };
            // Resume the pass of the build still served, if it was stopped.
            (r, old.filter(|l| !l.is_complete()))
        }
        Err(Failure::Cancelled) => return Err("the build was cancelled".into()),
        Err(Failure::Io(msg)) => return Err(msg),
    };
    drop(snap);
    // Sent only after the swap: a browser that reloads sees the new build.
    let _ = state.events.send("reload".into());
    if let Some(live) = background {
        let state = state.clone();
        std::thread::spawn(move || finish(&live, &state, generation));
    }
    Ok(rebuilt)
}

fn analyse_live(opts: &Options, edition: &str) -> Result<(Arc<Live>, Vec<Diagnostic>), Failure> {
    let analysis = build::analyse(opts)?;
    if analysis.has_errors() {
        return Err(Failure::Content(analysis.diagnostics));
    }
    let Some(site) = analysis.site else {
        return Err(Failure::Content(analysis.diagnostics));
    };
    let eds = build::select_editions(&site, Some(edition))?;
    let theme =
        build::theme_for(&site, opts.cache.as_deref()).map_err(|d| Failure::Content(vec![*d]))?;
    let live = Live::new(site, eds[0], theme, opts.cache.clone());
    Ok((Arc::new(live), analysis.diagnostics))
}

/// The background pass: renders every file and link-checks the edition.
/// Findings join the overlay (and browsers reload to show them) only if the
/// build is still the one served.
fn finish(live: &Live, state: &AppState, generation: u64) {
    let found = match live.render_all() {
        Ok(checked) => {
            eprintln!(
                "rendered {} pages and checked their links in {} ms",
                checked.pages,
                checked.elapsed.as_millis()
            );
            checked.diagnostics
        }
        Err(Failure::Content(d)) => d,
        Err(Failure::Cancelled) => return,
        Err(Failure::Io(m)) => {
            eprintln!("error: {m}");
            return;
        }
    };
    if found.is_empty() {
        return;
    }
    let Ok(mut snap) = state.snapshot.write() else {
        return;
    };
    if snap.generation != generation {
        return;
    }
    snap.diagnostics.extend(found.iter().cloned());
    crate::diagnostics::sort(&mut snap.diagnostics);
    drop(snap);
    print_findings(&found);
    let _ = state.events.send("reload".into());
}

const RELOAD_JS: &str = include_str!("serve_reload.js");
const OVERLAY_CSS: &str = include_str!("serve_overlay.css");

/// The overlay (errors) or badge (warnings) HTML, or empty. `stale`: the
/// errors are of a save that was not swapped in (the page is older).
pub fn overlay_html(diags: &[Diagnostic], stale: bool) -> String {
    let errors: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let warnings = diags.len() - errors.len();
    let mut out = String::from("<link rel=\"stylesheet\" href=\"/__vouch/overlay.css\">");
    if !errors.is_empty() {
        out.push_str("<section id=\"vouch-overlay\" role=\"alert\" aria-labelledby=\"vouch-overlay-title\"><h2 id=\"vouch-overlay-title\">");
        out.push_str(&format!(
            "The last save has {} error{}; {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if stale {
                "showing the last good build"
            } else {
                "found after the page was rendered"
            }
        ));
        out.push_str("</h2><ol>");
        for d in &errors {
            let pos = if d.line > 0 {
                format!("{}:{}:{}", d.file, d.line, d.column)
            } else {
                d.file.clone()
            };
            out.push_str(&format!(
                "<li><p><strong>{} {}</strong> <code>{}</code></p><p>{}</p>",
                escape(d.rule.code),
                escape(d.rule.name),
                escape(&pos),
                escape(&d.message)
            ));
            if let Some(src) = &d.source_line {
                out.push_str(&format!("<pre>{}</pre>", escape(src)));
            }
            if let Some(h) = &d.help {
                out.push_str(&format!("<p>help: {}</p>", escape(h)));
            }
            out.push_str("</li>");
        }
        out.push_str("</ol></section>");
    } else if warnings > 0 {
        out.push_str(&format!(
            "<p id=\"vouch-badge\" role=\"status\">{warnings} warning{} — run <code>vouch check</code></p>",
            if warnings == 1 { "" } else { "s" }
        ));
    } else {
        return String::new();
    }
    out
}

fn inject(html: &[u8], overlay: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    if overlay.is_empty() {
        return html.to_vec();
    }
    // After the opening <body ...> tag, so it renders before any script runs.
    match text
        .find("<body")
        .and_then(|i| text[i..].find('>').map(|j| i + j + 1))
    {
        Some(at) => format!("{}{}{}", &text[..at], overlay, &text[at..]).into_bytes(),
        None => format!("{overlay}{text}").into_bytes(),
    }
}

/// Normalises a request path; `None` for anything that could escape the site.
pub fn safe_path(raw: &str) -> Option<String> {
    let decoded = percent_decode(raw)?;
    if decoded.contains('\0') || decoded.contains('\\') || !decoded.starts_with('/') {
        return None;
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") || decoded.starts_with("//") {
        return None;
    }
    Some(decoded)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Content type by file extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ if path.ends_with("/_headers") || path.ends_with("/_redirects") => {
            "text/plain; charset=utf-8"
        }
        _ => "application/octet-stream",
    }
}

fn respond(status: StatusCode, ctype: &str, body: Vec<u8>) -> Response<Body> {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(ctype).unwrap_or(HeaderValue::from_static("text/plain")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for (k, v) in crate::outputs::security_headers(0) {
        if k != "Strict-Transport-Security" {
            if let Ok(v) = HeaderValue::from_str(v) {
                h.insert(k, v);
            }
        }
    }
    r
}

async fn serve_file(State(state): State<AppState>, uri: Uri) -> Response<Body> {
    let Some(path) = safe_path(uri.path()) else {
        return respond(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            b"refused: path outside the site".to_vec(),
        );
    };
    // Rendering a page, or waiting for the background pass, blocks.
    tokio::task::spawn_blocking(move || serve_path(&state, &path))
        .await
        .unwrap_or_else(|_| {
            respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain",
                b"the request failed".to_vec(),
            )
        })
}

fn serve_path(state: &AppState, path: &str) -> Response<Body> {
    let (overlay, live) = match state.snapshot.read() {
        Ok(s) => (overlay_html(&s.diagnostics, s.stale), s.live.clone()),
        Err(_) => (String::new(), None),
    };
    let file = crate::linkcheck::file_for(path);
    let found = match state.file(&file) {
        Ok(f) => f,
        Err(Failure::Content(d)) => {
            let body = inject(NO_PAGE.as_bytes(), &overlay_html(&d, false));
            return respond(StatusCode::INTERNAL_SERVER_ERROR, HTML, body);
        }
        Err(_) => None,
    };
    if let Some(body) = found {
        let ct = content_type(&file);
        let body = if ct.starts_with("text/html") {
            inject(&body, &overlay)
        } else {
            body.to_vec()
        };
        return respond(StatusCode::OK, ct, body);
    }
    if live
        .as_ref()
        .is_some_and(|l| l.has(&format!("{path}/index.html")))
    {
        let mut r = respond(StatusCode::MOVED_PERMANENTLY, "text/plain", Vec::new());
        if let Ok(v) = HeaderValue::from_str(&format!("{path}/")) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    let body = match state.file("/404.html") {
        Ok(Some(b)) => inject(&b, &overlay),
        _ => inject(NO_PAGE.as_bytes(), &overlay),
    };
    respond(StatusCode::NOT_FOUND, HTML, body)
}

const HTML: &str = "text/html; charset=utf-8";

/// Shown when there is no good build (or page) to show.
const NO_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>vouch: no build yet</title></head><body><main><h1>No successful build yet</h1><p>Fix the errors shown and save; this page reloads.</p></main><script src=\"/__vouch/reload.js\" defer></script></body></html>";

async fn events(State(state): State<AppState>) -> impl IntoResponse {
    let rx = state.events.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(msg) => return Some((Ok::<_, Infallible>(Event::default().data(msg)), rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// The axum router (used by `serve` and by tests).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/__vouch/events", get(events))
        .route(
            "/__vouch/reload.js",
            get(|| async {
                respond(
                    StatusCode::OK,
                    "text/javascript; charset=utf-8",
                    RELOAD_JS.as_bytes().to_vec(),
                )
            }),
        )
        .route(
            "/__vouch/overlay.css",
            get(|| async {
                respond(
                    StatusCode::OK,
                    "text/css; charset=utf-8",
                    OVERLAY_CSS.as_bytes().to_vec(),
                )
            }),
        )
        .fallback(serve_file)
        .with_state(state)
}

/// True for editor temp/swap files and folders we never react to.
pub fn ignored(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.starts_with(".#")
        || name.starts_with("#")
        || name == "4913"
        || name == ".DS_Store"
        || path.components().any(|c| c.as_os_str() == ".git")
}

fn print_findings(diags: &[Diagnostic]) {
    if !diags.is_empty() {
        let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
        eprint!("{}", crate::diagnostics::render_human(diags, color));
    }
}

fn print_result(r: &Rebuilt) {
    print_findings(&r.diagnostics);
    if r.ok {
        eprintln!(
            "rebuilt in {} ms; pages render on request",
            r.elapsed.as_millis()
        );
    } else {
        eprintln!(
            "build failed in {} ms; still serving the last good build",
            r.elapsed.as_millis()
        );
    }
}

/// Watches the project and rebuilds on change, debounced. Runs on its own thread.
fn watch(
    root: PathBuf,
    poll: bool,
    on_change: impl Fn() + Send + 'static,
) -> notify::Result<Box<dyn notify::Watcher + Send>> {
    use notify::RecursiveMode;
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher: Box<dyn notify::Watcher + Send> = if poll {
        let cfg = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        Box::new(notify::PollWatcher::new(tx, cfg)?)
    } else {
        Box::new(notify::recommended_watcher(tx)?)
    };
    for dir in ["content", "themes"] {
        let p = root.join(dir);
        if p.is_dir() {
            watcher.watch(&p, RecursiveMode::Recursive)?;
        }
    }
    std::thread::spawn(move || {
        let relevant = |ev: &notify::Result<notify::Event>| match ev {
            Ok(e) => {
                !matches!(e.kind, notify::EventKind::Access(_))
                    && e.paths.iter().any(|p| !ignored(p))
            }
            Err(_) => false,
        };
        while let Ok(ev) = rx.recv() {
            if !relevant(&ev) {
                continue;
            }
            // Debounce: an editor's save is often several events (write, rename).
            // A save's events arrive within a millisecond or two of each other;
            // a longer window only adds to the save-to-reload time.
            while let Ok(_more) = rx.recv_timeout(Duration::from_millis(12)) {}
            on_change();
        }
    });
    Ok(watcher)
}

/// Runs the dev server until Ctrl-C. Returns an error message for exit code 2.
pub fn serve(mut opts: ServeOptions) -> Result<(), String> {
    opts.build.cache.get_or_insert_with(Default::default);
    let state = AppState::new();
    print_result(&rebuild(&opts.build, &opts.edition, &state)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind((opts.bind.as_str(), opts.port))
            .await
            .map_err(|e| format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let url = format!("http://{addr}/");
        println!(
            "Serving the {} edition at {url} (Ctrl-C to stop)",
            opts.edition
        );
        if opts.open {
            let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
        }
        let (b, e, st) = (opts.build.clone(), opts.edition.clone(), state.clone());
        let _watcher = watch(opts.build.root.clone(), opts.poll, move || {
            match rebuild(&b, &e, &st) {
                Ok(r) => print_result(&r),
                Err(m) => eprintln!("error: {m}"),
            }
            if let (Some(c), Some(_)) = (&b.cache, std::env::var_os("VOUCH_TIMINGS")) {
                eprintln!("  cache {:?}", c.stats());
            }
        })
        .map_err(|e| format!("cannot watch the project: {e}"))?;
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_traversal_in_any_spelling() {
        assert!(safe_path("/../etc/passwd").is_none());
        assert!(safe_path("/%2e%2e/etc/passwd").is_none());
        assert!(safe_path("/a/%2E%2E/%2e%2e/x").is_none());
        assert!(safe_path("/a\\..\\b").is_none());
        assert!(safe_path("//etc/passwd").is_none());
        assert_eq!(
            safe_path("/controls/a-2-2/").as_deref(),
            Some("/controls/a-2-2/")
        );
    }

    #[test]
    fn ignores_editor_temp_files() {
        assert!(ignored(Path::new("content/.policy.md.swp")));
        assert!(ignored(Path::new("content/policy.md~")));
        assert!(ignored(Path::new("content/4913")));
        assert!(!ignored(Path::new("content/policies/ai.md")));
    }

    #[test]
    fn overlay_goes_right_after_body_open() {
        let out = inject(
            b"<html><body class=\"x\"><main>hi</main></body></html>",
            "<p>OVER</p>",
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body class=\"x\"><p>OVER</p><main>hi</main></body></html>"
        );
    }
}
