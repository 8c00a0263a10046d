//! The one request-access pattern of lower editions (issue 18 item 2) and
//! the audience badges of the higher ones (item 8): a hidden reference shows
//! a lock, the kind withheld and "available on request" (linked to
//! `request_access`) or "not published", never an edition's name; a passage
//! or home block a lower edition lacks carries its audience badge.

use crate::common::*;
use std::path::Path;

const REQUEST: &str = "https://example.com/nda-request";

/// Every `class="restricted"` element of every HTML page of `dir`:
/// (page, the element's markup up to its closing tag).
fn markers(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (rel, bytes) in files(dir) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let mut rest = html.as_str();
        while let Some(i) = rest.find("class=\"restricted\"") {
            let open = rest[..i].rfind('<').unwrap();
            let tag = if rest[open..].starts_with("<a") {
                "</a>"
            } else {
                "</span>"
            };
            let end = rest[i..].find(tag).unwrap() + i + tag.len();
            out.push((rel.clone(), rest[open..end].to_string()));
            rest = &rest[end..];
        }
    }
    out
}

/// The words of a marker without its tags.
fn words(marker: &str) -> String {
    let mut s = String::new();
    let mut in_tag = false;
    for c in marker.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => s.push(c),
            _ => {}
        }
    }
    s
}

fn with_request_access() -> tempfile::TempDir {
    let dir = temp_copy("editions");
    edit(
        &dir.path().join("content/site.yaml"),
        "contact: trust@example.com\n",
        &format!("contact: trust@example.com\nrequest_access: {REQUEST}\n"),
    );
    dir
}

#[test]
fn lower_edition_markers_show_a_lock_and_the_kind_and_link_what_may_be_requested() {
    let dir = with_request_access();
    let site = build(dir.path());
    let (mut linked, mut unlinked) = (0, 0);
    for ed in ["public", "customer"] {
        for (page, m) in markers(&site.join(ed)) {
            let text = words(&m);
            assert!(m.contains("<svg class=\"lock\""), "{ed}{page}: {m}");
            assert!(
                !text.to_lowercase().contains("internal") && !text.contains('('),
                "{ed}{page}: a marker names an edition: {text}"
            );
            if text.ends_with("available on request") {
                assert!(
                    m.starts_with(&format!("<a class=\"restricted\" href=\"{REQUEST}\">")),
                    "{ed}{page}: {m}"
                );
                linked += 1;
            } else {
                assert!(text.ends_with("not published"), "{ed}{page}: {text}");
                assert!(
                    m.starts_with("<span"),
                    "never-published needs no request link: {m}"
                );
                unlinked += 1;
            }
        }
    }
    assert!(
        linked > 0 && unlinked > 0,
        "{linked} linked, {unlinked} unlinked"
    );
    // The policy's Markdown references and the control's evidence list both
    // use the pattern; the kind is named in lists, the author's words in prose.
    let policy = main_of(&page(&site, "public", "/policies/ai-policy/"));
    assert!(policy.contains(&format!(
        "customer pack <a class=\"restricted\" href=\"{REQUEST}\">"
    )));
    let control = main_of(&page(&site, "public", "/controls/a-2-2/"));
    let in_list: Vec<String> = markers(&site.join("public"))
        .into_iter()
        .filter(|(p, _)| p.starts_with("controls/a-2-2/"))
        .map(|(_, m)| words(&m))
        .collect();
    assert!(
        in_list.iter().any(|w| w == "evidence available on request"),
        "{in_list:?}\n{control}"
    );
    // The top edition hides nothing, so it has no marker at all.
    assert!(markers(&site.join("internal")).is_empty());
}

#[test]
fn without_a_request_address_markers_are_not_links() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    let all = markers(&site.join("public"));
    assert!(!all.is_empty());
    assert!(all.iter().all(|(_, m)| m.starts_with("<span")), "{all:?}");
}

/// The example built into a temporary folder: the folder (kept alive by
/// the caller) and the output path.
fn built_example() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = build_to(&repo(), &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (tmp, out)
}

