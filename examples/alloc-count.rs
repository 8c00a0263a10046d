//! `alloc-count`: how many heap allocations a build makes, per phase and per page.
//!
//! `cargo run --release --features alloc-count --example alloc-count -- ROOT [--today YYYY-MM-DD]`
//!
//! Builds the project in ROOT through the library, as `vouch build` does, but
//! into no folder (a [`NullSink`]), and prints the allocations (calls to
//! `alloc` and `realloc`) and the bytes they asked for: for `analyse`, for each
//! edition's page list, for each step of a page (materialise the view, render
//! it with Tera, post-process it with lol_html) summed over one edition's pages
//! rendered on one thread, and for `render_editions` whole (every edition,
//! pages on every core, link check and other outputs included).
//!
//! A crate graph has one global allocator and the library installs mimalloc,
//! so the `alloc-count` feature turns the library's off and this example
//! installs a counting wrapper around the same mimalloc: the counts are the
//! build's own, and the time per allocation stays what `vouch build` pays.
//! See docs/benchmark.md ("Eighth session").

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use vouch::build::{self, EditionEnv, Failure, Options};
use vouch::core::date::Date;
use vouch::pipeline::write::NullSink;
use vouch::pipeline::{postprocess, render};
use vouch::site::pages;

/// Counts every allocation and reallocation, and the bytes asked for.
struct Counting;

static CALLS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to MiMalloc with the caller's arguments;
// counting touches only two atomics and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        unsafe { MiMalloc.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        unsafe { MiMalloc.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        CALLS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size as u64, Relaxed);
        unsafe { MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations and bytes since the program started.
#[derive(Clone, Copy, Default)]
struct Count {
    calls: u64,
    bytes: u64,
    /// Wall time in nanoseconds (of one thread's work where it is one thread's).
    nanos: u64,
}

/// Nanoseconds since the program started.
fn clock() -> u64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_nanos() as u64
}

impl Count {
    fn now() -> Count {
        Count {
            calls: CALLS.load(Relaxed),
            bytes: BYTES.load(Relaxed),
            nanos: clock(),
        }
    }
    fn since(self) -> Count {
        let n = Count::now();
        Count {
            calls: n.calls - self.calls,
            bytes: n.bytes - self.bytes,
            nanos: n.nanos - self.nanos,
        }
    }
    fn add(&mut self, o: Count) {
        self.calls += o.calls;
        self.bytes += o.bytes;
        self.nanos += o.nanos;
    }
}

/// One row: the phase, its totals and, with a page count, per page
/// (allocations, KB asked for, and microseconds).
fn row(label: &str, c: Count, pages: Option<usize>) {
    let per = pages
        .filter(|p| *p > 0)
        .map(|p| {
            format!(
                "{:>10.0} {:>10.1} {:>8.0}",
                c.calls as f64 / p as f64,
                c.bytes as f64 / p as f64 / 1024.0,
                c.nanos as f64 / p as f64 / 1000.0
            )
        })
        .unwrap_or_default();
    println!(
        "  {label:<34} {:>12} {:>10.1} {:>8.2} {per}",
        c.calls,
        c.bytes as f64 / 1048576.0,
        c.nanos as f64 / 1e9
    );
}

/// The project folder and the options `--today` sets.
fn args() -> Result<Options, String> {
    let mut it = std::env::args().skip(1);
    let mut root: Option<PathBuf> = None;
    let mut today = None;
    while let Some(a) = it.next() {
        if a == "--today" {
            let v = it.next().ok_or("--today needs a date")?;
            today = Some(Date::parse(&v).ok_or(format!("--today: `{v}` is not YYYY-MM-DD"))?);
        } else if root.is_none() {
            root = Some(a.into());
        } else {
            return Err(format!("unexpected argument `{a}`"));
        }
    }
    let root = root.ok_or("usage: alloc-count ROOT [--today YYYY-MM-DD]")?;
    Ok(Options {
        today,
        ..Options::new(root)
    })
}

/// Each step of every page of edition `ed`, on this thread, counted apart.
fn edition_steps(site: &vouch::pipeline::model::Site, ed: usize, theme: &render::Theme) {
    let c = Count::now();
    let jobs = pages::jobs(site, ed);
    let n = jobs.len();
    row(
        &format!("{} page list", site.editions[ed]),
        c.since(),
        Some(n),
    );
    let env = EditionEnv::new(site, ed, theme, false, false);
    let (mut mat, mut ren, mut post) = (Count::default(), Count::default(), Count::default());
    let canonical = site.config.base_url.trim_end_matches('/');
    let mut tera_ctx = env.context();
    for job in &jobs {
        let c = Count::now();
        let (ctx, _text) = job.materialize(site, ed);
        let ctx = ctx.into_owned();
        mat.add(c.since());
        let c = Count::now();
        let html = tera_ctx.render(theme, canonical, job.meta(), ctx);
        ren.add(c.since());
        let c = Count::now();
        if let Ok(html) = html {
            let _ = postprocess::process_raw(&html, ed, &site.editions);
        }
        post.add(c.since());
    }
    row("  materialise (view, search text)", mat, Some(n));
    row("  render (Tera)", ren, Some(n));
    row("  post-process (lol_html)", post, Some(n));
    let mut all = mat;
    all.add(ren);
    all.add(post);
    row("  page, all three", all, Some(n));
}

fn run(opts: &Options) -> Result<(), Failure> {
    println!(
        "  {:<34} {:>12} {:>10} {:>8} {:>10} {:>10} {:>8}",
        "phase", "allocs", "MB", "s", "allocs/pg", "KB/pg", "µs/pg"
    );
    let c = Count::now();
    let analysis = build::analyse(opts)?;
    row("analyse", c.since(), None);
    if analysis.has_errors() {
        return Err(Failure::Content(analysis.diagnostics));
    }
    let site = analysis
        .site
        .ok_or(Failure::Content(analysis.diagnostics))?;
    let theme = build::theme_for(&site, None).map_err(|d| Failure::Content(vec![*d]))?;
    for ed in (0..site.editions.len()).rev() {
        edition_steps(&site, ed, &theme);
    }
    let eds: Vec<usize> = (0..site.editions.len()).collect();
    let c = Count::now();
    let report = build::render_editions(&site, &eds, &theme, &NullSink, false, None, None)?;
    let pages: usize = report.pages.iter().map(|(_, n)| n).sum();
    row("render_editions (all, no files)", c.since(), Some(pages));
    Ok(())
}

fn main() -> ExitCode {
    clock();
    let opts = match args() {
        Ok(o) => o,
        Err(m) => {
            eprintln!("{m}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Content(d)) => {
            eprintln!("the project has {} problem(s); run `vouch check`", d.len());
            ExitCode::from(1)
        }
        Err(f) => {
            eprintln!("{f}");
            ExitCode::from(2)
        }
    }
}
