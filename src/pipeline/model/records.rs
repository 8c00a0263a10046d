//! The six record registers in the graph (objectives, competence,
//! monitoring, audits, reviews, nonconformities), handled through the
//! [`Record`] trait so the shared machinery (index, references, Markdown
//! fields, sentinel, link check, aliases) needs one line for all six.

use super::{entities, Entity};
use crate::core::diagnostics::Diagnostic;
use crate::core::kinds::Kind;
use crate::core::source::{ItemLoc, Sources};
use crate::pipeline::parse::records::*;

/// The record registers of a build.
#[derive(Debug, Default)]
pub struct Records {
    pub objectives: Vec<Entity<ObjectiveEntry>>,
    pub competence: Vec<Entity<CompetenceEntry>>,
    pub monitoring: Vec<Entity<MonitoringEntry>>,
    pub audits: Vec<Entity<AuditEntry>>,
    pub reviews: Vec<Entity<ReviewEntry>>,
    pub nonconformities: Vec<Entity<NonconformityEntry>>,
    /// The registers whose file exists (an empty file is an empty register).
    pub present: Vec<Kind>,
}

/// What the shared machinery needs of one record of any register.
#[derive(Debug, Clone, Copy)]
pub struct RecordHead<'a> {
    pub kind: Kind,
    pub id: &'a str,
    pub title: &'a str,
    pub level: usize,
    pub loc: &'a ItemLoc,
    pub aliases: &'a [String],
    /// Position in its register's list.
    pub pos: usize,
}

fn to_entities<T: Record>(
    items: Vec<crate::pipeline::parse::Item<T>>,
    sources: &Sources,
    eds: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Entity<T>> {
    entities(items, T::KIND, sources, eds, diags, |r: &T| {
        (
            r.id().to_string(),
            r.title().to_string(),
            r.visibility().map(str::to_string),
        )
    })
}

/// The heads of one register's entries.
fn heads<T: Record>(list: &[Entity<T>]) -> impl Iterator<Item = RecordHead<'_>> {
    list.iter().enumerate().map(|(pos, e)| RecordHead {
        kind: e.kind,
        id: &e.id,
        title: &e.title,
        level: e.level,
        loc: &e.loc,
        aliases: e.data.aliases(),
        pos,
    })
}

/// The reference lists and Markdown fields of one register's entries.
fn refs_of<T: Record>(list: &[Entity<T>]) -> RecordRefs<'_> {
    heads(list)
        .zip(list)
        .map(|(h, e)| {
            let md = e
                .data
                .markdown()
                .into_iter()
                .map(|(f, t)| (f, t.to_string()))
                .collect();
            (h, e.data.lists(), md)
        })
        .collect()
}

