//! The answer index's claim texts: the one-pass section splitter gives the
//! same text as the HTML splitter it replaced, on real projects and on a
//! page with every construct that reaches the HTML, and a hidden passage
//! never becomes the text of a lower edition's claim. The index the
//! answerer builds (claims made only when kept, terms numbered per thread)
//! holds exactly what a plain analysis of each claim's fields gives.

use crate::common::{repo, site, temp_copy};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use vouch::core::kinds::Kind;
use vouch::pipeline::model::Site;
use vouch::site::answer::claims::{corpus, corpus_where, split_sections, Claim};
use vouch::site::answer::sections::{sections, sections_to};
use vouch::site::answer::{fields, rank, Answerer};

/// A policy with code blocks (highlighted and not), a table, `:::customer`
/// and `:::internal` passages with headings, footnotes inside and outside
/// them, links to visible and hidden entities, entities and punctuation
/// after markup, and headings from `##` to `####`.
const PAGE: &str = r#"---
title: Mixed page
visibility: public
owner: Head of AI Governance
approved: 2026-11-01
review_every: 12 months
---

# Mixed page

Intro with **bold**, `code`, a link to the [AI policy](policy:ai-policy) and
a hidden [handbook](policy:canaryint-handbook)[^a]. Tom & Jerry <b>say</b> "hi".

## Tables & code

| Id | What |
|:---|---:|
| A.6.2.4 | logs *kept* |

```yaml
# comment
entries:
  - id: R-1
    title: "quoted <value>"
```

```
plain block & more
```

### Subsection

- [x] done item
- [ ] open item, then text.

#### Deep heading

Deep text.[^b]

:::customer
## Customer part

CANARYCUST passage text, see [handbook](policy:canaryint-handbook).
:::

:::internal
## CANARYINT staff part

CANARYINT passage text.[^c]

### CANARYINT subsection

More CANARYINT text.

[^c]: CANARYINT footnote.
:::

## After passages

Closing words ; and ( brackets ) .

[^a]: Footnote a with a [link](policy:ai-policy).
[^b]: Footnote b.
"#;

/// The editions fixture with [`PAGE`] added.
fn generated() -> tempfile::TempDir {
    let dir = temp_copy("editions");
    std::fs::write(dir.path().join("content/policies/mixed-page.md"), PAGE).unwrap();
    dir
}

/// Compares both splitters on every document of `site` in every edition;
/// returns how many sections were compared.
fn compare(name: &str, site: &Site) -> usize {
    let mut n = 0;
    for ed in 0..site.editions.len() {
        for (i, md) in site.doc_md.iter().enumerate() {
            if site.docs[i].level > ed {
                continue;
            }
            let html = md.render(ed, &site.md_resolver(ed)).html;
            let old = split_sections(&html);
            assert_eq!(sections(&html), old, "{name} {}", site.docs[i].id);
            let mut to3 = old.clone();
            to3.retain(|s| s.level <= 3);
            assert_eq!(sections_to(&html, 3), to3, "{name} {}", site.docs[i].id);
            n += old.len();
        }
    }
    n
}

/// The example, harbourline, the generated page and larkspur (when
/// `../shared/eval` is present), each with its name.
fn projects(gen: &tempfile::TempDir) -> Vec<(&'static str, PathBuf)> {
    let mut projects: Vec<(&str, PathBuf)> = vec![
        ("example", repo()),
        ("harbourline", repo().join("tests/answer-eval/harbourline")),
        ("generated", gen.path().to_path_buf()),
    ];
    let larkspur = repo().join("../shared/eval/larkspur");
    if larkspur.join("content").is_dir() {
        projects.push(("larkspur", larkspur));
    } else {
        eprintln!("skipped larkspur: ../shared/eval not present");
    }
    projects
}

#[test]
fn section_texts_are_the_same_as_the_html_splitter() {
    let gen = generated();
    for (name, root) in &projects(&gen) {
        let n = compare(name, &site(root));
        assert!(n > 10, "{name}: only {n} sections compared");
    }
}

/// Every text of every claim of edition `ed`, lower-cased.
fn claim_text(root: &Path, ed: usize) -> String {
    corpus(&site(root), ed)
        .iter()
        .map(|c| format!("{} {} {} {}\n", c.title, c.text, c.summary, c.path()))
        .collect::<String>()
        .to_lowercase()
}

