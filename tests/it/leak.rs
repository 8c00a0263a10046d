//! Leak-proof by construction, checked by property: random projects (random
//! entities of every kind, random visibilities, random `:::` passages and
//! cross-references, every restricted string carrying a canary of its edition)
//! are built in all editions, and no byte of any output file of an edition may
//! contain a canary of a higher edition.

use crate::common::*;
use proptest::prelude::*;
use std::fmt::Write as _;

const LEVELS: [&str; 3] = ["public", "customer", "internal"];

/// The canary for an entity or passage of `level`: lowercase so it can sit in ids.
fn canary(level: usize, n: usize) -> String {
    format!("qq{level}x{n}qq")
}

#[derive(Debug, Clone)]
struct Spec {
    /// Visibility level of each generated entity, per kind.
    policies: Vec<usize>,
    evidence: Vec<usize>,
    systems: Vec<usize>,
    faq: Vec<usize>,
    risks: Vec<usize>,
    suppliers: Vec<usize>,
    controls: Vec<usize>,
    /// Passage level inside each policy (0 = none).
    passages: Vec<usize>,
    /// Seeds for cross-references.
    refs: Vec<usize>,
}

fn spec() -> impl Strategy<Value = Spec> {
    let lv = || proptest::collection::vec(0usize..3, 1..5);
    (
        lv(),
        lv(),
        lv(),
        lv(),
        lv(),
        lv(),
        lv(),
        proptest::collection::vec(0usize..3, 4),
        proptest::collection::vec(any::<usize>(), 16),
    )
        .prop_map(
            |(policies, evidence, systems, faq, risks, suppliers, controls, passages, refs)| Spec {
                policies,
                evidence,
                systems,
                faq,
                risks,
                suppliers,
                controls,
                passages,
                refs,
            },
        )
}

/// Writes the project: the minimal fixture plus the generated entities.
fn write_project(root: &std::path::Path, s: &Spec) {
    copy_dir(&fixture("minimal"), root);
    let c = root.join("content");
    let id = |kind: &str, level: usize, i: usize| format!("{kind}-{}", canary(level, i));
    let pick = |list: &[usize], kind: &str, seed: usize| {
        let i = seed % list.len();
        id(kind, list[i], i)
    };
    for (i, lv) in s.policies.iter().enumerate() {
        let mut body = format!("---\ntitle: Policy {}\nvisibility: {}\nowner: Owner {}\n---\n\n## Section {}\n\nText {}.\n", canary(*lv, i), LEVELS[*lv], canary(*lv, i), canary(*lv, i), canary(*lv, i));
        let _ = writeln!(
            body,
            "\nSee [evidence](evidence:{}) and [system](system:{}).",
            pick(&s.evidence, "ev", s.refs[i]),
            pick(&s.systems, "sys", s.refs[i + 1])
        );
        let p = s.passages[i % s.passages.len()];
        if p > *lv {
            let _ = write!(body, "\n:::{}\n## Passage heading {}\n\nPassage text {}[^f{i}].\n\n[^f{i}]: Footnote {}\n:::\n", LEVELS[p], canary(p, 100 + i), canary(p, 100 + i), canary(p, 100 + i));
        }
        std::fs::write(c.join(format!("policies/{}.md", id("pol", *lv, i))), body).unwrap();
    }
    let mut ev = std::fs::read_to_string(c.join("registers/evidence.yaml")).unwrap();
    for (i, lv) in s.evidence.iter().enumerate() {
        let file = format!("evidence/{}.txt", id("file", *lv, i));
        std::fs::write(c.join(&file), canary(*lv, i)).unwrap();
        let _ = write!(ev, "- id: {}\n  title: Evidence {}\n  kind: file\n  location: {file}\n  collected: 2026-11-01\n  review_every: 12 months\n  owner: Owner {}\n  visibility: {}\n", id("ev", *lv, i), canary(*lv, i), canary(*lv, i), LEVELS[*lv]);
    }
    std::fs::write(c.join("registers/evidence.yaml"), ev).unwrap();
    let mut sup = String::new();
    for (i, lv) in s.suppliers.iter().enumerate() {
        let _ = write!(sup, "- id: {}\n  name: Supplier {}\n  kind: model\n  provides: Model {}\n  data_use: Use {}\n  visibility: {}\n", id("sup", *lv, i), canary(*lv, i), canary(*lv, i), canary(*lv, i), LEVELS[*lv]);
    }
    std::fs::write(c.join("registers/suppliers.yaml"), sup).unwrap();
    let mut risks = String::new();
    for (i, lv) in s.risks.iter().enumerate() {
        let _ = write!(risks, "- id: {}\n  title: Risk {}\n  systems: [{}]\n  description: Text {} [ev](evidence:{}).\n  likelihood: 2\n  impact: 3\n  treatment: mitigate\n  controls: [A.2.2]\n  owner: Owner {}\n  visibility: {}\n", id("risk", *lv, i), canary(*lv, i), pick(&s.systems, "sys", s.refs[i + 2]), canary(*lv, i), pick(&s.evidence, "ev", s.refs[i + 3]), canary(*lv, i), LEVELS[*lv]);
    }
    std::fs::write(c.join("registers/risks.yaml"), risks).unwrap();
    for (i, lv) in s.systems.iter().enumerate() {
        let card = format!(
            "id: {}\nname: System {}\nsummary: Summary {}\npurpose: Purpose {} [policy](policy:{}).\nlifecycle: deployed\nroles: [user]\nusage:\n  domain: general\n  decision: informational\n  affected: [People {}]\noversight:\n  mode: human-in-the-loop\n  rationale: Why {}\nrisk_tier: minimal\nmodels:\n  - name: Model {}\n    supplier: {}\ncontrols: [A.2.2, {}]\nrisks: [{}]\nvisibility: {}\n",
            id("sys", *lv, i), canary(*lv, i), canary(*lv, i), canary(*lv, i), pick(&s.policies, "pol", s.refs[i + 4]), canary(*lv, i), canary(*lv, i), canary(*lv, i),
            pick(&s.suppliers, "sup", s.refs[i + 5]), pick(&s.controls, "ctl", s.refs[i + 6]), pick(&s.risks, "risk", s.refs[i + 7]), LEVELS[*lv]
        );
        std::fs::write(
            c.join(format!("registers/systems/{}.yaml", id("sys", *lv, i))),
            card,
        )
        .unwrap();
    }
    let mut faq = std::fs::read_to_string(c.join("registers/faq.yaml")).unwrap();
    for (i, lv) in s.faq.iter().enumerate() {
        let _ = write!(faq, "- id: {}\n  question: Question {}?\n  answer: |\n    Answer {} citing [a control](control:{}) and [a risk](risk:{}).\n  matches: [\"Q-{}\"]\n  visibility: {}\n", id("faq", *lv, i), canary(*lv, i), canary(*lv, i), pick(&s.controls, "ctl", s.refs[i + 8]), pick(&s.risks, "risk", s.refs[i + 9]), canary(*lv, i), LEVELS[*lv]);
    }
    std::fs::write(c.join("registers/faq.yaml"), faq).unwrap();
    let mut controls = std::fs::read_to_string(c.join("registers/controls.yaml")).unwrap();
    for (i, lv) in s.controls.iter().enumerate() {
        let _ = write!(controls, "- id: {}\n  title: Control {}\n  applicable: true\n  status: implemented\n  owner: Owner {}\n  implementation: Done {} see [e](evidence:{}).\n  evidence: [{}]\n  visibility: {}\n", id("ctl", *lv, i), canary(*lv, i), canary(*lv, i), canary(*lv, i), pick(&s.evidence, "ev", s.refs[i + 10]), pick(&s.evidence, "ev", s.refs[i + 11]), LEVELS[*lv]);
    }
    std::fs::write(c.join("registers/controls.yaml"), controls).unwrap();
}

