//! What the default theme's pages and the split search index publish: full
//! text in the index (nothing cut), language sections, e-mail links.

use crate::common::*;
use std::path::Path;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The minimal fixture with a long public policy: a German section, a bare
/// e-mail address and a last paragraph far past the old 1,200-character cut.
fn long_policy_project() -> tempfile::TempDir {
    let dir = temp_copy("minimal");
    let policy = dir.path().join("content/policies/ai-policy.md");
    let filler =
        "Each system owner keeps the register entry current and records every change. ".repeat(40);
    let text = read(&policy).replace(
        "## Commitments\n",
        &format!(
            "## Commitments\n\n{filler}\n\nQuestions go to privacy@northwind.example today.\n\n## Datenschutzhinweis {{lang=de}}\n\nWir verarbeiten Ihre Daten nur zweckgebunden.\n\n### Rechte\n\nSie haben das Recht auf Auskunft.\n\n## Closing\n\nThe quartermaster reconciles the zeppelin ledger quarterly.\n"
        ),
    );
    std::fs::write(&policy, text).unwrap();
    dir
}

#[test]
fn search_index_holds_the_full_text_of_a_long_page_split_into_shards() {
    let dir = long_policy_project();
    let out = build(dir.path());
    let public = out.join("public");
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&public.join("search-index.json"))).unwrap();
    assert_eq!(manifest["v"], 4);
    // One line per page, in chunks of `per` pages: URL, title and kind
    // separated by tabs.
    let per = manifest["per"].as_u64().unwrap() as usize;
    let pages = manifest["pages"].as_u64().unwrap() as usize;
    let docs: Vec<String> = (0..pages.div_ceil(per))
        .flat_map(|n| {
            let chunk: String =
                serde_json::from_str(&read(&public.join(format!("search-index/docs-{n}.json"))))
                    .unwrap();
            chunk.split('\n').map(str::to_string).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(docs.len(), pages);
    let pos = docs
        .iter()
        .position(|d| d.split('\t').next() == Some("/policies/ai-policy/"))
        .unwrap();
    assert_eq!(
        docs[pos].split('\t').nth(2),
        Some("document"),
        "{}",
        docs[pos]
    );
    // Results are grouped before the page list loads: the manifest holds
    // each page's group.
    let group = manifest["group"].as_str().unwrap().as_bytes()[pos];
    let label = &manifest["groups"][usize::from(group - b'a')];
    assert_eq!(label, "Policies");
    // The text chunk holding the page has its whole text, last paragraph included.
    let chunks = manifest["chunks"].as_array().unwrap();
    let n = chunks
        .iter()
        .rposition(|c| c.as_u64().unwrap() as usize <= pos)
        .unwrap();
    let texts: Vec<String> =
        serde_json::from_str(&read(&public.join(format!("search-index/text-{n}.json")))).unwrap();
    let text = &texts[pos - chunks[n].as_u64().unwrap() as usize];
    assert!(text.len() > 3000, "{} chars", text.len());
    assert!(
        text.contains("reconciles the zeppelin ledger quarterly"),
        "{text}"
    );
    // Every term of it is in a postings shard the manifest names, with the page.
    let shard = manifest["terms"]
        .as_array()
        .unwrap()
        .iter()
        .position(|t| t.as_str().unwrap().split('\n').any(|t| t == "zeppelin"))
        .expect("`zeppelin` is in the vocabulary");
    // search.js finds a term's shard by binary search over the shards' first
    // terms: the vocabulary must be in one strictly increasing order.
    let vocab: Vec<String> = manifest["terms"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t.as_str().unwrap().split('\n').map(str::to_string))
        .collect();
    assert!(vocab.len() > 100 && vocab.windows(2).all(|w| w[0] < w[1]));
    let files: std::collections::BTreeMap<String, String> = [(
        format!("/search-index/terms-{shard}.json"),
        read(&public.join(format!("search-index/terms-{shard}.json"))),
    )]
    .into();
    let list = postings_of(&files, &manifest, "zeppelin");
    assert_eq!(list[0] as usize, pos, "{list:?}");
    // Hidden text stays out of the public index and in the internal one.
    let all_public: String = std::fs::read_dir(public.join("search-index"))
        .unwrap()
        .map(|e| read(&e.unwrap().path()))
        .collect();
    assert!(!all_public.contains("ai-governance channel"));
    assert!(!all_public.contains("\"channel\""));
    let internal = out.join("internal/search-index");
    let all_internal: String = std::fs::read_dir(internal)
        .unwrap()
        .map(|e| read(&e.unwrap().path()))
        .collect();
    assert!(all_internal.contains("ai-governance channel"));
}

#[test]
fn search_terms_keep_ids_whole_and_split_compounds() {
    let t = vouch::site::outputs::search::terms(
        "Control A.6.2.4: human-in-the-loop review of the Résumé.",
    );
    for term in [
        "control",
        "a.6.2.4",
        "human-in-the-loop",
        "human",
        "loop",
        "review",
        "résumé",
    ] {
        assert!(t.contains_key(term), "{term} missing from {t:?}");
    }
    assert!(
        !t.contains_key("the") && !t.contains_key("of"),
        "stop words: {t:?}"
    );
    assert!(!t.contains_key("6"), "one-character parts: {t:?}");
}

/// The index of many pages, as `vouch build` writes it (the files of
/// `search::files`, by name).
fn index_of(
    docs: Vec<vouch::site::outputs::SearchDoc>,
) -> std::collections::BTreeMap<String, String> {
    vouch::site::outputs::search::files(docs)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

#[test]
fn search_postings_number_pages_across_the_whole_edition_not_per_batch() {
    // Pages are tokenised in batches on every core; a posting must still
    // carry the page's position in the sorted edition (delta-encoded).
    let docs: Vec<_> = (0..1500)
        .map(|i| vouch::site::outputs::SearchDoc {
            u: format!("/p/{i:05}/"),
            t: if i == 1499 {
                "Zeppelin".into()
            } else {
                format!("Page {i}")
            },
            k: "doc".into(),
            x: match i {
                0 | 700 => "zeppelin zeppelin ledger".into(),
                _ => "ledger".into(),
            },
        })
        .collect();
    let files = index_of(docs);
    let manifest: serde_json::Value = serde_json::from_str(&files["/search-index.json"]).unwrap();
    // Page 0 twice, page 700 twice, page 1499 once, in its title only.
    let title = u64::from(vouch::site::outputs::search::IN_TITLE);
    assert_eq!(
        postings_of(&files, &manifest, "zeppelin"),
        vec![0, 2, 700, 2, 799, 1 + title]
    );
    let mut every_page = vec![0, 1];
    every_page.extend([1, 1].repeat(1499));
    assert_eq!(postings_of(&files, &manifest, "ledger"), every_page);
}

/// The postings list of `term`, flattened.
fn postings_of(
    files: &std::collections::BTreeMap<String, String>,
    manifest: &serde_json::Value,
    term: &str,
) -> Vec<u64> {
    let shards = manifest["terms"].as_array().unwrap();
    let (shard, at) = shards
        .iter()
        .enumerate()
        .find_map(|(n, t)| {
            let at = t.as_str().unwrap().split('\n').position(|t| t == term)?;
            Some((n, at))
        })
        .unwrap();
    // One string per term, in the order of the shard's terms.
    let postings: Vec<String> =
        serde_json::from_str(&files[&format!("/search-index/terms-{shard}.json")]).unwrap();
    postings[at]
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect()
}

#[test]
fn documents_carry_their_language_and_link_bare_email_addresses() {
    let dir = long_policy_project();
    let policy = dir.path().join("content/policies/ai-policy.md");
    std::fs::write(
        &policy,
        read(&policy).replacen(
            "review_every: 12 months\n",
            "review_every: 12 months\nlang: en-GB\n",
            1,
        ),
    )
    .unwrap();
    let out = build(dir.path());
    let html = read(&out.join("public/policies/ai-policy/index.html"));
    assert!(
        html.contains(r#"<article class="document" lang="en-GB">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<h2 id="datenschutzhinweis" lang="de">"#),
        "{html}"
    );
    assert!(html.contains(r#"<p lang="de">Wir verarbeiten"#), "{html}");
    assert!(html.contains(r#"<h3 id="rechte" lang="de">"#), "{html}");
    assert!(html.contains(r#"<p lang="de">Sie haben"#), "{html}");
    assert!(
        html.contains("<p>The quartermaster"),
        "the next h2 ends the section: {html}"
    );
    assert!(
        html.contains(
            r#"<a href="mailto:privacy@northwind.example">privacy@northwind.example</a>"#
        ),
        "{html}"
    );
}
