//! The EU AI Act Annex IV technical-documentation outline of a high-tier AI
//! system: the nine Annex IV sections, each pre-filled with what the system
//! card records and followed by what is still missing, then a checklist of
//! every gap. Headings paraphrase Annex IV (EUR-Lex, reuse under Commission
//! Decision 2011/833/EU, attributed in the output).

use super::cards::{list_or, Card};
use crate::pipeline::model::Site;
use std::fmt::Write as _;

/// One Annex IV section: heading, facts we have, gaps we know of.
struct Section {
    title: &'static str,
    facts: Vec<String>,
    gaps: Vec<&'static str>,
}

fn opt(prefix: &str, v: Option<&str>) -> String {
    v.map(|x| format!("{prefix}{x}")).unwrap_or_default()
}

fn general(site: &Site, c: &Card<'_>) -> Section {
    let d = &c.s.data;
    let purpose = c.purpose.as_deref().or(d.summary.as_deref());
    let mut facts = vec![
        format!("Intended purpose: {}", purpose.unwrap_or("not recorded")),
        format!(
            "Provider: {} (EU AI Act roles: {})",
            site.config.organisation,
            d.ai_act_roles()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "Lifecycle stage: {}{}",
            d.lifecycle,
            opt(", deployed ", d.deployed.map(|x| x.to_string()).as_deref())
        ),
    ];
    for (n, v, s) in &c.models {
        facts.push(format!(
            "Model: {n}{}{}",
            opt(" ", v.as_deref()),
            opt(" from ", s.as_deref())
        ));
    }
    let gaps = vec![
        "hardware and software it runs on, and how it interacts with other systems",
        "instructions for use for deployers",
    ];
    Section {
        title: "1. General description of the AI system",
        facts,
        gaps,
    }
}

fn development(c: &Card<'_>) -> Section {
    let d = &c.s.data;
    let mut facts: Vec<String> = d
        .data
        .iter()
        .map(|x| {
            format!(
                "Data: {}{}{}",
                x.name,
                opt("; basis: ", x.basis.as_deref()),
                opt("; known gaps: ", x.known_gaps.as_deref())
            )
        })
        .collect();
    facts.push(format!(
        "Human oversight (Art. 14): {}{}",
        d.oversight.mode,
        opt(": ", d.oversight.rationale.as_deref())
    ));
    let mut gaps = vec![
        "design specifications and system architecture",
        "validation and testing procedures and their results",
        "cybersecurity measures",
    ];
    if d.data.is_empty() {
        gaps.insert(
            0,
            "data requirements and datasheets of the training, validation and testing data",
        );
    }
    Section {
        title: "2. Elements of the AI system and its development process",
        facts,
        gaps,
    }
}

fn monitoring(c: &Card<'_>) -> Section {
    let u = &c.s.data.usage;
    let mut gaps = Vec::new();
    if c.limitations.is_none() {
        gaps.push("capabilities and limitations in performance, including accuracy for the groups of persons affected");
    }
    if c.misuse.is_none() {
        gaps.push("foreseeable unintended outcomes and sources of risk");
    }
    let mut facts = vec![
        format!(
            "Affected persons: {}{}",
            list_or(&u.affected, "not stated"),
            opt(" ", u.scale.as_deref().map(|s| format!("({s})")).as_deref())
        ),
        format!(
            "Consequence of outputs: {} (domain: {})",
            u.decision, u.domain
        ),
    ];
    facts.extend(
        c.limitations
            .iter()
            .map(|x| format!("Known limitations: {x}")),
    );
    facts.extend(
        c.misuse
            .iter()
            .map(|x| format!("Reasonably foreseeable misuse: {x}")),
    );
    Section {
        title: "3. Monitoring, functioning and control",
        facts,
        gaps,
    }
}

fn risk_management(c: &Card<'_>) -> Section {
    let mut facts: Vec<String> = c
        .risks
        .iter()
        .map(|(t, tr)| format!("Risk: {t} (treatment: {tr})"))
        .collect();
    let mut gaps = Vec::new();
    match &c.assessment {
        Some((t, u)) => facts.insert(0, format!("Impact assessment: [{t}]({u})")),
        None => gaps.push("an AI system impact assessment (ISO/IEC 42001 clause 6.1.4)"),
    }
    Section {
        title: "5. Risk management system (Art. 9)",
        facts,
        gaps,
    }
}

fn standards(c: &Card<'_>) -> Section {
    let mut facts = vec![
        "ISO/IEC 42001:2023 AI management system (not a harmonised standard under Art. 40)"
            .to_string(),
    ];
    facts.extend(
        c.controls
            .iter()
            .map(|(id, t)| format!("Control applied: {id} {t}")),
    );
    Section {
        title: "7. Harmonised standards and other specifications applied",
        facts,
        gaps: vec!["harmonised standards applied, or the other solutions used to meet Chapter III, Section 2"],
    }
}

