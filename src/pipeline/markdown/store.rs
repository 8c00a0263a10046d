//! Highlighted code kept from one build to the next.
//!
//! Highlighting fenced code with syntect's grammars was about a quarter of
//! a rebuild's CPU time on a code-heavy project, and a rebuild highlights
//! the same blocks again. `vouch build` keeps, for each code block, the
//! runs of token kinds the grammar found (a kind and a length in bytes per
//! run) in `--out/.vouch-cache/highlight`, and the next build takes a
//! block's runs from there instead of running the grammar.
//!
//! No HTML and no text is kept: the page's HTML is always made from the
//! block's own code ([`super::highlight::html_of_runs`]), and runs are used
//! only when they cover exactly that code, each ending on a character
//! boundary and each of a known kind. So a stale, corrupt or altered file
//! can change at most which colour a token gets, never what a page says;
//! anything it cannot read is ignored (the build then highlights as if the
//! file were absent). Only the entries a build used are written back, so
//! the file never outgrows the project, and only by a build of the highest
//! edition, whose output holds every level's code anyway (a public-only
//! build leaves the file as it was). The cache folder and file must be a
//! real folder and file inside `--out`: a symlink in their place is
//! neither read nor written through.

use super::highlight::{Runs, TOKEN_KINDS};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;

/// The first bytes of the file, with the format's version: bump it when
/// what a run means changes (the kinds, how the grammar's styles map to
/// them).
const MAGIC: &[u8] = b"vouch-highlight runs 1\n";

/// A file larger than this is not read (the runs of a 100,000-page
/// project's code take a few tens of megabytes).
const MAX_FILE: u64 = 64 << 20;

/// The folder inside `--out` that holds the cache, and the file in it.
pub const CACHE_DIR: &str = ".vouch-cache";
const FILE: &str = "highlight";

/// The bytes of one run: the kind, then the length (little-endian u32).
const RUN: usize = 5;

/// Runs found by an earlier build, and the ones this build used.
#[derive(Default)]
pub struct HighlightStore {
    /// The file's bytes and, for each key, where its runs are in them.
    bytes: Vec<u8>,
    old: HashMap<u64, Range<usize>>,
    /// What this build highlighted or took, encoded, to write back.
    used: Mutex<HashMap<u64, Box<[u8]>>>,
}