proptest! {
    #![proptest_config(proptest_config(24))]

    #[test]
    fn no_output_byte_of_an_edition_carries_a_higher_editions_canary(s in spec()) {
        let dir = tempfile::tempdir().unwrap();
        write_project(dir.path(), &s);
        let opts = vouch::build::Options { today: vouch::core::date::Date::parse(TODAY), ..vouch::build::Options::new(dir.path()) };
        let analysis = vouch::build::analyse(&opts).unwrap();
        let errors: Vec<String> = analysis.diagnostics.iter().filter(|d| d.severity == vouch::core::diagnostics::Severity::Error).map(|d| format!("{}:{} {}", d.file, d.line, d.message)).collect();
        prop_assert!(errors.is_empty(), "generated project must be valid: {errors:?}");
        let site = analysis.site.unwrap();
        let theme = vouch::build::theme_for(&site, None).unwrap();
        let sink = vouch::pipeline::write::MemorySink::default();
        let report = vouch::build::render_editions(&site, &[0, 1, 2], &theme, &sink, false, None, None).unwrap();
        prop_assert!(report.diagnostics.is_empty(), "link check: {:?}", report.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
        let files = sink.files.into_inner().unwrap();
        for (ed, name) in LEVELS.iter().enumerate() {
            let out = &files[*name];
            for (path, bytes) in out {
                let text = String::from_utf8_lossy(bytes).to_lowercase();
                for (higher, higher_name) in LEVELS.iter().enumerate().skip(ed + 1) {
                    let needle = format!("qq{higher}x");
                    prop_assert!(!text.contains(&needle) && !path.contains(&needle), "{name}{path} leaks a {higher_name} canary");
                }
            }
            // And the edition does carry its own content.
            let own = format!("qq{ed}x");
            let present = out.values().any(|b| String::from_utf8_lossy(b).contains(&own));
            let expected = s.policies.contains(&ed) || s.faq.contains(&ed) || s.systems.contains(&ed);
            prop_assert!(!expected || present, "{name} lost its own content");
        }
    }
}
