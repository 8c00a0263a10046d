//! The leak sentinel between rendering and the sink: every file of a lower
//! edition is scanned on its way out (see [`crate::site::sentinel`]).

use crate::core::diagnostics::Diagnostic;
use crate::pipeline::model::Site;
use crate::pipeline::write::Sink;
use crate::site::sentinel::{self, Hit, Sentinel};

/// A sink that scans each file with the leak sentinel before passing it on.
pub(super) struct Guarded<'a> {
    pub inner: &'a dyn Sink,
    pub sentinel: &'a Sentinel<'a>,
    pub hits: std::sync::Mutex<Vec<(String, Hit)>>,
    /// Time spent scanning, summed over threads (for `VOUCH_TIMINGS`).
    pub nanos: std::sync::atomic::AtomicU64,
}

impl Sink for Guarded<'_> {
    fn put(&self, ed: &str, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        let t = std::time::Instant::now();
        if let Some(hit) = self.sentinel.scan(path, &bytes) {
            if let Ok(mut h) = self.hits.lock() {
                h.push((ed.to_string(), hit));
            }
        }
        let spent = t.elapsed().as_nanos() as u64;
        self.nanos
            .fetch_add(spent, std::sync::atomic::Ordering::Relaxed);
        self.inner.put(ed, path, bytes)
    }
}

impl Guarded<'_> {
    /// One error per hidden source and output file.
    pub fn diagnostics(self, site: &Site) -> Vec<Diagnostic> {
        if std::env::var_os("VOUCH_TIMINGS").is_some() {
            let ms = self.nanos.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e6;
            eprintln!(
                "  {:<24} {ms:>8.1} ms  (summed over threads)",
                "  sentinel scan"
            );
        }
        let mut hits = self.hits.into_inner().unwrap_or_default();
        hits.sort_by(|a, b| a.1.output.cmp(&b.1.output));
        hits.iter()
            .map(|(ed, hit)| sentinel::diagnostic(site, ed, hit))
            .collect()
    }
}
