//! The pipeline, end to end: [`analyse`] (load, parse, model, Markdown, validate)
//! is what `vouch check` and every serve rebuild run; [`render_editions`] turns
//! a valid model into files through a [`Sink`]; [`build`] adds the staging
//! folder and the atomic swap.

use crate::core::date::Date;
use crate::core::diagnostics::{self, rule, Diagnostic, Severity};
use crate::core::memo::Cache;
use crate::core::routes::file_for;
use crate::core::source::{file_diag, WithHelp};
use crate::pipeline::linkcheck::{self, EditionIndex};
use crate::pipeline::model::Site;
use crate::pipeline::postprocess::PageLinks;
use crate::pipeline::render::{self, Theme};
use crate::pipeline::validate::paths::breaks_line;
use crate::pipeline::write::{self, DiskSink, Sink};
use crate::pipeline::{load, markdown, model, parse, postprocess, validate};
use crate::site::outputs::{self, SearchDoc};
use crate::site::pages;
use guard::Guarded;

mod guard;
use crate::site::sentinel::{Runs, Sentinel};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A rendered, post-processed page, as the dev server's memo keeps it.
pub struct CachedPage {
    pub html: Arc<str>,
    pub links: PageLinks,
}

/// Options shared by `check`, `build` and `serve`.
#[derive(Clone)]
pub struct Options {
    /// The project folder (holds `content/`).
    pub root: PathBuf,
    /// "Today" for freshness rules; the real date when `None`.
    pub today: Option<Date>,
    /// Warnings become errors.
    pub strict: bool,
    /// Overrides `site.yaml: base_url` (deploy previews).
    pub base_url: Option<String>,
    /// A previous `urls.json` (path or URL): report URLs that would disappear.
    pub since: Option<String>,
    /// Incremental caches shared across rebuilds (`vouch serve`).
    pub cache: Option<std::sync::Arc<crate::core::memo::Cache>>,
    /// Code highlighted by the previous build into the same `--out`
    /// (`build` sets it; see [`crate::pipeline::markdown::store`]).
    pub highlights: Option<std::sync::Arc<crate::pipeline::markdown::HighlightStore>>,
}

impl Options {
    /// Options for a project folder with defaults.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Options {
            root: root.into(),
            today: None,
            strict: false,
            base_url: None,
            since: None,
            cache: None,
            highlights: None,
        }
    }
}

/// Why a run failed.
#[derive(Debug)]
pub enum Failure {
    /// The command asked for something that cannot be done (exit code 2).
    Usage(String),
    /// Reading or writing failed (exit code 2).
    Io(String),
    /// The content has errors (exit code 1); all findings, sorted.
    Content(Vec<Diagnostic>),
    /// A render was stopped because its result is no longer wanted (serve).
    Cancelled,
}

impl Failure {
    /// The exit status this failure ends a command with.
    pub fn exit(&self) -> crate::core::exit::Exit {
        use crate::core::exit::Exit;
        match self {
            Failure::Usage(_) => Exit::Usage,
            Failure::Io(_) | Failure::Cancelled => Exit::Io,
            Failure::Content(_) => Exit::ContentErrors,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Io(m) => f.write_str(m),
            Failure::Content(d) => write!(f, "the content has {} problem(s)", d.len()),
            Failure::Cancelled => f.write_str("the build was cancelled"),
        }
    }
}

impl std::error::Error for Failure {}

