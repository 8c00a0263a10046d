//! Content-hash caches that make `vouch serve` rebuilds incremental:
//! - files: YAML and front matter of an unchanged file are not parsed again;
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
    /// Parsed YAML and front matter per file (any type, keyed with its name).
    parsed: Mutex<Generational<Arc<dyn std::any::Any + Send + Sync>>>,
    pages: Mutex<Generational<CachedPage>>,
    theme: Mutex<Option<(u64, Arc<Theme>)>>,
    /// Last-commit dates of content files, keyed by the commit HEAD names:
    /// a save does not change history, so `git log` runs once per commit.
    git: Mutex<Option<(String, GitDates)>>,
    stats: Mutex<Stats>,
}

/// Path (relative to the project) -> date of its last commit.
pub type GitDates = Arc<HashMap<String, String>>;

/// Hit counters of the last build (for tests and `VOUCH_TIMINGS`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub markdown_hits: usize,
    pub markdown_misses: usize,
    pub parse_hits: usize,
    pub parse_misses: usize,
    pub page_hits: usize,
    pub page_misses: usize,
    pub theme_reloads: usize,
}

/// Hash of a JSON value, streamed into the hasher: a page's view data can be
/// large, and formatting it into a string only to hash it cost an allocation
/// per page on every rebuild.
pub fn hash_json(seed: u64, v: &serde_json::Value) -> u64 {
    struct Sink<'a>(&'a mut DefaultHasher);
    impl std::io::Write for Sink<'_> {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.write(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = DefaultHasher::new();
    seed.hash(&mut h);
    // Writing into a hasher cannot fail; a failure would only weaken the key.
    let _ = serde_json::to_writer(Sink(&mut h), v);
    h.finish()
}

/// Identifies the checked-out commit of the repository holding `root`
/// without running git: `.git/HEAD` and the ref it names. None when there is
/// no plain `.git` folder (no repository, worktrees): then nothing is cached.
pub fn git_head(root: &std::path::Path) -> Option<String> {
    let root = std::fs::canonicalize(root).ok()?;
    let git = root
        .ancestors()
        .map(|a| a.join(".git"))
        .find(|g| g.exists())?;
    if !git.is_dir() {
        return None;
    }
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let target = match head.trim().strip_prefix("ref: ") {
        Some(r) => std::fs::read_to_string(git.join(r))
            .or_else(|_| std::fs::read_to_string(git.join("packed-refs")))
            .unwrap_or_default(),
        None => String::new(),
    };
    Some(format!("{}\n{}", head.trim(), target.trim()))
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
        if let Ok(mut m) = self.parsed.lock() {
            m.rotate();
        }
        if let Ok(mut p) = self.pages.lock() {
            p.rotate();
        }
        if let Ok(mut s) = self.stats.lock() {
            *s = Stats::default();
        }
    }

    /// A parsed file, computed again only when its key (inputs) changed.
    pub fn parsed<T: Clone + Send + Sync + 'static>(&self, key: u64, f: impl FnOnce() -> T) -> T {
        let hit = self.parsed.lock().ok().and_then(|mut m| m.get(key));
        if let Some(v) = hit.as_deref().and_then(|a| a.downcast_ref::<T>()) {
            self.count(|s| s.parse_hits += 1);
            return v.clone();
        }
        let v = f();
        if let Ok(mut m) = self.parsed.lock() {
            m.put(key, Arc::new(v.clone()));
        }
        self.count(|s| s.parse_misses += 1);
        v
    }

    /// Git dates for the commit `head`, computed again only when it moved.
    pub fn git_dates(&self, head: &str, compute: impl FnOnce() -> GitDates) -> GitDates {
        let Ok(mut slot) = self.git.lock() else {
            return compute();
        };
        match slot.as_ref() {
            Some((h, d)) if h == head => d.clone(),
            _ => {
                let d = compute();
                *slot = Some((head.to_string(), d.clone()));
                d
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_dates_are_computed_once_per_commit() {
        let cache = Cache::default();
        let runs = std::cell::Cell::new(0);
        let compute = || {
            runs.set(runs.get() + 1);
            GitDates::default()
        };
        cache.git_dates("ref: a\n1", compute);
        cache.git_dates("ref: a\n1", compute);
        assert_eq!(runs.get(), 1);
        cache.git_dates("ref: a\n2", compute);
        assert_eq!(runs.get(), 2);
    }

    #[test]
    fn git_head_names_the_checked_out_commit() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(git_head(dir.path()), None);
        let git = dir.path().join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(git.join("refs/heads/main"), "abc\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let head = git_head(&dir.path().join("sub")).unwrap();
        assert!(head.ends_with("abc"), "{head}");
    }

    #[test]
    fn json_hash_tells_values_apart() {
        let a = serde_json::json!({"x": [1, 2]});
        let b = serde_json::json!({"x": [1, 3]});
        assert_eq!(hash_json(1, &a), hash_json(1, &a));
        assert_ne!(hash_json(1, &a), hash_json(1, &b));
        assert_ne!(hash_json(1, &a), hash_json(2, &a));
    }
}
