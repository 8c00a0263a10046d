//! Requirement ids of other frameworks: every `maps_to:` key and id of a
//! control, and every `frameworks:` entry of `site.yaml`, must name a
//! framework and a requirement of the embedded lists (`data/requirements.yaml`).
//! A misspelt key or an id that does not exist would otherwise be published
//! as a covered requirement, so both are errors, with the nearest known spelling.

use crate::core::catalogue::{self, FRAMEWORK_KEYS};
use crate::core::diagnostics::{did_you_mean, rule, Diagnostic};
use crate::core::source::WithHelp;
use crate::pipeline::model::Site;

/// Checks `site.yaml` `frameworks:` and every control's `maps_to:`.
pub fn requirements(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    for key in &site.config.frameworks {
        if !FRAMEWORK_KEYS.contains(&key.as_str()) {
            let span = site.config_loc.locate(s, &["frameworks"], Some(key));
            d.push(unknown_framework(site, span, key));
        }
    }
    let cat = catalogue::get();
    for c in &site.controls {
        for (key, ids) in &c.data.maps_to {
            if !FRAMEWORK_KEYS.contains(&key.as_str()) {
                let span = c.loc.locate(s, &["maps_to", key], None);
                d.push(unknown_framework(site, span, key));
                continue;
            }
            for id in ids.iter().filter(|id| !cat.is_requirement(key, id)) {
                let span = c.loc.locate(s, &["maps_to", key], Some(id));
                let label = cat
                    .frameworks
                    .get(key)
                    .map_or("ISO/IEC 42001", |f| f.label.as_str());
                let hint = match did_you_mean(id, cat.requirement_ids(key)) {
                    Some(m) => {
                        format!("did you mean `{m}`? ({label} ids are listed in docs/exports.md)")
                    }
                    None => format!(
                        "use a {label} id as docs/exports.md lists them, e.g. `{}`",
                        example(key)
                    ),
                };
                let msg = format!(
                    "`{id}` is not a requirement of {label} (`maps_to.{key}` of control `{}`)",
                    c.id
                );
                d.push(s.diag(&rule::UNKNOWN_REQUIREMENT, span, msg).help(hint));
            }
        }
    }
}

fn unknown_framework(site: &Site, span: crate::core::source::Span, key: &str) -> Diagnostic {
    let hint = match did_you_mean(key, FRAMEWORK_KEYS.iter().copied()) {
        Some(m) => format!("did you mean `{m}`?"),
        None => format!("known frameworks: {}", FRAMEWORK_KEYS.join(", ")),
    };
    site.sources
        .diag(
            &rule::UNKNOWN_FRAMEWORK,
            span,
            format!("unknown framework `{key}`"),
        )
        .help(hint)
}

/// One valid id of each framework, for a hint when nothing is close.
fn example(key: &str) -> &'static str {
    match key {
        "iso27001" => "A.5.15",
        "soc2" => "CC6.1",
        "nist_ai_rmf" => "GOVERN 1.1",
        "eu_ai_act" => "Art. 13",
        _ => "A.6.2.4",
    }
}
