//! OSCAL 1.1 component definition (JSON) of the AIMS, for GRC tools that
//! import OSCAL: one `process-procedure` component for the AI management system
//! as a whole (every applicable control), one `policy` component per policy
//! (the controls it names), and one `software` or `service` component per AI
//! system (the controls applied to it). Each implemented requirement carries
//! the control's implementation text for the edition and links to the evidence
//! permalinks the edition may see.
//!
//! Validated in `tests/export.rs` against NIST's `oscal_component_schema.json`
//! (OSCAL 1.1.3), vendored in `tests/schemas/`.

use super::{absolute, timestamp, uuid};
use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::model::{Entity, Site};
use crate::pipeline::parse::types::*;
use serde_json::{json, Value};

/// The OSCAL release the output conforms to.
pub const OSCAL_VERSION: &str = "1.1.3";

/// `source` of every control implementation: ISO/IEC 42001:2023, whose
/// catalogue is not published as OSCAL (its text is copyrighted).
pub const ISO42001_SOURCE: &str = "https://www.iso.org/standard/81230.html";

/// Namespace of the properties vouch adds (status, applicability, tier).
pub const PROP_NS: &str = "https://github.com/vouch-aims/vouch/ns/oscal";

fn prop(name: &str, value: &str) -> Value {
    json!({"name": name, "ns": PROP_NS, "value": value})
}

/// Plain text of a control's Markdown field as edition `ed` renders it.
fn field_text(site: &Site, id: &str, field: &'static str, ed: usize) -> Option<String> {
    site.field_html(Kind::Control, id, field, ed)
        .map(|r| r.text.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn requirement(site: &Site, c: &Entity<ControlEntry>, owner: &str, ed: usize) -> Value {
    let e = &c.data;
    let status = e.status.unwrap_or(Status::NotStarted).as_str();
    let description = field_text(site, &c.id, "implementation", ed).unwrap_or_else(|| {
        format!(
            "{} {}: status {status}; no implementation statement is recorded.",
            c.id, c.title
        )
    });
    let mut links: Vec<Value> = e
        .evidence
        .iter()
        .filter_map(|id| site.evidence.iter().find(|x| &x.id == id))
        .filter(|x| x.level <= ed)
        .map(|x| {
            json!({"href": absolute(site, &url(Kind::Evidence, &x.id)), "rel": "reference",
                   "text": format!("Evidence: {}", x.title)})
        })
        .collect();
    let mut props = vec![prop("implementation-status", status)];
    if let Some(o) = e.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        props.push(prop("control-owner", o));
    }
    let (record_props, record_links) = super::oscal_records::control_records(site, &c.id, ed);
    props.extend(record_props.iter().map(|(n, v)| prop(n, v)));
    links.extend(record_links);
    let mut r = json!({
        "uuid": uuid(site, &format!("requirement/{owner}/{}", c.id)),
        "control-id": c.id,
        "description": description,
        "props": props,
    });
    if !links.is_empty() {
        r["links"] = Value::Array(links);
    }
    r
}

/// The control implementation over `ids` (visible, applicable controls only),
/// or `None` when none qualifies: OSCAL requires at least one requirement.
fn implementation(
    site: &Site,
    ids: &[String],
    owner: &str,
    what: &str,
    ed: usize,
) -> Option<Value> {
    let reqs: Vec<Value> = site
        .controls
        .iter()
        .filter(|c| c.level <= ed && c.data.applicable && ids.contains(&c.id))
        .map(|c| requirement(site, c, owner, ed))
        .collect();
    (!reqs.is_empty()).then(|| {
        json!([{
            "uuid": uuid(site, &format!("implementation/{owner}")),
            "source": ISO42001_SOURCE,
            "description": format!("How {what} implements ISO/IEC 42001:2023 controls."),
            "implemented-requirements": reqs,
        }])
    })
}

/// What one component is made from.
struct Part<'a> {
    key: String,
    kind: &'a str,
    title: &'a str,
    description: String,
    page: String,
    controls: &'a [String],
}

fn component(site: &Site, p: Part<'_>, ed: usize) -> Value {
    let mut c = json!({
        "uuid": uuid(site, &format!("component/{}", p.key)),
        "type": p.kind,
        "title": p.title,
        "description": p.description,
        "links": [{"href": absolute(site, &p.page), "rel": "reference", "text": p.title}],
    });
    if let Some(ci) = implementation(site, p.controls, &p.key, p.title, ed) {
        c["control-implementations"] = ci;
    }
    c
}

fn system_component(site: &Site, s: &Entity<SystemCard>, ed: usize) -> Value {
    let d = &s.data;
    // An AI system built on a supplier's hosted model is consumed as a service.
    let kind = if d.models.iter().any(|m| m.supplier.is_some()) {
        "service"
    } else {
        "software"
    };
    let description = d
        .summary
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| format!("AI system {}.", s.title));
    let part = Part {
        key: format!("system/{}", s.id),
        kind,
        title: &s.title,
        description,
        page: url(Kind::System, &s.id),
        controls: &d.controls,
    };
    let mut c = component(site, part, ed);
    c["props"] = json!([
        prop("risk-tier", d.risk_tier.as_str()),
        prop("lifecycle-stage", d.lifecycle.as_str()),
        prop("oversight-mode", d.oversight.mode.as_str()),
    ]);
    c
}

/// The component definition of edition `ed` as a JSON value.
pub fn component_definition(site: &Site, ed: usize) -> Value {
    let all: Vec<String> = site.controls.iter().map(|c| c.id.clone()).collect();
    let org = &site.config.organisation;
    let aims_title = format!("{org} AI management system");
    let aims = Part {
        key: "aims".into(),
        kind: "process-procedure",
        title: &aims_title,
        description: format!(
            "The ISO/IEC 42001:2023 AI management system of {org}: its Statement of Applicability."
        ),
        page: "/controls/".into(),
        controls: &all,
    };
    let mut components = vec![component(site, aims, ed)];
    for d in site
        .docs
        .iter()
        .filter(|d| d.kind == Kind::Policy && d.level <= ed)
    {
        let f = &d.data.front;
        let description = f
            .summary
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| format!("Policy: {}.", d.title));
        let part = Part {
            key: format!("policy/{}", d.id),
            kind: "policy",
            title: &d.title,
            description,
            page: url(d.kind, &d.id),
            controls: &f.controls,
        };
        components.push(component(site, part, ed));
    }
    for s in site.systems.iter().filter(|s| s.level <= ed) {
        components.push(system_component(site, s, ed));
    }
    let edition = &site.editions[ed];
    let mut party = json!({
        "uuid": uuid(site, "party/organisation"),
        "type": "organization",
        "name": org,
    });
    if site.config.contact.contains('@') {
        party["email-addresses"] = json!([site.config.contact]);
    }
    json!({
        "component-definition": {
            "uuid": uuid(site, &format!("component-definition/{edition}/{}", site.today)),
            "metadata": {
                "title": format!("{org} AI management system (ISO/IEC 42001), {edition} edition"),
                "last-modified": timestamp(site),
                "version": site.today.to_string(),
                "oscal-version": OSCAL_VERSION,
                "parties": [party],
            },
            "components": components,
        }
    })
}

/// The component definition as pretty-printed JSON with a final newline.
pub fn to_bytes(site: &Site, ed: usize) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(&component_definition(site, ed)).unwrap_or_default();
    v.push(b'\n');
    v
}
