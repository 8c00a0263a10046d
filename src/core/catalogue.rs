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
    /// The requirement lists of the other frameworks (`data/requirements.yaml`),
    /// by framework key (`iso27001`, `soc2`, `nist_ai_rmf`, `eu_ai_act`).
    pub frameworks: BTreeMap<String, Framework>,
}

/// The framework keys `maps_to:` and `site.yaml` `frameworks:` accept.
pub const FRAMEWORK_KEYS: &[&str] = &["iso42001", "iso27001", "soc2", "nist_ai_rmf", "eu_ai_act"];

/// One requirement of another framework: an id and our own short label.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub id: String,
    pub label: Option<String>,
    /// The group it belongs to: a SOC 2 category key, or `clauses` /
    /// `annex-a` for ISO/IEC 27001.
    pub group: Option<String>,
    /// EU AI Act: the operator roles (`provider`, `deployer` ...) whose
    /// obligations the article states; empty for every other framework.
    pub roles: Vec<String>,
}

/// A group of requirements that applies as a whole (a SOC 2 category).
#[derive(Debug, Clone)]
pub struct Group {
    pub key: String,
    pub label: String,
    /// Applies to every organisation (the SOC 2 common criteria).
    pub always: bool,
}

/// The full requirement list of one framework.
#[derive(Debug, Clone)]
pub struct Framework {
    pub label: String,
    pub requirements: Vec<Requirement>,
    /// Groups that apply as a whole (SOC 2 categories); empty elsewhere.
    pub groups: Vec<Group>,
}

impl Framework {
    /// The requirement with this id.
    pub fn get(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }
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

#[derive(Debug, Deserialize)]
struct RawRequirements {
    iso27001: RawListed,
    soc2: RawSoc2,
    nist_ai_rmf: RawIds,
    eu_ai_act: RawArticles,
}

#[derive(Debug, Deserialize)]
struct RawListed {
    label: String,
    requirements: Vec<RawRequirement>,
}

#[derive(Debug, Deserialize)]
struct RawRequirement {
    id: String,
    label: Option<String>,
    group: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawSoc2 {
    label: String,
    categories: Vec<RawCategory>,
}

#[derive(Debug, Deserialize)]
struct RawCategory {
    key: String,
    label: String,
    #[serde(default)]
    always: bool,
    ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawIds {
    label: String,
    ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawArticles {
    label: String,
    articles: usize,
    labels: BTreeMap<String, String>,
    roles: BTreeMap<String, Vec<String>>,
}

fn plain(id: String, label: Option<String>, group: Option<String>) -> Requirement {
    Requirement {
        id,
        label,
        group,
        roles: Vec::new(),
    }
}

/// The four requirement lists, with EU AI Act article titles from the
/// crosswalk data where it has them and our own labels otherwise.
fn frameworks(
    raw: RawRequirements,
    titles: &BTreeMap<String, String>,
) -> BTreeMap<String, Framework> {
    let mut m = BTreeMap::new();
    let iso = raw.iso27001.requirements.into_iter();
    m.insert(
        "iso27001".into(),
        Framework {
            label: raw.iso27001.label,
            requirements: iso.map(|r| plain(r.id, r.label, r.group)).collect(),
            groups: Vec::new(),
        },
    );
    let soc = &raw.soc2.categories;
    m.insert(
        "soc2".into(),
        Framework {
            label: raw.soc2.label,
            requirements: soc
                .iter()
                .flat_map(|c| {
                    c.ids
                        .iter()
                        .map(|id| plain(id.clone(), None, Some(c.key.clone())))
                })
                .collect(),
            groups: soc
                .iter()
                .map(|c| Group {
                    key: c.key.clone(),
                    label: c.label.clone(),
                    always: c.always,
                })
                .collect(),
        },
    );
    m.insert(
        "nist_ai_rmf".into(),
        Framework {
            label: raw.nist_ai_rmf.label,
            requirements: raw
                .nist_ai_rmf
                .ids
                .into_iter()
                .map(|id| plain(id, None, None))
                .collect(),
            groups: Vec::new(),
        },
    );
    let act = raw.eu_ai_act;
    let articles = (1..=act.articles).map(|n| {
        let id = format!("Art. {n}");
        Requirement {
            label: titles.get(&id).or_else(|| act.labels.get(&id)).cloned(),
            roles: act.roles.get(&id).cloned().unwrap_or_default(),
            group: None,
            id,
        }
    });
    m.insert(
        "eu_ai_act".into(),
        Framework {
            label: act.label,
            requirements: articles.collect(),
            groups: Vec::new(),
        },
    );
    m
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
        let req: RawRequirements =
            crate::core::yaml::from_str(include_str!("../../data/requirements.yaml"))
                .expect("embedded requirements.yaml parses");
        Catalogue {
            frameworks: frameworks(req, &cw.eu_ai_act.article_titles),
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

    /// Whether `id` is a requirement of framework `key` (ISO/IEC 42001 ids
    /// are its clauses and Annex A controls).
    pub fn is_requirement(&self, key: &str, id: &str) -> bool {
        match key {
            "iso42001" => self.clause(id).is_some() || self.control(id).is_some(),
            _ => self
                .frameworks
                .get(key)
                .is_some_and(|f| f.get(id).is_some()),
        }
    }

    /// Every requirement id of framework `key`, for did-you-mean hints.
    pub fn requirement_ids(&self, key: &str) -> Vec<&str> {
        match key {
            "iso42001" => self
                .clauses
                .iter()
                .chain(&self.controls)
                .map(|e| e.id.as_str())
                .collect(),
            _ => self
                .frameworks
                .get(key)
                .into_iter()
                .flat_map(|f| &f.requirements)
                .map(|r| r.id.as_str())
                .collect(),
        }
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

    #[test]
    fn embeds_the_full_requirement_lists_of_the_other_frameworks() {
        let c = super::get();
        let n = |k: &str| c.frameworks[k].requirements.len();
        let annex = c.frameworks["iso27001"].requirements.iter();
        assert_eq!(annex.filter(|r| r.id.starts_with("A.")).count(), 93);
        assert_eq!(n("iso27001"), 123);
        assert_eq!(n("soc2"), 61);
        assert_eq!(n("nist_ai_rmf"), 72);
        assert_eq!(n("eu_ai_act"), 113);
        let art = c.frameworks["eu_ai_act"].get("Art. 26").unwrap();
        assert_eq!(art.roles, ["deployer"]);
        assert_eq!(
            art.label.as_deref(),
            Some("Obligations of deployers of high-risk AI systems")
        );
        // Every NIST subcategory the reference crosswalk names is in the list.
        for subs in c.nist.values() {
            assert!(
                subs.iter().all(|s| c.is_requirement("nist_ai_rmf", s)),
                "{subs:?}"
            );
        }
        assert!(c.is_requirement("soc2", "PI1.5") && !c.is_requirement("soc2", "CC99.9"));
        assert!(c.is_requirement("iso42001", "A.6.2.4") && !c.is_requirement("soc_2", "CC1.1"));
    }
}
