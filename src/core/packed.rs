//! Long texts a build holds for a while but reads rarely, LZ4-packed when
//! that gains: each Markdown document's source text (read by the Markdown
//! stage, then only by the leak sentinel and diagnostics), each document's
//! rendered HTML and plain text in the model (from the Markdown stage until
//! the editions render them) and each page's search text (from its render
//! until the edition's search index is written).
//!
//! Why: at 100,000 pages these texts were well over a gigabyte of the
//! build's peak; packed, they take a half to a third of that, and unpacking
//! costs a few milliseconds per thousand pages.

use std::sync::Arc;

/// Below this many bytes a text is kept as it is (register fields, short
/// pages): packing would cost more time than the memory it saves.
const PACK_FROM: usize = 1024;

/// Text kept whole or LZ4-packed; [`Packed::text`] gives it back unchanged.
#[derive(Debug, Clone)]
pub enum Packed {
    /// Short, or would not shrink: kept as it is.
    Plain(Arc<str>),
    /// LZ4 block with its length in front (`lz4_flex`'s size-prepended form).
    Lz4(Arc<[u8]>),
}

impl Packed {
    /// Packs `s` when that is worth it.
    pub fn new(s: String) -> Self {
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
    pub fn text(&self) -> Arc<str> {
        match self {
            Packed::Plain(s) => s.clone(),
            Packed::Lz4(b) => Arc::from(unpack(b)),
        }
    }

    /// The text, borrowed when it was kept whole (no copy), else unpacked.
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Packed::Plain(s) => std::borrow::Cow::Borrowed(s),
            Packed::Lz4(b) => std::borrow::Cow::Owned(unpack(b)),
        }
    }

    /// Bytes held: the packed size, or the text's length.
    pub fn held(&self) -> usize {
        match self {
            Packed::Plain(s) => s.len(),
            Packed::Lz4(b) => b.len(),
        }
    }
}

/// Unpacks bytes packed by [`Packed::new`].
fn unpack(b: &[u8]) -> String {
    // Our own bytes, packed from a `String` by `new`: they always unpack to
    // the same UTF-8. Failing here means memory was corrupted; stopping is
    // the only safe answer (an empty text would let the leak sentinel see
    // nothing).
    let raw =
        lz4_flex::decompress_size_prepended(b).expect("Packed holds bytes packed by Packed::new");
    String::from_utf8(raw).expect("Packed holds UTF-8 packed by Packed::new")
}

impl From<String> for Packed {
    fn from(s: String) -> Self {
        Packed::new(s)
    }
}

impl From<&str> for Packed {
    fn from(s: &str) -> Self {
        Packed::new(s.to_string())
    }
}

/// Serialised as the text itself.
impl serde::Serialize for Packed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
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
