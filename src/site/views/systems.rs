//! What a system card says about the EU AI Act, and the card fields of
//! A.6.2.4, A.8.2 and A.9.4: the one sentence that reconciles the usage tier
//! with the AI Act classification, the obligations of each AI Act role, and
//! the metrics. Pages and exports both take them from here.

use crate::core::date::Date;
use crate::core::kinds::Kind;
use crate::pipeline::model::{Entity, Site};
use crate::pipeline::parse::types::*;
use crate::site::links::LinkView;
use serde::Serialize;

/// The approval date of the system's impact assessment, when edition `ed`
/// sees the assessment (the card's "Last impact assessment").
pub fn assessment_date(site: &Site, c: &SystemCard, ed: usize) -> Option<String> {
    let a = c.impact_assessment.as_ref()?;
    site.docs
        .iter()
        .find(|d| d.kind == Kind::Assessment && &d.id == a && d.level <= ed)
        .and_then(|d| d.data.front.approved)
        .map(|x| x.to_string())
}

/// What [`system_last_reviewed`] means, printed beside the date.
pub const SYSTEM_REVIEWED_DEFINITION: &str = "The latest approval of its impact assessment, or review of a risk linked to it, that this edition publishes; dates after today are not counted.";

/// The date a system card was last reviewed in edition `ed`: the latest of
/// its impact assessment's `approved` and the `reviewed` of its linked
/// risks, among those the edition sees and not after today.
pub fn system_last_reviewed(site: &Site, s: &Entity<SystemCard>, ed: usize) -> Option<Date> {
    let risks = linked_risks(site, s);
    let assessment = s.data.impact_assessment.as_ref().and_then(|a| {
        site.docs
            .iter()
            .find(|d| d.kind == Kind::Assessment && &d.id == a && d.level <= ed)
            .and_then(|d| d.data.front.approved)
    });
    site.risks
        .iter()
        .filter(|r| r.level <= ed && risks.contains(&r.id))
        .filter_map(|r| r.data.reviewed)
        .chain(assessment)
        .filter(|d| *d <= site.today)
        .max()
}

/// The at-a-glance box of a system card: the figures that need computing
/// (the rest — owner, tier, oversight — the template reads from the view).
#[derive(Debug, Serialize)]
pub struct SystemGlance {
    /// [`system_last_reviewed`].
    pub last_reviewed: Option<Date>,
    pub last_reviewed_definition: &'static str,
    /// Every use of its data sources (`training`, `evaluation`,
    /// `inference`), once each in that order; empty when none is recorded.
    pub data_uses: Vec<&'static str>,
}

/// The at-a-glance box of system `s` in edition `ed`.
pub fn system_glance(site: &Site, s: &Entity<SystemCard>, ed: usize) -> SystemGlance {
    let all = [DataUse::Training, DataUse::Evaluation, DataUse::Inference];
    SystemGlance {
        last_reviewed: system_last_reviewed(site, s, ed),
        last_reviewed_definition: SYSTEM_REVIEWED_DEFINITION,
        data_uses: all
            .into_iter()
            .filter(|u| s.data.data.iter().any(|d| d.uses.contains(u)))
            .map(|u| u.as_str())
            .collect(),
    }
}

/// One kind's share of a "Cited by" list.
#[derive(Debug, Serialize)]
pub struct CitedGroup {
    pub kind: Kind,
    pub links: Vec<LinkView>,
}

/// Pages that mention everything (the glossary, the changelog): listing
/// them under "Cited by" buries the citations that say something.
const CITED_BY_LEFT_OUT: [&str; 2] = ["glossary", "changelog"];

/// The backlinks of `(kind, id)` edition `ed` sees, grouped by the kind of
/// the citing entity in order of first appearance, without the glossary and
/// changelog pages.
pub fn cited_groups(site: &Site, kind: Kind, id: &str, ed: usize) -> Vec<CitedGroup> {
    let mut groups: Vec<CitedGroup> = Vec::new();
    for (k, i) in site.backlinks((kind, id), ed) {
        if k == Kind::Page && CITED_BY_LEFT_OUT.contains(&i.as_str()) {
            continue;
        }
        let link = site.link(k, &i, ed);
        match groups.iter_mut().find(|g| g.kind == k) {
            Some(g) => g.links.push(link),
            None => groups.push(CitedGroup {
                kind: k,
                links: vec![link],
            }),
        }
    }
    groups
}

/// The risks of a system, linked from either side: its own `risks:`, then
/// the risks whose `systems:` name it.
pub fn linked_risks(site: &Site, s: &Entity<SystemCard>) -> Vec<String> {
    site.linked((Kind::System, &s.id), &s.data.risks, Kind::Risk, "systems")
}

/// The obligations the EU AI Act gives one role for one system.
#[derive(Debug, Clone, Serialize)]
pub struct ObligationView {
    /// The role, as written in YAML (`provider`, `deployer` ...).
    pub role: &'static str,
    /// Each duty in our words, with its article.
    pub duties: Vec<String>,
}