/// Each record's head, its reference lists and its Markdown fields.
pub type RecordRefs<'a> = Vec<(RecordHead<'a>, Vec<RecordList>, Vec<(&'static str, String)>)>;

impl Records {
    /// Turns the parsed registers into entities, reporting unknown visibilities.
    pub fn build(
        p: ParsedRecords,
        sources: &Sources,
        eds: &[String],
        diags: &mut Vec<Diagnostic>,
    ) -> Records {
        Records {
            objectives: to_entities(p.objectives, sources, eds, diags),
            competence: to_entities(p.competence, sources, eds, diags),
            monitoring: to_entities(p.monitoring, sources, eds, diags),
            audits: to_entities(p.audits, sources, eds, diags),
            reviews: to_entities(p.reviews, sources, eds, diags),
            nonconformities: to_entities(p.nonconformities, sources, eds, diags),
            present: p.present,
        }
    }

    /// Every record of every register, register by register in file order.
    pub fn heads(&self) -> Vec<RecordHead<'_>> {
        heads(&self.objectives)
            .chain(heads(&self.competence))
            .chain(heads(&self.monitoring))
            .chain(heads(&self.audits))
            .chain(heads(&self.reviews))
            .chain(heads(&self.nonconformities))
            .collect()
    }

    /// Every record with its reference lists and Markdown fields.
    pub fn refs(&self) -> RecordRefs<'_> {
        let mut v = refs_of(&self.objectives);
        v.extend(refs_of(&self.competence));
        v.extend(refs_of(&self.monitoring));
        v.extend(refs_of(&self.audits));
        v.extend(refs_of(&self.reviews));
        v.extend(refs_of(&self.nonconformities));
        v
    }

    /// Where the record of `kind` at `pos` is written.
    pub fn loc(&self, kind: Kind, pos: usize) -> Option<&ItemLoc> {
        Some(match kind {
            Kind::Objective => &self.objectives.get(pos)?.loc,
            Kind::Competence => &self.competence.get(pos)?.loc,
            Kind::Monitoring => &self.monitoring.get(pos)?.loc,
            Kind::Audit => &self.audits.get(pos)?.loc,
            Kind::Review => &self.reviews.get(pos)?.loc,
            Kind::Nonconformity => &self.nonconformities.get(pos)?.loc,
            _ => return None,
        })
    }

    /// The certification cycle's length in force: `site.yaml`
    /// `certification_cycle`, else 3 years.
    pub fn cycle(config: &crate::pipeline::parse::types::SiteConfig) -> crate::core::date::Period {
        config
            .certification_cycle
            .unwrap_or(crate::core::date::Period {
                n: 3,
                unit: crate::core::date::Unit::Years,
            })
    }
}

impl super::Site {
    /// Every `owner:` an edition `ed` can see: (role, where it is written).
    pub fn owners(&self, ed: usize) -> Vec<(&str, &ItemLoc)> {
        fn of<'a, T>(
            list: &'a [Entity<T>],
            ed: usize,
            f: impl Fn(&'a T) -> Option<&'a String>,
        ) -> impl Iterator<Item = (&'a str, &'a ItemLoc)> {
            list.iter()
                .filter(move |e| e.level <= ed)
                .filter_map(move |e| Some((f(&e.data)?.as_str(), &e.loc)))
        }
        let r = &self.records;
        of(&self.docs, ed, |d| d.front.owner.as_ref())
            .chain(of(&self.controls, ed, |c| c.owner.as_ref()))
            .chain(of(&self.evidence, ed, |e| e.owner.as_ref()))
            .chain(of(&self.risks, ed, |e| e.owner.as_ref()))
            .chain(of(&self.systems, ed, |e| e.owner.as_ref()))
            .chain(of(&r.objectives, ed, |e| e.owner.as_ref()))
            .chain(of(&r.monitoring, ed, |e| e.owner.as_ref()))
            .chain(of(&r.nonconformities, ed, |e| e.owner.as_ref()))
            .collect()
    }

    /// Roles named as owner (in what edition `ed` sees) with no competence
    /// record: (role, where it is first named, how many items it owns).
    /// Empty while `registers/competence.yaml` does not exist.
    pub fn roles_without_competence(&self, ed: usize) -> Vec<(&str, &ItemLoc, usize)> {
        if !self.records.present.contains(&Kind::Competence) {
            return Vec::new();
        }
        let all = self.owners(ed);
        let mut out: Vec<(&str, &ItemLoc, usize)> = Vec::new();
        for (role, loc) in &all {
            let known = self.records.competence.iter().any(|c| c.data.role == *role);
            if known || out.iter().any(|(r, _, _)| r == role) {
                continue;
            }
            let places = all.iter().filter(|(r, _)| r == role).count();
            out.push((role, loc, places));
        }
        out
    }

    /// The applicable Annex A controls of the SoA an edition sees, which
    /// the audit programme must cover.
    pub fn applicable_annex_a(&self, ed: usize) -> Vec<&str> {
        self.controls
            .iter()
            .filter(|c| c.level <= ed && c.data.applicable && c.id.starts_with("A."))
            .map(|c| c.id.as_str())
            .collect()
    }
}
