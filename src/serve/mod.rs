//! `vouch serve`: analyses the project, serves one edition on 127.0.0.1,
//! rebuilds on save, and tells browsers to reload only after the new build has
//! been swapped in. A failed rebuild keeps the last good build and shows the
//! diagnostics in an overlay injected into every HTML page by the server.
//!
//! Steps of a rebuild: debounce file events -> [`crate::build::analyse`]
//! (unchanged files are neither read nor parsed again) -> swap in a
//! [`Live`] build (model and theme) -> broadcast `reload` over server-sent
//! events -> pages render when requested -> a background pass renders every
//! file, link-checks the edition and reports what it finds to the overlay.

mod guard;
mod http;
pub mod live;

pub use guard::{guard, Hosts};
pub use http::{content_type, overlay_html, router, safe_path};

use crate::build::{self, Failure, Options};
use crate::core::diagnostics::Diagnostic;
use crate::serve::live::Live;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, watch as signal};

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
    /// The build before it, kept until `live` has rendered every page: a
    /// page that fails to render (a template error only rendering finds) is
    /// shown from here, under the overlay, instead of not at all.
    pub previous: Option<Arc<Live>>,
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
    /// Turns true once, when the server shuts down; ends the event streams.
    stop: signal::Sender<bool>,
}

/// How long a request for a feed or index waits for the background pass.
const WAIT_FOR_PASS: Duration = Duration::from_secs(60);

impl AppState {
    /// A fresh state with no build yet.
    pub fn new() -> Self {
        AppState {
            snapshot: Arc::default(),
            events: broadcast::channel(64).0,
            stop: signal::channel(false).0,
        }
    }

    /// Ends every live-reload event stream, now and for streams opened
    /// later: the server is shutting down.
    pub fn shut_down(&self) {
        self.stop.send_replace(true);
    }

    /// Watches for [`AppState::shut_down`].
    fn stopping(&self) -> signal::Receiver<bool> {
        self.stop.subscribe()
    }

    fn live(&self) -> Option<Arc<Live>> {
        self.snapshot.read().ok()?.live.clone()
    }

