//! Machine-readable and host files of an edition: sitemap, robots.txt, the JSON
//! API, the SoA as CSV, security.txt, Netlify `_headers`/`_redirects`, alias
//! redirect pages, the search index, the Atom feed and the URL manifest.
//!
//! Everything is built from what the edition may see, in sorted order, with no
//! build timestamps, so two builds with the same `--today` are byte-identical.

use crate::core::kinds::Kind;
use crate::core::routes::url;
use crate::pipeline::markdown::escape;
use crate::pipeline::model::Site;
use crate::pipeline::parse::types::*;
use serde::{Deserialize, Serialize};

use crate::pipeline::write::OutFile;

mod api;
pub mod search;

/// One page of the search index: URL, title, kind and the whole text it shows.
#[derive(Debug, Clone, Serialize)]
pub struct SearchDoc {
    pub u: String,
    pub t: String,
    pub k: String,
    /// Packed while the edition's other pages render (see
    /// [`crate::core::packed`]): an edition holds every page's text until
    /// its search index is written.
    pub x: crate::core::packed::Packed,
}

/// The strict Content-Security-Policy every page works under.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Security headers, as (name, value).
pub fn security_headers(ed: usize) -> Vec<(&'static str, &'static str)> {
    let mut h = vec![
        ("Content-Security-Policy", CSP),
        (
            "Strict-Transport-Security",
            "max-age=63072000; includeSubDomains",
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        (
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ];
    if ed > 0 {
        h.push(("X-Robots-Tag", "noindex, nofollow"));
    }
    h
}

fn base(site: &Site) -> String {
    site.config.base_url.trim_end_matches('/').to_string()
}

/// Alias redirects of edition `ed`: (old URL, current URL), sorted.
pub fn aliases(site: &Site, ed: usize) -> Vec<(String, String)> {
    let mut v = Vec::new();
    let mut add = |list: &[String], kind: Kind, id: &str, level: usize| {
        if level <= ed {
            for a in list {
                v.push((a.clone(), url(kind, id)));
            }
        }
    };
    for d in &site.docs {
        add(&d.data.front.aliases, d.kind, &d.id, d.level);
    }
    for c in &site.controls {
        add(&c.data.aliases, Kind::Control, &c.id, c.level);
    }
    for e in &site.evidence {
        add(&e.data.aliases, Kind::Evidence, &e.id, e.level);
    }
    for r in &site.risks {
        add(&r.data.aliases, Kind::Risk, &r.id, r.level);
    }
    for s in &site.suppliers {
        add(&s.data.aliases, Kind::Supplier, &s.id, s.level);
    }
    for f in &site.faq {
        add(&f.data.aliases, Kind::Faq, &f.id, f.level);
    }
    for s in &site.systems {
        add(&s.data.aliases, Kind::System, &s.id, s.level);
    }
    for h in site.records.heads() {
        add(h.aliases, h.kind, h.id, h.level);
    }
    v.sort();
    v
}

fn visible_ids(site: &Site, kind: Kind, ids: &[String], ed: usize) -> Vec<String> {
    ids.iter()
        .filter(|i| site.visible(kind, i, ed))
        .cloned()
        .collect()
}

/// A CSV cell as a spreadsheet may safely open it: a cell starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would be read as a formula
/// (OWASP "CSV injection"), so it gets a leading single quote, which
/// spreadsheets show as text. Every CSV vouch writes goes through this.
pub fn csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn soa_csv(site: &Site, ed: usize) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "id",
        "title",
        "annex_a",
        "applicable",
        "implemented",
        "status",
        "justification",
        "owner",
        "evidence",
        "url",
    ]);
    let b = base(site);
    for c in site.controls.iter().filter(|c| c.level <= ed) {
        let e = &c.data;
        let shown = visible_ids(site, Kind::Evidence, &e.evidence, ed);
        let mut ev = shown.join(" ");
        if shown.len() < e.evidence.len() {
            ev = format!("{ev} (further evidence available on request)")
                .trim()
                .to_string();
        }
        // An excluded control says so rather than leaving the cell empty.
        let status = match (e.applicable, e.status) {
            (false, _) => "excluded",
            (true, s) => s.map(|s| s.as_str()).unwrap_or(""),
        };
        let just = site
            .field_html(Kind::Control, &c.id, "justification", ed)
            .map(|r| r.text.trim().to_string())
            .unwrap_or_default();
        let record = [
            c.id.as_str(),
            c.title.as_str(),
            if c.id.starts_with("A.") { "yes" } else { "no" },
            if e.applicable { "yes" } else { "no" },
            if e.applicable && e.status == Some(Status::Implemented) {
                "yes"
            } else {
                "no"
            },
            status,
            just.as_str(),
            e.owner.as_deref().unwrap_or(""),
            ev.as_str(),
            &format!("{b}{}", url(Kind::Control, &c.id)),
        ];
        let _ = w.write_record(record.map(csv_cell).iter().map(|c| c.as_ref()));
    }
    w.into_inner().unwrap_or_default()
}

