//! Clauses 4-10 of the readiness scorecard, from records and documents:
//! each sub-clause (`4.1` ... `10.2`) counts as covered only by what the
//! embedded `data/clause-records.yaml` says satisfies it. Six sub-clauses
//! need records (objectives, competence, monitoring, the audit programme,
//! management reviews, nonconformities); the others need a document that
//! declares the sub-clause. One computation feeds `/readiness/`, the home
//! page, `vouch check`'s summary, the API and the readiness export.

use crate::core::catalogue;
use crate::core::date::{Period, Unit};
use crate::core::kinds::Kind;
use crate::pipeline::model::records::Records;
use crate::pipeline::model::Site;
use crate::pipeline::parse::records::*;
use crate::pipeline::parse::rules::Freshness;
use crate::site::links::LinkView;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// One entry of `data/clause-records.yaml`.
#[derive(Debug, Deserialize)]
struct ClauseRecords {
    clause: String,
    register: String,
    needs: String,
}

#[derive(Debug, Deserialize)]
struct Raw {
    records: Vec<ClauseRecords>,
}

fn mapping() -> &'static [ClauseRecords] {
    static M: OnceLock<Raw> = OnceLock::new();
    // Compiled in and covered by tests: failing here is a build defect.
    &M.get_or_init(|| {
        crate::core::yaml::from_str(include_str!("../../../data/clause-records.yaml"))
            .expect("embedded clause-records.yaml parses")
    })
    .records
}

/// What a sub-clause lacks, and the fix.
#[derive(Debug, Serialize, Clone, PartialEq, Eq)]
pub struct Gap {
    pub what: String,
    pub fix: String,
}

/// A sub-clause of 4-10 and what covers it.
#[derive(Debug, Serialize, Clone)]
pub struct ClauseCoverage {
    pub id: String,
    pub title: String,
    /// `records` (the register named in `register`) or `documents`.
    pub basis: &'static str,
    /// The register file for a record clause.
    pub register: Option<String>,
    /// What covers it, in words.
    pub needs: String,
    pub covered: bool,
    /// Documents that declare the clause (the coverage of a document clause).
    pub documents: Vec<LinkView>,
    /// The records that count towards a record clause.
    pub records: Vec<LinkView>,
    /// What is missing, each with its fix.
    pub missing: Vec<Gap>,
}

fn gap(what: impl Into<String>, fix: impl Into<String>) -> Gap {
    Gap {
        what: what.into(),
        fix: fix.into(),
    }
}

/// Every sub-clause of 4-10 with its coverage, over what edition `ed` sees.
pub fn coverage(site: &Site, ed: usize) -> Vec<ClauseCoverage> {
    let cat = catalogue::get();
    programme_clauses()
        .into_iter()
        .map(|id| {
            let title = cat.clause(&id).map(|c| c.title.clone()).unwrap_or_default();
            let prefix = format!("{id}.");
            let documents: Vec<LinkView> = site
                .docs
                .iter()
                .filter(|d| {
                    d.level <= ed
                        && d.data.front.clauses.iter().any(|c| {
                            *c == id || c.starts_with(&prefix) || id.starts_with(&format!("{c}."))
                        })
                })
                .map(|d| site.link(d.kind, &d.id, ed))
                .collect();
            match mapping().iter().find(|m| m.clause == id) {
                Some(m) => {
                    let (records, missing) = record_state(site, ed, &m.register);
                    ClauseCoverage {
                        id,
                        title,
                        basis: "records",
                        register: Some(m.register.clone()),
                        needs: m.needs.clone(),
                        covered: missing.is_empty(),
                        documents,
                        records,
                        missing,
                    }
                }
                None => {
                    let missing = if documents.is_empty() {
                        vec![gap(
                            "no document declares this clause",
                            format!("add `\"{id}\"` to `clauses:` in the front matter of the document that covers it"),
                        )]
                    } else {
                        Vec::new()
                    };
                    ClauseCoverage {
                        id,
                        title,
                        basis: "documents",
                        register: None,
                        needs: "a document that declares it in its front matter clauses".into(),
                        covered: missing.is_empty(),
                        documents,
                        records: Vec::new(),
                        missing,
                    }
                }
            }
        })
        .collect()
}