/// What a cached entry belongs to: the language token and the code.
fn key(token: &str, code: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(token.as_bytes());
    h.update([0]);
    h.update(code.as_bytes());
    let d = h.finalize();
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// What the highlighter and its grammars are: a file written by another
/// version is not read.
fn fingerprint() -> String {
    let kinds: Vec<&str> = TOKEN_KINDS.iter().map(|k| k.selectors).collect();
    format!(
        "{}\n{}\n{}\n",
        env!("CARGO_PKG_VERSION"),
        super::highlight::grammars_fingerprint(),
        kinds.join("|")
    )
}

/// The runs encoded as the file holds them.
fn encode(runs: &[(u8, u32)]) -> Box<[u8]> {
    let mut b = Vec::with_capacity(runs.len() * RUN);
    for &(kind, len) in runs {
        b.push(kind);
        b.extend_from_slice(&len.to_le_bytes());
    }
    b.into()
}

/// The runs of encoded `bytes`, when they cover exactly `code`: every run
/// of a known kind, not empty, ending on a character boundary.
fn decode_for(bytes: &[u8], code: &str) -> Option<Runs> {
    if !bytes.len().is_multiple_of(RUN) {
        return None;
    }
    let mut at = 0usize;
    let mut runs = Vec::with_capacity(bytes.len() / RUN);
    for r in bytes.chunks_exact(RUN) {
        let kind = r[0];
        let len = u32::from_le_bytes([r[1], r[2], r[3], r[4]]);
        at = at.checked_add(len as usize)?;
        if len == 0 || usize::from(kind) > TOKEN_KINDS.len() || !code.is_char_boundary(at) {
            return None;
        }
        runs.push((kind, len));
    }
    (at == code.len()).then_some(runs)
}

impl HighlightStore {
    /// The store kept in `out` by the last build, or an empty one when there
    /// is none or it cannot be read.
    pub fn load(out: &Path) -> HighlightStore {
        let bytes = read(out).unwrap_or_default();
        let old = index(&bytes).unwrap_or_default();
        HighlightStore {
            bytes,
            old,
            used: Mutex::default(),
        }
    }

    /// The runs kept for `code` in language `token`, when they cover exactly
    /// that code; recorded as used.
    pub fn get(&self, token: &str, code: &str) -> Option<Runs> {
        let k = key(token, code);
        let bytes = self.bytes.get(self.old.get(&k)?.clone())?;
        let runs = decode_for(bytes, code)?;
        self.record_key(k, bytes.into());
        Some(runs)
    }

    /// Records `runs` as what the grammar found in `code` in `token`.
    pub fn record(&self, token: &str, code: &str, runs: &[(u8, u32)]) {
        if !runs.is_empty() {
            self.record_key(key(token, code), encode(runs));
        }
    }

    fn record_key(&self, k: u64, encoded: Box<[u8]>) {
        if let Ok(mut m) = self.used.lock() {
            m.entry(k).or_insert(encoded);
        }
    }

    /// How many entries were read.
    pub fn loaded(&self) -> usize {
        self.old.len()
    }

    /// Writes the entries this build used to `out`, replacing the file
    /// (written beside it and renamed, so a reader sees the old file or
    /// the new one). Skipped when the cache folder is not a real folder.
    pub fn save(&self, out: &Path) -> io::Result<()> {
        let dir = out.join(CACHE_DIR);
        match std::fs::create_dir(&dir) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
        if !std::fs::symlink_metadata(&dir)?.is_dir() {
            return Ok(());
        }
        sweep_temp_files(&dir);
        let used = self.used.lock().map_err(|_| io::Error::other("poisoned"))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(&dir)?;
        {
            let mut w = io::BufWriter::new(tmp.as_file_mut());
            w.write_all(MAGIC)?;
            let fp = fingerprint();
            w.write_all(&(fp.len() as u32).to_le_bytes())?;
            w.write_all(fp.as_bytes())?;
            let mut keys: Vec<&u64> = used.keys().collect();
            keys.sort();
            for k in keys {
                let runs = &used[k];
                w.write_all(&k.to_le_bytes())?;
                w.write_all(&(runs.len() as u32).to_le_bytes())?;
                w.write_all(runs)?;
            }
            w.flush()?;
        }
        tmp.persist(dir.join(FILE)).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The name a temporary store file starts with, before the writer's id.
const TEMP_PREFIX: &str = ".highlight-";

/// Removes temporary store files left by a build killed between writing
/// and renaming its file: any older than ten minutes (a build writes its
/// file in well under a second). Best effort.
fn sweep_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let stale = std::time::Duration::from_secs(600);
    for e in entries.filter_map(Result::ok) {
        let temp = e
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(TEMP_PREFIX));
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > stale);
        if temp && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Reads the store file in `out`; `None` when it is absent, not a real file
/// in a real folder, or too large. The size is checked on the open file,
/// and no more than the limit is read, whatever the file turns out to be.
fn read(out: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let dir = out.join(CACHE_DIR);
    if !std::fs::symlink_metadata(&dir).ok()?.is_dir() {
        return None;
    }
    let path = dir.join(FILE);
    if !std::fs::symlink_metadata(&path).ok()?.is_file() {
        return None;
    }
    let file = std::fs::File::open(&path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE {
        return None;
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_FILE).then_some(bytes)
}

/// Where each entry's runs are in a store file's bytes; `None` for a file
/// of another version or one that is malformed anywhere (keys must rise
/// strictly, every entry must hold at least one run).
fn index(raw: &[u8]) -> Option<HashMap<u64, Range<usize>>> {
    if !raw.starts_with(MAGIC) {
        return None;
    }
    let mut at = MAGIC.len();
    let take = |at: &mut usize, n: usize| -> Option<Range<usize>> {
        let r = *at..at.checked_add(n)?;
        raw.get(r.clone())?;
        *at = r.end;
        Some(r)
    };
    let word = |r: Range<usize>| u32::from_le_bytes(raw[r].try_into().unwrap_or([0xff; 4]));
    let fp_len = word(take(&mut at, 4)?) as usize;
    if raw[take(&mut at, fp_len)?] != *fingerprint().as_bytes() {
        return None;
    }
    let mut out = HashMap::new();
    let mut last: Option<u64> = None;
    while at < raw.len() {
        let k = u64::from_le_bytes(raw[take(&mut at, 8)?].try_into().ok()?);
        if last.is_some_and(|l| k <= l) {
            return None;
        }
        last = Some(k);
        let len = word(take(&mut at, 4)?) as usize;
        if len == 0 || !len.is_multiple_of(RUN) {
            return None;
        }
        out.insert(k, take(&mut at, len)?);
    }
    Some(out)
}

#[cfg(test)]
mod tests;