fn metrics(c: &Card<'_>) -> Section {
    let facts: Vec<String> =
        c.s.data
            .metrics
            .iter()
            .map(|x| {
                format!(
                    "Metric: {} = {} (acceptance criterion {}; measured {})",
                    x.name, x.value, x.criterion, x.date
                )
            })
            .collect();
    let gaps = if facts.is_empty() {
        vec!["the performance metrics chosen and why they fit this system"]
    } else {
        vec!["why these metrics fit this system"]
    };
    Section {
        title: "4. Appropriateness of the performance metrics",
        facts,
        gaps,
    }
}

fn gap_only(title: &'static str, gap: &'static str) -> Section {
    Section {
        title,
        facts: Vec::new(),
        gaps: vec![gap],
    }
}

/// The outline of `c` as Markdown.
pub(super) fn outline(site: &Site, c: &Card<'_>, ed: usize) -> String {
    let post_market = Section {
        title: "9. Post-market monitoring (Art. 72)",
        facts: c
            .notice
            .iter()
            .map(|(t, u)| format!("Transparency notice: [{t}]({u})"))
            .collect(),
        gaps: vec!["the post-market monitoring plan"],
    };
    let sections = [
        general(site, c),
        development(c),
        monitoring(c),
        metrics(c),
        risk_management(c),
        gap_only(
            "6. Relevant changes through the lifecycle",
            "a log of relevant changes made to the system",
        ),
        standards(c),
        gap_only(
            "8. EU declaration of conformity (Art. 47)",
            "a copy of the EU declaration of conformity",
        ),
        post_market,
    ];
    let mut m = String::new();
    let _ = writeln!(
        m,
        "# EU AI Act Annex IV technical documentation outline: {}\n",
        c.s.data.name
    );
    let _ = writeln!(m, "Draft outline generated by vouch on {} from the system card ({} edition): it pre-fills what the AI management system records and lists what is still missing. Section headings paraphrase Annex IV of Regulation (EU) 2024/1689 (source: EUR-Lex, CELEX 32024R1689, © European Union, reused under Commission Decision 2011/833/EU). Not legal advice.\n", site.today, site.editions[ed]);
    let mut missing = Vec::new();
    for s in &sections {
        let _ = writeln!(m, "## {}\n", s.title);
        for f in &s.facts {
            let _ = writeln!(m, "- {f}");
        }
        for g in &s.gaps {
            let _ = writeln!(m, "- **Missing:** {g}");
            missing.push(format!("{}: {g}", s.title));
        }
        m.push('\n');
    }
    m.push_str("## Still missing\n\n");
    for x in &missing {
        let _ = writeln!(m, "- [ ] {x}");
    }
    m
}

/// The EU AI Act duties of a deployer of the high-risk system `c`, as
/// Markdown: what a deployer gets in place of the provider's Annex IV outline.
pub(super) fn deployer_duties(site: &Site, c: &Card<'_>, ed: usize) -> String {
    let d = &c.s.data;
    let mut m = String::new();
    let _ = writeln!(m, "# EU AI Act deployer duties: {}\n", d.name);
    let _ = writeln!(m, "Generated by vouch on {} from the system card ({} edition). {} deploys this system; the technical documentation of Annex IV, the conformity assessment and the EU declaration of conformity are its provider's duties. Duties paraphrase Regulation (EU) 2024/1689 (source: EUR-Lex, CELEX 32024R1689). Not legal advice.\n", site.today, site.editions[ed], site.config.organisation);
    let _ = writeln!(m, "{}\n", crate::site::views::ai_act_sentence(d));
    for o in crate::site::views::obligations(d)
        .iter()
        .filter(|o| o.role == "deployer")
    {
        for x in &o.duties {
            let _ = writeln!(m, "- [ ] {x}");
        }
    }
    m.push('\n');
    let oversight = format!(
        "Human oversight (Art. 26(2)): {}{}",
        d.oversight.mode,
        opt(": ", d.oversight.rationale.as_deref())
    );
    let _ = writeln!(
        m,
        "## What the AI management system records\n\n- {oversight}"
    );
    if let Some((t, u)) = &c.assessment {
        let _ = writeln!(m, "- Impact assessment: [{t}]({u})");
    }
    if let Some((t, u)) = &c.notice {
        let _ = writeln!(m, "- Notice to affected people (Art. 26(11)): [{t}]({u})");
    }
    m
}