/// The model (when it could be built) and every finding, sorted.
pub struct Analysis {
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Loads, parses, models, parses Markdown and validates.
pub fn analyse(opts: &Options) -> Result<Analysis, Failure> {
    if let Some(c) = &opts.cache {
        c.begin();
    }
    if let Some(b) = opts
        .base_url
        .as_deref()
        .filter(|b| b.chars().any(breaks_line))
    {
        return Err(Failure::Usage(format!(
            "--base-url `{}` holds a line break or control character",
            b.escape_debug()
        )));
    }
    let t = std::time::Instant::now();
    let loaded =
        load::load_cached(&opts.root, opts.cache.as_deref()).map_err(|e| Failure::Io(e.0))?;
    lap("load", t);
    let mut diags = loaded.diagnostics.clone();
    let t = std::time::Instant::now();
    let parsed = parse::parse_cached(&loaded, &mut diags, opts.cache.as_deref());
    lap("parse", t);
    let Some(mut config) = parsed.config.clone() else {
        finish(&mut diags, opts.strict);
        return Ok(Analysis {
            site: None,
            diagnostics: diags,
        });
    };
    if let Some(b) = &opts.base_url {
        config.data.base_url = b.clone();
    }
    let today = opts.today.unwrap_or_else(Date::today);
    let t = std::time::Instant::now();
    let mut site = model::build(loaded, parsed, config, today, &mut diags);
    lap("model", t);
    let t = std::time::Instant::now();
    if let Some(c) = &opts.cache {
        if let Some(head) = crate::core::git::head(&site.root) {
            let dates = c.git_dates(&head, || {
                Arc::new(crate::core::git::last_commit_dates(&site.root))
            });
            let _ = site.git_dates.set(dates);
        }
    }
    site.parse_markdown(opts.cache.as_deref(), opts.highlights.as_deref());
    lap("markdown parse", t);
    let t = std::time::Instant::now();
    diags.extend(validate::validate(&site));
    diags.extend(outputs::alias_collisions(&site));
    // The answer library is not part of the model (nothing publishes it),
    // so its ids and claims are checked here, against what the model publishes.
    diags.extend(crate::site::answer::library::check(&site));
    lap("validate", t);
    if let Some(since) = &opts.since {
        let manifest = crate::site::permalinks::load(since).map_err(Failure::Io)?;
        diags.extend(crate::site::permalinks::check(&site, &manifest).map_err(Failure::Io)?);
    }
    finish(&mut diags, opts.strict);
    Ok(Analysis {
        site: Some(site),
        diagnostics: diags,
    })
}

/// Prints a phase timing when `VOUCH_TIMINGS` is set (profiling aid).
pub fn lap(label: &str, since: std::time::Instant) {
    if std::env::var_os("VOUCH_TIMINGS").is_some() {
        // Resident and peak memory after each phase, where the OS reports them.
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kb = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .map_or_else(String::new, |k| format!("{:>6} MB", k / 1024))
        };
        eprintln!(
            "  {label:<24} {:>8.1} ms  rss {} peak {}",
            since.elapsed().as_secs_f64() * 1000.0,
            kb("VmRSS:"),
            kb("VmHWM:")
        );
    }
}

fn finish(diags: &mut Vec<Diagnostic>, strict: bool) {
    if strict {
        diagnostics::make_strict(diags);
    }
    diagnostics::sort(diags);
}

/// `vouch check`: [`analyse`], then — when the model has no errors — every
/// edition rendered in memory and link-checked, so `check` reports what
/// `build` would (broken links, edition leaks, template errors) without
/// writing a file.
pub fn check(opts: &Options) -> Result<Analysis, Failure> {
    let mut a = analyse(opts)?;
    if a.has_errors() {
        return Ok(a);
    }
    let Some(site) = &a.site else { return Ok(a) };
    let found = match theme_for(site, None) {
        Ok(theme) => {
            let all: Vec<usize> = (0..site.editions.len()).collect();
            match render_editions(site, &all, &theme, &write::NullSink, false, None, None) {
                Ok(report) => report.diagnostics,
                Err(Failure::Content(d)) => d,
                Err(f) => return Err(f),
            }
        }
        Err(d) => vec![*d],
    };
    a.diagnostics.extend(found);
    finish(&mut a.diagnostics, opts.strict);
    Ok(a)
}

/// What rendering produced.
#[derive(Debug, Default)]
pub struct RenderReport {
    /// HTML pages per edition name.
    pub pages: Vec<(String, usize)>,
    /// Link-check findings.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads the theme the project selects.
pub fn theme_for(site: &Site, cache: Option<&Cache>) -> Result<Arc<Theme>, Box<Diagnostic>> {
    let files = render::theme_files(&site.root, site.config.theme.as_deref())?;
    let load = || render::load_theme(&files);
    let theme = match cache {
        Some(c) => c.theme(crate::core::memo::hash_of(&files), load),
        None => load().map(Arc::new),
    };
    theme.map_err(|m| Box::new(file_diag(&rule::TEMPLATE_ERROR, "themes", m)))
}

/// What every page of one edition shares: the site-wide view (as a Tera
/// context) and, with a cache, the hash that page keys start from.
pub struct EditionEnv {
    pub ed: usize,
    pub name: String,
    base_hash: Option<u64>,
    canonical: String,
    /// The site-wide view made into a Tera context once; each rendering
    /// thread takes a copy of it ([`EditionEnv::context`]).
    context: render::EditionContext,
}

/// One rendered, post-processed page.
pub struct RenderedPage {
    pub html: String,
    /// Sorted and de-duplicated, for the link check.
    pub links: postprocess::PageLinks,
    pub search: Option<SearchDoc>,
}

impl EditionEnv {
    /// The shared view of edition `ed`; `serve` adds the live-reload script.
    pub fn new(site: &Site, ed: usize, theme: &Theme, serve: bool, cached: bool) -> Self {
        let name = site.editions[ed].clone();
        let view = crate::site::views::BaseContext {
            site: site.site_view(ed, serve),
        };
        // As for page contexts: a view cannot fail to serialise, and a `null`
        // base would surface as a template error, not a panic.
        let base = serde_json::to_value(view).unwrap_or_default();
        let base_hash =
            cached.then(|| crate::core::memo::hash_of(&(base.to_string(), &name, theme.hash)));
        EditionEnv {
            ed,
            name,
            context: render::EditionContext::new(&base),
            base_hash,
            canonical: site.config.base_url.trim_end_matches('/').to_string(),
        }
    }

