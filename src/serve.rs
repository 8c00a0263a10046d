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
use crate::markdown::escape;
use crate::write::MemorySink;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Response, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
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

/// The build being served.
#[derive(Default)]
pub struct Snapshot {
    pub files: HashMap<String, Arc<Vec<u8>>>,
    pub diagnostics: Vec<Diagnostic>,
    pub generation: u64,
}

/// Shared server state.
#[derive(Clone)]
pub struct AppState {
    pub snapshot: Arc<RwLock<Snapshot>>,
    pub events: broadcast::Sender<String>,
}

/// Outcome of one rebuild, for the terminal and the latency benchmark.
#[derive(Debug)]
pub struct Rebuilt {
    pub ok: bool,
    pub pages: usize,
    pub elapsed: Duration,
    pub diagnostics: Vec<Diagnostic>,
}

/// Builds `edition` into memory and swaps it into `state` on success; on
/// failure keeps the files and records the diagnostics. Then notifies browsers.
pub fn rebuild(opts: &Options, edition: &str, state: &AppState) -> Result<Rebuilt, String> {
    let start = Instant::now();
    let result = build_in_memory(opts, edition);
    let mut snap = state
        .snapshot
        .write()
        .map_err(|_| "state lock poisoned".to_string())?;
    snap.generation += 1;
    let rebuilt = match result {
        Ok((files, diags)) => {
            let pages = files.keys().filter(|k| k.ends_with(".html")).count();
            snap.files = files;
            snap.diagnostics = diags.clone();
            Rebuilt {
                ok: true,
                pages,
                elapsed: start.elapsed(),
                diagnostics: diags,
            }
        }
        Err(Failure::Content(diags)) => {
            snap.diagnostics = diags.clone();
            Rebuilt {
                ok: false,
                pages: 0,
                elapsed: start.elapsed(),
                diagnostics: diags,
            }
        }
        Err(Failure::Io(msg)) => return Err(msg),
    };
    drop(snap);
    // Sent only after the swap: a browser that reloads sees the new build.
    let _ = state.events.send("reload".into());
    Ok(rebuilt)
}

type Files = HashMap<String, Arc<Vec<u8>>>;

fn build_in_memory(opts: &Options, edition: &str) -> Result<(Files, Vec<Diagnostic>), Failure> {
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
    let sink = MemorySink::default();
    let report = build::render_editions(&site, &eds, &theme, &sink, true, opts.cache.as_deref())?;
    let mut diags = analysis.diagnostics;
    diags.extend(report.diagnostics);
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return Err(Failure::Content(diags));
    }
    let mut all = sink
        .files
        .into_inner()
        .map_err(|_| Failure::Io("poisoned".into()))?;
    let files = all
        .remove(edition)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, Arc::new(v)))
        .collect();
    Ok((files, diags))
}

const RELOAD_JS: &str = include_str!("serve_reload.js");
const OVERLAY_CSS: &str = include_str!("serve_overlay.css");

/// The overlay (errors) or badge (warnings) HTML, or empty.
pub fn overlay_html(diags: &[Diagnostic]) -> String {
    let errors: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let warnings = diags.len() - errors.len();
    let mut out = String::from("<link rel=\"stylesheet\" href=\"/__vouch/overlay.css\">");
    if !errors.is_empty() {
        out.push_str("<section id=\"vouch-overlay\" role=\"alert\" aria-labelledby=\"vouch-overlay-title\"><h2 id=\"vouch-overlay-title\">");
        out.push_str(&format!(
            "The last save has {} error{}; showing the last good build",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
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
    let snap = match state.snapshot.read() {
        Ok(s) => s,
        Err(_) => {
            return respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain",
                b"state poisoned".to_vec(),
            )
        }
    };
    let overlay = overlay_html(&snap.diagnostics);
    let file = crate::linkcheck::file_for(&path);
    if let Some(body) = snap.files.get(&file) {
        let ct = content_type(&file);
        let body = if ct.starts_with("text/html") {
            inject(body, &overlay)
        } else {
            body.to_vec()
        };
        return respond(StatusCode::OK, ct, body);
    }
    if snap.files.contains_key(&format!("{path}/index.html")) {
        let mut r = respond(StatusCode::MOVED_PERMANENTLY, "text/plain", Vec::new());
        if let Ok(v) = HeaderValue::from_str(&format!("{path}/")) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    let fallback = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>vouch: no build yet</title></head><body><main><h1>No successful build yet</h1><p>Fix the errors shown and save; this page reloads.</p></main><script src=\"/__vouch/reload.js\" defer></script></body></html>";
    let body = snap
        .files
        .get("/404.html")
        .map(|b| inject(b, &overlay))
        .unwrap_or_else(|| inject(fallback.as_bytes(), &overlay));
    respond(StatusCode::NOT_FOUND, "text/html; charset=utf-8", body)
}

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

fn print_result(r: &Rebuilt) {
    if !r.diagnostics.is_empty() {
        let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
        eprint!(
            "{}",
            crate::diagnostics::render_human(&r.diagnostics, color)
        );
    }
    if r.ok {
        eprintln!("rebuilt {} pages in {} ms", r.pages, r.elapsed.as_millis());
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
    let (tx, _) = broadcast::channel(64);
    let state = AppState {
        snapshot: Arc::default(),
        events: tx,
    };
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
