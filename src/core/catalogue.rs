//! The built-in ISO/IEC 42001:2023 catalogue (ids and short titles only) and the
//! reference crosswalks, embedded in the binary from `data/` (see `data/README.md`
//! for their sources and licences).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A clause, objective or control of the catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Raw {
    clauses: Vec<Entry>,
    annex_a_groups: Vec<Entry>,
    annex_a_objectives: Vec<Entry>,
    annex_a_controls: Vec<Entry>,
}

/// The catalogue, parsed once per process.
#[derive(Debug)]
pub struct Catalogue {
    pub clauses: Vec<Entry>,
    pub objectives: Vec<Entry>,
    pub controls: Vec<Entry>,
    pub groups: Vec<Entry>,
    /// ISO 42001 id -> NIST AI RMF subcategories (reference crosswalk).
    pub nist: BTreeMap<String, Vec<String>>,
    /// EU AI Act article id -> title.
    pub ai_act_titles: BTreeMap<String, String>,
    /// ISO/IEC 42001 clauses with a counterpart in ISO/IEC 27001:2022's
    /// harmonized structure, and those without one.
    pub harmonized: Harmonized,
}

/// The harmonized-structure clause correspondence between ISO/IEC 42001 and
/// ISO/IEC 27001:2022.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Harmonized {
    pub pairs: Vec<String>,
    pub no_counterpart: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawCrosswalk {
    nist_ai_rmf: RawNist,
    eu_ai_act: RawAiAct,
    iso27001: RawIso27001,
}

#[derive(Debug, Deserialize)]
struct RawIso27001 {
    clauses: RawHsClauses,
}

#[derive(Debug, Deserialize)]
struct RawHsClauses {
    pairs: Vec<String>,
    no_counterpart_in_27001: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawNist {
    by_iso42001: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct RawAiAct {
    article_titles: BTreeMap<String, String>,
}

static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();

/// The embedded catalogue.
pub fn get() -> &'static Catalogue {
    CATALOGUE.get_or_init(|| {
        // The data is compiled in and covered by tests; failing here is a build defect.
        let raw: Raw = crate::core::yaml::from_str(include_str!("../../data/iso42001.yaml"))
            .expect("embedded iso42001.yaml parses");
        let cw: RawCrosswalk =
            crate::core::yaml::from_str(include_str!("../../data/crosswalks.yaml"))
                .expect("embedded crosswalks.yaml parses");
        Catalogue {
            clauses: raw.clauses,
            objectives: raw.annex_a_objectives,
            controls: raw.annex_a_controls,
            groups: raw.annex_a_groups,
            nist: cw.nist_ai_rmf.by_iso42001,
            ai_act_titles: cw.eu_ai_act.article_titles,
            harmonized: Harmonized {
                pairs: cw.iso27001.clauses.pairs,
                no_counterpart: cw.iso27001.clauses.no_counterpart_in_27001,
            },
        }
    })
}

impl Catalogue {
    /// The Annex A control with this id.
    pub fn control(&self, id: &str) -> Option<&Entry> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// The clause with this id.
    pub fn clause(&self, id: &str) -> Option<&Entry> {
        self.clauses.iter().find(|c| c.id == id)
    }

    /// Title of an objective or group (`A.6.2`, `A.6`).
    pub fn objective_title(&self, id: &str) -> Option<&str> {
        self.objectives
            .iter()
            .chain(&self.groups)
            .find(|c| c.id == id)
            .map(|e| e.title.as_str())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn embeds_all_38_annex_a_controls_and_43_clauses() {
        let c = super::get();
        assert_eq!(c.controls.len(), 38);
        assert_eq!(c.clauses.len(), 43);
        assert_eq!(
            c.control("A.6.2.4").unwrap().title,
            "AI system verification and validation"
        );
        assert!(c.nist.contains_key("A.6.2.4"));
    }
}