    /// A Tera context holding the shared view, for one thread to render
    /// many pages with ([`EditionEnv::page_in`]).
    pub fn context(&self) -> render::EditionContext {
        self.context.clone()
    }

    /// Renders one page, or takes it from the cache when its template and
    /// view data are unchanged.
    pub fn page(
        &self,
        site: &Site,
        theme: &Theme,
        cache: Option<&Cache>,
        job: &pages::PageJob,
    ) -> Result<RenderedPage, Failure> {
        let interner = linkcheck::Interner::default();
        self.page_in(&mut self.context(), &interner, site, theme, cache, job)
    }

    /// [`EditionEnv::page`] with a context from [`EditionEnv::context`],
    /// which a thread keeps from page to page, and the page's links
    /// interned (sorted, de-duplicated, strings shared) with the edition's.
    pub fn page_in(
        &self,
        tera_ctx: &mut render::EditionContext,
        interner: &linkcheck::Interner,
        site: &Site,
        theme: &Theme,
        cache: Option<&Cache>,
        job: &pages::PageJob,
    ) -> Result<RenderedPage, Failure> {
        let theme_dir = site.config.theme.as_deref().unwrap_or("default");
        let tpl_err = |m: String| {
            Failure::Content(vec![file_diag(
                &rule::TEMPLATE_ERROR,
                &format!("themes/{theme_dir}/templates/{}", job.template),
                m,
            )])
        };
        let (ctx, search_text) = job.materialize(site, self.ed);
        let mut render = |ctx: serde_json::Value| {
            let html = tera_ctx.render(theme, &self.canonical, job.meta(), ctx)?;
            let (html, raw) = postprocess::process_raw(&html, self.ed, &site.editions)?;
            Ok::<_, String>((html, interner.intern(raw)))
        };
        let key = self.base_hash.map(|b| {
            crate::core::memo::hash_json(
                crate::core::memo::hash_of(&(b, job.template, &job.url)),
                &ctx,
            )
        });
        let (html, links) = match (cache, key) {
            (Some(c), Some(k)) => match c.page::<CachedPage>(k) {
                Some(hit) => (hit.html.to_string(), interner.compact(hit.links.clone())),
                None => {
                    let (html, links) = render(ctx.into_owned()).map_err(tpl_err)?;
                    let page = CachedPage {
                        html: Arc::from(html.as_str()),
                        links: links.clone(),
                    };
                    c.put_page(k, Arc::new(page));
                    (html, links)
                }
            },
            _ => render(ctx.into_owned()).map_err(tpl_err)?,
        };
        let search = search_text.map(|text| SearchDoc {
            u: job.url.clone(),
            t: job.title.clone(),
            k: job.template.trim_end_matches(".html").replace('_', " "),
            // The whole text: the split index (`outputs::search`) loads
            // only what a query needs, so nothing is cut.
            x: text.into(),
        });
        Ok(RenderedPage {
            html,
            links,
            search,
        })
    }
}

/// Answers true once a render is no longer wanted (a newer save arrived).
pub type Cancel<'a> = dyn Fn() -> bool + Sync + 'a;

fn cancelled(cancel: Option<&Cancel<'_>>) -> Result<(), Failure> {
    match cancel {
        Some(c) if c() => Err(Failure::Cancelled),
        _ => Ok(()),
    }
}

// The one edition's render context; a struct would only rename these.
#[allow(clippy::too_many_arguments)]
fn render_edition(
    site: &Site,
    ed: usize,
    theme: &Theme,
    sink: &dyn Sink,
    serve: bool,
    cache: Option<&Cache>,
    cancel: Option<&Cancel<'_>>,
    runs: &std::sync::OnceLock<Runs>,
) -> Result<(EditionIndex, Vec<Diagnostic>), Failure> {
    // Every file of a lower edition passes the leak sentinel on its way out
    // (the dev server previews locally and publishes nothing: it skips it).
    let t = std::time::Instant::now();
    let top = site.editions.len().saturating_sub(1);
    let sentinel = (ed < top && !serve)
        .then(|| Sentinel::of_runs(site, ed, runs.get_or_init(|| Runs::of(site, &[])), &[]))
        .filter(|s| !s.is_empty());
    let guarded = sentinel.as_ref().map(|s| Guarded {
        inner: sink,
        sentinel: s,
        hits: std::sync::Mutex::new(Vec::new()),
        nanos: std::sync::atomic::AtomicU64::new(0),
    });
    let sink: &dyn Sink = match &guarded {
        Some(g) => g,
        None => sink,
    };
    lap("  sentinel", t);
    let t = std::time::Instant::now();
    let jobs = pages::jobs(site, ed);
    lap("  page list", t);
    let t = std::time::Instant::now();
    let env = EditionEnv::new(site, ed, theme, serve, cache.is_some());
    let name = &env.name;
    type PageOut = (String, postprocess::PageLinks, Option<SearchDoc>);
    let interner = linkcheck::Interner::default();
    let results: Vec<Result<PageOut, Failure>> = jobs
        .par_iter()
        .map_init(
            || env.context(),
            |tera_ctx, job| {
                cancelled(cancel)?;
                let page = env.page_in(tera_ctx, &interner, site, theme, cache, job)?;
                let path = file_for(&job.url);
                sink.put(name, &path, page.html.into_bytes())
                    .map_err(|e| Failure::Io(format!("cannot write {path}: {e}")))?;
                Ok((path, page.links, page.search))
            },
        )
        .collect();
    let mut index = EditionIndex {
        name: name.clone(),
        ..Default::default()
    };
    let mut search = Vec::new();
    for r in results {
        let (path, links, s) = r?;
        written_once(&mut index, name, &path)?;
        index.pages.insert(path, links);
        search.extend(s);
    }
    lap("  pages", t);
    let t = std::time::Instant::now();
    let urls: Vec<String> = jobs.iter().map(|j| j.url.clone()).collect();
    // Each file goes to the sink as soon as it is made: the search index
    // of a large edition is never held whole (see `outputs::files_each`).
    let mut emit = |(path, bytes): write::OutFile| -> Result<(), Failure> {
        sink.put(name, &path, bytes)
            .map_err(|e| Failure::Io(format!("cannot write {path}: {e}")))?;
        written_once(&mut index, name, &path)
    };
    for (p, b) in &theme.statics {
        emit((format!("/static/{p}"), b.clone()))?;
    }
    outputs::files_each(site, ed, &urls, search, &mut emit)?;
    lap("  other outputs", t);
    let leaks = guarded.map(|g| g.diagnostics(site)).unwrap_or_default();
    Ok((index, leaks))
}

/// Records that `path` was written; a second write to one path means one
/// output replaced another (validation reports aliases that would; this
/// catches any other way), and fails the build rather than publish it.
fn written_once(index: &mut EditionIndex, edition: &str, path: &str) -> Result<(), Failure> {
    if index.files.insert(path.to_string()) {
        return Ok(());
    }
    Err(Failure::Content(vec![file_diag(
        &rule::OUTPUT_COLLISION,
        "content",
        format!("the {edition} edition would write `{path}` twice, one output over another"),
    )
    .help(
        "find the alias, evidence location or page that maps to this path and change it",
    )]))
}

/// Renders the given editions (indices, any order) into `sink` and link-checks
/// them. The link check always sees every edition, so leaks are recognised.
pub fn render_editions(
    site: &Site,
    editions: &[usize],
    theme: &Theme,
    sink: &dyn Sink,
    serve: bool,
    cache: Option<&Cache>,
    cancel: Option<&Cancel<'_>>,
) -> Result<RenderReport, Failure> {
    // Highest edition first, each link-checked as soon as it is rendered, so
    // only one edition's links are held at a time; a lower edition's leak
    // check needs only the file lists of the editions above it.
    let mut higher: Vec<(String, HashSet<String>)> = Vec::new();
    // The runs of words the sentinel looks for, computed once for the
    // lower editions.
    let runs = std::sync::OnceLock::new();
    let mut pages = Vec::new();
    let mut diagnostics = Vec::new();
    for ed in (0..site.editions.len()).rev() {
        let name = site.editions[ed].clone();
        if editions.contains(&ed) {
            let t = std::time::Instant::now();
            let (index, leaks) =
                render_edition(site, ed, theme, sink, serve, cache, cancel, &runs)?;
            diagnostics.extend(leaks);
            cancelled(cancel)?;
            lap(&format!("render {name}"), t);
            let t = std::time::Instant::now();
            let above: Vec<(&str, &HashSet<String>)> =
                higher.iter().rev().map(|(n, f)| (n.as_str(), f)).collect();
            let found = linkcheck::check_edition(&index, &above);
            diagnostics.extend(linkcheck::locate(site, found));
            lap(&format!("link check {name}"), t);
            pages.push((name.clone(), index.pages.len()));
            higher.push((name, index.files));
        } else {
            // Unbuilt editions still contribute their page list to leak detection.
            let files = pages::urls(site, ed).iter().map(|u| file_for(u)).collect();
            higher.push((name, files));
        }
    }
    pages.reverse();
    Ok(RenderReport { pages, diagnostics })
}

/// Which editions to build: all, or one by name.
pub fn select_editions(site: &Site, name: Option<&str>) -> Result<Vec<usize>, Failure> {
    match name {
        None | Some("all") => Ok((0..site.editions.len()).collect()),
        Some(n) => site
            .editions
            .iter()
            .position(|e| e == n)
            .map(|i| vec![i])
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "unknown edition `{n}`; site.yaml declares: {}",
                    site.editions.join(", ")
                ))
            }),
    }
}

