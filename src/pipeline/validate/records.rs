//! The auditor's rules over the records of clauses 6.2, 7.2 and 9.1-10.2:
//! overdue and unmeasured objectives, owners without a competence record,
//! stale monitoring results, the audit programme's coverage of the cycle,
//! complete audit and review records, and corrective actions on time.

use crate::core::catalogue;
use crate::core::date::Date;
use crate::core::diagnostics::{did_you_mean, rule, Diagnostic};
use crate::core::source::{ItemLoc, WithHelp};
use crate::pipeline::model::records::Records;
use crate::pipeline::model::Site;
use crate::pipeline::parse::records::*;
use crate::pipeline::parse::rules::Freshness;

/// Runs every record rule.
pub(super) fn records(site: &Site, d: &mut Vec<Diagnostic>) {
    objectives(site, d);
    competence(site, d);
    monitoring(site, d);
    audits(site, d);
    programme(site, d);
    reviews(site, d);
    nonconformities(site, d);
    future_dates(site, d);
}

/// W005 for the dates that record something done: measured values,
/// reviewed competence, held audits and reviews, raised and closed
/// nonconformities.
fn future_dates(site: &Site, d: &mut Vec<Diagnostic>) {
    use super::registers::future_date;
    let r = &site.records;
    // One row per recorded date: where it is, its field, its value, and the
    // entry as a message names it.
    let mut dates: Vec<(&ItemLoc, &str, Option<Date>, String)> = Vec::new();
    for o in &r.objectives {
        dates.push((
            &o.loc,
            "measured",
            o.data.measured,
            format!("objective `{}`", o.id),
        ));
    }
    for c in &r.competence {
        let what = format!("competence record `{}`", c.id);
        dates.push((&c.loc, "reviewed", c.data.reviewed, what));
    }
    for m in &r.monitoring {
        let what = format!("monitoring result `{}`", m.id);
        dates.push((&m.loc, "measured", m.data.measured, what));
    }
    for a in &r.audits {
        let what = format!("completed audit `{}`", a.id);
        dates.push((&a.loc, "date", a.data.held(), what));
    }
    for v in &r.reviews {
        let what = format!("management review `{}`", v.id);
        dates.push((&v.loc, "date", Some(v.data.date), what));
    }
    for n in &r.nonconformities {
        let what = format!("nonconformity `{}`", n.id);
        dates.push((&n.loc, "raised", Some(n.data.raised), what.clone()));
        dates.push((&n.loc, "closed", n.data.closed, what));
    }
    for (loc, field, date, what) in dates {
        future_date(&site.sources, loc, field, date, site.today, &what, d);
    }
}

fn objectives(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    for o in &site.records.objectives {
        let e = &o.data;
        if e.is_overdue(site.today) {
            let due = e.due.map(|x| x.to_string()).unwrap_or_default();
            d.push(
                s.diag(
                    &rule::OBJECTIVE_OVERDUE,
                    o.loc.locate(s, &["due"], Some(&due)),
                    format!(
                        "objective `{}` was due on {due} and is still {}",
                        o.id, e.status
                    ),
                )
                .help(
                    "record the outcome (`status: achieved` or `missed`), or set a new `due` date",
                ),
            );
        }
        if e.is_unmeasured() {
            let missing: Vec<&str> = [
                ("measure", e.measure.is_none()),
                ("current", e.current.is_none()),
                ("measured", e.measured.is_none()),
            ]
            .iter()
            .filter(|x| x.1)
            .map(|x| x.0)
            .collect();
            d.push(
                s.diag(
                    &rule::OBJECTIVE_UNMEASURED,
                    o.loc.head(s),
                    format!("objective `{}` is not measured: no `{}`", o.id, missing.join("`, `")),
                )
                .help("say how it is measured (`measure:`) and record the latest value (`current:`) with its date (`measured:`)"),
            );
        }
    }
}

/// Once the competence register has an entry, each role named as an owner
/// needs a record; reported once per role, where it is first named.
fn competence(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let roles: Vec<&str> = site
        .records
        .competence
        .iter()
        .map(|c| c.data.role.as_str())
        .collect();
    if roles.is_empty() {
        return;
    }
    for (role, loc, places) in site.roles_without_competence(usize::MAX) {
        let hint = match did_you_mean(role, roles.iter().copied()) {
            Some(m) => format!("did you mean `{m}`? otherwise add a record with `role: {role}` to registers/competence.yaml"),
            None => format!("add a record with `role: {role}` to registers/competence.yaml"),
        };
        d.push(
            s.diag(
                &rule::ROLE_WITHOUT_COMPETENCE,
                loc.locate(s, &["owner"], Some(role)),
                format!("`{role}` owns {places} item(s) but has no competence record"),
            )
            .help(hint),
        );
    }
}

fn monitoring(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    for m in &site.records.monitoring {
        if let Freshness::Stale(due) = m.data.freshness(site.today) {
            let at = m.data.measured.map(|x| x.to_string());
            d.push(
                s.diag(
                    &rule::STALE_MONITORING,
                    m.loc.locate(s, &["measured"], at.as_deref()),
                    format!(
                        "monitoring result `{}` is stale: the next result was due on {due}",
                        m.id
                    ),
                )
                .help("take the measurement again and update `result` and `measured`"),
            );
        }
    }
}

