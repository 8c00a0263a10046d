//! Exports: the OSCAL component definition and the model cards validate against
//! the official schemas vendored in tests/schemas/, carry nothing a lower
//! edition may not see, and are byte-identical across runs. Evidence receipts
//! publish a hash and a date and nothing else.

use crate::common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;
use vouch::pipeline::model::Site;

fn schema(name: &str) -> Value {
    let p = repo().join("tests/schemas").join(name);
    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap()
}

fn oscal_validator() -> jsonschema::Validator {
    jsonschema::draft7::new(&schema("oscal_component_schema.json")).unwrap()
}

/// The CycloneDX schema references spdx.schema.json and jsf-0.82.schema.json
/// by relative URL; both are registered under the URLs they resolve to.
fn cyclonedx_validator() -> jsonschema::Validator {
    let mut opts = jsonschema::options().with_draft(jsonschema::Draft::Draft7);
    for name in ["spdx.schema.json", "jsf-0.82.schema.json"] {
        let r = jsonschema::Resource::from_contents(schema(name)).unwrap();
        opts = opts.with_resource(format!("http://cyclonedx.org/schema/{name}"), r);
    }
    opts.build(&schema("bom-1.6.schema.json")).unwrap()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not schema-valid:\n{}",
        errors.join("\n")
    );
}

fn edition(site: &Site, name: &str) -> usize {
    site.editions.iter().position(|e| e == name).unwrap()
}

#[test]
fn oscal_export_validates_against_the_official_oscal_1_1_schema() {
    let s = site(&repo());
    let v = oscal_validator();
    for ed in 0..s.editions.len() {
        let doc: Value =
            serde_json::from_slice(&vouch::site::export::oscal::to_bytes(&s, ed)).unwrap();
        assert_valid(&v, &doc, &format!("OSCAL of edition {}", s.editions[ed]));
    }
    let top = s.editions.len() - 1;
    let doc = vouch::site::export::oscal::component_definition(&s, top);
    let cd = &doc["component-definition"];
    assert_eq!(cd["metadata"]["oscal-version"], "1.1.3");
    assert_eq!(cd["metadata"]["last-modified"], "2026-11-27T00:00:00Z");
    let comps = cd["components"].as_array().unwrap();
    let policies = s
        .docs
        .iter()
        .filter(|d| d.kind == vouch::core::kinds::Kind::Policy)
        .count();
    let count = |t: &str| comps.iter().filter(|c| c["type"] == t).count();
    assert_eq!(count("policy"), policies, "one policy component per policy");
    assert_eq!(count("software") + count("service"), s.systems.len());
    // Implementation text and evidence permalinks reach the requirements.
    let text = doc.to_string();
    assert!(text.contains("\"control-id\":\"A.6.2.4\""));
    // The validator is not vacuous: a malformed UUID or a missing title fails.
    let mut bad = doc.clone();
    bad["component-definition"]["components"][0]["uuid"] = "not-a-uuid".into();
    assert!(!v.is_valid(&bad));
    let mut bad = doc.clone();
    bad["component-definition"]["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("title");
    assert!(!v.is_valid(&bad));
    assert!(text.contains("https://trust.northwind.example/evidence/"));
}

#[test]
fn uuids_are_rfc4122_version_5_and_stable() {
    let s = site(&repo());
    let a = vouch::site::export::uuid(&s, "component/aims");
    assert_eq!(a, vouch::site::export::uuid(&s, "component/aims"));
    assert_ne!(a, vouch::site::export::uuid(&s, "component/other"));
    let b: Vec<char> = a.chars().collect();
    assert_eq!(a.len(), 36);
    assert_eq!(b[14], '5', "version nibble");
    assert!("89ab".contains(b[19]), "RFC 4122 variant");
}

#[test]
fn model_cards_validate_against_cyclonedx_1_6_and_carry_a_model_card() {
    let s = site(&repo());
    let v = cyclonedx_validator();
    let top = s.editions.len() - 1;
    let files = vouch::site::export::cards::files(&s, top);
    for sys in &s.systems {
        let get = |f: &str| {
            files
                .iter()
                .find(|(p, _)| p == &format!("{}/{f}", sys.id))
                .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        };
        let bom: Value = serde_json::from_str(&get("bom.cdx.json").unwrap()).unwrap();
        assert_valid(&v, &bom, &format!("BOM of {}", sys.id));
        assert_eq!(bom["components"][0]["type"], "machine-learning-model");
        assert!(bom["components"][0]["modelCard"].is_object());
        let readme = get("README.md").unwrap();
        let meta = readme
            .strip_prefix("---\n")
            .and_then(|r| r.split_once("\n---\n"))
            .map(|(m, _)| m)
            .expect("README starts with a YAML metadata block");
        let meta: Value = vouch::core::yaml::from_str(meta).unwrap();
        assert_eq!(meta["model_name"], sys.data.name.as_str());
        assert!(readme.contains("## Uses") && readme.contains("## Bias, Risks, and Limitations"));
        let annex = get("annex-iv.md");
        assert_eq!(
            annex.is_some(),
            sys.data.needs_annex_iv(),
            "Annex IV outline only for providers of high-risk systems ({})",
            sys.id
        );
        assert_eq!(
            get("deployer-duties.md").is_some(),
            sys.data.needs_deployer_duties(),
            "deployer duties only for deployers of high-risk systems ({})",
            sys.id
        );
        if let Some(a) = annex {
            assert!(a.contains("## 5. Risk management system"));
            assert!(a.contains("## Still missing") && a.contains("- [ ] "));
        }
    }
    // The validator is not vacuous: an unknown component type fails.
    let (_, bytes) = files.iter().find(|(p, _)| p.ends_with(".json")).unwrap();
    let mut bad: Value = serde_json::from_slice(bytes).unwrap();
    bad["components"][0]["type"] = "robot".into();
    assert!(!v.is_valid(&bad));
}

/// Every byte of every export of `ed` in the editions fixture.
fn exports_of(s: &Site, ed: usize) -> Vec<(String, Vec<u8>)> {
    let mut all = vec![(
        "oscal".to_string(),
        vouch::site::export::oscal::to_bytes(s, ed),
    )];
    all.extend(vouch::site::export::cards::files(s, ed));
    all
}

#[test]
fn public_exports_carry_no_customer_or_internal_content() {
    let s = site(&fixture("editions"));
    let v = oscal_validator();
    let cdx = cyclonedx_validator();
    for (name, needles) in [
        ("public", &["canaryint", "canarycust"][..]),
        ("customer", &["canaryint"][..]),
    ] {
        let ed = edition(&s, name);
        for (path, bytes) in exports_of(&s, ed) {
            let text = String::from_utf8_lossy(&bytes).to_lowercase();
            for n in needles {
                assert!(!text.contains(n), "{name} export {path} leaks `{n}`");
            }
            if path == "oscal" {
                assert_valid(&v, &serde_json::from_slice(&bytes).unwrap(), &path);
            } else if path.ends_with(".json") {
                assert_valid(&cdx, &serde_json::from_slice(&bytes).unwrap(), &path);
            }
        }
    }
    // The internal export does include them: the check above is not vacuous.
    let internal = exports_of(&s, edition(&s, "internal"));
    let all: String = internal
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).to_lowercase())
        .collect();
    assert!(all.contains("canaryint") && all.contains("canarycust"));
    // Built sites: only the internal edition carries export files.
    let dir = temp_copy("editions");
    let out = build(dir.path());
    assert!(out
        .join("internal/exports/oscal-component-definition.json")
        .is_file());
    assert!(!out.join("public/exports").exists() && !out.join("customer/exports").exists());
}

