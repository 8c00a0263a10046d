//! Edge building: id-list fields and Markdown links become [`Edge`]s, then
//! edges are indexed by target for backlinks.

use super::{doc_body, Edge, Site};
use crate::core::kinds::Kind;
use crate::core::memo::hash_of;
use crate::core::source::{ItemLoc, Span};
use crate::pipeline::markdown;
use std::collections::HashMap;

/// One id-list field to turn into edges: (from, where it is written, field
/// name, path to the field, kind of the targets, target ids).
type ListJob = (
    (Kind, String),
    ItemLoc,
    &'static str,
    Vec<&'static str>,
    Kind,
    Vec<String>,
);

/// A register field holding Markdown: (kind, id, field name, text, where it is written).
pub type MdField = (Kind, String, &'static str, String, ItemLoc);

impl Site {
    fn push_list_edges(
        &mut self,
        from: (Kind, String),
        loc: &ItemLoc,
        field: &'static str,
        path: &[&str],
        kind: Kind,
        ids: &[String],
    ) {
        for id in ids {
            let span = loc.locate(&self.sources, path, Some(id));
            self.edges.push(Edge {
                from: from.clone(),
                to: (kind, id.clone()),
                anchor: None,
                span,
                field,
            });
        }
    }

    /// Edges from id-list fields of every register and front matter.
    pub(super) fn collect_list_edges(&mut self) {
        let mut jobs: Vec<ListJob> = Vec::new();
        for d in &self.docs {
            let from = (d.kind, d.id.clone());
            jobs.push((
                from.clone(),
                d.loc.clone(),
                "controls",
                vec!["controls"],
                Kind::Control,
                d.data.front.controls.clone(),
            ));
            jobs.push((
                from.clone(),
                d.loc.clone(),
                "systems",
                vec!["systems"],
                Kind::System,
                d.data.front.systems.clone(),
            ));
            // An assessment names the risks it raised; shown on both pages.
            jobs.push((
                from,
                d.loc.clone(),
                "risks",
                vec!["risks"],
                Kind::Risk,
                d.data.front.risks.clone(),
            ));
        }
        self.register_list_jobs(&mut jobs);
        self.system_list_jobs(&mut jobs);
        for (h, lists, _) in self.records.refs() {
            for (field, kind, ids) in lists {
                let from = (h.kind, h.id.to_string());
                jobs.push((from, h.loc.clone(), field, vec![field], kind, ids));
            }
        }
        for c in &self.config.certifications {
            // Certifications sit on the home page, which is no entity.
            let from = (Kind::Page, "index".to_string());
            jobs.push((
                from,
                self.config_loc.clone(),
                "certifications",
                vec!["certifications"],
                Kind::Evidence,
                c.evidence.clone(),
            ));
        }
        for (from, loc, field, path, kind, ids) in jobs {
            self.push_list_edges(from, &loc, field, &path, kind, &ids);
        }
    }

    /// Id-list jobs of controls, risks and suppliers, in that order.
    fn register_list_jobs(&self, jobs: &mut Vec<ListJob>) {
        for c in &self.controls {
            let from = (Kind::Control, c.id.clone());
            jobs.push((
                from.clone(),
                c.loc.clone(),
                "evidence",
                vec!["evidence"],
                Kind::Evidence,
                c.data.evidence.clone(),
            ));
            jobs.push((
                from,
                c.loc.clone(),
                "systems",
                vec!["systems"],
                Kind::System,
                c.data.systems.clone(),
            ));
        }
        for r in &self.risks {
            let from = (Kind::Risk, r.id.clone());
            jobs.push((
                from.clone(),
                r.loc.clone(),
                "controls",
                vec!["controls"],
                Kind::Control,
                r.data.controls.clone(),
            ));
            jobs.push((
                from,
                r.loc.clone(),
                "systems",
                vec!["systems"],
                Kind::System,
                r.data.systems.clone(),
            ));
        }
        for e in &self.evidence {
            jobs.push((
                (Kind::Evidence, e.id.clone()),
                e.loc.clone(),
                "systems",
                vec!["systems"],
                Kind::System,
                e.data.systems.clone(),
            ));
        }
        for s in &self.suppliers {
            jobs.push((
                (Kind::Supplier, s.id.clone()),
                s.loc.clone(),
                "evidence",
                vec!["evidence"],
                Kind::Evidence,
                s.data.evidence.clone(),
            ));
        }
    }

    /// Id-list jobs of system cards.
    fn system_list_jobs(&self, jobs: &mut Vec<ListJob>) {
        for s in &self.systems {
            let from = (Kind::System, s.id.clone());
            let d = &s.data;
            jobs.push((
                from.clone(),
                s.loc.clone(),
                "controls",
                vec!["controls"],
                Kind::Control,
                d.controls.clone(),
            ));
            jobs.push((
                from.clone(),
                s.loc.clone(),
                "risks",
                vec!["risks"],
                Kind::Risk,
                d.risks.clone(),
            ));
            jobs.push((
                from.clone(),
                s.loc.clone(),
                "impact_assessment",
                vec!["impact_assessment"],
                Kind::Assessment,
                d.impact_assessment.iter().cloned().collect(),
            ));
            jobs.push((
                from.clone(),
                s.loc.clone(),
                "notice",
                vec!["notice"],
                Kind::Notice,
                d.notice.iter().cloned().collect(),
            ));
            let sups: Vec<String> = d.models.iter().filter_map(|m| m.supplier.clone()).collect();
            jobs.push((
                from,
                s.loc.clone(),
                "models",
                vec!["models"],
                Kind::Supplier,
                sups,
            ));
        }
    }

    /// Parses every Markdown body and field once (in parallel) and records
    /// their links as edges.
    /// `store` holds code an earlier build highlighted (see
    /// [`markdown::HighlightStore`]).
    pub fn parse_markdown(
        &mut self,
        cache: Option<&crate::core::memo::Cache>,
        store: Option<&markdown::HighlightStore>,
    ) {
        use rayon::prelude::*;
        let eds = self.editions.clone();
        self.doc_md = self.parse_doc_bodies(cache, store);
        let fields = self.markdown_fields();
        let parsed: Vec<_> = fields
            .par_iter()
            .map(|(k, id, f, text, _)| {
                let parse = || markdown::parse_with(text, &eds, store);
                let md = match cache {
                    Some(c) => c.markdown(hash_of(&(text, &eds[..])), parse),
                    None => std::sync::Arc::new(parse()),
                };
                ((*k, id.clone(), *f), md)
            })
            .collect();
        // Exact capacity: a large project has hundreds of thousands of edges,
        // and doubling growth would leave up to half of them as slack.
        let refs = self.doc_md.iter().map(|m| m.refs.len()).sum::<usize>()
            + parsed.iter().map(|(_, m)| m.refs.len()).sum::<usize>();
        self.edges.reserve_exact(refs);
        // Built per document in parallel: each edge copies its two ids.
        let doc_edges = self.doc_body_edges();
        self.edges.extend(doc_edges.into_iter().flatten());
        for ((key, md), (_, _, field, _, loc)) in parsed.into_iter().zip(&fields) {
            for r in &md.refs {
                let span = loc.locate(&self.sources, &[field], Some(&r.raw()));
                self.edges.push(Edge {
                    from: (key.0, key.1.clone()),
                    to: (r.kind, r.id.clone()),
                    anchor: r.anchor.clone(),
                    span,
                    field,
                });
            }
            self.field_md.insert(key, md);
        }
        self.index_incoming();
    }

    /// Parses the body of every document, in parallel.
    fn parse_doc_bodies(
        &self,
        cache: Option<&crate::core::memo::Cache>,
        store: Option<&markdown::HighlightStore>,
    ) -> Vec<std::sync::Arc<markdown::Parsed>> {
        use rayon::prelude::*;
        let eds = &self.editions;
        let sources = &self.sources;
        self.docs
            .par_iter()
            .map(|d| {
                let body = doc_body(sources, d);
                match cache {
                    // The file's hash stands for its text: no need to hash the body again.
                    Some(c) => {
                        let key = (sources.get(d.loc.file).hash, d.data.body_offset, eds);
                        c.markdown(hash_of(&key), || markdown::parse_with(&body, eds, store))
                    }
                    None => std::sync::Arc::new(markdown::parse_with(&body, eds, store)),
                }
            })
            .collect()
    }

    /// The Markdown fields of register entries, in the order their edges are recorded.
    pub fn markdown_fields(&self) -> Vec<MdField> {
        let mut fields: Vec<MdField> = Vec::new();
        for c in &self.controls {
            if let Some(t) = &c.data.implementation {
                fields.push((
                    Kind::Control,
                    c.id.clone(),
                    "implementation",
                    t.clone(),
                    c.loc.clone(),
                ));
            }
            if let Some(t) = &c.data.justification {
                fields.push((
                    Kind::Control,
                    c.id.clone(),
                    "justification",
                    t.clone(),
                    c.loc.clone(),
                ));
            }
        }
        for f in &self.faq {
            fields.push((
                Kind::Faq,
                f.id.clone(),
                "answer",
                f.data.answer.clone(),
                f.loc.clone(),
            ));
        }
        for r in &self.risks {
            if let Some(t) = &r.data.description {
                fields.push((
                    Kind::Risk,
                    r.id.clone(),
                    "description",
                    t.clone(),
                    r.loc.clone(),
                ));
            }
        }
        for s in &self.systems {
            for (name, t) in [
                ("purpose", &s.data.purpose),
                ("retirement", &s.data.retirement),
                ("misuse", &s.data.misuse),
                ("limitations", &s.data.limitations),
                ("contest", &s.data.contest),
            ] {
                if let Some(t) = t {
                    fields.push((Kind::System, s.id.clone(), name, t.clone(), s.loc.clone()));
                }
            }
        }
        for (h, _, md) in self.records.refs() {
            for (name, t) in md {
                fields.push((h.kind, h.id.to_string(), name, t, h.loc.clone()));
            }
        }
        fields
    }

    /// Edges from the links of every document body (needs `doc_md`), one
    /// list per document.
    fn doc_body_edges(&self) -> Vec<Vec<Edge>> {
        use rayon::prelude::*;
        self.docs
            .par_iter()
            .zip(&self.doc_md)
            .map(|(d, md)| {
                md.refs
                    .iter()
                    .map(|r| Edge {
                        from: (d.kind, d.id.clone()),
                        to: (r.kind, r.id.clone()),
                        anchor: r.anchor.clone(),
                        span: Span {
                            file: d.loc.file,
                            offset: d.data.body_offset + r.offset,
                            len: r.len,
                        },
                        field: "body",
                    })
                    .collect()
            })
            .collect()
    }

    /// The ids of kind `other` linked with `of` by an id list written on
    /// either side: `own` (the list `of` itself holds), then every entity of
    /// kind `other` whose `field` names `of` (sorted), each once. A link is
    /// written once and shows on both pages; the written order comes first.
    pub fn linked(
        &self,
        of: (Kind, &str),
        own: &[String],
        other: Kind,
        field: &str,
    ) -> Vec<String> {
        let mut back: Vec<&str> = match self.incoming.get(&of.0).and_then(|m| m.get(of.1)) {
            Some(edges) => edges
                .iter()
                .map(|i| &self.edges[*i as usize])
                .filter(|e| e.from.0 == other && e.field == field)
                .map(|e| e.from.1.as_str())
                .collect(),
            None => Vec::new(),
        };
        back.sort_unstable();
        back.dedup();
        let mut v: Vec<String> = Vec::with_capacity(own.len() + back.len());
        for id in own.iter().map(String::as_str).chain(back) {
            if !v.iter().any(|x| x == id) {
                v.push(id.to_string());
            }
        }
        v
    }

    /// Indexes edges by target (call after the last edge is added). Only
    /// positions are stored, and a target's id is copied once, not per edge:
    /// a large project has hundreds of thousands of edges.
    fn index_incoming(&mut self) {
        let mut m: HashMap<Kind, HashMap<String, Vec<u32>>> = HashMap::new();
        for (i, e) in self.edges.iter().enumerate() {
            let ids = m.entry(e.to.0).or_default();
            match ids.get_mut(e.to.1.as_str()) {
                Some(v) => v.push(i as u32),
                None => {
                    ids.insert(e.to.1.clone(), vec![i as u32]);
                }
            }
        }
        self.incoming = m;
    }
}
