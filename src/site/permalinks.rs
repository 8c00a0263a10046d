//! Permanent links: every published URL goes into `/urls.json`, and `--since`
//! compares a previous manifest with what the build would publish now. A URL
//! that was published before must still exist or be covered by an `aliases`
//! redirect, because customers have pasted it into questionnaires.

use crate::core::diagnostics::{rule, Diagnostic};
use crate::core::source::WithHelp;
use crate::pipeline::model::Site;
use crate::site::outputs::UrlManifest;
use std::collections::HashSet;

/// A previous manifest: where it came from and its text.
pub struct Manifest {
    pub source: String,
    pub text: String,
}

/// Reads a manifest from a path or an http(s) URL.
pub fn load(source: &str) -> Result<Manifest, String> {
    let text = if source.starts_with("http://") || source.starts_with("https://") {
        let mut resp = ureq::get(source)
            .call()
            .map_err(|e| format!("cannot fetch {source}: {e}"))?;
        resp.body_mut()
            .read_to_string()
            .map_err(|e| format!("cannot read {source}: {e}"))?
    } else {
        std::fs::read_to_string(source).map_err(|e| format!("cannot read {source}: {e}"))?
    };
    Ok(Manifest {
        source: source.to_string(),
        text,
    })
}

/// The URLs edition `ed` publishes now, including alias redirects.
pub fn current_urls(site: &Site, ed: usize) -> HashSet<String> {
    let mut set: HashSet<String> = crate::site::pages::urls(site, ed).into_iter().collect();
    set.extend(
        crate::site::outputs::aliases(site, ed)
            .into_iter()
            .map(|(from, _)| from),
    );
    set
}

/// Reports every URL of `manifest` that the current build would not serve.
pub fn check(site: &Site, manifest: &Manifest) -> Result<Vec<Diagnostic>, String> {
    let previous = UrlManifest::parse(&manifest.text)
        .map_err(|e| format!("{} is not a vouch URL manifest: {e}", manifest.source))?;
    let edition = previous.edition.as_str();
    let ed = site
        .editions
        .iter()
        .position(|e| e == edition)
        .ok_or_else(|| {
            format!(
                "{} is a manifest of edition `{edition}`, which site.yaml does not declare",
                manifest.source
            )
        })?;
    let now = current_urls(site, ed);
    let mut out = Vec::new();
    for u in &previous.urls {
        if now.contains(u.as_str()) {
            continue;
        }
        let needle = format!("\"{u}\"");
        let (line, column, src) = manifest
            .text
            .lines()
            .enumerate()
            .find_map(|(i, l)| l.find(&needle).map(|c| (i + 1, c + 2, l.to_string())))
            .unwrap_or((0, 0, String::new()));
        out.push(
            Diagnostic {
                rule: &rule::REMOVED_URL,
                severity: rule::REMOVED_URL.severity,
                file: manifest.source.clone(),
                line,
                column,
                len: u.len(),
                message: format!("`{u}` was published in the {edition} edition and would now be gone"),
                help: None,
                source_line: (line > 0).then_some(src),
            }
            .help(format!("links to it sit in customers' questionnaires: restore the page, or add `aliases: [{u}]` to the entity that replaced it")),
        );
    }
    Ok(out)
}