/// One Atom entry: an approved document.
struct FeedEntry {
    /// The later of approval and last commit (`YYYY-MM-DD`).
    date: String,
    title: String,
    link: String,
    version: String,
    summary: String,
}

fn feed(site: &Site, ed: usize) -> Vec<u8> {
    let dates = site
        .git_dates
        .get_or_init(|| std::sync::Arc::new(crate::core::git::last_commit_dates(&site.root)));
    let b = base(site);
    let mut entries: Vec<FeedEntry> = site
        .docs
        .iter()
        .filter(|d| d.level <= ed && d.data.front.approved.is_some())
        .map(|d| {
            let f = &d.data.front;
            let approved = f.approved.map(|a| a.to_string()).unwrap_or_default();
            let committed = dates
                .get(&site.sources.get(d.loc.file).rel)
                .cloned()
                .unwrap_or_default();
            // The summary says which date the entry carries: a commit after
            // approval is a change the approval does not cover.
            let summary = if committed > approved {
                format!("Approved {approved}; changed {committed}")
            } else {
                format!("Approved {approved}")
            };
            let date = approved.max(committed);
            let version = f.version.clone().unwrap_or_default();
            let title = if version.is_empty() {
                d.title.clone()
            } else {
                format!("{} (version {version})", d.title)
            };
            let link = format!("{b}{}", url(d.kind, &d.id));
            FeedEntry {
                date,
                title,
                link,
                version,
                summary,
            }
        })
        .collect();
    // Newest first; the link breaks ties so the feed is stable.
    entries.sort_by(|a, b| b.date.cmp(&a.date).then(a.link.cmp(&b.link)));
    let updated = entries
        .first()
        .map(|e| e.date.clone())
        .unwrap_or_else(|| site.today.to_string());
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{} trust centre: document changes</title>\n  <id>{b}/feed.xml</id>\n  <link rel=\"self\" href=\"{b}/feed.xml\"/>\n  <link href=\"{b}/\"/>\n  <updated>{updated}T00:00:00Z</updated>\n  <author><name>{}</name></author>\n",
        escape(&site.config.organisation),
        escape(&site.config.organisation)
    );
    for e in entries {
        x.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}#v{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
            escape(&e.title),
            escape(&e.link),
            escape(&e.version),
            escape(&e.link),
            e.date,
            escape(&e.summary)
        ));
    }
    x.push_str("</feed>\n");
    x.into_bytes()
}

/// Every non-page output of edition `ed`. `page_urls` are the HTML pages built.
pub fn files(site: &Site, ed: usize, page_urls: &[String], search: Vec<SearchDoc>) -> Vec<OutFile> {
    let mut out = Vec::new();
    let _ = files_each(site, ed, page_urls, search, &mut |f| -> Result<(), ()> {
        out.push(f);
        Ok(())
    });
    out
}

/// [`files`], handing each file to `emit` as soon as it is made (in the same
/// order), so the edition's outputs, the search index above all, are never
/// all held at once.
pub fn files_each<E>(
    site: &Site,
    ed: usize,
    page_urls: &[String],
    search: Vec<SearchDoc>,
    emit: &mut dyn FnMut(OutFile) -> Result<(), E>,
) -> Result<(), E> {
    let b = base(site);
    for f in api::files(site, ed) {
        emit(f)?;
    }
    emit(("/soa.csv".into(), soa_csv(site, ed)))?;
    emit(("/feed.xml".into(), feed(site, ed)))?;
    emit(("/sitemap.xml".into(), sitemap(&b, page_urls)))?;
    emit(("/robots.txt".into(), robots(&b, ed)))?;
    emit(("/.well-known/security.txt".into(), security_txt(site, &b)))?;
    emit(("/_headers".into(), headers_file(ed)))?;
    let (pages, redirects) = redirects(site, ed, &b);
    for f in pages {
        emit(f)?;
    }
    emit(("/_redirects".into(), redirects))?;
    emit(("/urls.json".into(), urls_json(site, ed, &b, page_urls)))?;
    search::files_each(search, emit)?;
    for f in evidence_files(site, ed) {
        emit(f)?;
    }
    // OSCAL and model-card exports: top (internal) edition only.
    for f in crate::site::export::edition_files(site, ed) {
        emit(f)?;
    }
    Ok(())
}

