//! Views of the records of clauses 6.2, 7.2 and 9.1-10.2: one generic
//! [`RecordView`] (facts, reference lists, Markdown sections, a checklist
//! and findings) that `record.html` shows for all six registers, and the
//! status each register's rules give an entry.

use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::model::{Entity, Site};
use crate::pipeline::parse::records::*;
use crate::pipeline::parse::rules::Freshness;
use crate::site::links::LinkView;
use serde::Serialize;

/// A labelled plain value.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

/// A labelled list of references.
#[derive(Debug, Clone, Serialize)]
pub struct LinkGroup {
    pub label: &'static str,
    pub links: Vec<LinkView>,
}

/// A Markdown field rendered for the edition.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub label: &'static str,
    pub html: String,
}

/// One item of a management review's 9.3.2 checklist.
#[derive(Debug, Clone, Serialize)]
pub struct CheckItem {
    pub label: &'static str,
    pub addressed: bool,
    pub text: Option<String>,
}

/// One audit finding as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub kind: &'static str,
    pub summary: String,
    pub clause: Option<String>,
    pub control: Option<String>,
    pub nonconformity: Option<LinkView>,
}

/// A record of any of the six registers, for `record.html` and `records.html`.
#[derive(Debug, Clone, Serialize)]
pub struct RecordView {
    /// The kind's link scheme (`objective`, `audit` ...).
    pub kind: &'static str,
    /// The register's heading (`Internal audits`).
    pub register: &'static str,
    pub register_url: String,
    pub id: String,
    pub url: String,
    pub title: String,
    /// The entry's status in words, with `ok`, `warn` or `neutral` for its badge.
    pub status: String,
    pub status_class: &'static str,
    /// The date a list shows beside the entry (due, held, measured ...).
    pub date: Option<String>,
    pub facts: Vec<Fact>,
    pub links: Vec<LinkGroup>,
    pub sections: Vec<Section>,
    pub checklist: Vec<CheckItem>,
    pub findings: Vec<FindingView>,
    /// Entities this edition sees that reference the record.
    pub cited_by: Vec<LinkView>,
}

fn fact(label: &'static str, value: Option<String>) -> Option<Fact> {
    value.map(|value| Fact { label, value })
}

/// The skeleton of a view: id, URL, title, Markdown sections, backlinks.
fn base<T: Record>(site: &Site, e: &Entity<T>, ed: usize) -> RecordView {
    let kind = T::KIND;
    let sections = e
        .data
        .markdown()
        .into_iter()
        .filter_map(|(f, _)| {
            let html = site.field_html(kind, &e.id, f, ed)?.html.to_string();
            Some(Section {
                label: section_label(f),
                html,
            })
        })
        .collect();
    let links = e
        .data
        .lists()
        .into_iter()
        .filter(|(f, _, ids)| *f != "findings" && !ids.is_empty())
        .map(|(f, k, ids)| LinkGroup {
            label: section_label(f),
            links: site.links(k, &ids, ed),
        })
        .collect();
    RecordView {
        kind: kind.name(),
        register: kind.plural(),
        register_url: format!("/{}/", kind.folder().unwrap_or_default()),
        id: e.id.clone(),
        url: url(kind, &e.id),
        title: e.title.clone(),
        status: String::new(),
        status_class: "neutral",
        date: None,
        facts: Vec::new(),
        links,
        sections,
        checklist: Vec::new(),
        findings: Vec::new(),
        cited_by: site.backlink_views(kind, &e.id, ed),
    }
}

fn section_label(field: &str) -> &'static str {
    match field {
        "measure" => "Measure",
        "required" => "Competence required",
        "how" => "How it is met",
        "method" => "Method",
        "scope" => "Scope",
        "independence" => "Independence of the auditor",
        "decisions" => "Decisions and actions",
        "description" => "Description",
        "root_cause" => "Root cause",
        "correction" => "Correction",
        "corrective_action" => "Corrective action",
        "effectiveness" => "Effectiveness check",
        "controls" => "Controls",
        "systems" => "AI systems",
        "evidence" => "Evidence",
        "audit" => "Raised by audit",
        _ => "Details",
    }
}

fn status(v: &mut RecordView, text: impl Into<String>, class: &'static str) {
    v.status = text.into();
    v.status_class = class;
}

