//! View atoms every figure and page shares: a reference as a template sees it
//! (a link, or a marker where the target is hidden from the edition), and the
//! display names of frameworks.

use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::model::Site;
use serde::Serialize;

/// A reference as a template sees it: a link, or a marker with no title.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkView {
    pub kind: Kind,
    /// `None` when the target is hidden from this edition.
    pub title: Option<String>,
    pub url: Option<String>,
    /// "available on request" or "not published" for hidden targets
    /// ([`Site::marker`]).
    pub marker: Option<&'static str>,
    /// Where to ask for a hidden target ([`Site::request_link`]), when the
    /// site has a request-access address and the target may be given.
    pub request: Option<String>,
    /// Short id for display (e.g. `A.6.2.4`), only when visible.
    pub id: Option<String>,
}

impl Site {
    /// The view of a reference from edition `ed`.
    pub fn link(&self, kind: Kind, id: &str, ed: usize) -> LinkView {
        match self.level(kind, id) {
            Some(l) if l <= ed => LinkView {
                kind,
                title: self.title(kind, id).map(str::to_string),
                url: Some(url(kind, id)),
                marker: None,
                request: None,
                id: Some(id.to_string()),
            },
            Some(l) => LinkView {
                kind,
                title: None,
                url: None,
                marker: Some(self.marker(l)),
                request: self.request_link(l),
                id: None,
            },
            None => LinkView {
                kind,
                title: Some(id.to_string()),
                url: None,
                marker: None,
                request: None,
                id: Some(id.to_string()),
            },
        }
    }

    /// Links for a list of ids; the hidden ones collapse into ONE marker for
    /// the whole list, so a lower edition learns only that more exists, never
    /// how many nor at which levels. The marker says what the least hidden of
    /// them would take ("available on request" where a customer may see one).
    pub fn links(&self, kind: Kind, ids: &[String], ed: usize) -> Vec<LinkView> {
        let mut out: Vec<LinkView> = Vec::new();
        let mut hidden: Option<(usize, usize)> = None; // (position in out, lowest level)
        for id in ids {
            let l = self.link(kind, id, ed);
            if l.marker.is_some() {
                let level = self.level(kind, id).unwrap_or(usize::MAX);
                match hidden.as_mut() {
                    Some((_, lowest)) => *lowest = (*lowest).min(level),
                    None => {
                        hidden = Some((out.len(), level));
                        out.push(l);
                    }
                }
                continue;
            }
            if l.url.is_some() && out.iter().any(|o| o.url == l.url) {
                continue;
            }
            out.push(l);
        }
        if let Some((at, lowest)) = hidden {
            out[at].marker = Some(self.marker(lowest));
            out[at].request = self.request_link(lowest);
        }
        out
    }

    /// Links back to entities that cite `(kind, id)`, visible in `ed`.
    pub fn backlink_views(&self, kind: Kind, id: &str, ed: usize) -> Vec<LinkView> {
        self.backlinks((kind, id), ed)
            .into_iter()
            .map(|(k, i)| self.link(k, &i, ed))
            .collect()
    }
}

/// Display name of a framework id from `site.yaml: frameworks`.
pub fn framework_label(id: &str) -> String {
    match id {
        "iso42001" => "ISO/IEC 42001:2023",
        "iso27001" => "ISO/IEC 27001:2022",
        "soc2" => "SOC 2",
        "nist_ai_rmf" => "NIST AI RMF 1.0",
        "eu_ai_act" => "EU AI Act",
        other => other,
    }
    .to_string()
}
