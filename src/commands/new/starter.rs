//! `vouch new DIR`: a small starter project that builds and checks clean: all
//! 38 Annex A controls listed, one AI system with its model and supplier, one
//! policy that names the system it governs, one FAQ entry, and one record of
//! each of clauses 6.2, 7.2 and 9.1-10.2 (objective, competence, monitoring,
//! a planned audit, a management review, an open nonconformity). The organisation's
//! name is written once, in site.yaml: the other files say "the organisation"
//! so renaming it there leaves nothing stale.

use crate::core::catalogue;
use crate::core::date::{Date, Period, Unit};
use std::fmt::Write as _;
use std::path::Path;

fn controls_yaml() -> String {
    let mut s = String::from(
        "# Statement of Applicability: every ISO/IEC 42001 Annex A control, once.\n\
         # Set applicable: false with a justification to exclude one; implemented or\n\
         # partial controls need at least one evidence item.\n",
    );
    for c in &catalogue::get().controls {
        if c.id == "A.2.2" {
            let _ = write!(
                s,
                "- id: A.2.2\n  applicable: true\n  status: implemented\n  owner: Head of AI Governance\n  \
                 implementation: |\n    The [AI policy](policy:ai-policy) is approved by the executive team.\n  \
                 evidence: [ev-ai-policy-approval]\n  visibility: public\n"
            );
        } else {
            let _ = write!(s, "- id: {}\n  applicable: true\n  status: planned\n  owner: Head of AI Governance\n  visibility: public\n", c.id);
        }
    }
    s
}

fn months(today: Date, n: u32) -> Date {
    today.plus(Period {
        n,
        unit: Unit::Months,
    })
}

/// One AI objective (clause 6.2), measured today.
fn objectives_yaml(today: Date) -> String {
    format!(
        "# AI objectives (clause 6.2): what the organisation aims for, how it is measured, the latest value.\n\
         - id: obj-ai-inventory\n  objective: Every AI system in use is registered before first use\n  \
         measure: Share of AI systems in use that have a system card, checked against the expense and SSO records.\n  \
         target: 100%\n  owner: Head of AI Governance\n  due: {}\n  status: on-track\n  current: 100% (1 of 1)\n  \
         measured: {today}\n  systems: [support-drafts]\n",
        months(today, 12)
    )
}

/// One competence record (clause 7.2) for the role that owns everything.
fn competence_yaml(today: Date) -> String {
    format!(
        "# Competence (clause 7.2): one record per role named as an owner.\n\
         - id: comp-head-ai-governance\n  role: Head of AI Governance\n  \
         required: Runs the AI management system; knows ISO/IEC 42001 and AI risk assessment.\n  \
         met_by: [training]\n  how: ISO/IEC 42001 foundation course.\n  reviewed: {today}\n  review_every: 12 months\n\
         - id: comp-head-of-support\n  role: Head of Support\n  \
         required: Owns the support assistant; reviews AI-drafted replies and knows their limits.\n  \
         met_by: [training]\n  how: Internal training on reviewing AI drafts.\n  reviewed: {today}\n  review_every: 12 months\n"
    )
}

/// One monitoring entry (clause 9.1), measured today.
fn monitoring_yaml(today: Date) -> String {
    format!(
        "# Monitoring and measurement (clause 9.1): stale once `measured` plus `frequency` has passed.\n\
         - id: mon-draft-edits\n  title: Share of support drafts sent without edits\n  \
         method: Monthly sample of 50 tickets from the helpdesk.\n  frequency: 3 months\n  \
         result: 62% sent without edits; no wrong answer sent\n  measured: {today}\n  owner: Head of AI Governance\n  \
         systems: [support-drafts]\n"
    )
}

/// One planned internal audit (clause 9.2) covering clauses 4-10 and every control.
fn audits_yaml(today: Date) -> String {
    let controls: Vec<&str> = catalogue::get()
        .controls
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    format!(
        "# Internal audit programme (clause 9.2): the audits planned over the certification cycle.\n\
         - id: ia-first\n  title: First internal audit of the AI management system\n  status: planned\n  date: {}\n  \
         clauses: [\"4\", \"5\", \"6\", \"7\", \"8\", \"9\", \"10\"]\n  controls: [{}]\n  \
         auditor: An auditor who does not run the AI management system\n",
        months(today, 3),
        controls.join(", ")
    )
}

/// One management review (clause 9.3) with its 9.3.2 checklist.
fn reviews_yaml(today: Date) -> String {
    format!(
        "# Management reviews (clause 9.3): `inputs` is the 9.3.2 checklist, each input and how it was considered.\n\
         - id: mr-first\n  title: First management review\n  date: {today}\n  attendees: [Executive team, Head of AI Governance]\n  \
         inputs:\n    previous_actions: First review; no earlier actions.\n    \
         external_internal_issues: The organisation started using AI to draft support replies.\n    \
         interested_parties: Customers asked whether AI drafts their support replies.\n    \
         nonconformities: One opened (nc-first).\n    monitoring_results: The first draft-edit sample.\n    \
         audit_results: No audit held yet; the first is planned.\n    improvement: Publish the AI policy on the trust centre.\n  \
         decisions: Approved the AI policy and the audit programme.\n"
    )
}