    /// A file of the served build, rendering a page on first request. A
    /// file that is not a page (feed, search index) waits for the
    /// background pass. Blocking: call it off the async runtime.
    pub fn file(&self, file: &str) -> Result<Option<Arc<Vec<u8>>>, Failure> {
        let start = Instant::now();
        loop {
            let Some(live) = self.live() else {
                return Ok(None);
            };
            // Read before the lookup: a pass that completes between the
            // lookup and this check would otherwise turn a file it just
            // made into a 404.
            let complete = live.is_complete();
            if let Some(found) = live.file(file)? {
                return Ok(Some(found));
            }
            if complete || start.elapsed() > WAIT_FOR_PASS {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The file from the build before the served one (see
    /// [`Snapshot::previous`]).
    pub fn previous_file(&self, file: &str) -> Option<Arc<Vec<u8>>> {
        let previous = self.snapshot.read().ok()?.previous.clone()?;
        previous.file(file).ok().flatten()
    }

    /// Waits until the served build has been fully rendered (tests, tools).
    pub fn wait_rendered(&self, timeout: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.live().is_some_and(|l| l.is_complete()) {
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
    let old = state.live();
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
    // When nothing is swapped in, the served build's pass (stopped above)
    // must finish, or requests for its feeds would wait for nothing.
    let resumed = || old.clone().filter(|l| !l.is_complete());
    let (live, diagnostics) = match result {
        Ok((live, diags)) => (Some(live), diags),
        Err(Failure::Content(diags)) => (None, diags),
        Err(e) => {
            let missing = missing_content(opts);
            if let Some(d) = &missing {
                // Without this the browser would keep the last good pages
                // with nothing saying the sources are gone.
                snap.diagnostics = vec![d.clone()];
                snap.stale = true;
            }
            drop(snap);
            if missing.is_some() {
                let _ = state.events.send("reload".into());
            }
            if let Some(l) = resumed() {
                spawn_pass(l, state, generation);
            }
            return Err(match e {
                Failure::Io(msg) | Failure::Usage(msg) => msg,
                _ => "the build was cancelled".into(),
            });
        }
    };
    let mut retired = None;
    if let Some(l) = &live {
        let newer = snap.live.replace(l.clone());
        retired = std::mem::replace(&mut snap.previous, newer);
    }
    snap.diagnostics = diagnostics.clone();
    snap.stale = live.is_none();
    drop(snap);
    // Sent only after the swap: a browser that reloads sees the new build.
    let _ = state.events.send("reload".into());
    let ok = live.is_some();
    if let Some(l) = live.or_else(resumed) {
        spawn_pass(l, state, generation);
    }
    // Freeing a large model takes a while; not under the lock, not before
    // the reload.
    if let Some(r) = retired {
        std::thread::spawn(move || drop(r));
    }
    Ok(Rebuilt {
        ok,
        elapsed: start.elapsed(),
        diagnostics,
    })
}

/// An E040 diagnostic when the project's `content/` folder is gone (deleted,
/// or moved away in the middle of a checkout).
fn missing_content(opts: &Options) -> Option<Diagnostic> {
    use crate::core::source::{file_diag, WithHelp};
    if opts.root.join("content").is_dir() {
        return None;
    }
    let d = file_diag(
        &crate::core::diagnostics::rule::MISSING_FILE,
        "content/",
        "the content/ folder is missing",
    );
    Some(d.help(
        "restore content/ (e.g. `git checkout -- content`); the server rebuilds when it is back",
    ))
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

/// Starts the background pass of `live` on its own thread.
fn spawn_pass(live: Arc<Live>, state: &AppState, generation: u64) {
    let pass = live.begin_pass();
    let state = state.clone();
    std::thread::spawn(move || finish(&live, pass, &state, generation));
}

/// The background pass: renders every file and link-checks the edition.
/// Findings join the overlay (and browsers reload to show them) only if the
/// build is still the one served.
fn finish(live: &Live, pass: u64, state: &AppState, generation: u64) {
    let found = match live.render_all(pass) {
        Ok(checked) => {
            eprintln!(
                "rendered {} pages and checked their links in {} ms",
                checked.pages,
                checked.elapsed.as_millis()
            );
            let retired = match state.snapshot.write() {
                // Every page rendered: nothing needs the older build now.
                Ok(mut snap) if snap.generation == generation => snap.previous.take(),
                _ => None,
            };
            drop(retired);
            checked.diagnostics
        }
        Err(Failure::Content(d)) => d,
        Err(Failure::Cancelled) => return,
        Err(Failure::Io(m) | Failure::Usage(m)) => {
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
    crate::core::diagnostics::sort(&mut snap.diagnostics);
    drop(snap);
    print_findings(&found);
    let _ = state.events.send("reload".into());
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
        eprint!("{}", crate::core::diagnostics::render_human(diags, color));
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

/// The folders of the project a rebuild reads.
const WATCHED: [&str; 2] = ["content", "themes"];

type WatcherCell = std::sync::Mutex<Box<dyn notify::Watcher + Send>>;
type SharedWatcher = Arc<WatcherCell>;

/// Watches the project and rebuilds on change, debounced. Runs on its own thread.
fn watch(
    root: PathBuf,
    poll: bool,
    on_change: impl Fn() + Send + 'static,
) -> notify::Result<SharedWatcher> {
    use notify::RecursiveMode;
    // Events are matched to content/ and themes/ by path, and some
    // watchers (macOS FSEvents) report the real path, not a symlinked one.
    let root = root.canonicalize().unwrap_or(root);
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher: Box<dyn notify::Watcher + Send> = if poll {
        let cfg = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        Box::new(notify::PollWatcher::new(tx, cfg)?)
    } else {
        Box::new(notify::recommended_watcher(tx)?)
    };
    // The root itself, not recursively: a watch on content/ dies with the
    // folder, and only the root sees it (or themes/) made again.
    watcher.watch(&root, RecursiveMode::NonRecursive)?;
    for dir in WATCHED {
        let p = root.join(dir);
        if p.is_dir() {
            watcher.watch(&p, RecursiveMode::Recursive)?;
        }
    }
    let watcher: SharedWatcher = Arc::new(std::sync::Mutex::new(watcher));
    // Weak: the watcher owns the sender, so a strong handle here would
    // keep this thread and the watcher alive after `serve` dropped it.
    let handle = Arc::downgrade(&watcher);
    std::thread::spawn(move || {
        while let Ok(ev) = rx.recv() {
            let Ok(ev) = ev else { continue };
            if !relevant(&root, &ev) {
                continue;
            }
            rewatch(&root, &ev, &handle);
            // Debounce: an editor's save is often several events (write, rename).
            // A save's events arrive within a millisecond or two of each other;
            // a longer window only adds to the save-to-reload time.
            while let Ok(more) = rx.recv_timeout(Duration::from_millis(12)) {
                if let Ok(more) = more {
                    rewatch(&root, &more, &handle);
                }
            }
            on_change();
        }
    });
    Ok(watcher)
}

/// An event a rebuild must follow: a change under a watched folder (or to
/// the folder itself), not an access, not an editor's temp file.
fn relevant(root: &Path, ev: &notify::Event) -> bool {
    !matches!(ev.kind, notify::EventKind::Access(_))
        && ev
            .paths
            .iter()
            .any(|p| !ignored(p) && WATCHED.iter().any(|dir| p.starts_with(root.join(dir))))
}

/// Watches `content/` or `themes/` again when the event shows it made anew
/// (deleted and recreated, or moved back). Before the rebuild it leads to,
/// so files written into it from now on are seen.
fn rewatch(root: &Path, ev: &notify::Event, handle: &std::sync::Weak<WatcherCell>) {
    use notify::EventKind;
    if !matches!(ev.kind, EventKind::Create(_) | EventKind::Modify(_)) {
        return;
    }
    for dir in WATCHED.map(|d| root.join(d)) {
        if !ev.paths.contains(&dir) || !dir.is_dir() {
            continue;
        }
        let Some(watcher) = handle.upgrade() else {
            return;
        };
        let Ok(mut watcher) = watcher.lock() else {
            return;
        };
        // A stale watch of the deleted folder may linger; drop it first.
        let _ = watcher.unwatch(&dir);
        if let Err(e) = watcher.watch(&dir, notify::RecursiveMode::Recursive) {
            eprintln!("error: cannot watch {}: {e}", dir.display());
        }
    }
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
    let result = runtime.block_on(async move {
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
        let hosts = Hosts::new(&opts.bind, addr);
        run_until_ctrl_c(listener, router(state.clone(), hosts), state).await
    });
    // A request still waiting for the background pass holds a blocking
    // thread; dropping the runtime would wait for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    result
}

/// How long open responses get to finish after Ctrl-C before the server
/// stops without them.
const GRACE: Duration = Duration::from_millis(500);

/// Serves until Ctrl-C, then ends the live-reload streams and stops within
/// [`GRACE`] even if a connection is still open.
async fn run_until_ctrl_c(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    state: AppState,
) -> Result<(), String> {
    let stopping = state.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            // No signal handler: never stop on our own rather than at once.
            std::future::pending::<()>().await;
        }
        eprintln!("stopping");
        stopping.shut_down();
    });
    let mut stopped = state.stopping();
    let deadline = async move {
        let _ = stopped.wait_for(|s| *s).await;
        tokio::time::sleep(GRACE).await;
    };
    tokio::select! {
        served = std::future::IntoFuture::into_future(server) => served.map_err(|e| e.to_string()),
        () = deadline => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_temp_files() {
        assert!(ignored(Path::new("content/.policy.md.swp")));
        assert!(ignored(Path::new("content/policy.md~")));
        assert!(ignored(Path::new("content/4913")));
        assert!(!ignored(Path::new("content/policies/ai.md")));
    }
}
