//! Paths and host-file fields fail closed: every value that becomes a path
//! under `--out`, a folder vouch reads, or a line of a plain-text host file
//! (`security.txt`, `_redirects`) is checked here before anything is written.
//!
//! - `theme:` is a bare folder name under `themes/` (E045);
//! - edition names are ids, each once (E010, E011): they name output folders;
//! - aliases are root-relative URL paths from a safe alphabet (E046);
//! - `contact`, `security_contact` and `base_url` are one line (E048);
//! - `request_access` is an `http(s)://` or `mailto:` address (W028);
//! - a file evidence item does not lead out of `content/` by a symlink (E045).
//!
//! Alias collisions with generated files need the page list of each edition,
//! which lives above this stage: `site::outputs::alias_collisions` checks them.

use crate::core::diagnostics::{rule, Diagnostic};
use crate::core::kinds::Kind;
use crate::core::source::{ItemLoc, WithHelp};
use crate::pipeline::model::Site;
use crate::pipeline::parse::types::EvidenceKind;
use std::collections::HashSet;
use std::path::{Component, Path};

/// Runs every path rule; findings are appended to `d`.
pub(super) fn paths(site: &Site, d: &mut Vec<Diagnostic>) {
    theme(site, d);
    editions(site, d);
    one_line_fields(site, d);
    request_access(site, d);
    for a in aliases(site) {
        if let Err(why) = check_alias(a.alias) {
            // A value with an escaped line break differs from its source
            // text; its first line still finds it.
            let shown = a.alias.split(|c: char| c.is_control()).next();
            let span = a.loc.locate(&site.sources, &["aliases"], shown);
            let msg = format!(
                "alias `{}` of {} `{}` {why}",
                a.alias.escape_debug(),
                a.kind.name(),
                a.id
            );
            d.push(
                site.sources
                    .diag(&rule::INVALID_ALIAS, span, msg)
                    .help("write the earlier URL as a path such as `/policies/old-name/`, percent-encoding other characters"),
            );
        }
    }
    evidence_links(site, d);
}

/// True when `name` can only name a folder directly inside `themes/`
/// (`[A-Za-z0-9][A-Za-z0-9_-]*`), so never absolute, hidden, `..` or nested.
pub fn valid_theme_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn theme(site: &Site, d: &mut Vec<Diagnostic>) {
    let Some(name) = &site.config.theme else {
        return;
    };
    if !valid_theme_name(name) {
        let span = site
            .config_loc
            .locate(&site.sources, &["theme"], Some(name));
        d.push(
            site.sources
                .diag(
                    &rule::UNSAFE_PATH,
                    span,
                    format!("theme `{}` is not a folder name under themes/", name.escape_debug()),
                )
                .help("write the name of a folder inside themes/, e.g. `theme: acme` for themes/acme/"),
        );
    }
}

/// Edition names become folders under `--out`, so they are ids, each once.
fn editions(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let mut seen = HashSet::new();
    for name in &site.config.editions {
        let span = site.config_loc.locate(s, &["editions"], Some(name));
        if !super::valid_id(name) {
            d.push(
                s.diag(
                    &rule::INVALID_ID,
                    span,
                    format!("edition name `{}` is not an id", name.escape_debug()),
                )
                .help("edition names make output folders: lowercase letters, digits and hyphens, e.g. `partner`"),
            );
        } else if !seen.insert(name.as_str()) {
            d.push(
                s.diag(
                    &rule::DUPLICATE_ID,
                    span,
                    format!("edition `{name}` is listed twice"),
                )
                .help("list each edition once, lowest to highest access"),
            );
        }
    }
}

pub use crate::pipeline::parse::types::breaks_line;

/// Fields written verbatim into `security.txt` and `robots.txt`: a line
/// break there would add fields (`Contact:`, `Policy:`) of the author's choosing.
fn one_line_fields(site: &Site, d: &mut Vec<Diagnostic>) {
    let c = &site.config;
    let fields = [
        ("contact", Some(&c.contact)),
        ("security_contact", c.security_contact.as_ref()),
        ("base_url", Some(&c.base_url)),
    ];
    for (field, value) in fields {
        let Some(value) = value else { continue };
        if value.chars().any(breaks_line) {
            let span = site.config_loc.locate(&site.sources, &[field], None);
            d.push(
                site.sources
                    .diag(
                        &rule::CONTROL_CHARACTER,
                        span,
                        format!(
                            "`{field}` holds a line break or control character: `{}`",
                            value.escape_debug()
                        ),
                    )
                    .help(format!(
                        "write `{field}` on one line without control characters"
                    )),
            );
        }
    }
}

pub use crate::pipeline::parse::types::request_access_ok;