/// Outcome of a successful build.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: Vec<(String, usize)>,
    /// Warnings (errors stop the build).
    pub diagnostics: Vec<Diagnostic>,
}

/// Full build into `out/<edition>/`, atomically.
pub fn build(opts: &Options, out: &Path, edition: Option<&str>) -> Result<BuildReport, Failure> {
    write::check_out(&opts.root, out).map_err(Failure::Usage)?;
    // Code the previous build into `out` highlighted; only checked copies
    // of a block's own text are taken from it (see `markdown::store`).
    let store = Arc::new(markdown::HighlightStore::load(out));
    let opts = &Options {
        highlights: Some(store.clone()),
        ..opts.clone()
    };
    let analysis = analyse(opts)?;
    if analysis.has_errors() {
        return Err(Failure::Content(analysis.diagnostics));
    }
    let Some(site) = analysis.site else {
        return Err(Failure::Content(analysis.diagnostics));
    };
    let mut diags = analysis.diagnostics;
    let editions = select_editions(&site, edition)?;
    let t = std::time::Instant::now();
    let theme = theme_for(&site, None).map_err(|d| Failure::Content(vec![*d]))?;
    lap("theme", t);
    let mut staging = write::stage(out)
        .map_err(|e| Failure::Io(format!("cannot create {}: {e}", out.display())))?;
    let names: Vec<String> = editions.iter().map(|i| site.editions[*i].clone()).collect();
    let sink = DiskSink {
        staging: staging.dir.path().to_path_buf(),
        previous: Some(out.to_path_buf()),
        reuse: Some(staging.reuse(&names)),
    };
    let report = render_editions(&site, &editions, &theme, &sink, false, None, None)?;
    diags.extend(report.diagnostics);
    finish(&mut diags, opts.strict);
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return Err(Failure::Content(diags));
    }
    let t = std::time::Instant::now();
    // The replaced editions are kept for the next build to write into, and
    // anything that cannot be kept is removed in the background (see
    // `write::Staging::commit`): the build's result does not wait for it.
    let committed = staging.commit(&names, &site.editions).map(drop);
    lap("swap", t);
    committed.map_err(|e| {
        Failure::Io(format!(
            "cannot move the new site into {}: {e}",
            out.display()
        ))
    })?;
    // The site is published; a store that cannot be written only means the
    // next build highlights everything again. Only a build of the highest
    // edition writes it: its output holds every level's code anyway, and a
    // public-only `--out` must hold nothing above public.
    let top = site.editions.len().checked_sub(1);
    if top.is_some_and(|t| editions.contains(&t)) {
        let t = std::time::Instant::now();
        let _ = store.save(out);
        lap("highlight store", t);
    }
    Ok(BuildReport {
        pages: report.pages,
        diagnostics: diags,
    })
}
