//! The readiness scorecard's action list: every gap the scorecard counts,
//! as one row with who owns it, when it fell or falls due where the content
//! says, and what closes it. Built from the same lists as the scorecard's
//! figures, so the list and the counts cannot disagree.

use super::Readiness;
use crate::core::date::Date;
use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::model::Site;
use crate::pipeline::parse::records::NcStatus;
use crate::pipeline::parse::rules::Freshness;
use crate::pipeline::parse::types::Status;
use crate::site::links::LinkView;
use serde::Serialize;

/// One gap to close.
#[derive(Debug, Serialize)]
pub struct Action {
    /// What is missing, in a few words.
    pub what: String,
    /// The entity the gap is about; none for a clause without coverage.
    pub link: Option<LinkView>,
    /// The `owner:` of that entity, when it names one.
    pub owner: Option<String>,
    /// When it fell due (stale evidence: the review date it missed).
    pub due: Option<Date>,
    pub fix: String,
}

/// Every gap of `r`, the full scorecard of edition `ed`: applicable
/// controls not yet implemented, stale and undated evidence, implemented
/// controls without evidence, systems without an impact assessment or
/// notice, open corrective actions, then sub-clauses of 4-10 not covered.
pub fn actions(site: &Site, r: &Readiness, ed: usize) -> Vec<Action> {
    let mut out = Vec::new();
    for c in site
        .controls
        .iter()
        .filter(|c| c.level <= ed && c.data.applicable)
    {
        if c.data.status != Some(Status::Implemented) {
            let status = c.data.status.map_or("not-started", |s| s.as_str());
            out.push(Action {
                what: format!("Control not implemented yet (status {status})"),
                link: Some(site.link(Kind::Control, &c.id, ed)),
                owner: c.data.owner.clone(),
                due: None,
                fix: "Implement it, cite its evidence and set `status: implemented`".into(),
            });
        }
    }
    for ev in site.evidence.iter().filter(|x| x.level <= ed) {
        let (what, due, fix) = match ev.data.freshness(site.today) {
            Freshness::Stale(d) => (
                "Evidence overdue for review",
                Some(d),
                "Collect it again and update `collected`",
            ),
            Freshness::Undated => (
                "Evidence without a review cycle",
                None,
                "Give it a `collected` date and `review_every`",
            ),
            Freshness::Current => continue,
        };
        out.push(Action {
            what: what.into(),
            link: Some(site.link(Kind::Evidence, &ev.id, ed)),
            owner: ev.data.owner.clone(),
            due,
            fix: fix.into(),
        });
    }
    for l in &r.controls_without_evidence {
        let owner = site
            .controls
            .iter()
            .find(|c| l.id.as_deref() == Some(c.id.as_str()))
            .and_then(|c| c.data.owner.clone());
        out.push(Action {
            what: "Implemented control without evidence".into(),
            link: Some(l.clone()),
            owner,
            due: None,
            fix: "List the records that show it working under `evidence:`".into(),
        });
    }
    let systems = [
        (
            &r.without_assessment,
            "an impact assessment",
            "Write an impact assessment and name it in `impact_assessment:`",
        ),
        (
            &r.without_notice,
            "a transparency notice",
            "Publish a transparency notice and name it in `notice:`",
        ),
    ];
    for (links, missing, fix) in systems {
        for l in links {
            // The scorecard's lists hold links; the owner is on the card the link points to.
            let owner = site
                .systems
                .iter()
                .find(|s| l.url.as_deref() == Some(url(Kind::System, &s.id).as_str()))
                .and_then(|s| s.data.owner.clone());
            out.push(Action {
                what: format!("AI system without {missing}"),
                link: Some(l.clone()),
                owner,
                due: None,
                fix: fix.into(),
            });
        }
    }
    for nc in site
        .records
        .nonconformities
        .iter()
        .filter(|n| n.level <= ed)
    {
        if nc.data.status == NcStatus::Open {
            out.push(Action {
                what: "Open nonconformity: corrective action due".into(),
                link: Some(site.link(Kind::Nonconformity, &nc.id, ed)),
                owner: nc.data.owner.clone(),
                due: Some(nc.data.due),
                fix: "Complete the corrective action, check it worked and close it".into(),
            });
        }
    }
    for c in r.clauses.iter().filter(|c| !c.covered) {
        for g in &c.missing {
            out.push(Action {
                what: format!("Clause {} {}: {}", c.id, c.title, g.what),
                link: None,
                owner: None,
                due: None,
                fix: g.fix.clone(),
            });
        }
    }
    out
}
