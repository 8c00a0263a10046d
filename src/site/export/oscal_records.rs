//! The records' place in the OSCAL component definition: each implemented
//! requirement (a control) carries the date of the latest completed internal
//! audit that covered it and the count of open nonconformities against it,
//! as vouch-namespaced props, and links to those records the edition sees.
//! Objectives, competence, monitoring and management reviews have no place
//! in a component definition (see docs/exports.md).

use super::absolute;
use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::model::Site;
use crate::pipeline::parse::records::{AuditStatus, NcStatus};
use serde_json::{json, Value};

/// Props and links of control `id` from the audits and nonconformities
/// edition `ed` sees.
pub(super) fn control_records(
    site: &Site,
    id: &str,
    ed: usize,
) -> (Vec<(String, String)>, Vec<Value>) {
    let r = &site.records;
    let audits: Vec<_> = r
        .audits
        .iter()
        .filter(|a| a.level <= ed && a.data.status == AuditStatus::Completed)
        .filter(|a| a.data.controls.iter().any(|c| c == id))
        .collect();
    let open: Vec<_> = r
        .nonconformities
        .iter()
        .filter(|n| n.level <= ed && n.data.status == NcStatus::Open)
        .filter(|n| n.data.controls.iter().any(|c| c == id))
        .collect();
    let mut props = Vec::new();
    if let Some(last) = audits.iter().map(|a| a.data.date).max() {
        props.push(("last-internal-audit".to_string(), last.to_string()));
    }
    if !open.is_empty() {
        props.push(("open-nonconformities".to_string(), open.len().to_string()));
    }
    let link = |kind: Kind, id: &str, text: String| json!({"href": absolute(site, &url(kind, id)), "rel": "reference", "text": text});
    let mut links: Vec<Value> = audits
        .iter()
        .map(|a| link(Kind::Audit, &a.id, format!("Internal audit: {}", a.title)))
        .collect();
    links.extend(open.iter().map(|n| {
        link(
            Kind::Nonconformity,
            &n.id,
            format!("Open nonconformity: {}", n.title),
        )
    }));
    (props, links)
}
