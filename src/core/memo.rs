//! Content-hash caches that make `vouch serve` rebuilds incremental:
//! - source files: a file whose size and timestamps did not change is not
//!   read again (see [`Stamp`]);
//! - parsed files: YAML and front matter of an unchanged file are not parsed again;
//! - Markdown: a document whose text did not change is not parsed again;
//! - theme: templates are compiled again only when a theme file changed;
//! - pages: a page whose template and view data did not change is not
//!   rendered or post-processed again.
//!
//! Keys are hashes of the inputs themselves, so a cache can never serve stale
//! output; entries not used by the latest build (for pages: the latest
//! complete render pass) are dropped to bound memory.
//! A change to `site.yaml` changes every page's shared data, so it rebuilds
//! everything from scratch by construction.

use super::git::GitDates;
use std::any::Any;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A value of any type, shared: each stage stores its own type and reads it
/// back by downcasting, so this leaf module names no stage's types.
type Shared = Arc<dyn Any + Send + Sync>;

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
    markdown: Mutex<Generational<Shared>>,
    /// Parsed YAML and front matter per file (any type, keyed with its name).
    parsed: Mutex<Generational<Shared>>,
    pages: Mutex<Generational<Shared>>,
    /// Source files by path, with the stamp they had when read.
    files: Mutex<Generational<(Stamp, SystemTime, Shared)>>,
    theme: Mutex<Option<(u64, Shared)>>,
    /// Last-commit dates of content files, keyed by the commit HEAD names:
    /// a save does not change history, so `git log` runs once per commit.
    git: Mutex<Option<(String, GitDates)>>,
    stats: Mutex<Stats>,
}

/// Hit counters of the last build (for tests and `VOUCH_TIMINGS`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub markdown_hits: usize,
    pub markdown_misses: usize,
    pub parse_hits: usize,
    pub parse_misses: usize,
    pub page_hits: usize,
    pub page_misses: usize,
    /// Source files taken from the cache / read from disk.
    pub file_hits: usize,
    pub file_reads: usize,
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

/// What tells a file's on-disk versions apart without reading it: size,
/// modification and status-change times, inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    changed: (i64, i64),
    inode: u64,
}

impl Stamp {
    /// The stamp of the file at `path` now; None when it cannot be read.
    pub fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            ((m.ctime(), m.ctime_nsec()), m.ino())
        };
        #[cfg(not(unix))]
        let (changed, inode) = ((0, 0), 0);
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
            changed,
            inode,
        })
    }
}

/// Timestamps this close to the moment a file was read cannot tell a later
/// write apart (coarse file-system clocks, a save within the same tick), so
/// such a file is read again, as git does with "racily clean" entries.
const RACY: Duration = Duration::from_secs(2);

/// Hash of any hashable value.
pub fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

impl Cache {
    /// Starts a build: files, parses and Markdown the previous build did not
    /// use are dropped (pages rotate in [`Cache::pass_done`]).
    pub fn begin(&self) {
        if let Ok(mut m) = self.markdown.lock() {
            m.rotate();
        }
        if let Ok(mut m) = self.parsed.lock() {
            m.rotate();
        }
        if let Ok(mut f) = self.files.lock() {
            f.rotate();
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

    /// Ends a pass that rendered every page: pages it did not use are dropped
    /// at the next one. (Rotating on every save instead would drop pages a
    /// cancelled pass never reached, and rapid saves would empty the cache.)
    pub fn pass_done(&self) {
        if let Ok(mut p) = self.pages.lock() {
            p.rotate();
        }
    }

    /// The file read earlier from `path`, if it still has the same stamp and
    /// that stamp is old enough to be trusted: a file modified less than 2 s
    /// before it was read is read again (see `RACY`).
    pub fn file<T: Send + Sync + 'static>(&self, path: &Path, stamp: &Stamp) -> Option<Arc<T>> {
        let cached = self.files.lock().ok()?.get(hash_of(path));
        let hit = cached.and_then(|(old, read_at, file)| {
            let settled = old
                .modified
                .and_then(|m| m.checked_add(RACY))
                .is_some_and(|m| m < read_at);
            (old == *stamp && settled).then_some(file)
        });
        let hit = hit.and_then(|f| f.downcast::<T>().ok());
        self.count(|s| match hit {
            Some(_) => s.file_hits += 1,
            None => s.file_reads += 1,
        });
        hit
    }

    /// Remembers a file as read with `stamp`, which was taken before reading.
    pub fn put_file<T: Send + Sync + 'static>(&self, path: &Path, stamp: Stamp, file: Arc<T>) {
        if let Ok(mut f) = self.files.lock() {
            f.put(hash_of(path), (stamp, SystemTime::now(), file));
        }
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

    /// Parsed Markdown under `key` (a hash of the text and editions), parsed
    /// again by `parse` only when the key is new.
    pub fn markdown<T: Send + Sync + 'static>(
        &self,
        key: u64,
        parse: impl FnOnce() -> T,
    ) -> Arc<T> {
        let hit = self.markdown.lock().ok().and_then(|mut m| m.get(key));
        if let Some(hit) = hit.and_then(|h| h.downcast::<T>().ok()) {
            self.count(|s| s.markdown_hits += 1);
            return hit;
        }
        let parsed = Arc::new(parse());
        if let Ok(mut m) = self.markdown.lock() {
            m.put(key, parsed.clone());
        }
        self.count(|s| s.markdown_misses += 1);
        parsed
    }

    /// The theme for these files, compiled again only when they changed.
    pub fn theme<T: Send + Sync + 'static>(
        &self,
        files_hash: u64,
        load: impl FnOnce() -> Result<T, String>,
    ) -> Result<Arc<T>, String> {
        let mut slot = self
            .theme
            .lock()
            .map_err(|_| "theme cache poisoned".to_string())?;
        if let Some((h, t)) = slot.as_ref() {
            if *h == files_hash {
                if let Ok(t) = t.clone().downcast::<T>() {
                    return Ok(t);
                }
            }
        }
        let theme = Arc::new(load()?);
        *slot = Some((files_hash, theme.clone()));
        self.count(|s| s.theme_reloads += 1);
        Ok(theme)
    }

    /// A page rendered earlier from exactly these inputs.
    pub fn page<T: Send + Sync + 'static>(&self, key: u64) -> Option<Arc<T>> {
        let hit = self.pages.lock().ok().and_then(|mut p| p.get(key));
        let hit = hit.and_then(|h| h.downcast::<T>().ok());
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
    pub fn put_page<T: Send + Sync + 'static>(&self, key: u64, page: Arc<T>) {
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
    fn json_hash_tells_values_apart() {
        let a = serde_json::json!({"x": [1, 2]});
        let b = serde_json::json!({"x": [1, 3]});
        assert_eq!(hash_json(1, &a), hash_json(1, &a));
        assert_ne!(hash_json(1, &a), hash_json(1, &b));
        assert_ne!(hash_json(1, &a), hash_json(2, &a));
    }
}
