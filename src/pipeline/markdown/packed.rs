//! A document's rendered HTML as the model keeps it between the Markdown
//! stage and the editions: LZ4-packed when it is long enough to gain.
//!
//! Why: the model holds every document's HTML for the whole build, and each
//! edition reads it once. At 100,000 pages the HTML alone was over a
//! gigabyte of the build's peak; packed, it is a half to a third of that,
//! and unpacking costs a few milliseconds per thousand pages.

use std::sync::Arc;

/// Below this many bytes a text is kept as it is (register fields, short
/// pages): packing would cost more time than the memory it saves.
const PACK_FROM: usize = 1024;

/// Text kept whole or LZ4-packed; [`Packed::text`] gives it back unchanged.
#[derive(Debug, Clone)]
pub(super) enum Packed {
    Plain(Arc<str>),
    Lz4(Arc<[u8]>),
}

impl Packed {
    /// Packs `s` when that is worth it.
    pub(super) fn new(s: String) -> Self {
        if s.len() < PACK_FROM {
            return Packed::Plain(Arc::from(s));
        }
        let bytes = lz4_flex::compress_prepend_size(s.as_bytes());
        if bytes.len() >= s.len() {
            return Packed::Plain(Arc::from(s));
        }
        Packed::Lz4(Arc::from(bytes))
    }

    /// The text (shared when it was kept whole, else a fresh copy).
    pub(super) fn text(&self) -> Arc<str> {
        match self {
            Packed::Plain(s) => s.clone(),
            Packed::Lz4(b) => {
                // Our own bytes, packed from a `String` just above: they
                // always unpack to valid UTF-8. Were memory ever corrupted,
                // the lossy path keeps the build going and the leak and
                // link checks still see what is written.
                let raw = lz4_flex::decompress_size_prepended(b).unwrap_or_default();
                match String::from_utf8(raw) {
                    Ok(s) => Arc::from(s),
                    Err(e) => Arc::from(String::from_utf8_lossy(e.as_bytes()).into_owned()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_packed_and_given_back_unchanged() {
        let s = "<p>Human oversight — reviewed weekly.</p>\n\0l1\0".repeat(200);
        let p = Packed::new(s.clone());
        match &p {
            Packed::Lz4(b) => assert!(b.len() * 3 < s.len(), "packed {} of {}", b.len(), s.len()),
            Packed::Plain(_) => panic!("a long repetitive text should be packed"),
        }
        assert_eq!(&*p.text(), s.as_str());
    }

    #[test]
    fn short_text_is_kept_whole_and_shared() {
        let p = Packed::new("<p>short</p>".to_string());
        assert!(matches!(p, Packed::Plain(_)));
        assert!(Arc::ptr_eq(&p.text(), &p.text()));
    }
}
