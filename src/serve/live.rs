//! The build `vouch serve` shows: a valid model and its theme, swapped in as
//! one value. Pages are rendered from it when first requested, so a save
//! costs the analysis, not a render of every page; a background pass then
//! renders everything (feeds, search index) and link-checks it.
//!
//! Every page served from one [`Live`] comes from the same model, so a
//! browser never sees two saves mixed in one site.

use crate::build::{EditionEnv, Failure};
use crate::core::diagnostics::Diagnostic;
use crate::core::memo::Cache;
use crate::core::routes::file_for;
use crate::pipeline::model::Site;
use crate::pipeline::render::Theme;
use crate::pipeline::write::MemorySink;
use crate::site::pages::{self, PageJob};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

/// Output files by site path (`/controls/a-2-2/index.html`).
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// A valid build being served.
pub struct Live {
    site: Site,
    theme: Arc<Theme>,
    env: EditionEnv,
    cache: Option<Arc<Cache>>,
    /// Page jobs by output file, listed on first use.
    jobs: OnceLock<HashMap<String, PageJob>>,
    /// Every output file, once the background pass has finished.
    complete: OnceLock<Files>,
    /// Pages rendered on request before then.
    rendered: Mutex<Files>,
    /// Number of the background pass allowed to run; bumping it cancels
    /// the running pass.
    pass: AtomicU64,
}

/// What the background pass found.
pub struct Checked {
    pub pages: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: std::time::Duration,
}

impl Live {
    /// Wraps a valid model for edition `ed`.
    pub fn new(site: Site, ed: usize, theme: Arc<Theme>, cache: Option<Arc<Cache>>) -> Self {
        let env = EditionEnv::new(&site, ed, &theme, true, cache.is_some());
        Live {
            site,
            theme,
            env,
            cache,
            jobs: OnceLock::new(),
            complete: OnceLock::new(),
            rendered: Mutex::default(),
            pass: AtomicU64::new(0),
        }
    }

    fn jobs(&self) -> &HashMap<String, PageJob> {
        // Concurrent callers wait for the one that lists the pages.
        self.jobs.get_or_init(|| {
            pages::jobs(&self.site, self.env.ed)
                .into_iter()
                .map(|j| (file_for(&j.url), j))
                .collect()
        })
    }

    /// True once every file has been rendered.
    pub fn is_complete(&self) -> bool {
        self.complete.get().is_some()
    }

    /// True when `file` is part of this build (without rendering it).
    pub fn has(&self, file: &str) -> bool {
        match self.complete.get() {
            Some(all) => all.contains_key(file),
            None => self.jobs().contains_key(file) || self.static_file(file).is_some(),
        }
    }

    fn static_file(&self, file: &str) -> Option<&Vec<u8>> {
        self.theme.statics.get(file.strip_prefix("/static/")?)
    }

    /// A file of this build. Pages are rendered on first request; `Ok(None)`
    /// means the file is not a page and the background pass has not made it
    /// yet (or it does not exist).
    pub fn file(&self, file: &str) -> Result<Option<Arc<Vec<u8>>>, Failure> {
        if let Some(all) = self.complete.get() {
            return Ok(all.get(file).cloned());
        }
        if let Some(hit) = self.rendered.lock().ok().and_then(|r| r.get(file).cloned()) {
            return Ok(Some(hit));
        }
        if let Some(bytes) = self.static_file(file) {
            return Ok(Some(Arc::new(bytes.clone())));
        }
        let Some(job) = self.jobs().get(file) else {
            return Ok(None);
        };
        let page = self
            .env
            .page(&self.site, &self.theme, self.cache.as_deref(), job)?;
        let bytes = Arc::new(page.html.into_bytes());
        if let Ok(mut r) = self.rendered.lock() {
            r.insert(file.to_string(), bytes.clone());
        }
        Ok(Some(bytes))
    }

    /// Stops the running background pass, if any.
    pub fn cancel(&self) {
        self.pass.fetch_add(1, Ordering::SeqCst);
    }

    /// Numbers a new background pass. Taken before the pass's thread starts,
    /// so a [`Live::cancel`] that comes before the thread runs still counts.
    pub fn begin_pass(&self) -> u64 {
        self.pass.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Renders every file of the edition and link-checks them, unless
    /// [`Live::cancel`] is called after [`Live::begin_pass`] returned `pass`
    /// (then `Failure::Cancelled`).
    pub fn render_all(&self, pass: u64) -> Result<Checked, Failure> {
        let start = Instant::now();
        let stop = || self.pass.load(Ordering::SeqCst) != pass;
        let sink = MemorySink::default();
        let report = crate::build::render_editions(
            &self.site,
            &[self.env.ed],
            &self.theme,
            &sink,
            true,
            self.cache.as_deref(),
            Some(&stop),
        )?;
        let mut all = sink
            .files
            .into_inner()
            .map_err(|_| Failure::Io("poisoned".into()))?;
        let files: Files = all
            .remove(&self.env.name)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, Arc::new(v)))
            .collect();
        let pages = files.keys().filter(|k| k.ends_with(".html")).count();
        let _ = self.complete.set(files);
        if let Ok(mut r) = self.rendered.lock() {
            r.clear();
        }
        if let Some(c) = &self.cache {
            c.pass_done();
        }
        Ok(Checked {
            pages,
            diagnostics: report.diagnostics,
            elapsed: start.elapsed(),
        })
    }
}