/// An AI objective's view: overdue and unmeasured objectives are flagged.
pub fn objective_view(site: &Site, e: &Entity<ObjectiveEntry>, ed: usize) -> RecordView {
    let d = &e.data;
    let mut v = base(site, e, ed);
    let class = if d.is_overdue(site.today) || d.is_unmeasured() {
        "warn"
    } else {
        "ok"
    };
    let mut text = d.status.to_string();
    if d.is_overdue(site.today) {
        text.push_str(", overdue");
    }
    if d.is_unmeasured() {
        text.push_str(", not measured");
    }
    status(&mut v, text, class);
    v.date = d.due.map(|x| x.to_string());
    v.facts = [
        fact("Target", d.target.clone()),
        fact("Current value", d.current.clone()),
        fact("Measured", d.measured.map(|x| x.to_string())),
        fact("Due", d.due.map(|x| x.to_string())),
        fact("Owner", d.owner.clone()),
    ]
    .into_iter()
    .flatten()
    .collect();
    v
}

/// A competence record's view.
pub fn competence_view(site: &Site, e: &Entity<CompetenceEntry>, ed: usize) -> RecordView {
    let d = &e.data;
    let mut v = base(site, e, ed);
    let overdue = d.review_due().is_some_and(|x| x < site.today);
    status(
        &mut v,
        if overdue { "review due" } else { "current" },
        if overdue { "warn" } else { "ok" },
    );
    v.date = d.reviewed.map(|x| x.to_string());
    let met: Vec<&str> = d.met_by.iter().map(|m| m.as_str()).collect();
    v.facts = [
        fact("Met by", (!met.is_empty()).then(|| met.join(", "))),
        fact("Reviewed", d.reviewed.map(|x| x.to_string())),
        fact("Next review", d.review_due().map(|x| x.to_string())),
    ]
    .into_iter()
    .flatten()
    .collect();
    v
}

/// A monitoring entry's view: stale results are flagged.
pub fn monitoring_view(site: &Site, e: &Entity<MonitoringEntry>, ed: usize) -> RecordView {
    let d = &e.data;
    let mut v = base(site, e, ed);
    match d.freshness(site.today) {
        Freshness::Current => status(&mut v, "current", "ok"),
        Freshness::Stale(due) => status(&mut v, format!("stale since {due}"), "warn"),
        Freshness::Undated => status(&mut v, "undated", "neutral"),
    }
    v.date = d.measured.map(|x| x.to_string());
    v.facts = [
        fact("Last result", d.result.clone()),
        fact("Measured", d.measured.map(|x| x.to_string())),
        fact("Frequency", d.frequency.map(|x| x.to_string())),
        fact("Next result due", d.due().map(|x| x.to_string())),
        fact("Owner", d.owner.clone()),
    ]
    .into_iter()
    .flatten()
    .collect();
    v
}

