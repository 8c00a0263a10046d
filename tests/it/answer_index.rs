//! The answer index's claim texts: the one-pass section splitter gives the
//! same text as the HTML splitter it replaced, on real projects and on a
//! page with every construct that reaches the HTML, and a hidden passage
//! never becomes the text of a lower edition's claim.

use crate::common::{repo, site, temp_copy};
use std::path::{Path, PathBuf};
use vouch::pipeline::model::Site;
use vouch::site::answer::claims::{corpus, split_sections};
use vouch::site::answer::sections::{sections, sections_to};

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

#[test]
fn section_texts_are_the_same_as_the_html_splitter() {
    let gen = generated();
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
    for (name, root) in &projects {
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