/// One open nonconformity (clause 10.2), due in three months.
fn nonconformities_yaml(today: Date) -> String {
    format!(
        "# Nonconformities and corrective actions (clause 10.2): closed only with an effectiveness check.\n\
         - id: nc-first\n  title: AI tools in use before they were registered\n  source: review\n  raised: {today}\n  \
         description: The support team used an AI drafting tool before it had a system card.\n  \
         root_cause: No step in purchasing asks whether a tool uses AI.\n  \
         corrective_action: Add an AI question to the purchasing checklist.\n  owner: Head of AI Governance\n  \
         due: {}\n  status: open\n  systems: [support-drafts]\n",
        months(today, 3)
    )
}

/// The starter project's files, relative to DIR.
pub fn files(today: Date) -> Vec<(&'static str, String)> {
    vec![
        (
            "content/site.yaml",
            "organisation: Example Co\nbase_url: https://trust.example.com\neditions: [public, customer, internal]\n\
             contact: trust@example.com\nsecurity_contact: security@example.com\nroles: [user]\n\
             frameworks: [iso42001]\ntheme: default\ncertifications:\n  - name: ISO/IEC 42001:2023\n    status: planned\n    target: 2027-Q4\n"
                .into(),
        ),
        (
            "content/scope.md",
            format!(
                "---\ntitle: Scope of the AI management system\nvisibility: public\nowner: Head of AI Governance\n\
                 approved: {today}\nreview_every: 12 months\nclauses: [\"4.3\"]\nsummary: The AI systems the organisation uses in its own operations.\n---\n\n\
                 # Scope\n\nThe AI management system covers every AI system listed in the [system register](system:support-drafts).\n"
            ),
        ),
        (
            "content/policies/ai-policy.md",
            format!(
                "---\ntitle: AI policy\nvisibility: public\nowner: Head of AI Governance\napproved_by: Executive team\n\
                 version: \"1.0\"\napproved: {today}\nreview_every: 12 months\nclauses: [\"5.2\"]\ncontrols: [A.2.2]\nsystems: [support-drafts]\n---\n\n\
                 # AI policy\n\n## Commitments\n\nEvery AI system is registered before first use and reviewed every 12 months.\n\n\
                 :::internal\n## Internal contacts\n\nRaise AI concerns in the #ai-governance channel.\n:::\n"
            ),
        ),
        (
            "content/registers/controls.yaml",
            controls_yaml(),
        ),
        (
            "content/registers/evidence.yaml",
            format!(
                "- id: ev-ai-policy-approval\n  title: AI policy approval record\n  kind: document\n  location: ai-policy\n  \
                 collected: {today}\n  review_every: 12 months\n  owner: Head of AI Governance\n  visibility: internal\n"
            ),
        ),
        ("content/registers/risks.yaml", "[]\n".into()),
        (
            "content/registers/suppliers.yaml",
            "- id: example-model-vendor\n  name: Example Model Vendor\n  kind: model\n  \
             provides: The hosted language model that drafts support replies\n  location: [EU]\n  \
             data_use: Ticket text is processed to draft a reply and is not used for training.\n  visibility: public\n"
                .into(),
        ),
        (
            "content/registers/faq.yaml",
            "- id: ai-policy\n  question: Do you have an AI policy?\n  answer: |\n    Yes. Our [AI policy](policy:ai-policy) is approved by the executive team.\n  \
             topics: [governance]\n  visibility: public\n"
                .into(),
        ),
        (
            "content/registers/systems/support-drafts.yaml",
            "id: support-drafts\nname: Support reply drafts\nsummary: Suggests replies that support staff edit before sending.\n\
             purpose: |\n  Drafts answers to customer support tickets. A support agent reads, edits and sends every reply.\n\
             lifecycle: deployed\nroles: [user]\nai_act_roles: [deployer]\nusage:\n  domain: general\n  decision: informational\n  \
             affected: [customers writing to support]\noversight:\n  mode: human-in-the-loop\n  rationale: An agent approves every reply.\n\
             risk_tier: minimal\nmodels:\n  - name: Example LLM\n    supplier: example-model-vendor\n    version: \"2026-06\"\n\
             data:\n  - name: Support tickets\n    source: Help desk, sent per ticket at run time\n    use: [inference]\n\
             limitations: Drafts can be wrong about product details; the agent checks each one.\n\
             misuse: Sending a draft without reading it.\nowner: Head of Support\n\
             controls: [A.2.2]\nvisibility: public\n"
                .into(),
        ),
        ("content/registers/objectives.yaml", objectives_yaml(today)),
        ("content/registers/competence.yaml", competence_yaml(today)),
        ("content/registers/monitoring.yaml", monitoring_yaml(today)),
        ("content/registers/audits.yaml", audits_yaml(today)),
        ("content/registers/reviews.yaml", reviews_yaml(today)),
        ("content/registers/nonconformities.yaml", nonconformities_yaml(today)),
        ("content/evidence/README.md", "Evidence files referenced with `kind: file` live here.\n".into()),
        // Everything vouch writes by default lands under site/: the editions
        // (`vouch build`) and the exports (`vouch export cards`).
        (".gitignore", "# vouch output: editions and exports\n/site/\n".into()),
    ]
}

/// Writes the starter into `dir`, which must be absent or empty.
pub fn write(dir: &Path) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "{} is a file, not a folder; choose a new folder",
            dir.display()
        ));
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .next()
            .is_some()
    {
        return Err(format!(
            "{} is not empty; choose a new folder",
            dir.display()
        ));
    }
    for (rel, text) in files(Date::today()) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
