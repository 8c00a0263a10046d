//! Stage 4, model: one [`Site`] graph. Every entity gets its kind, id, title,
//! URL and edition level; every reference (id lists and Markdown links) becomes
//! an [`Edge`] with its source span, which drives both the unresolved-reference
//! check and the backlinks shown on pages.

use crate::core::catalogue;
use crate::core::date::Date;
use crate::core::diagnostics::{did_you_mean, rule, Diagnostic};
use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::core::source::{ItemLoc, Sources, Span, WithHelp};
use crate::pipeline::load::{DocKind, Loaded};
use crate::pipeline::markdown::{self, MdRef, Resolved};
use crate::pipeline::parse::types::*;
use crate::pipeline::parse::{DocSource, Item, Parsed};
use std::collections::HashMap;
use std::path::PathBuf;

mod edges;
pub mod records;

/// The kind of a Markdown document.
fn kind_of_doc(k: DocKind) -> Kind {
    match k {
        DocKind::Scope => Kind::Scope,
        DocKind::Policy => Kind::Policy,
        DocKind::Assessment => Kind::Assessment,
        DocKind::Notice => Kind::Notice,
        DocKind::Page => Kind::Page,
    }
}

/// One entity of any kind.
#[derive(Debug, Clone)]
pub struct Entity<T> {
    pub kind: Kind,
    pub id: String,
    pub title: String,
    /// Index of the lowest edition that publishes it.
    pub level: usize,
    pub loc: ItemLoc,
    pub data: T,
}

/// A reference from one entity to another, with where it was written.
#[derive(Debug, Clone)]
pub struct Edge {
    pub from: (Kind, String),
    pub to: (Kind, String),
    pub anchor: Option<String>,
    pub span: Span,
    /// The field it came from (`evidence`, `controls`, `body` ...).
    pub field: &'static str,
}

