//! Highlighted code kept from one build to the next.
//!
//! Highlighting fenced code with syntect's grammars was about a quarter of
//! a rebuild's CPU time on a code-heavy project, and a rebuild highlights
//! the same blocks again. `vouch build` keeps each block's highlighted HTML
//! in `--out/.vouch-cache/highlight` (each LZ4-packed) and the next build takes a
//! block from there instead of running the grammar.
//!
//! Nothing in the file is trusted: an entry is used only when it is exactly
//! the block's own text, HTML-escaped as the highlighter escapes it, with
//! nothing added but the highlighter's flat token spans
//! (`<span class="tok-k">` … `</span>`, one level, every one closed). So a
//! stale, corrupt or tampered file can change at most which colour a token
//! gets, never what a page says; anything it cannot read is ignored (the
//! build then highlights as if the file were absent). Only the entries a
//! build used are written back, so the file never outgrows the project.
//! The cache folder and file must be a real folder and file inside
//! `--out`: a symlink in their place is neither read nor written through.

use super::highlight::TOKEN_KINDS;
use super::{escape, CLASS_PREFIX};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The first bytes of the file (before packing), with the format's version.
const MAGIC: &[u8] = b"vouch-highlight 1\n";

/// A packed file larger than this is not read (a project's code is far
/// smaller; a huge file is not ours).
const MAX_FILE: u64 = 1 << 30;

/// The folder inside `--out` that holds the cache, and the file in it.
pub const CACHE_DIR: &str = ".vouch-cache";
const FILE: &str = "highlight";

/// Blocks highlighted by an earlier build, and the ones this build used,
/// each LZ4-packed on its own (highlighted code packs to about a fifth, and
/// a build holds the store from its first block to its last page).
#[derive(Default)]
pub struct HighlightStore {
    /// Key → packed highlighted inner HTML, as read.
    old: HashMap<u64, Arc<[u8]>>,
    /// What this build highlighted or took, to write back (an entry taken
    /// from `old` is shared with it, not copied).
    used: Mutex<HashMap<u64, Arc<[u8]>>>,
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

impl HighlightStore {
    /// The store kept in `out` by the last build, or an empty one when there
    /// is none or it cannot be read.
    pub fn load(out: &Path) -> HighlightStore {
        let old = read(out).unwrap_or_default();
        HighlightStore {
            old,
            used: Mutex::default(),
        }
    }

    /// The highlighted HTML kept for `code` in language `token`, when it is
    /// that code's text and the highlighter's spans only; recorded as used.
    pub fn get(&self, token: &str, code: &str) -> Option<String> {
        let k = key(token, code);
        let packed = self.old.get(&k)?;
        // The size in front is the entry's claim: bound it before lz4_flex
        // allocates it. A token span costs under 32 bytes per character.
        let claimed = u32::from_le_bytes(packed.get(..4)?.try_into().ok()?) as usize;
        if claimed > code.len().saturating_mul(6).saturating_mul(32) + 64 {
            return None;
        }
        let html = String::from_utf8(lz4_flex::decompress_size_prepended(packed).ok()?).ok()?;
        if !is_highlight_of(&html, code) {
            return None;
        }
        self.record_key(k, packed.clone());
        Some(html)
    }

    /// Records `html` as the highlighting of `code` in `token`.
    pub fn record(&self, token: &str, code: &str, html: &str) {
        let packed = lz4_flex::compress_prepend_size(html.as_bytes());
        self.record_key(key(token, code), Arc::from(packed));
    }

    fn record_key(&self, k: u64, packed: Arc<[u8]>) {
        if let Ok(mut m) = self.used.lock() {
            m.entry(k).or_insert(packed);
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
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir(&dir)?,
            Err(e) => return Err(e),
        }
        let used = self.used.lock().map_err(|_| io::Error::other("poisoned"))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".highlight-")
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
                let packed = &used[k];
                w.write_all(&k.to_le_bytes())?;
                w.write_all(&(packed.len() as u32).to_le_bytes())?;
                w.write_all(packed)?;
            }
            w.flush()?;
        }
        tmp.persist(dir.join(FILE)).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Reads the store in `out`; `None` when it is absent, not a real file in
/// a real folder, too large, of another version, or malformed.
fn read(out: &Path) -> Option<HashMap<u64, Arc<[u8]>>> {
    let dir = out.join(CACHE_DIR);
    if !std::fs::symlink_metadata(&dir).ok()?.is_dir() {
        return None;
    }
    let path = dir.join(FILE);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE {
        return None;
    }
    parse(&std::fs::read(&path).ok()?)
}

/// The entries of a store file.
fn parse(raw: &[u8]) -> Option<HashMap<u64, Arc<[u8]>>> {
    let mut rest = raw.strip_prefix(MAGIC)?;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (a, b) = (rest.get(..n)?, rest.get(n..)?);
        rest = b;
        Some(a)
    };
    let fp_len = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
    if take(fp_len)? != fingerprint().as_bytes() {
        return None;
    }
    let mut out = HashMap::new();
    while let Some(k) = take(8) {
        let k = u64::from_le_bytes(k.try_into().ok()?);
        let len = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
        out.insert(k, Arc::from(take(len)?));
    }
    Some(out)
}

/// True when `html` is `code` escaped as the highlighter escapes it, with
/// only the highlighter's token spans around runs of it: one level, every
/// span closed, each class one of [`TOKEN_KINDS`].
pub fn is_highlight_of(html: &str, code: &str) -> bool {
    let want = escape(code);
    let mut want = want.as_bytes();
    let mut rest = html;
    let mut open = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("</span>") {
            if !open {
                return false;
            }
            open = false;
            rest = after;
        } else if let Some(after) = rest.strip_prefix("<span class=\"") {
            if open {
                return false;
            }
            let Some(after) = after.strip_prefix(CLASS_PREFIX) else {
                return false;
            };
            let Some(end) = after.find("\">") else {
                return false;
            };
            if !TOKEN_KINDS.iter().any(|k| k.class == &after[..end]) {
                return false;
            }
            open = true;
            rest = &after[end + 2..];
        } else {
            // Text up to the next tag must be the next part of the code.
            let n = rest.find('<').unwrap_or(rest.len());
            if n == 0 {
                return false;
            }
            let Some(tail) = want.strip_prefix(&rest.as_bytes()[..n]) else {
                return false;
            };
            want = tail;
            rest = &rest[n..];
        }
    }
    !open && want.is_empty()
}

#[cfg(test)]
mod tests;
