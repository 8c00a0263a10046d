//! Evidence receipts: proof that an evidence file exists, for editions that may
//! not see it. A receipt carries only the control id, the file's SHA-256 and
//! the collection date; never the evidence id, title, owner or location. An
//! auditor given the file later can check it against the published hash.

use crate::core::kinds::Kind;
use crate::pipeline::model::{Entity, Site};
use crate::pipeline::parse::types::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What a lower edition shows for a hidden evidence file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReceiptView {
    /// The control whose page shows the receipt.
    pub control: String,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub collected: Option<String>,
}

/// SHA-256 of an evidence file (path relative to `content/`), if readable.
pub fn file_sha256(site: &Site, location: &str) -> Option<String> {
    let bytes = std::fs::read(site.content.join(location)).ok()?;
    Some(
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

/// The receipt hash of an evidence item, when it publishes one (`receipt: true`
/// on a `kind: file` item whose file is readable).
pub fn receipt_hash(site: &Site, e: &Entity<EvidenceEntry>) -> Option<String> {
    (e.data.receipt && e.data.kind == EvidenceKind::File)
        .then(|| file_sha256(site, &e.data.location))
        .flatten()
}

/// Receipts on control `c`'s page in edition `ed`: one per cited evidence file
/// that `ed` may not see and that opts in with `receipt: true`.
pub fn for_control(site: &Site, c: &Entity<ControlEntry>, ed: usize) -> Vec<ReceiptView> {
    let mut out: Vec<ReceiptView> = Vec::new();
    for id in &c.data.evidence {
        if site.visible(Kind::Evidence, id, ed) {
            continue;
        }
        let Some(e) = site.evidence.iter().find(|e| &e.id == id) else {
            continue;
        };
        if let Some(sha256) = receipt_hash(site, e) {
            let r = ReceiptView {
                control: c.id.clone(),
                sha256,
                collected: e.data.collected.map(|d| d.to_string()),
            };
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}