/// `request_access` becomes a link on the home page of the lower editions:
/// a scheme other than http(s) or mailto is reported (W028) and not published.
fn request_access(site: &Site, d: &mut Vec<Diagnostic>) {
    let Some(target) = &site.config.request_access else {
        return;
    };
    if request_access_ok(target) {
        return;
    }
    let span = site
        .config_loc
        .locate(&site.sources, &["request_access"], Some(target));
    d.push(
        site.sources
            .diag(
                &rule::REQUEST_ACCESS_URL,
                span,
                format!(
                    "`request_access` is not an http(s) or mailto address: `{}`",
                    target.escape_debug()
                ),
            )
            .help("write `request_access: https://...` (your access-request form) or `request_access: mailto:...`"),
    );
}

/// Why `alias` is not a safe root-relative URL path, if it is not. The
/// alphabet is an allow-list: `_redirects` gives `*`, `:` and `!` meanings,
/// whitespace separates its fields, and the alias is also a file path.
pub fn check_alias(alias: &str) -> Result<(), &'static str> {
    let Some(rest) = alias.strip_prefix('/') else {
        return Err("does not start with `/`");
    };
    if let Some(c) = alias.chars().find(|c| !alias_char(*c)) {
        return Err(if c.is_whitespace() {
            "holds whitespace"
        } else if c.is_control() {
            "holds a control character"
        } else {
            "holds a character other than letters, digits and `- _ . ~ % + ,`"
        });
    }
    let segments: Vec<&str> = rest.strip_suffix('/').unwrap_or(rest).split('/').collect();
    if rest.is_empty() {
        return Err("is the home page");
    }
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err("has an empty, `.` or `..` segment");
    }
    Ok(())
}

fn alias_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/-_.~%+,".contains(c)
}

/// One `aliases` entry with the entity that declares it.
pub struct AliasAt<'a> {
    pub alias: &'a str,
    pub kind: Kind,
    pub id: &'a str,
    /// The lowest edition that publishes the entity (and so the alias).
    pub level: usize,
    pub loc: &'a ItemLoc,
}

/// Every alias of every entity, in model order.
pub fn aliases(site: &Site) -> Vec<AliasAt<'_>> {
    let mut v = Vec::new();
    macro_rules! each {
        ($list:expr, $field:ident) => {
            for e in &$list {
                for a in &e.data.$field {
                    v.push(AliasAt {
                        alias: a,
                        kind: e.kind,
                        id: &e.id,
                        level: e.level,
                        loc: &e.loc,
                    });
                }
            }
        };
    }
    for e in &site.docs {
        for a in &e.data.front.aliases {
            v.push(AliasAt {
                alias: a,
                kind: e.kind,
                id: &e.id,
                level: e.level,
                loc: &e.loc,
            });
        }
    }
    each!(site.controls, aliases);
    each!(site.evidence, aliases);
    each!(site.risks, aliases);
    each!(site.suppliers, aliases);
    each!(site.faq, aliases);
    each!(site.systems, aliases);
    for h in site.records.heads() {
        v.extend(h.aliases.iter().map(|a| AliasAt {
            alias: a,
            kind: h.kind,
            id: h.id,
            level: h.level,
            loc: h.loc,
        }));
    }
    v
}

/// A file evidence item is copied into the site as is; a symlink among its
/// path must not lead out of `content/` (a link to `/proc/self/environ`
/// would publish the build's environment). Paths that leave `content/` by
/// their text are E022's; missing files E021's.
fn evidence_links(site: &Site, d: &mut Vec<Diagnostic>) {
    for ev in site
        .evidence
        .iter()
        .filter(|e| e.data.kind == EvidenceKind::File)
    {
        let loc = &ev.data.location;
        let p = Path::new(loc);
        let textual_escape = p.is_absolute()
            || p.components()
                .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
        let path = site.content.join(p);
        if textual_escape || !path.exists() {
            continue;
        }
        if crate::pipeline::load::resolve_inside(&site.content, &path).is_none() {
            let span = ev.loc.locate(&site.sources, &["location"], Some(loc));
            d.push(
                site.sources
                    .diag(
                        &rule::UNSAFE_PATH,
                        span,
                        format!("evidence file `content/{loc}` is a link leading outside content/"),
                    )
                    .help("copy the file into content/evidence/ instead of linking to it"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_root_relative_paths_from_a_safe_alphabet() {
        assert!(check_alias("/policies/old-name/").is_ok());
        assert!(check_alias("/a/b.html").is_ok());
        assert!(check_alias("/old_page%20x").is_ok());
        for bad in [
            "policies/x/",
            "/",
            "//evil.example/",
            "/a/../b/",
            "/a/./b",
            "/a b/",
            "/a\n/* https://elsewhere.example/ 200!",
            "/*",
            "/:splat",
            "/a?b",
            "/a#b",
            "/a\\b",
            "/caf\u{e9}/",
        ] {
            assert!(check_alias(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn theme_names_are_bare_folder_names() {
        assert!(valid_theme_name("default"));
        assert!(valid_theme_name("Acme_2"));
        for bad in ["", "../x", "/etc", "a/b", ".hidden", "-x"] {
            assert!(!valid_theme_name(bad), "{bad:?} accepted");
        }
    }
}