fn run_export(root: &Path, args: &[&str]) {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--root", root.to_str().unwrap(), "--today", TODAY]);
    let o = vouch(&all);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn cli_exports_are_byte_identical_across_runs() {
    let dir = temp_copy("editions");
    let root = dir.path();
    for run in ["a", "b"] {
        run_export(
            root,
            &[
                "oscal",
                "--edition",
                "public",
                "--out",
                root.join(run).join("oscal.json").to_str().unwrap(),
            ],
        );
        run_export(
            root,
            &[
                "cards",
                "--edition",
                "internal",
                "--out",
                root.join(run).join("cards").to_str().unwrap(),
            ],
        );
    }
    let a = files(&root.join("a"));
    assert!(a
        .iter()
        .any(|(p, _)| p == "cards/support-drafts/bom.cdx.json"));
    assert_eq!(a, files(&root.join("b")), "two runs differ");
    let o = vouch(&[
        "export",
        "oscal",
        "--root",
        root.to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        o.stdout,
        std::fs::read(root.join("a/oscal.json")).unwrap(),
        "stdout equals --out"
    );
    let bad = vouch(&[
        "export",
        "oscal",
        "--root",
        root.to_str().unwrap(),
        "--edition",
        "nope",
    ]);
    assert_eq!(code(&bad), 2, "unknown edition is a usage error");
}

#[test]
fn evidence_receipt_reveals_only_control_hash_and_date() {
    let dir = temp_copy("editions");
    let reg = dir.path().join("content/registers/evidence.yaml");
    let text = std::fs::read_to_string(&reg).unwrap();
    let from = "  owner: CANARYINT owner\n";
    assert!(text.contains(from));
    std::fs::write(
        &reg,
        text.replace(from, "  owner: CANARYINT owner\n  receipt: true\n"),
    )
    .unwrap();
    let file = std::fs::read(dir.path().join("content/evidence/canaryint-location.txt")).unwrap();
    let hash: String = Sha256::digest(&file)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let out = build(dir.path());
    for ed in ["public", "customer"] {
        let html = page(&out, ed, "/controls/a-2-2/");
        assert!(
            html.contains(&format!("Evidence receipt: sha256 <code>{hash}</code>")),
            "{ed}"
        );
        assert!(
            html.contains("collected <time datetime=\"2026-11-01\">"),
            "{ed}"
        );
        for (path, bytes) in files(&out.join(ed)) {
            let t = String::from_utf8_lossy(&bytes).to_lowercase();
            assert!(
                !t.contains("canaryint"),
                "{ed}/{path} leaks the receipt's evidence"
            );
        }
    }
    // The internal edition links the evidence itself and names the published hash.
    assert!(!page(&out, "internal", "/controls/a-2-2/").contains("Evidence receipt"));
    assert!(page(&out, "internal", "/evidence/ev-canaryint-review/").contains(&hash));
}

#[test]
fn exports_refuse_to_write_into_content_or_themes() {
    let dir = temp_copy("editions");
    let root = dir.path();
    let before = files(&root.join("content")).len();
    for args in [
        vec!["oscal", "--edition", "public", "--out"],
        vec!["cards", "--edition", "public", "--out"],
    ] {
        for target in ["content/exports/oscal.json", "themes/x", "content"] {
            let out = root.join(target);
            let mut all = vec!["export"];
            all.extend_from_slice(&args);
            all.push(out.to_str().unwrap());
            all.extend_from_slice(&["--root", root.to_str().unwrap(), "--today", TODAY]);
            let o = vouch(&all);
            assert_eq!(code(&o), 2, "{target}: {}", stderr(&o));
            assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
        }
    }
    assert_eq!(
        files(&root.join("content")).len(),
        before,
        "nothing written"
    );
    assert!(!root.join("themes/x").exists());
}