#[test]
fn no_marker_of_the_example_names_an_edition_and_the_requestable_ones_link_to_its_form() {
    let (_tmp, out) = built_example();
    let mut n = 0;
    for ed in ["public", "customer"] {
        for (page, m) in markers(&out.join(ed)) {
            let text = words(&m).to_lowercase();
            assert!(!text.contains("internal"), "{ed}/{page}: {text}");
            if text.ends_with("available on request") {
                assert!(m.contains("href=\"mailto:trust@northwind.example"), "{m}");
            }
            n += 1;
        }
    }
    assert!(n > 10, "the example has hidden references ({n} markers)");
}

#[test]
fn passages_carry_their_audience_badge_above_the_lowest_edition() {
    let dir = temp_copy("editions");
    let site = build(dir.path());
    let internal = main_of(&page(&site, "internal", "/policies/ai-policy/"));
    let at = internal
        .find("<div class=\"passage audience-internal\">")
        .expect("the internal passage is wrapped");
    let wrapped = &internal[at..at + internal[at..].find("</div>").unwrap()];
    assert!(wrapped.contains(">Internal</span>") && wrapped.contains("CANARYINT passage text"));
    assert!(
        !wrapped.contains("Public closing"),
        "the wrapper ends with the passage"
    );
    assert!(internal.contains("<div class=\"passage audience-customer\">"));
    let customer = main_of(&page(&site, "customer", "/policies/ai-policy/"));
    assert!(customer.contains("<div class=\"passage audience-customer\">"));
    assert!(!customer.contains("audience-internal"));
    let public = page(&site, "public", "/policies/ai-policy/");
    assert!(
        !public.contains("class=\"passage"),
        "the lowest edition shows no badge"
    );
    // The plain text (search index) carries no badge markup.
    let index: String = files(&site.join("internal"))
        .into_iter()
        .filter(|(p, _)| p.starts_with("search-index"))
        .map(|(_, b)| String::from_utf8(b).unwrap())
        .collect();
    assert!(
        index.contains("CANARYINT passage text"),
        "the index has the passage"
    );
    assert!(!index.contains("passage-audience") && !index.contains("Audience:"));
}

#[test]
fn home_blocks_a_lower_edition_lacks_carry_a_badge_and_the_lowest_edition_none() {
    let (_tmp, out) = built_example();
    let internal = main_of(&page(&out, "internal", "/"));
    assert!(
        internal.contains("Readiness scorecard <span class=\"badge audience audience-internal\">"),
        "{internal}"
    );
    assert!(internal.contains("Internal audits <span class=\"badge audience audience-internal\">"));
    assert!(internal.contains("Machine-readable exports <span class=\"badge audience"));
    let public = page(&out, "public", "/");
    assert!(
        !public.contains("badge audience"),
        "no badge in the lowest edition"
    );
    // A public policy has no badge in the internal edition, an internal one does.
    let site = site(&repo());
    let pos = |level: usize| {
        site.docs
            .iter()
            .find(|d| d.kind == vouch::core::kinds::Kind::Policy && d.level == level)
            .map(|d| d.title.clone())
    };
    let public_policy = pos(0).unwrap();
    let badge = "<span class=\"badge audience";
    let row = |title: &str| {
        let at = internal.find(&format!(">{title}</a>")).unwrap();
        internal[at..at + 200].to_string()
    };
    assert!(
        !row(&public_policy).contains(badge),
        "{}",
        row(&public_policy)
    );
    if let Some(hidden) = pos(2).or(pos(1)) {
        assert!(row(&hidden).contains(badge), "{}", row(&hidden));
    }
}

#[test]
fn markdown_references_and_the_default_theme_draw_the_same_lock() {
    // Two homes by design (a theme owns its markup; Markdown references are
    // vouch's own), so they must not drift apart.
    let macros = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/macros.html"),
    )
    .unwrap();
    assert!(
        macros.contains(vouch::pipeline::markdown::LOCK_ICON),
        "the `restricted` macro's lock differs from LOCK_ICON"
    );
}