/// The records that count for a register's clause and what is missing.
fn record_state(site: &Site, ed: usize, register: &str) -> (Vec<LinkView>, Vec<Gap>) {
    let r = &site.records;
    let links = |kind: Kind, ids: Vec<&str>| -> Vec<LinkView> {
        ids.into_iter().map(|id| site.link(kind, id, ed)).collect()
    };
    let none = |what: &str, file: &str| {
        vec![gap(
            format!("no {what} yet"),
            format!("add `content/registers/{file}` (see docs/content.md)"),
        )]
    };
    let today = site.today;
    match register {
        "objectives.yaml" => {
            let v: Vec<_> = r.objectives.iter().filter(|o| o.level <= ed).collect();
            let mut missing = if v.is_empty() {
                none("AI objectives", register)
            } else {
                Vec::new()
            };
            for o in &v {
                if o.data.is_unmeasured() {
                    missing.push(gap(
                        format!("objective `{}` is not measured", o.id),
                        "record `measure`, `current` and `measured`",
                    ));
                }
                if o.data.is_overdue(today) {
                    missing.push(gap(
                        format!("objective `{}` is overdue", o.id),
                        "record its outcome or a new `due` date",
                    ));
                }
            }
            (
                links(Kind::Objective, v.iter().map(|o| o.id.as_str()).collect()),
                missing,
            )
        }
        "competence.yaml" => {
            let v: Vec<_> = r.competence.iter().filter(|o| o.level <= ed).collect();
            let mut missing = if v.is_empty() {
                none("competence records", register)
            } else {
                Vec::new()
            };
            for (role, _, n) in site.roles_without_competence(ed) {
                missing.push(gap(
                    format!("`{role}` owns {n} item(s) but has no competence record"),
                    format!("add a record with `role: {role}`"),
                ));
            }
            (
                links(Kind::Competence, v.iter().map(|o| o.id.as_str()).collect()),
                missing,
            )
        }
        "monitoring.yaml" => {
            let v: Vec<_> = r.monitoring.iter().filter(|o| o.level <= ed).collect();
            let mut missing = if v.is_empty() {
                none("monitoring results", register)
            } else {
                Vec::new()
            };
            for m in v
                .iter()
                .filter(|m| matches!(m.data.freshness(today), Freshness::Stale(_)))
            {
                missing.push(gap(
                    format!("the result of `{}` is stale", m.id),
                    "measure again and update `result` and `measured`",
                ));
            }
            (
                links(Kind::Monitoring, v.iter().map(|o| o.id.as_str()).collect()),
                missing,
            )
        }
        "audits.yaml" => audit_state(site, ed),
        "reviews.yaml" => review_state(site, ed),
        _ => {
            let v: Vec<_> = r.nonconformities.iter().filter(|o| o.level <= ed).collect();
            let mut missing = if r.present.contains(&Kind::Nonconformity) {
                Vec::new()
            } else {
                none("nonconformity register", register)
            };
            for n in v.iter().filter(|n| n.data.is_overdue(today)) {
                missing.push(gap(
                    format!(
                        "the corrective action of `{}` is overdue (due {})",
                        n.id, n.data.due
                    ),
                    "complete and close it with its effectiveness check, or agree a new `due` date",
                ));
            }
            (
                links(
                    Kind::Nonconformity,
                    v.iter().map(|o| o.id.as_str()).collect(),
                ),
                missing,
            )
        }
    }
}

