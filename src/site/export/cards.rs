//! Model cards per AI system, one folder each:
//! - `README.md`: a Hugging Face-style model card (YAML metadata block, then
//!   the usual sections), filled from the system card;
//! - `bom.cdx.json`: a CycloneDX 1.6 BOM whose `machine-learning-model`
//!   component carries the `modelCard`, plus one component per underlying model;
//! - `annex-iv.md` (providers of high-risk systems only): an outline of the
//!   EU AI Act Annex IV technical documentation, pre-filled, listing what is
//!   missing;
//! - `deployer-duties.md` (deployers of high-risk systems only): the EU AI
//!   Act duties of a deployer for the system, in place of Annex IV.
//!
//! Data sources are listed under the use they are recorded for: only
//! `use: [training]` sources are training data, and a source without `use`
//! is never shown as training data.
//!
//! Everything comes from what the edition may see: hidden risks, controls,
//! suppliers, assessments and notices are left out, not marked.

use super::{absolute, timestamp, uuid};
use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::model::{Entity, Site};
use crate::pipeline::parse::types::*;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// File names in each system's folder, with what they are.
const FILES: &[(&str, &str)] = &[
    ("README.md", "model card (Hugging Face format)"),
    ("bom.cdx.json", "CycloneDX 1.6 ML-BOM"),
    ("annex-iv.md", "EU AI Act Annex IV outline"),
    ("deployer-duties.md", "EU AI Act deployer duties"),
];

/// Human description of a card file name.
pub fn describe(file: &str) -> &'static str {
    FILES
        .iter()
        .find(|(f, _)| *f == file)
        .map(|(_, d)| *d)
        .unwrap_or("export")
}

/// What a card says about one system, as edition `ed` may see it.
pub(super) struct Card<'a> {
    pub(super) s: &'a Entity<SystemCard>,
    pub(super) purpose: Option<String>,
    /// Foreseeable misuse, limitations and the contest channel, as plain text.
    pub(super) misuse: Option<String>,
    pub(super) limitations: Option<String>,
    pub(super) contest: Option<String>,
    pub(super) risks: Vec<(String, String)>,
    pub(super) controls: Vec<(String, String)>,
    pub(super) assessment: Option<(String, String)>,
    pub(super) notice: Option<(String, String)>,
    /// (model name, version, supplier name when visible).
    pub(super) models: Vec<(String, Option<String>, Option<String>)>,
    pub(super) page: String,
}

fn visible_title(site: &Site, kind: Kind, id: &str, ed: usize) -> Option<(String, String)> {
    site.visible(kind, id, ed).then(|| {
        (
            site.title(kind, id).unwrap_or(id).to_string(),
            absolute(site, &url(kind, id)),
        )
    })
}

fn card<'a>(site: &Site, s: &'a Entity<SystemCard>, ed: usize) -> Card<'a> {
    let d = &s.data;
    let linked = crate::site::views::linked_risks(site, s);
    let risks = site
        .risks
        .iter()
        .filter(|r| r.level <= ed && linked.contains(&r.id))
        .map(|r| (r.title.clone(), r.data.treatment.as_str().to_string()))
        .collect();
    let controls = d
        .controls
        .iter()
        .filter(|c| site.visible(Kind::Control, c, ed))
        .map(|c| {
            (
                c.clone(),
                site.title(Kind::Control, c).unwrap_or(c).to_string(),
            )
        })
        .collect();
    let models = d
        .models
        .iter()
        .map(|m| {
            let sup = m
                .supplier
                .as_deref()
                .filter(|x| site.visible(Kind::Supplier, x, ed))
                .and_then(|x| site.title(Kind::Supplier, x))
                .map(str::to_string);
            (m.name.clone(), m.version.clone(), sup)
        })
        .collect();
    let text = |f| {
        site.field_html(Kind::System, &s.id, f, ed)
            .map(|r| r.text.trim().to_string())
            .filter(|t| !t.is_empty())
    };
    Card {
        s,
        purpose: text("purpose"),
        misuse: text("misuse"),
        limitations: text("limitations"),
        contest: text("contest"),
        risks,
        controls,
        assessment: d
            .impact_assessment
            .as_deref()
            .and_then(|a| visible_title(site, Kind::Assessment, a, ed)),
        notice: d
            .notice
            .as_deref()
            .and_then(|n| visible_title(site, Kind::Notice, n, ed)),
        models,
        page: absolute(site, &url(Kind::System, &s.id)),
    }
}