/// The whole project as one graph.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub content: PathBuf,
    pub config: SiteConfig,
    pub config_loc: ItemLoc,
    pub editions: Vec<String>,
    pub today: Date,
    pub sources: Sources,
    pub docs: Vec<Entity<DocSource>>,
    pub controls: Vec<Entity<ControlEntry>>,
    pub evidence: Vec<Entity<EvidenceEntry>>,
    pub risks: Vec<Entity<RiskEntry>>,
    pub suppliers: Vec<Entity<SupplierEntry>>,
    pub faq: Vec<Entity<FaqEntry>>,
    pub systems: Vec<Entity<SystemCard>>,
    /// The records of clauses 6.2, 7.2 and 9.1-10.2 (`model::records`).
    pub records: records::Records,
    /// (kind, id) -> (position in its list, edition level, title).
    /// Nested by kind so a lookup borrows the id instead of allocating a key.
    index: HashMap<Kind, HashMap<String, (usize, usize, String)>>,
    /// Markdown of documents (by position in `docs`).
    pub doc_md: Vec<std::sync::Arc<markdown::Parsed>>,
    /// Markdown fields of register entries: (kind, id, field).
    pub field_md: HashMap<(Kind, String, &'static str), std::sync::Arc<markdown::Parsed>>,
    pub edges: Vec<Edge>,
    /// Target -> positions of the edges into it: built once after all edges
    /// are known, so backlinks cost a lookup instead of a scan of every edge.
    incoming: HashMap<Kind, HashMap<String, Vec<u32>>>,
    /// Entities that failed to parse (kind name, id).
    pub broken: Vec<(&'static str, String)>,
    /// Last commit date per source file, read from git once per build
    /// (every edition's feed needs it).
    pub git_dates: std::sync::OnceLock<crate::core::git::GitDates>,
}

fn level_of(
    sources: &Sources,
    editions: &[String],
    vis: Option<&str>,
    loc: &ItemLoc,
    diags: &mut Vec<Diagnostic>,
) -> usize {
    let top = editions.len().saturating_sub(1);
    let Some(v) = vis else { return top };
    match editions.iter().position(|e| e == v) {
        Some(i) => i,
        None => {
            let span = loc.locate(sources, &["visibility"], Some(v));
            let list = editions.join(", ");
            diags.push(
                sources
                    .diag(
                        &rule::UNKNOWN_EDITION,
                        span,
                        format!("unknown visibility `{v}`"),
                    )
                    .help_opt(Some(
                        match did_you_mean(v, editions.iter().map(String::as_str)) {
                            Some(m) => format!("did you mean `{m}`? editions: {list}"),
                            None => format!("editions declared in site.yaml: {list}"),
                        },
                    )),
            );
            top
        }
    }
}

fn entities<T, F>(
    items: Vec<Item<T>>,
    kind: Kind,
    sources: &Sources,
    editions: &[String],
    diags: &mut Vec<Diagnostic>,
    meta: F,
) -> Vec<Entity<T>>
where
    F: Fn(&T) -> (String, String, Option<String>),
{
    items
        .into_iter()
        .map(|it| {
            let (id, title, vis) = meta(&it.data);
            let level = level_of(sources, editions, vis.as_deref(), &it.loc, diags);
            Entity {
                kind,
                id,
                title,
                level,
                loc: it.loc,
                data: it.data,
            }
        })
        .collect()
}

/// Every entity of a build, each with its edition level, before indexing.
struct Entities {
    docs: Vec<Entity<DocSource>>,
    controls: Vec<Entity<ControlEntry>>,
    evidence: Vec<Entity<EvidenceEntry>>,
    risks: Vec<Entity<RiskEntry>>,
    suppliers: Vec<Entity<SupplierEntry>>,
    faq: Vec<Entity<FaqEntry>>,
    systems: Vec<Entity<SystemCard>>,
    records: records::Records,
}

/// Turns parsed documents into entities, reporting unknown visibilities.
fn doc_entities(
    docs: Vec<DocSource>,
    sources: &Sources,
    eds: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Entity<DocSource>> {
    docs.into_iter()
        .map(|d| {
            let level = level_of(sources, eds, d.front.visibility.as_deref(), &d.loc, diags);
            Entity {
                kind: kind_of_doc(d.kind),
                id: d.id.clone(),
                title: d.front.title.clone(),
                level,
                loc: d.loc.clone(),
                data: d,
            }
        })
        .collect()
}

/// Turns parsed controls into entities; a control's title comes from the
/// catalogue when it knows the id.
fn control_entities(
    controls: Vec<Item<ControlEntry>>,
    sources: &Sources,
    eds: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Entity<ControlEntry>> {
    let cat = catalogue::get();
    entities(
        controls,
        Kind::Control,
        sources,
        eds,
        diags,
        |c: &ControlEntry| {
            let title = cat
                .control(&c.id)
                .map(|e| e.title.clone())
                .or_else(|| c.title.clone())
                .unwrap_or_else(|| c.id.clone());
            (c.id.clone(), title, c.visibility.clone())
        },
    )
}

/// Turns every parsed document and register entry into an entity, in the
/// order their visibility diagnostics are reported.
fn all_entities(
    parsed: Parsed,
    sources: &Sources,
    eds: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Entities {
    let docs = doc_entities(parsed.docs, sources, eds, diags);
    let controls = control_entities(parsed.controls, sources, eds, diags);
    let evidence = entities(
        parsed.evidence,
        Kind::Evidence,
        sources,
        eds,
        diags,
        |e: &EvidenceEntry| (e.id.clone(), e.title.clone(), e.visibility.clone()),
    );
    let risks = entities(
        parsed.risks,
        Kind::Risk,
        sources,
        eds,
        diags,
        |r: &RiskEntry| (r.id.clone(), r.title.clone(), r.visibility.clone()),
    );
    let suppliers = entities(
        parsed.suppliers,
        Kind::Supplier,
        sources,
        eds,
        diags,
        |s: &SupplierEntry| (s.id.clone(), s.name.clone(), s.visibility.clone()),
    );
    let faq = entities(
        parsed.faq,
        Kind::Faq,
        sources,
        eds,
        diags,
        |f: &FaqEntry| (f.id.clone(), f.question.clone(), f.visibility.clone()),
    );
    let systems = entities(
        parsed.systems,
        Kind::System,
        sources,
        eds,
        diags,
        |s: &SystemCard| (s.id.clone(), s.name.clone(), s.visibility.clone()),
    );
    let records = records::Records::build(parsed.records, sources, eds, diags);
    Entities {
        docs,
        controls,
        evidence,
        risks,
        suppliers,
        faq,
        systems,
        records,
    }
}

/// Builds the graph from parsed sources. `config` must be present.
pub fn build(
    loaded: Loaded,
    parsed: Parsed,
    config: Item<SiteConfig>,
    today: Date,
    diags: &mut Vec<Diagnostic>,
) -> Site {
    let sources = loaded.sources;
    let broken = parsed.broken.clone();
    let editions = config.data.editions.clone();
    let all = all_entities(parsed, &sources, &editions, diags);
    let mut site = Site {
        root: loaded.root,
        content: loaded.content,
        config: config.data,
        config_loc: config.loc,
        editions,
        today,
        sources,
        docs: all.docs,
        controls: all.controls,
        evidence: all.evidence,
        risks: all.risks,
        suppliers: all.suppliers,
        faq: all.faq,
        systems: all.systems,
        records: all.records,
        index: HashMap::new(),
        doc_md: Vec::new(),
        field_md: HashMap::new(),
        edges: Vec::new(),
        incoming: HashMap::new(),
        broken: Vec::new(),
        git_dates: std::sync::OnceLock::new(),
    };
    site.broken = broken;
    site.index_entities(diags);
    site.collect_list_edges();
    site
}

impl Site {
    /// Registers every entity in the index; duplicate ids are reported.
    fn index_entities(&mut self, diags: &mut Vec<Diagnostic>) {
        let mut all: Vec<(Kind, String, usize, usize, String, ItemLoc)> = Vec::new();
        macro_rules! add {
            ($list:expr) => {
                for (i, e) in $list.iter().enumerate() {
                    all.push((
                        e.kind,
                        e.id.clone(),
                        i,
                        e.level,
                        e.title.clone(),
                        e.loc.clone(),
                    ));
                }
            };
        }
        add!(self.docs);
        add!(self.controls);
        add!(self.evidence);
        add!(self.risks);
        add!(self.suppliers);
        add!(self.faq);
        add!(self.systems);
        for h in self.records.heads() {
            let (id, title) = (h.id.to_string(), h.title.to_string());
            all.push((h.kind, id, h.pos, h.level, title, h.loc.clone()));
        }
        for (kind, id, pos, level, title, loc) in all {
            // Documents of every kind share the URL space of their folder only,
            // but policies and pages are both documents: index by kind.
            let ids = self.index.entry(kind).or_default();
            if ids.contains_key(&id) {
                let span = loc.locate(&self.sources, &["id"], Some(&id));
                diags.push(
                    self.sources
                        .diag(
                            &rule::DUPLICATE_ID,
                            span,
                            format!("duplicate {} id `{id}`", kind.name()),
                        )
                        .help("ids must be unique within their kind, because they make the URL"),
                );
                continue;
            }
            ids.insert(id, (pos, level, title));
        }
    }

    /// Where an entity is written (front matter for documents, the list
    /// item for register entries), if it exists.
    pub fn loc(&self, kind: Kind, id: &str) -> Option<&ItemLoc> {
        let pos = self.entry(kind, id)?.0;
        Some(match kind {
            Kind::Control => &self.controls.get(pos)?.loc,
            Kind::Evidence => &self.evidence.get(pos)?.loc,
            Kind::Risk => &self.risks.get(pos)?.loc,
            Kind::Supplier => &self.suppliers.get(pos)?.loc,
            Kind::Faq => &self.faq.get(pos)?.loc,
            Kind::System => &self.systems.get(pos)?.loc,
            Kind::Scope | Kind::Policy | Kind::Assessment | Kind::Notice | Kind::Page => {
                &self.docs.get(pos)?.loc
            }
            _ => self.records.loc(kind, pos)?,
        })
    }

    /// Edition level of an entity, if it exists.
    pub fn level(&self, kind: Kind, id: &str) -> Option<usize> {
        self.entry(kind, id).map(|e| e.1)
    }

    fn entry(&self, kind: Kind, id: &str) -> Option<&(usize, usize, String)> {
        self.index.get(&kind)?.get(id)
    }

    /// Title of an entity, if it exists.
    pub fn title(&self, kind: Kind, id: &str) -> Option<&str> {
        self.entry(kind, id).map(|e| e.2.as_str())
    }

    /// Whether an entity of this kind and id exists but failed to parse.
    pub fn is_broken(&self, kind: Kind, id: &str) -> bool {
        self.broken
            .iter()
            .any(|(k, i)| *k == kind.name() && i == id)
    }

    /// Whether the entity exists and edition `edition` publishes it.
    pub fn visible(&self, kind: Kind, id: &str, edition: usize) -> bool {
        self.level(kind, id).is_some_and(|l| l <= edition)
    }

    /// All ids of a kind (for did-you-mean).
    pub fn ids(&self, kind: Kind) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .index
            .get(&kind)
            .map(|ids| ids.keys().map(String::as_str).collect())
            .unwrap_or_default();
        v.sort_unstable();
        v
    }

    /// The marker a lower edition shows for an entity of level `level`:
    /// "available on request" when some reader outside the organisation may
    /// be given it (a level below the top edition), else "not published".
    /// Never the edition's name: a public page must not read like a leaked
    /// author's note ("internal").
    pub fn marker(&self, level: usize) -> &'static str {
        if level + 1 >= self.editions.len() {
            "not published"
        } else {
            "available on request"
        }
    }

    /// The request-access address a marker links to: `site.yaml`
    /// `request_access` (when it is a valid address) for what a reader may
    /// be given on request, none for what is never published.
    pub fn request_link(&self, level: usize) -> Option<String> {
        (level + 1 < self.editions.len())
            .then(|| self.config.request_access_link())
            .flatten()
            .map(str::to_string)
    }

    /// How a reference renders in `edition`.
    pub fn resolve(&self, kind: Kind, id: &str, edition: usize) -> Resolved {
        match self.entry(kind, id) {
            None => Resolved::Missing,
            Some((_, level, _)) if *level > edition => Resolved::Hidden {
                marker: self.marker(*level),
                request: self.request_link(*level),
            },
            Some((_, _, title)) => Resolved::Link {
                url: url(kind, id),
                title: title.clone(),
            },
        }
    }

    /// Resolver for Markdown links in `edition`.
    pub fn md_resolver(&self, edition: usize) -> impl Fn(&MdRef) -> Resolved + '_ {
        move |r: &MdRef| self.resolve(r.kind, &r.id, edition)
    }

    /// Entities that reference `to`, visible in `edition`, sorted and unique.
    pub fn backlinks(&self, to: (Kind, &str), edition: usize) -> Vec<(Kind, String)> {
        let Some(edges) = self.incoming.get(&to.0).and_then(|m| m.get(to.1)) else {
            return Vec::new();
        };
        let mut v: Vec<&(Kind, String)> = edges
            .iter()
            .map(|i| &self.edges[*i as usize].from)
            .filter(|(k, i)| self.visible(*k, i, edition))
            .collect();
        v.sort_unstable();
        v.dedup();
        v.into_iter().cloned().collect()
    }
}

/// The Markdown body of a document: its file's text after the front matter
/// (kept once, in `Sources`).
pub fn doc_body<'a>(sources: &'a Sources, d: &Entity<DocSource>) -> std::borrow::Cow<'a, str> {
    let f = sources.get(d.loc.file);
    f.slice(d.data.body_offset, f.len()).unwrap_or_default()
}