/// An internal audit's view, with its findings.
pub fn audit_view(site: &Site, e: &Entity<AuditEntry>, ed: usize) -> RecordView {
    let d = &e.data;
    let mut v = base(site, e, ed);
    let class = match d.status {
        AuditStatus::Completed => "ok",
        AuditStatus::Planned if d.is_overdue(site.today) => "warn",
        _ => "neutral",
    };
    let text = if d.is_overdue(site.today) {
        "planned, overdue".to_string()
    } else {
        d.status.to_string()
    };
    status(&mut v, text, class);
    v.date = Some(d.date.to_string());
    v.facts = [
        fact("Date", Some(d.date.to_string())),
        fact("Auditor", d.auditor.clone()),
        fact(
            "Clauses in scope",
            (!d.clauses.is_empty()).then(|| d.clauses.join(", ")),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    v.findings = d
        .findings
        .iter()
        .map(|f| FindingView {
            kind: f.kind.as_str(),
            summary: f.summary.clone(),
            clause: f.clause.clone(),
            control: f.control.clone(),
            nonconformity: f
                .nonconformity
                .as_ref()
                .map(|n| site.link(Kind::Nonconformity, n, ed)),
        })
        .collect();
    v
}

/// A management review's view, with its 9.3.2 checklist.
pub fn review_view(site: &Site, e: &Entity<ReviewEntry>, ed: usize) -> RecordView {
    let d = &e.data;
    let mut v = base(site, e, ed);
    let open = d.unaddressed_inputs().len();
    match open {
        0 => status(&mut v, "all inputs addressed", "ok"),
        n => status(&mut v, format!("{n} input(s) not addressed"), "warn"),
    }
    v.date = Some(d.date.to_string());
    v.facts = [
        fact("Date", Some(d.date.to_string())),
        fact(
            "Attendees",
            (!d.attendees.is_empty()).then(|| d.attendees.join(", ")),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    v.checklist = REVIEW_INPUTS
        .iter()
        .map(|(k, label)| {
            let text = d.inputs.get(*k).filter(|t| !t.trim().is_empty()).cloned();
            CheckItem {
                label,
                addressed: text.is_some(),
                text,
            }
        })
        .collect();
    v
}

/// A nonconformity's view: overdue actions are flagged.
pub fn nonconformity_view(site: &Site, e: &Entity<NonconformityEntry>, ed: usize) -> RecordView {
    let d = &e.data;
    let mut v = base(site, e, ed);
    match (d.status, d.is_overdue(site.today)) {
        (NcStatus::Closed, _) => status(&mut v, "closed", "ok"),
        (NcStatus::Open, true) => status(&mut v, format!("open, overdue since {}", d.due), "warn"),
        (NcStatus::Open, false) => status(&mut v, "open, on time", "neutral"),
    }
    v.date = Some(d.due.to_string());
    v.facts = [
        fact("Source", Some(d.source.to_string())),
        fact("Raised", Some(d.raised.to_string())),
        fact("Owner", d.owner.clone()),
        fact("Due", Some(d.due.to_string())),
        fact("Closed", d.closed.map(|x| x.to_string())),
    ]
    .into_iter()
    .flatten()
    .collect();
    v
}

/// Every record edition `ed` sees, register by register (empty registers left out).
pub fn record_views(site: &Site, ed: usize) -> Vec<(Kind, Vec<RecordView>)> {
    fn all<T>(
        list: &[Entity<T>],
        ed: usize,
        f: impl Fn(&Entity<T>) -> RecordView,
    ) -> Vec<RecordView> {
        list.iter().filter(|e| e.level <= ed).map(f).collect()
    }
    let r = &site.records;
    [
        (
            Kind::Objective,
            all(&r.objectives, ed, |e| objective_view(site, e, ed)),
        ),
        (
            Kind::Competence,
            all(&r.competence, ed, |e| competence_view(site, e, ed)),
        ),
        (
            Kind::Monitoring,
            all(&r.monitoring, ed, |e| monitoring_view(site, e, ed)),
        ),
        (Kind::Audit, all(&r.audits, ed, |e| audit_view(site, e, ed))),
        (
            Kind::Review,
            all(&r.reviews, ed, |e| review_view(site, e, ed)),
        ),
        (
            Kind::Nonconformity,
            all(&r.nonconformities, ed, |e| nonconformity_view(site, e, ed)),
        ),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect()
}

/// `/api/records.json`: every record an edition sees, with its status.
#[derive(Debug, Serialize)]
pub struct RecordsDoc {
    pub records: Vec<ApiRecord>,
}

/// One record in `/api/records.json` (fields in alphabetical order).
#[derive(Debug, Serialize)]
pub struct ApiRecord {
    /// True when the record's rules flag it (overdue, stale, unmeasured, unaddressed).
    pub attention: bool,
    pub date: Option<String>,
    pub facts: Vec<Fact>,
    pub id: String,
    /// `objective`, `competence`, `monitoring`, `audit`, `review` or `nonconformity`.
    pub kind: &'static str,
    pub status: String,
    pub title: String,
    pub url: String,
}

/// The records edition `ed` sees, for the JSON API (`base` is the site's base URL).
pub fn api_records(site: &Site, ed: usize, base: &str) -> RecordsDoc {
    let records = record_views(site, ed)
        .into_iter()
        .flat_map(|(_, v)| v)
        .map(|r| ApiRecord {
            attention: r.status_class == "warn",
            date: r.date,
            facts: r.facts,
            id: r.id,
            kind: r.kind,
            status: r.status,
            title: r.title,
            url: format!("{base}{}", r.url),
        })
        .collect();
    RecordsDoc { records }
}