/// 9.2: a programme in the cycle covering clauses and Annex A, and a
/// completed audit within the cycle.
fn audit_state(site: &Site, ed: usize) -> (Vec<LinkView>, Vec<Gap>) {
    let cycle = Records::cycle(&site.config);
    let today = site.today;
    let v: Vec<_> = site
        .records
        .audits
        .iter()
        .filter(|a| a.level <= ed)
        .collect();
    if v.is_empty() {
        let g = gap("no internal audit programme recorded", "add `content/registers/audits.yaml` with the audits planned over the certification cycle");
        return (Vec::new(), vec![g]);
    }
    let mut missing = Vec::new();
    if !v
        .iter()
        .any(|a| a.data.held().is_some_and(|d| d.plus(cycle) >= today))
    {
        missing.push(gap(
            format!("no internal audit completed within the certification cycle ({cycle})"),
            "hold an audit and record it with `status: completed`",
        ));
    }
    let data: Vec<&AuditEntry> = v.iter().map(|a| &a.data).collect();
    let (clauses, controls) = programme_gaps(&data, &site.applicable_annex_a(ed), today, cycle);
    if !clauses.is_empty() {
        missing.push(gap(
            format!(
                "the programme does not cover clauses {}",
                clauses.join(", ")
            ),
            "plan an audit whose `clauses:` include them",
        ));
    }
    if !controls.is_empty() {
        missing.push(gap(
            format!(
                "the programme does not cover {} applicable Annex A controls: {}",
                controls.len(),
                controls.join(", ")
            ),
            "plan an audit whose `controls:` include them",
        ));
    }
    let links = v
        .iter()
        .map(|a| site.link(Kind::Audit, &a.id, ed))
        .collect();
    (links, missing)
}

/// 9.3: a management review within 12 months, every 9.3.2 input addressed.
fn review_state(site: &Site, ed: usize) -> (Vec<LinkView>, Vec<Gap>) {
    let year = Period {
        n: 12,
        unit: Unit::Months,
    };
    let today = site.today;
    let recent: Vec<_> = site
        .records
        .reviews
        .iter()
        .filter(|r| r.level <= ed && r.data.date <= today && r.data.date.plus(year) >= today)
        .collect();
    let Some(last) = recent.iter().max_by_key(|r| r.data.date) else {
        let g = gap(
            "no management review within the last 12 months",
            "hold a review and record it in `content/registers/reviews.yaml`",
        );
        return (Vec::new(), vec![g]);
    };
    let missing = last
        .data
        .unaddressed_inputs()
        .into_iter()
        .map(|(k, label)| {
            gap(
                format!("review `{}` does not address {label}", last.id),
                format!("add `{k}:` under its `inputs:`"),
            )
        })
        .collect();
    (
        recent
            .iter()
            .map(|r| site.link(Kind::Review, &r.id, ed))
            .collect(),
        missing,
    )
}

/// The clause lines of `vouch check`'s readiness summary: the count, then
/// each uncovered sub-clause with its first gap and fix.
pub fn summary_lines(r: &super::Readiness, s: &mut String) {
    use std::fmt::Write as _;
    let _ = writeln!(
        s,
        "  Clauses:   {} of {} sub-clauses of 4-10 covered (records where a clause needs them, documents otherwise)",
        r.clauses_covered,
        r.clauses.len()
    );
    for c in r.clauses.iter().filter(|c| !c.covered) {
        if let Some(g) = c.missing.first() {
            let more = match c.missing.len() {
                1 => String::new(),
                n => format!(" (+{} more)", n - 1),
            };
            let _ = writeln!(
                s,
                "    {} {}: {}{more}; fix: {}",
                c.id, c.title, g.what, g.fix
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_record_clause_is_a_counted_sub_clause_with_a_known_register() {
        let clauses = super::programme_clauses();
        assert_eq!(clauses.len(), 24);
        let files: Vec<&str> = crate::pipeline::load::Register::ALL
            .iter()
            .map(|r| r.1)
            .collect();
        let m = super::mapping();
        assert_eq!(m.len(), 6);
        for r in m {
            assert!(clauses.contains(&r.clause), "{}", r.clause);
            assert!(files.contains(&r.register.as_str()), "{}", r.register);
        }
    }
}
