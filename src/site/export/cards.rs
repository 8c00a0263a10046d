//! Model cards per AI system, one folder each:
//! - `README.md`: a Hugging Face-style model card (YAML metadata block, then
//!   the usual sections), filled from the system card;
//! - `bom.cdx.json`: a CycloneDX 1.6 BOM whose `machine-learning-model`
//!   component carries the `modelCard`, plus one component per underlying model;
//! - `annex-iv.md` (high-tier systems only): an outline of the EU AI Act
//!   Annex IV technical documentation, pre-filled, listing what is missing.
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
    let risks = site
        .risks
        .iter()
        .filter(|r| r.level <= ed && d.risks.contains(&r.id))
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
    Card {
        s,
        purpose: site
            .field_html(Kind::System, &s.id, "purpose", ed)
            .map(|r| r.text.trim().to_string())
            .filter(|t| !t.is_empty()),
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
        if s.data.risk_tier == Tier::High {
            out.push((
                format!("{}/annex-iv.md", s.id),
                super::annex_iv::outline(site, &c, ed).into_bytes(),
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
    if let Some(r) = d.ai_act_role {
        let _ = writeln!(m, "- **EU AI Act role:** {r}");
    }
    let _ = writeln!(
        m,
        "- **Risk tier:** {} (implied by usage: {})",
        d.risk_tier,
        d.usage.implied_tier().0
    );
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
    m.push_str("Any use outside the purpose above needs a new impact assessment under the AI management system.\n\n");
    m.push_str("## Bias, Risks, and Limitations\n\n");
    for (title, treatment) in &c.risks {
        let _ = writeln!(m, "- {title} (treatment: {treatment})");
    }
    for g in d.data.iter().filter_map(|x| x.known_gaps.as_deref()) {
        let _ = writeln!(m, "- Known data gap: {g}");
    }
    if c.risks.is_empty() && d.data.iter().all(|x| x.known_gaps.is_none()) {
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

/// Training data, evaluation, governance links and contact.
fn readme_training(m: &mut String, site: &Site, c: &Card<'_>) {
    let d = &c.s.data;
    m.push_str("## Training Details\n\n### Training Data\n\n");
    if d.data.is_empty() {
        let _ = writeln!(m, "{MORE}");
    }
    for x in &d.data {
        let _ = writeln!(
            m,
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
        );
    }
    m.push_str("\n## Evaluation\n\n");
    let _ = writeln!(m, "{MORE}\n");
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
    let datasets: Vec<Value> = d
        .data
        .iter()
        .map(|x| {
            let mut ds = json!({"type": "dataset", "name": x.name});
            let desc: Vec<String> = [("source", &x.source), ("basis", &x.basis)]
                .iter()
                .filter_map(|(k, v)| v.as_deref().map(|v| format!("{k}: {v}")))
                .collect();
            if !desc.is_empty() {
                ds["description"] = json!(desc.join("; "));
            }
            ds
        })
        .collect();
    let limits: Vec<&str> = d
        .data
        .iter()
        .filter_map(|x| x.known_gaps.as_deref())
        .collect();
    let ethical: Vec<Value> = c
        .risks
        .iter()
        .map(|(t, tr)| json!({"name": t, "mitigationStrategy": format!("Treatment: {tr}")}))
        .collect();
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
    json!({
        "modelParameters": {"datasets": datasets},
        "considerations": considerations,
    })
}

fn bom(site: &Site, c: &Card<'_>, ed: usize) -> Value {
    let d = &c.s.data;
    let sys_ref = format!("system:{}", c.s.id);
    let props: Vec<Value> = [
        ("vouch:risk_tier", d.risk_tier.as_str()),
        ("vouch:implied_tier", d.usage.implied_tier().0.as_str()),
        ("vouch:lifecycle", d.lifecycle.as_str()),
        ("vouch:domain", d.usage.domain.as_str()),
        ("vouch:decision", d.usage.decision.as_str()),
        ("vouch:oversight_mode", d.oversight.mode.as_str()),
    ]
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
