//! The pages of the record registers (objectives, competence, monitoring,
//! audits, reviews, nonconformities): one page per record an edition sees
//! and one list per register that has any.

use super::*;
use crate::site::views::records::{record_views, RecordView};

/// `record.html`: one record.
#[derive(Debug, Serialize)]
struct RecordPage<'a> {
    record: &'a RecordView,
}

/// `records.html`: one register's list.
#[derive(Debug, Serialize)]
struct RecordsPage<'a> {
    register: &'static str,
    kind: &'static str,
    records: &'a [RecordView],
}

/// Pages of every record register edition `ed` sees an entry of.
pub(super) fn record_jobs(site: &Site, ed: usize, jobs: &mut Vec<PageJob>) {
    for (kind, views) in record_views(site, ed) {
        for r in &views {
            let mut text = r.title.clone();
            for s in &r.facts {
                text.push(' ');
                text.push_str(&s.value);
            }
            jobs.push(job(
                r.url.clone(),
                "record.html",
                &r.title,
                &RecordPage { record: r },
                Some(text),
            ));
        }
        jobs.push(job(
            format!("/{}/", kind.folder().unwrap_or_default()),
            "records.html",
            kind.plural(),
            &RecordsPage {
                register: kind.plural(),
                kind: kind.name(),
                records: &views,
            },
            None,
        ));
    }
}

/// The URLs [`record_jobs`] produces.
pub(super) fn record_urls(site: &Site, ed: usize) -> Vec<String> {
    let mut v = Vec::new();
    for h in site.records.heads().iter().filter(|h| h.level <= ed) {
        let list = format!("/{}/", h.kind.folder().unwrap_or_default());
        if !v.contains(&list) {
            v.push(list);
        }
        v.push(url(h.kind, h.id));
    }
    v
}

/// The home page's tile of each record register edition `ed` sees an entry
/// of: (heading, list URL, count).
pub(super) fn record_tiles(
    site: &Site,
    ed: usize,
) -> Vec<(&'static str, String, usize, Option<String>)> {
    // (heading, url, count, lowest level of its records)
    let mut v: Vec<(&'static str, String, usize, usize)> = Vec::new();
    for h in site.records.heads().iter().filter(|h| h.level <= ed) {
        match v.iter_mut().find(|t| t.0 == h.kind.plural()) {
            Some(t) => {
                t.2 += 1;
                t.3 = t.3.min(h.level);
            }
            None => v.push((
                h.kind.plural(),
                format!("/{}/", h.kind.folder().unwrap_or_default()),
                1,
                h.level,
            )),
        }
    }
    v.into_iter()
        .map(|(k, u, n, level)| (k, u, n, crate::site::views::audience(site, level, ed)))
        .collect()
}