/// `sitemap.xml`: the directory-style page URLs (ending in `/`), sorted.
fn sitemap(b: &str, page_urls: &[String]) -> Vec<u8> {
    let mut urls: Vec<&String> = page_urls.iter().filter(|u| u.ends_with('/')).collect();
    urls.sort();
    let mut sm = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for u in &urls {
        sm.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            escape(&format!("{b}{u}"))
        ));
    }
    sm.push_str("</urlset>\n");
    sm.into_bytes()
}

/// `robots.txt`: the public edition (0) may be crawled, every other is not.
fn robots(b: &str, ed: usize) -> Vec<u8> {
    let robots = if ed == 0 {
        format!("User-agent: *\nAllow: /\n\nSitemap: {b}/sitemap.xml\n")
    } else {
        "User-agent: *\nDisallow: /\n".to_string()
    };
    robots.into_bytes()
}

/// `.well-known/security.txt`, expiring a year after `site.today`.
fn security_txt(site: &Site, b: &str) -> Vec<u8> {
    let contact = site
        .config
        .security_contact
        .clone()
        .unwrap_or_else(|| site.config.contact.clone());
    let contact = if contact.contains(':') {
        contact
    } else {
        format!("mailto:{contact}")
    };
    let expires = site.today.plus(crate::core::date::Period {
        n: 1,
        unit: crate::core::date::Unit::Years,
    });
    let sec = format!(
        "Contact: {contact}\nExpires: {expires}T00:00:00Z\nCanonical: {b}/.well-known/security.txt\nPreferred-Languages: en\nPolicy: {b}/policies/\n"
    );
    sec.into_bytes()
}

/// Netlify `_headers`: the security headers on every path, caching on `/static/`.
fn headers_file(ed: usize) -> Vec<u8> {
    let mut headers = String::from("/*\n");
    for (k, v) in security_headers(ed) {
        headers.push_str(&format!("  {k}: {v}\n"));
    }
    headers.push_str("\n/static/*\n  Cache-Control: public, max-age=3600\n");
    headers.into_bytes()
}

/// One redirect page per alias, and the Netlify `_redirects` file listing them.
fn redirects(site: &Site, ed: usize, b: &str) -> (Vec<OutFile>, Vec<u8>) {
    let mut pages = Vec::new();
    let mut redirects = String::new();
    for (from, to) in aliases(site, ed) {
        redirects.push_str(&format!("{from}  {to}  301\n"));
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Moved</title><meta http-equiv=\"refresh\" content=\"0; url={0}\"><link rel=\"canonical\" href=\"{b}{0}\"><meta name=\"robots\" content=\"noindex\"></head><body><main><h1>This page has moved</h1><p><a href=\"{0}\">Continue to its new address</a>.</p></main></body></html>\n",
            escape(&to)
        );
        pages.push((crate::core::routes::file_for(&from), page.into_bytes()));
    }
    (pages, redirects.into_bytes())
}

/// `urls.json`, the URL manifest: what a build publishes and what
/// `--since` reads back (`site::permalinks`), through this one struct.
/// Fields are in alphabetical order: the file has always listed them so.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrlManifest {
    /// `base_url` of `site.yaml`, without a trailing `/`.
    pub base_url: String,
    /// The edition the manifest lists.
    pub edition: String,
    /// Root-relative URLs, sorted.
    pub urls: Vec<String>,
}