/// Every card file of edition `ed` as (path relative to the cards folder, bytes).
pub fn files(site: &Site, ed: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for s in site.systems.iter().filter(|s| s.level <= ed) {
        let c = card(site, s, ed);
        out.push((format!("{}/README.md", s.id), readme(site, &c).into_bytes()));
        let mut bom = serde_json::to_vec_pretty(&bom(site, &c, ed)).unwrap_or_default();
        bom.push(b'\n');
        out.push((format!("{}/bom.cdx.json", s.id), bom));
        if s.data.needs_annex_iv() {
            out.push((
                format!("{}/annex-iv.md", s.id),
                super::annex_iv::outline(site, &c, ed).into_bytes(),
            ));
        }
        if s.data.needs_deployer_duties() {
            out.push((
                format!("{}/deployer-duties.md", s.id),
                super::annex_iv::deployer_duties(site, &c, ed).into_bytes(),
            ));
        }
    }
    out
}

/// A YAML scalar: JSON string syntax is valid YAML and escapes everything.
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

const MORE: &str = "[More Information Needed]";

fn readme(site: &Site, c: &Card<'_>) -> String {
    let d = &c.s.data;
    let mut m = String::from("---\n");
    let _ = writeln!(m, "model_name: {}", yaml_str(&d.name));
    m.push_str("tags:\n- ai-management-system\n- iso-42001\n");
    let _ = writeln!(m, "- {}", yaml_str(&format!("risk-tier-{}", d.risk_tier)));
    let _ = writeln!(m, "- {}", yaml_str(&format!("lifecycle-{}", d.lifecycle)));
    let _ = writeln!(m, "risk_tier: {}", yaml_str(d.risk_tier.as_str()));
    let _ = writeln!(m, "card_url: {}", yaml_str(&c.page));
    m.push_str("---\n\n");
    let _ = writeln!(m, "# Model Card for {}\n", d.name);
    if let Some(s) = &d.summary {
        let _ = writeln!(m, "{s}\n");
    }
    readme_details(&mut m, site, c);
    readme_uses(&mut m, c);
    readme_training(&mut m, site, c);
    m
}