/// A metric row of the card.
#[derive(Debug, Clone, Serialize)]
pub struct MetricView {
    pub name: String,
    pub value: String,
    pub criterion: String,
    pub date: String,
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(v: &[String]) -> String {
    match v {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The AI Act roles in words, e.g. "provider and deployer".
fn roles_text(c: &SystemCard) -> String {
    let v: Vec<String> = c
        .ai_act_roles()
        .iter()
        .map(|r| r.as_str().replace('-', " "))
        .collect();
    and_list(&v)
}

/// One sentence that puts the usage tier and the EU AI Act classification
/// side by side, so "High" next to "not in scope" is never left unexplained.
pub fn ai_act_sentence(c: &SystemCard) -> String {
    let tier = capitalised(c.risk_tier.as_str());
    let roles = c.ai_act_roles();
    let head = format!("{tier} under our usage tiers");
    if roles.is_empty() {
        return format!("{head}; our EU AI Act role for it is not recorded, so no AI Act classification is stated.");
    }
    if roles == [AiActRole::None] {
        return format!("{head}; not in scope of the EU AI Act, because we hold no operator role under the Act for it (we neither provide, deploy, import nor distribute it in the EU).");
    }
    let who = roles_text(c);
    if !c.usage.practices.is_empty() {
        let p: Vec<String> = c
            .usage
            .practices
            .iter()
            .map(|p| p.label().to_string())
            .collect();
        return format!("{head}; a practice the EU AI Act prohibits ({}), so it may not be placed on the market, put into service or used; we are its {who}.", and_list(&p));
    }
    let basis = c.ai_act_high_risk_basis();
    if !basis.is_empty() {
        return format!(
            "{head}; high-risk under the EU AI Act ({}), where we are its {who}.",
            and_list(&basis)
        );
    }
    let art50 = if c.usage.interacts_with_people || c.usage.generates_content {
        ", with the transparency duties of Art. 50"
    } else {
        ""
    };
    format!("{head}; not high-risk under the EU AI Act, because no Annex III area or Art. 5 practice applies{art50}; we are its {who}.")
}

/// The duties of an EU AI Act provider of `c`.
fn provider_duties(c: &SystemCard) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    if c.ai_act_high_risk() {
        v.extend(
            [
                "Technical documentation before it is placed on the market (Art. 11, Annex IV)",
                "Risk management system and quality management system (Arts. 9 and 17)",
                "Conformity assessment (Art. 43), EU declaration of conformity (Art. 47), CE marking (Art. 48) and registration (Art. 49)",
                "Instructions for use for deployers, including human oversight (Arts. 13 and 14)",
                "Post-market monitoring (Art. 72) and reporting of serious incidents (Art. 73)",
            ]
            .map(String::from),
        );
    }
    art50(c, &mut v, true);
    v
}

/// The duties of an EU AI Act deployer of `c`.
fn deployer_duties(c: &SystemCard) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    if c.ai_act_high_risk() {
        v.extend(
            [
                "Use it according to the provider's instructions for use (Art. 26(1))",
                "Assign human oversight to competent people with the authority to act (Art. 26(2))",
                "Keep input data under our control relevant to the intended purpose (Art. 26(4))",
                "Monitor its operation; tell the provider and the authority of risks and serious incidents (Art. 26(5))",
                "Keep the logs under our control for at least six months (Art. 26(6))",
                "Tell people that a high-risk system assists decisions about them (Art. 26(11))",
            ]
            .map(String::from),
        );
        if c.usage.domain == Domain::Employment || c.usage.annex_iii.contains(&AnnexIII::Employment)
        {
            v.push("Inform workers' representatives and affected workers before use at the workplace (Art. 26(7))".into());
        }
        if c.needs_fria() {
            v.push("Fundamental rights impact assessment before first use, notified to the market surveillance authority (Art. 27)".into());
        }
    }
    art50(c, &mut v, false);
    v
}

/// Art. 50 transparency duties, split between provider and deployer.
fn art50(c: &SystemCard, v: &mut Vec<String>, provider: bool) {
    let u = &c.usage;
    match provider {
        true if u.interacts_with_people => v.push("Design it so people know they are interacting with an AI system (Art. 50(1))".into()),
        false if u.interacts_with_people => v.push("Make sure people know they are interacting with an AI system (Art. 50, as the notice states)".into()),
        _ => {}
    }
    match provider {
        true if u.generates_content => v.push("Mark generated content as AI-generated in a machine-readable way (Art. 50(2))".into()),
        false if u.generates_content => v.push("Disclose deep fakes and AI-generated text published on matters of public interest (Art. 50(4))".into()),
        _ => {}
    }
}

/// The EU AI Act obligations of each role the organisation plays for `c`
/// (none for `none`). A role with nothing system-specific says so.
pub fn obligations(c: &SystemCard) -> Vec<ObligationView> {
    let high = c.ai_act_high_risk();
    c.ai_act_roles()
        .into_iter()
        .filter(|r| *r != AiActRole::None)
        .map(|role| {
            let mut duties = if c.usage.practices.is_empty() {
                Vec::new()
            } else {
                vec!["Do not place it on the market, put it into service or use it: the practice is prohibited (Art. 5)".to_string()]
            };
            duties.extend(match role {
                AiActRole::Provider => provider_duties(c),
                AiActRole::Deployer => deployer_duties(c),
                AiActRole::Importer if high => vec!["Verify the provider's conformity assessment, technical documentation and CE marking before placing it on the market (Art. 23)".into()],
                AiActRole::Distributor if high => vec!["Verify the CE marking, the EU declaration of conformity and the instructions for use before making it available (Art. 24)".into()],
                AiActRole::AuthorisedRepresentative if high => vec!["Keep the technical documentation and the EU declaration of conformity at the authorities' disposal (Art. 22)".into()],
                _ => Vec::new(),
            });
            if duties.is_empty() {
                duties.push("No system-specific obligations: it is not high-risk and no Art. 50 duty applies (staff AI literacy, Art. 4, applies to every system)".into());
            }
            ObligationView {
                role: role.as_str(),
                duties,
            }
        })
        .collect()
}

/// The metrics of `c` as rows.
pub fn metrics(c: &SystemCard) -> Vec<MetricView> {
    c.metrics
        .iter()
        .map(|m| MetricView {
            name: m.name.clone(),
            value: m.value.clone(),
            criterion: m.criterion.clone(),
            date: m.date.to_string(),
        })
        .collect()
}