#[test]
fn hidden_passages_never_become_claim_text() {
    let gen = generated();
    let public = claim_text(gen.path(), 0);
    let customer = claim_text(gen.path(), 1);
    let internal = claim_text(gen.path(), 2);
    assert!(
        public.contains("closing words; and ( brackets)."),
        "{public}"
    );
    assert!(!public.contains("canary"), "{public}");
    assert!(customer.contains("canarycust passage text"));
    assert!(!customer.contains("canaryint"), "{customer}");
    // The internal edition reads the passages the lower ones drop.
    for text in [
        "canaryint passage text",
        "canaryint subsection",
        "canaryint footnote",
    ] {
        assert!(
            internal.contains(text),
            "{text} missing from the internal claims"
        );
    }
}

/// A claim in full, for comparing two makings of it.
fn shown(c: &Claim) -> String {
    format!("{c:?}")
}

#[test]
fn answerer_claims_are_the_corpus_it_keeps() {
    let gen = generated();
    // A choice by kind and level, as the answerer makes it, and one by title.
    let choices: [&(dyn Fn(&Claim) -> bool + Sync); 2] =
        [&|c| c.level <= 2 && c.kind != Kind::Control, &|c| {
            c.title.len() % 2 == 0
        }];
    for (name, root) in &projects(&gen) {
        let site = site(root);
        for ed in 0..site.editions.len() {
            let all = corpus(&site, ed);
            for keep in choices {
                let made: Vec<String> = corpus_where(&site, ed, keep).iter().map(shown).collect();
                let kept: Vec<String> = all.iter().filter(|c| keep(c)).map(shown).collect();
                assert_eq!(made, kept, "{name} edition {ed}");
            }
            // The answerer's claims are corpus claims, unchanged and in
            // order, then the certifications (which are not in the corpus).
            let answerer = Answerer::new(&site, ed);
            let mut rest = all.iter().map(shown);
            let mut from_corpus = 0;
            for c in answerer.claims().iter().filter(|c| c.href.is_none()) {
                let c = shown(c);
                assert!(rest.any(|a| a == c), "{name} edition {ed}: {c}");
                from_corpus += 1;
            }
            assert!(from_corpus > 10, "{name}: only {from_corpus} claims");
        }
    }
}

/// What a plain analysis of a claim's fields gives: each term's weighted
/// frequency, its adjacent pairs within a field, and its weighted length.
fn analysed(c: &Claim) -> (BTreeMap<String, f64>, BTreeSet<(String, String)>, f64) {
    let mut terms: BTreeMap<String, f64> = BTreeMap::new();
    let mut pairs = BTreeSet::new();
    let mut len = 0.0;
    for (text, w) in fields(c) {
        let ts = rank::analyse(&text);
        for t in &ts {
            *terms.entry(t.clone()).or_insert(0.0) += w;
            len += w;
        }
        for p in ts.windows(2) {
            pairs.insert((p[0].clone(), p[1].clone()));
        }
    }
    (terms, pairs, len)
}

#[test]
fn index_holds_what_a_plain_analysis_of_each_claim_gives() {
    let gen = generated();
    for (name, root) in &projects(&gen) {
        let site = site(root);
        for ed in 0..site.editions.len() {
            let answerer = Answerer::new(&site, ed);
            let held = answerer.index().contents();
            let claims = answerer.claims();
            assert_eq!(held.len(), claims.len(), "{name}");
            let expected: Vec<_> = claims.iter().map(analysed).collect();
            let avg = expected.iter().map(|e| e.2).sum::<f64>() / claims.len() as f64;
            for ((c, h), (terms, pairs, len)) in claims.iter().zip(&held).zip(&expected) {
                let at = format!("{name} edition {ed} {}", c.path());
                let terms: Vec<(String, f64)> = terms.clone().into_iter().collect();
                assert_eq!(h.terms, terms, "{at}");
                let pairs: Vec<(String, String)> = pairs.iter().cloned().collect();
                assert_eq!(h.pairs, pairs, "{at}");
                // BM25's k1 = 1.2 and b = 0.75 (`index.rs`).
                let norm = 1.2 * (1.0 - 0.75 + 0.75 * len / avg.max(1.0));
                assert!((h.norm - norm).abs() < 1e-12, "{at}: {} {norm}", h.norm);
            }
        }
    }
}