/// "Model Details" of the card.
fn readme_details(m: &mut String, site: &Site, c: &Card<'_>) {
    let d = &c.s.data;
    m.push_str("## Model Details\n\n### Model Description\n\n");
    let _ = writeln!(
        m,
        "- **Developed or operated by:** {}",
        site.config.organisation
    );
    let _ = writeln!(m, "- **Lifecycle stage:** {}", d.lifecycle);
    if let Some(dep) = d.deployed {
        let _ = writeln!(m, "- **Deployed:** {dep}");
    }
    let roles: Vec<&str> = d.ai_act_roles().iter().map(|r| r.as_str()).collect();
    if !roles.is_empty() {
        let _ = writeln!(m, "- **EU AI Act roles:** {}", roles.join(", "));
    }
    let implied = d.implied_tier();
    let _ = writeln!(
        m,
        "- **Risk tier:** {} (implied by usage: {}, because {})",
        d.risk_tier,
        implied.tier,
        implied.because()
    );
    let _ = writeln!(
        m,
        "- **EU AI Act:** {}",
        crate::site::views::ai_act_sentence(d)
    );
    if let Some(o) = &d.owner {
        let _ = writeln!(m, "- **Owner:** {o}");
    }
    if let Some(r) = d.retired {
        let _ = writeln!(m, "- **Retired:** {r}");
    }
    for (name, version, sup) in &c.models {
        let _ = writeln!(
            m,
            "- **Model:** {name}{}{}",
            version
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default(),
            sup.as_deref()
                .map(|s| format!(" (from {s})"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(m, "- **System card:** {}\n", c.page);
}

/// "Uses" and "Bias, Risks, and Limitations".
fn readme_uses(m: &mut String, c: &Card<'_>) {
    let d = &c.s.data;
    m.push_str("## Uses\n\n### Direct Use\n\n");
    let _ = writeln!(m, "{}\n", c.purpose.as_deref().unwrap_or(MORE));
    let _ = writeln!(
        m,
        "Domain: {}. Consequence for the people affected: {}. Affected: {}.{}\n",
        d.usage.domain,
        d.usage.decision,
        list_or(&d.usage.affected, "not stated"),
        d.usage
            .scale
            .as_deref()
            .map(|s| format!(" Scale: {s}."))
            .unwrap_or_default()
    );
    m.push_str("### Out-of-Scope Use\n\n");
    if let Some(x) = &c.misuse {
        let _ = writeln!(m, "Reasonably foreseeable misuse: {x}\n");
    }
    m.push_str("Any use outside the purpose above needs a new impact assessment under the AI management system.\n\n");
    m.push_str("## Bias, Risks, and Limitations\n\n");
    if let Some(x) = &c.limitations {
        let _ = writeln!(m, "- Known limitations: {x}");
    }
    for (title, treatment) in &c.risks {
        let _ = writeln!(m, "- {title} (treatment: {treatment})");
    }
    for g in d.data.iter().filter_map(|x| x.known_gaps.as_deref()) {
        let _ = writeln!(m, "- Known data gap: {g}");
    }
    if c.risks.is_empty()
        && c.limitations.is_none()
        && d.data.iter().all(|x| x.known_gaps.is_none())
    {
        let _ = writeln!(m, "{MORE}");
    }
    m.push_str("\n### Recommendations\n\n");
    let _ = writeln!(
        m,
        "Human oversight: {}.{}\n",
        d.oversight.mode,
        d.oversight
            .rationale
            .as_deref()
            .map(|r| format!(" {r}"))
            .unwrap_or_default()
    );
}

/// One data source as a list line: name, source and basis.
fn data_line(x: &DataSource) -> String {
    format!(
        "- {}{}{}",
        x.name,
        x.source
            .as_deref()
            .map(|s| format!("; source: {s}"))
            .unwrap_or_default(),
        x.basis
            .as_deref()
            .map(|b| format!("; basis: {b}"))
            .unwrap_or_default()
    )
}

/// The data sources recorded for `u` (or, for None, those with no `use`).
fn data_for(d: &SystemCard, u: Option<DataUse>) -> Vec<&DataSource> {
    d.data
        .iter()
        .filter(|x| match u {
            Some(u) => x.uses.contains(&u),
            None => x.uses.is_empty(),
        })
        .collect()
}

/// Training data, evaluation, data in use, governance links and contact.
/// Each source is listed under the uses recorded for it, so inference data
/// is never presented as training data.
fn readme_training(m: &mut String, site: &Site, c: &Card<'_>) {
    let d = &c.s.data;
    m.push_str("## Training Details\n\n### Training Data\n\n");
    let training = data_for(d, Some(DataUse::Training));
    if training.is_empty() {
        let _ = writeln!(m, "{MORE}");
    }
    for x in training {
        let _ = writeln!(m, "{}", data_line(x));
    }
    m.push_str("\n## Evaluation\n\n### Testing Data, Factors & Metrics\n\n#### Testing Data\n\n");
    let eval = data_for(d, Some(DataUse::Evaluation));
    if eval.is_empty() {
        let _ = writeln!(m, "{MORE}");
    }
    for x in eval {
        let _ = writeln!(m, "{}", data_line(x));
    }
    m.push_str("\n#### Metrics\n\n");
    if d.metrics.is_empty() {
        let _ = writeln!(m, "{MORE}");
    } else {
        m.push_str("| Metric | Value | Acceptance criterion | Measured |\n|---|---|---|---|\n");
        for x in &d.metrics {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} |",
                x.name, x.value, x.criterion, x.date
            );
        }
    }
    let inference = data_for(d, Some(DataUse::Inference));
    if !inference.is_empty() {
        m.push_str("\n## Data Processed in Use (inference)\n\n");
        for x in inference {
            let _ = writeln!(m, "{}", data_line(x));
        }
    }
    let unknown = data_for(d, None);
    if !unknown.is_empty() {
        m.push_str("\n## Other Data Sources (use not recorded)\n\n");
        for x in unknown {
            let _ = writeln!(m, "{}", data_line(x));
        }
    }
    m.push('\n');
    m.push_str("## Governance\n\n");
    if let Some((t, u)) = &c.assessment {
        let _ = writeln!(m, "- Impact assessment: [{t}]({u})");
    }
    if let Some((t, u)) = &c.notice {
        let _ = writeln!(m, "- Transparency notice: [{t}]({u})");
    }
    for (id, title) in &c.controls {
        let _ = writeln!(m, "- ISO/IEC 42001 control {id}: {title}");
    }
    if let Some(x) = &c.contest {
        let _ = writeln!(m, "- To contest an outcome or report a concern: {x}");
    }
    let _ = writeln!(m, "\n## Model Card Contact\n\n{}", site.config.contact);
}

pub(super) fn list_or(v: &[String], empty: &str) -> String {
    if v.is_empty() {
        empty.to_string()
    } else {
        v.join(", ")
    }
}

fn bom_model_card(c: &Card<'_>) -> Value {
    let d = &c.s.data;
    // Inference-only sources are data processed in use, not model
    // parameters: they go to a property, never to the datasets.
    let datasets: Vec<Value> = d
        .data
        .iter()
        .filter(|x| x.uses != [DataUse::Inference])
        .map(|x| {
            let mut ds = json!({"type": "dataset", "name": x.name});
            let uses: Vec<&str> = x.uses.iter().map(|u| u.as_str()).collect();
            let uses = if uses.is_empty() {
                "not recorded".to_string()
            } else {
                uses.join(", ")
            };
            let mut desc = vec![format!("use: {uses}")];
            desc.extend(
                [("source", &x.source), ("basis", &x.basis)]
                    .iter()
                    .filter_map(|(k, v)| v.as_deref().map(|v| format!("{k}: {v}"))),
            );
            ds["description"] = json!(desc.join("; "));
            ds
        })
        .collect();
    let mut limits: Vec<&str> = c.limitations.as_deref().into_iter().collect();
    limits.extend(d.data.iter().filter_map(|x| x.known_gaps.as_deref()));
    let mut ethical: Vec<Value> = c
        .risks
        .iter()
        .map(|(t, tr)| json!({"name": t, "mitigationStrategy": format!("Treatment: {tr}")}))
        .collect();
    if let Some(x) = &c.misuse {
        ethical.push(json!({"name": format!("Foreseeable misuse: {x}")}));
    }
    let mut considerations = json!({
        "useCases": [c.purpose.clone().or_else(|| d.summary.clone()).unwrap_or_else(|| d.name.clone())],
        "technicalLimitations": limits,
        "ethicalConsiderations": ethical,
    });
    if !d.usage.affected.is_empty() {
        considerations["fairnessAssessments"] = d
            .usage
            .affected
            .iter()
            .map(|g| json!({"groupAtRisk": g, "mitigationStrategy": format!("Human oversight: {}", d.oversight.mode)}))
            .collect();
    }
    let mut card = json!({
        "modelParameters": {"datasets": datasets},
        "considerations": considerations,
    });
    if !d.metrics.is_empty() {
        card["quantitativeAnalysis"] = json!({"performanceMetrics": d.metrics.iter().map(|x| json!({
            "type": x.name,
            "value": x.value,
            "slice": format!("acceptance criterion {}; measured {}", x.criterion, x.date),
        })).collect::<Vec<_>>()});
    }
    card
}

fn bom(site: &Site, c: &Card<'_>, ed: usize) -> Value {
    let d = &c.s.data;
    let sys_ref = format!("system:{}", c.s.id);
    let implied = d.implied_tier();
    let roles: Vec<&str> = d.ai_act_roles().iter().map(|r| r.as_str()).collect();
    let roles = roles.join(",");
    let inference: Vec<&str> = d
        .data
        .iter()
        .filter(|x| x.uses == [DataUse::Inference])
        .map(|x| x.name.as_str())
        .collect();
    let inference = inference.join("; ");
    let because = implied.because();
    let sentence = crate::site::views::ai_act_sentence(d);
    let mut pairs: Vec<(&str, &str)> = vec![
        ("vouch:risk_tier", d.risk_tier.as_str()),
        ("vouch:implied_tier", implied.tier.as_str()),
        ("vouch:implied_because", &because),
        ("vouch:lifecycle", d.lifecycle.as_str()),
        ("vouch:domain", d.usage.domain.as_str()),
        ("vouch:decision", d.usage.decision.as_str()),
        ("vouch:oversight_mode", d.oversight.mode.as_str()),
        ("vouch:ai_act", &sentence),
    ];
    if !roles.is_empty() {
        pairs.push(("vouch:ai_act_roles", &roles));
    }
    if !inference.is_empty() {
        pairs.push(("vouch:inference_data", &inference));
    }
    let props: Vec<Value> = pairs
        .iter()
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect();
    let mut system = json!({
        "type": "machine-learning-model",
        "bom-ref": sys_ref,
        "name": d.name,
        "manufacturer": {"name": site.config.organisation},
        "properties": props,
        "externalReferences": [{"type": "documentation", "url": c.page}],
        "modelCard": bom_model_card(c),
    });
    if let Some(s) = &d.summary {
        system["description"] = json!(s);
    }
    let mut components = vec![system];
    let mut deps = Vec::new();
    for (i, (name, version, sup)) in c.models.iter().enumerate() {
        let r = format!("model:{}:{i}", c.s.id);
        let mut m = json!({"type": "machine-learning-model", "bom-ref": r, "name": name});
        if let Some(v) = version {
            m["version"] = json!(v);
        }
        if let Some(s) = sup {
            m["supplier"] = json!({"name": s});
        }
        components.push(m);
        deps.push(r);
    }
    let edition = &site.editions[ed];
    json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", uuid(site, &format!("bom/{edition}/{}/{}", c.s.id, site.today))),
        "version": 1,
        "metadata": {
            "timestamp": timestamp(site),
            "tools": {"components": [{"type": "application", "name": "vouch", "version": env!("CARGO_PKG_VERSION")}]},
            "manufacturer": {"name": site.config.organisation},
        },
        "components": components,
        "dependencies": [{"ref": format!("system:{}", c.s.id), "dependsOn": deps}],
    })
}