impl UrlManifest {
    /// The manifest as published: indented JSON.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Three strings cannot fail to serialise.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// Reads a manifest. Every field is required: a manifest that does not
    /// name its edition cannot be compared with one, so it is refused
    /// rather than read as some default edition.
    pub fn parse(text: &str) -> Result<UrlManifest, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// `urls.json`: the URL manifest (every page but `.html` files), sorted.
fn urls_json(site: &Site, ed: usize, b: &str, page_urls: &[String]) -> Vec<u8> {
    let mut urls: Vec<String> = page_urls
        .iter()
        .filter(|u| !u.ends_with(".html"))
        .cloned()
        .collect();
    urls.sort();
    UrlManifest {
        base_url: b.to_string(),
        edition: site.editions[ed].clone(),
        urls,
    }
    .to_bytes()
}

/// The file evidence edition `ed` can see, copied as is (unreadable files,
/// and links leading out of `content/`, are skipped).
fn evidence_files(site: &Site, ed: usize) -> Vec<OutFile> {
    let mut out = Vec::new();
    // Several items may cite one file: it is copied once.
    let mut seen = std::collections::HashSet::new();
    for e in site
        .evidence
        .iter()
        .filter(|e| e.level <= ed && e.data.kind == EvidenceKind::File)
        .filter(|e| seen.insert(e.data.location.as_str()))
    {
        // Read only through a path that stays inside content/ (validation
        // refuses a link leading out; this refuses it again).
        let path = site.content.join(&e.data.location);
        if let Ok(bytes) = crate::pipeline::load::read_inside(&site.content, &path) {
            out.push((
                crate::core::routes::evidence_file_url(&e.data.location),
                bytes,
            ));
        }
    }
    out
}

/// Files every edition writes besides its pages (see [`files`]).
pub const GENERATED_FILES: &[&str] = &[
    "/api/controls.json",
    "/api/systems.json",
    "/api/faq.json",
    "/api/evidence.json",
    "/api/figures.json",
    "/soa.csv",
    "/feed.xml",
    "/sitemap.xml",
    "/robots.txt",
    "/.well-known/security.txt",
    "/_headers",
    "/_redirects",
    "/urls.json",
    "/search-index.json",
];

/// Folders whose files vouch generates: theme assets, the API, evidence
/// copies, exports, `.well-known` and the search index shards.
pub const GENERATED_FOLDERS: &[&str] = &[
    "/static/",
    "/api/",
    "/evidence-files/",
    "/exports/",
    "/.well-known/",
    search::FOLDER,
];

/// True when `file` (root-relative, leading `/`) is, or lies in a folder of,
/// what vouch generates besides pages and alias redirects.
pub fn is_generated(file: &str) -> bool {
    GENERATED_FILES.contains(&file) || GENERATED_FOLDERS.iter().any(|f| file.starts_with(f))
}

/// Aliases that would overwrite a file of an edition that publishes them:
/// a page (another entity's, or the entity's own), a generated file such as
/// `/_headers` (whose loss drops the CSP and HSTS), an alias of another
/// entity, or a file where that edition needs a folder (and the reverse).
/// Aliases already refused by their form (E046) are skipped.
pub fn alias_collisions(site: &Site) -> Vec<crate::core::diagnostics::Diagnostic> {
    use crate::core::diagnostics::rule;
    use crate::core::source::WithHelp;
    use crate::pipeline::validate::paths;
    let all = paths::aliases(site);
    let mut d = Vec::new();
    if all.is_empty() {
        return d;
    }
    // Each alias is reported once, for the lowest edition it clashes in.
    let mut reported = vec![false; all.len()];
    for (ed, name) in site.editions.iter().enumerate() {
        let mut taken = Taken::default();
        for u in crate::site::pages::urls(site, ed) {
            taken.add(&crate::core::routes::file_for(&u));
        }
        for (i, a) in all.iter().enumerate().filter(|(_, a)| a.level <= ed) {
            if paths::check_alias(a.alias).is_err() {
                continue;
            }
            let file = crate::core::routes::file_for(a.alias);
            let clash = if is_generated(&file) {
                Some(format!("`{file}`, a file vouch generates"))
            } else {
                taken.clash(&file)
            };
            match clash {
                Some(_) if reported[i] => {}
                Some(what) => {
                    reported[i] = true;
                    let span = a.loc.locate(&site.sources, &["aliases"], Some(a.alias));
                    let msg = format!(
                        "alias `{}` of {} `{}` would overwrite {what} in the {name} edition",
                        a.alias,
                        a.kind.name(),
                        a.id
                    );
                    d.push(
                        site.sources
                            .diag(&rule::OUTPUT_COLLISION, span, msg)
                            .help("remove the alias, or give the earlier URL it really stands for"),
                    );
                }
                None => taken.add(&file),
            }
        }
    }
    d
}

/// The files an edition writes so far, and the folders they need.
#[derive(Default)]
struct Taken {
    files: std::collections::HashSet<String>,
    folders: std::collections::HashSet<String>,
}

impl Taken {
    fn add(&mut self, file: &str) {
        let mut at = 0;
        while let Some(i) = file[at + 1..].find('/') {
            at += i + 1;
            self.folders.insert(file[..at].to_string());
        }
        self.files.insert(file.to_string());
    }

    /// What writing `file` would clash with, if anything.
    fn clash(&self, file: &str) -> Option<String> {
        if self.files.contains(file) {
            return Some(format!("`{file}`, which that edition already writes"));
        }
        if self.folders.contains(file) {
            return Some(format!("the folder `{file}/` of that edition"));
        }
        let mut at = 0;
        while let Some(i) = file[at + 1..].find('/') {
            at += i + 1;
            if self.files.contains(&file[..at]) {
                return Some(format!("`{}`, a file that edition writes", &file[..at]));
            }
        }
        None
    }
}
