//! Content-hash caches that make `vouch serve` rebuilds incremental:
//! - Markdown: a document whose text did not change is not parsed again;
//! - theme: templates are compiled again only when a theme file changed;
//! - pages: a page whose template and view data did not change is not
//!   rendered or post-processed again.
//!
//! Keys are hashes of the inputs themselves, so a cache can never serve stale
//! output; entries not used by the latest build are dropped to bound memory.
//! A change to `site.yaml` changes every page's shared data, so it rebuilds
//! everything from scratch by construction.

use crate::markdown;
use crate::postprocess::PageLinks;
use crate::render::Theme;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

/// A rendered, post-processed page.
#[derive(Clone)]
pub struct CachedPage {
    pub html: Arc<str>,
    pub links: PageLinks,
}

struct Generational<V> {
    current: HashMap<u64, V>,
    previous: HashMap<u64, V>,
}

impl<V> Default for Generational<V> {
    fn default() -> Self {
        Generational {
            current: HashMap::new(),
            previous: HashMap::new(),
        }
    }
}

impl<V: Clone> Generational<V> {
    fn get(&mut self, k: u64) -> Option<V> {
        if let Some(v) = self.current.get(&k) {
            return Some(v.clone());
        }
        let v = self.previous.remove(&k)?;
        self.current.insert(k, v.clone());
        Some(v)
    }
    fn put(&mut self, k: u64, v: V) {
        self.current.insert(k, v);
    }
    fn rotate(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }
}

/// Caches shared across rebuilds of one project.
#[derive(Default)]
pub struct Cache {
    markdown: Mutex<Generational<Arc<markdown::Parsed>>>,
    pages: Mutex<Generational<CachedPage>>,
    theme: Mutex<Option<(u64, Arc<Theme>)>>,
    stats: Mutex<Stats>,
}

/// Hit counters of the last build (for tests and `VOUCH_TIMINGS`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub markdown_hits: usize,
    pub markdown_misses: usize,
    pub page_hits: usize,
    pub page_misses: usize,
    pub theme_reloads: usize,
}

/// Hash of any hashable value.
pub fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

impl Cache {
    /// Starts a build: entries the previous build did not use are dropped.
    pub fn begin(&self) {
        if let Ok(mut m) = self.markdown.lock() {
            m.rotate();
        }
        if let Ok(mut p) = self.pages.lock() {
            p.rotate();
        }
        if let Ok(mut s) = self.stats.lock() {
            *s = Stats::default();
        }
    }

    /// Counters since [`Cache::begin`].
    pub fn stats(&self) -> Stats {
        self.stats.lock().map(|s| *s).unwrap_or_default()
    }

    /// Parses Markdown through the cache.
    pub fn markdown(&self, text: &str, editions: &[String]) -> Arc<markdown::Parsed> {
        let key = hash_of(&(text, editions));
        if let Some(hit) = self.markdown.lock().ok().and_then(|mut m| m.get(key)) {
            self.count(|s| s.markdown_hits += 1);
            return hit;
        }
        let parsed = Arc::new(markdown::parse(text, editions));
        if let Ok(mut m) = self.markdown.lock() {
            m.put(key, parsed.clone());
        }
        self.count(|s| s.markdown_misses += 1);
        parsed
    }

    /// The theme for these files, compiled again only when they changed.
    pub fn theme(
        &self,
        files_hash: u64,
        load: impl FnOnce() -> Result<Theme, String>,
    ) -> Result<Arc<Theme>, String> {
        let mut slot = self
            .theme
            .lock()
            .map_err(|_| "theme cache poisoned".to_string())?;
        if let Some((h, t)) = slot.as_ref() {
            if *h == files_hash {
                return Ok(t.clone());
            }
        }
        let theme = Arc::new(load()?);
        *slot = Some((files_hash, theme.clone()));
        self.count(|s| s.theme_reloads += 1);
        Ok(theme)
    }

    /// A page rendered earlier from exactly these inputs.
    pub fn page(&self, key: u64) -> Option<CachedPage> {
        let hit = self.pages.lock().ok().and_then(|mut p| p.get(key));
        self.count(|s| {
            if hit.is_some() {
                s.page_hits += 1
            } else {
                s.page_misses += 1
            }
        });
        hit
    }

    /// Stores a rendered page.
    pub fn put_page(&self, key: u64, page: CachedPage) {
        if let Ok(mut p) = self.pages.lock() {
            p.put(key, page);
        }
    }

    fn count(&self, f: impl FnOnce(&mut Stats)) {
        if let Ok(mut s) = self.stats.lock() {
            f(&mut s);
        }
    }
}