fn audits(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let cat = catalogue::get();
    for a in &site.records.audits {
        let e = &a.data;
        for c in e
            .clauses
            .iter()
            .chain(e.findings.iter().filter_map(|f| f.clause.as_ref()))
        {
            if cat.clause(c).is_none() {
                let ids = cat.clauses.iter().map(|c| c.id.as_str());
                d.push(
                    s.diag(
                        &rule::UNKNOWN_CLAUSE,
                        a.loc.locate(s, &["clauses"], Some(c)),
                        format!("unknown clause `{c}`"),
                    )
                    .help_opt(
                        did_you_mean(c, ids)
                            .map(|m| format!("did you mean `{m}`?"))
                            .or(Some("clauses 4 to 10, e.g. `9.2`".into())),
                    ),
                );
            }
        }
        for f in e
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::Nonconformity && f.nonconformity.is_none())
        {
            d.push(
                s.diag(
                    &rule::FINDING_WITHOUT_NONCONFORMITY,
                    a.loc.locate(s, &["findings"], Some(&f.summary)),
                    format!(
                        "audit `{}` has a nonconformity finding with no `nonconformity:`",
                        a.id
                    ),
                )
                .help("raise it in registers/nonconformities.yaml and name its id in the finding"),
            );
        }
        let missing = e.missing_record_fields();
        if !missing.is_empty() {
            d.push(
                s.diag(
                    &rule::INCOMPLETE_AUDIT_RECORD,
                    a.loc.locate(s, &["status"], None),
                    format!("completed audit `{}` records no `{}`", a.id, missing.join("` and no `")),
                )
                .help("name the `auditor` and state in `independence:` why they do not audit their own work"),
            );
        }
        if e.is_overdue(site.today) {
            d.push(
                s.diag(
                    &rule::AUDIT_OVERDUE,
                    a.loc.locate(s, &["date"], Some(&e.date.to_string())),
                    format!(
                        "audit `{}` was planned for {} and is not recorded as held",
                        a.id, e.date
                    ),
                )
                .help("set `status: completed` with its findings, or re-plan it with a new `date`"),
            );
        }
    }
}

/// The programme's coverage of the cycle, once the register has an audit.
fn programme(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let Some(first) = site.records.audits.first() else {
        return;
    };
    let cycle = Records::cycle(&site.config);
    let audits: Vec<&AuditEntry> = site.records.audits.iter().map(|a| &a.data).collect();
    let (clauses, controls) = programme_gaps(
        &audits,
        &site.applicable_annex_a(usize::MAX),
        site.today,
        cycle,
    );
    for (what, list) in [
        ("clauses", clauses),
        (
            "Annex A controls",
            controls.iter().map(|c| c.to_string()).collect(),
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        d.push(
            s.diag(
                &rule::AUDIT_PROGRAMME_GAP,
                first.loc.head(s),
                format!(
                    "the audit programme does not cover {} {what} within the certification cycle ({cycle}): {}",
                    list.len(),
                    list.join(", ")
                ),
            )
            .help(format!(
                "plan an audit whose `{}` list includes them",
                if what == "clauses" {
                    "clauses:"
                } else {
                    "controls:"
                }
            )),
        );
    }
}

fn reviews(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    for r in &site.records.reviews {
        for k in r.data.unknown_inputs() {
            let keys = REVIEW_INPUTS.iter().map(|(k, _)| *k);
            let hint = match did_you_mean(k, keys) {
                Some(m) => format!("did you mean `{m}`?"),
                None => format!(
                    "the inputs are: {}",
                    REVIEW_INPUTS
                        .iter()
                        .map(|(k, _)| *k)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            d.push(
                s.diag(
                    &rule::REVIEW_INPUT_MISSING,
                    r.loc.locate(s, &["inputs", k], None),
                    format!("`{k}` is not a clause 9.3.2 input"),
                )
                .help(hint),
            );
        }
        for (k, label) in r.data.unaddressed_inputs() {
            d.push(
                s.diag(
                    &rule::REVIEW_INPUT_MISSING,
                    r.loc.locate(s, &["inputs"], None),
                    format!(
                        "management review `{}` does not address `{k}` ({label})",
                        r.id
                    ),
                )
                .help(format!(
                    "add `{k}:` under `inputs:` with how the review considered it"
                )),
            );
        }
    }
}

fn nonconformities(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    for n in &site.records.nonconformities {
        let e = &n.data;
        if e.is_overdue(site.today) {
            d.push(
                s.diag(
                    &rule::CORRECTIVE_ACTION_OVERDUE,
                    n.loc.locate(s, &["due"], Some(&e.due.to_string())),
                    format!("the corrective action of `{}` was due on {} and is still open", n.id, e.due),
                )
                .help("complete the action and close it with its effectiveness check, or agree a new `due` date"),
            );
        }
        if e.closed_unchecked() {
            d.push(
                s.diag(
                    &rule::CLOSED_WITHOUT_EFFECTIVENESS,
                    n.loc.locate(s, &["status"], None),
                    format!("nonconformity `{}` is closed without an effectiveness check", n.id),
                )
                .help("record in `effectiveness:` how the action was checked to work, or set `status: open`"),
            );
        }
    }
}
