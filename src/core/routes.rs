//! Every URL and output file path of an edition, in one place: entity pages,
//! crosswalk pages, evidence files and the file a URL is served from. The list
//! of an edition's URLs is [`crate::site::pages::urls`], built from these.

use super::kinds::Kind;

/// URL slug of an id (`A.6.2.4` -> `a-6-2-4`).
pub fn slug(id: &str) -> String {
    id.to_lowercase().replace('.', "-")
}

/// Root-relative URL of an entity's page.
pub fn url(kind: Kind, id: &str) -> String {
    match kind {
        Kind::Scope => "/scope/".into(),
        Kind::Page => format!("/{}/", slug(id)),
        _ => format!("/{}/{}/", kind.folder().unwrap_or(""), slug(id)),
    }
}

/// URL of a framework's crosswalk page.
pub fn crosswalk_url(framework: &str) -> String {
    format!("/crosswalks/{framework}/")
}

/// URL of the crosswalk index page.
pub const CROSSWALKS: &str = "/crosswalks/";

/// Where an evidence file is copied in the built site.
pub fn evidence_file_url(location: &str) -> String {
    format!(
        "/evidence-files/{}",
        location.trim_start_matches("evidence/")
    )
}

/// The file a URL path is served from (`/x/` -> `/x/index.html`).
pub fn file_for(path: &str) -> String {
    if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}
