//! Machine-readable exports of the AIMS: an OSCAL 1.1 component definition
//! ([`oscal`]), model cards per AI system ([`cards`]: a Hugging Face-style
//! README, a CycloneDX 1.6 ML-BOM and an EU AI Act Annex IV outline), and the
//! evidence receipts lower editions show ([`receipts`]).
//!
//! Every export is built for one edition from what that edition may see, so a
//! public export never carries customer or internal content. Output is
//! deterministic: UUIDs derive from ids, dates from `--today`, lists are sorted.

mod annex_iv;
pub mod cards;
pub mod oscal;
mod oscal_records;

use crate::pipeline::model::Site;
use crate::pipeline::write::OutFile;
use sha2::{Digest, Sha256};

/// Folder of the exports in the top (internal) edition.
pub const EXPORTS_DIR: &str = "/exports";

/// Path of the OSCAL component definition in the internal edition.
pub const OSCAL_PATH: &str = "/exports/oscal-component-definition.json";

/// Namespace mixed into every UUID so ours never collide with other tools'.
const UUID_NAMESPACE: &[u8] = b"vouch/export/v1";

/// A deterministic RFC 4122 version-5-style UUID for `name` within this site:
/// the first 128 bits of SHA-256 over a fixed namespace, the site's base URL and
/// `name`, with the version (5) and variant (RFC 4122) bits set. (RFC 4122's
/// own version 5 uses SHA-1; SHA-256 is what the project already depends on.)
pub fn uuid(site: &Site, name: &str) -> String {
    let mut h = Sha256::new();
    h.update(UUID_NAMESPACE);
    h.update([0]);
    h.update(site.config.base_url.trim_end_matches('/').as_bytes());
    h.update([0]);
    h.update(name.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Absolute URL of a root-relative path on the published site.
pub fn absolute(site: &Site, path: &str) -> String {
    format!("{}{path}", site.config.base_url.trim_end_matches('/'))
}

/// `--today` as an RFC 3339 timestamp at midnight UTC (no wall clock: reproducible).
pub fn timestamp(site: &Site) -> String {
    format!("{}T00:00:00Z", site.today)
}

/// The export files of edition `ed`: only the top edition carries them, since
/// they are working material for staff and auditors.
pub fn edition_files(site: &Site, ed: usize) -> Vec<OutFile> {
    if ed + 1 != site.editions.len() {
        return Vec::new();
    }
    let mut out = vec![(OSCAL_PATH.to_string(), oscal::to_bytes(site, ed))];
    for (rel, bytes) in cards::files(site, ed) {
        out.push((format!("{EXPORTS_DIR}/cards/{rel}"), bytes));
    }
    out
}

/// One export file as the home page lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportLink {
    pub title: String,
    pub url: String,
}

/// The export files of edition `ed` with a title each (empty below the top edition).
pub fn listing(site: &Site, ed: usize) -> Vec<ExportLink> {
    if ed + 1 != site.editions.len() {
        return Vec::new();
    }
    let mut v = vec![ExportLink {
        title: "OSCAL 1.1 component definition (JSON)".into(),
        url: OSCAL_PATH.into(),
    }];
    for (rel, _) in cards::files(site, ed) {
        let (system, file) = rel.split_once('/').unwrap_or((rel.as_str(), ""));
        let name = site
            .systems
            .iter()
            .find(|s| s.id == system)
            .map(|s| s.title.as_str())
            .unwrap_or(system);
        v.push(ExportLink {
            title: format!("{name}: {}", cards::describe(file)),
            url: format!("{EXPORTS_DIR}/cards/{rel}"),
        });
    }
    v
}
