//! Diagnostics: the rule table, one diagnostic per finding, and the two ways
//! of printing them (compiler-style for people, one JSON object per line for tools).
//!
//! The rule table is the single source of truth: `vouch rules` prints it as
//! Markdown and `docs/rules.md` is checked against that output in the tests, so
//! the documentation cannot drift from the code.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One rule: a stable numbered code, a stable kebab-case name, and its docs.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub trigger: &'static str,
    pub fix: &'static str,
}

macro_rules! rules {
    ($( $ident:ident = $code:literal $name:literal $sev:ident $trigger:literal $fix:literal; )*) => {
        /// Every rule vouch knows, by constant.
        pub mod rule {
            use super::{Rule, Severity};
            $( pub static $ident: Rule = Rule { code: $code, name: $name, severity: Severity::$sev, trigger: $trigger, fix: $fix }; )*
        }
        /// The whole table, in code order.
        pub static RULES: &[&Rule] = &[ $( &rule::$ident, )* ];
    };
}

rules! {
    NOT_UTF8 = "E001" "not-utf8" Error "A content file is not valid UTF-8." "Save the file as UTF-8.";
    EMPTY_FILE = "E002" "empty-file" Error "A Markdown document or `site.yaml` is empty (an empty register is an empty list)." "Add content or delete the file.";
    YAML_SYNTAX = "E003" "yaml-syntax" Error "A YAML file or front matter block cannot be parsed." "Fix the YAML at the position shown (indentation, quotes, colons).";
    FRONT_MATTER = "E004" "front-matter" Error "A Markdown document has no front matter, or its `---` block is not closed." "Start the file with `---`, the YAML fields, and a closing `---` line.";
    UNKNOWN_FIELD = "E005" "unknown-field" Error "A field that vouch does not know (often a typo)." "Use the suggested field name, or remove the field.";
    MISSING_FIELD = "E006" "missing-field" Error "A required field is missing." "Add the field named in the message.";
    INVALID_VALUE = "E007" "invalid-value" Error "A value is not one of the allowed values or has the wrong type." "Use one of the allowed values listed in the help line.";
    INVALID_DATE = "E008" "invalid-date" Error "A date is not a real calendar date in `YYYY-MM-DD` form." "Write the date as `YYYY-MM-DD`, e.g. `2026-09-30`.";
    INVALID_PERIOD = "E009" "invalid-period" Error "A `review_every` period cannot be read." "Write a number and a unit: `90 days`, `6 weeks`, `3 months`, `1 year`.";
    INVALID_ID = "E010" "invalid-id" Error "An id is not lowercase letters, digits and hyphens (Annex A ids excepted)." "Use an id like `ev-sso-review`: `[a-z0-9][a-z0-9-]*`.";
    DUPLICATE_ID = "E011" "duplicate-id" Error "Two entities of the same kind share an id." "Give each entity its own id; ids make URLs.";
    CONTROL_WITHOUT_EVIDENCE = "E012" "control-without-evidence" Error "An applicable control with status `implemented` or `partial` lists no evidence." "Link at least one evidence item with `evidence: [...]`, or change the status.";
    UNRESOLVED_REFERENCE = "E013" "unresolved-reference" Error "A reference (an id in a list, or a `kind:id` link in Markdown) names nothing that exists." "Use the suggested id, or create the missing entity.";
    MISSING_ANNEX_A_CONTROL = "E014" "missing-annex-a-control" Error "The Statement of Applicability does not list one of the 38 Annex A controls." "Add the control to `registers/controls.yaml`, as applicable or excluded with a justification.";
    UNKNOWN_ANNEX_A_CONTROL = "E015" "unknown-annex-a-control" Error "A control id in the `A.` namespace is not in the ISO/IEC 42001 Annex A catalogue." "Use the suggested Annex A id; own controls take ids outside `A.`.";
    MISSING_JUSTIFICATION = "E016" "missing-justification" Error "An excluded control (`applicable: false`) has no justification." "Explain in `justification:` why the control does not apply.";
    CONTROL_TITLE = "E017" "control-title" Error "An Annex A control has its own `title` (the catalogue supplies it), or an own control has none." "Remove `title` from Annex A controls; give own controls a `title`.";
    UNKNOWN_EDITION = "E018" "unknown-edition" Error "`visibility` names an edition that `site.yaml` does not declare." "Use one of the editions from `site.yaml`.";
    UNTERMINATED_BLOCK = "E019" "unterminated-block" Error "A `:::internal` or `:::customer` passage is never closed." "Close the passage with a line holding only `:::`.";
    MISNESTED_BLOCK = "E020" "misnested-block" Error "A `:::` passage opens inside another, or a closing `:::` has no opening." "Close the first passage before opening the next; passages do not nest.";
    EVIDENCE_FILE_MISSING = "E021" "evidence-file-missing" Error "Evidence of `kind: file` points at a file that does not exist under `content/`." "Fix the path (relative to `content/`) or add the file.";
    EVIDENCE_LOCATION = "E022" "evidence-location" Error "An evidence `location` does not fit its kind (URL, path leaving `content/`, unknown document)." "Give a `https://` URL for `url`, a path inside `content/` for `file`, a document id for `document`.";
    TIER_BELOW_USAGE = "E023" "tier-below-usage" Error "A system's declared `risk_tier` is lower than its usage implies: an Art. 5 practice (`unacceptable`); an Annex III area, a sensitive domain with a significant or legal decision, political content, or a significant or legal decision no person reviews one by one (`high`); interaction with people or generated content (`limited`)." "Raise `risk_tier` to at least the implied tier, or correct the usage fields.";
    HIGH_TIER_WITHOUT_ASSESSMENT = "E024" "high-tier-without-assessment" Error "A high-tier system has no `impact_assessment`." "Write an impact assessment in `assessments/` and reference it.";
    HIGH_TIER_WITHOUT_NOTICE = "E025" "high-tier-without-notice" Error "A high-tier system has no transparency `notice`." "Write a notice in `notices/` and reference it.";
    PROVIDER_WITHOUT_NOTICE = "E026" "provider-without-notice" Error "A system for which the organisation plays the `provider` role has no notice." "Write a notice in `notices/` and reference it.";
    UNKNOWN_SUPPLIER = "E027" "unknown-supplier" Error "A model's `supplier` is not in `registers/suppliers.yaml`." "Add the supplier to the register or fix the id.";
    RETIRED_WITHOUT_RETIREMENT = "E028" "retired-without-retirement" Error "A system with `lifecycle: retired` has no `retirement` section." "Describe in `retirement:` how the system was decommissioned and its data handled.";
    COVERAGE_NOT_RECIPROCAL = "E029" "coverage-not-reciprocal" Error "A system names an assessment or notice whose `systems` list does not name the system back." "Add the system id to the document's `systems:` front matter.";
    MITIGATE_WITHOUT_CONTROLS = "E030" "mitigate-without-controls" Error "A risk treated with `mitigate` lists no controls." "List the controls that mitigate the risk.";
    SCORE_OUT_OF_RANGE = "E031" "score-out-of-range" Error "A likelihood or impact is outside 1-5." "Use a whole number from 1 (lowest) to 5 (highest).";
    UNKNOWN_CLAUSE = "E032" "unknown-clause" Error "`clauses` names a clause that is not in ISO/IEC 42001 clauses 4-10." "Use a clause id such as `5.2` or `6.1.4`.";
    BROKEN_LINK = "E033" "broken-link" Error "A link in a built page (any URL attribute, raw HTML included) points at a page or `#fragment` that does not exist in that edition; or the page holds a `<base href>` or an `<iframe srcdoc>` the check cannot follow." "Fix the link target, or the template that produces it; remove a `<base>` element.";
    EDITION_LEAK = "E034" "edition-leak" Error "A page of a lower edition links to a page that exists only in a higher edition." "Raise the linking entity's visibility or lower the target's.";
    CERTIFICATION_EXPIRED = "E035" "certification-expired" Error "A certification marked `certified` has an `expires` date in the past." "Renew it, or change its status.";
    RESERVED_ID = "E036" "reserved-id" Error "A page id collides with a path vouch generates (e.g. `controls`)." "Rename the page file.";
    MISSING_STATUS = "E037" "missing-status" Error "An applicable control has no `status`." "Set `status` to implemented, partial, planned or not-started.";
    OUT_OF_LOOP_HIGH_TIER = "E038" "out-of-loop-high-tier" Error "A high-tier system runs `human-out-of-the-loop` with no `oversight.rationale`." "Put a human in, on or in command of the loop, or record why not in `oversight.rationale`.";
    TEMPLATE_ERROR = "E039" "template-error" Error "A theme template fails to parse or to render a page." "Fix the template named in the message (see docs/theme.md for the context each template receives).";
    MISSING_FILE = "E040" "missing-file" Error "A file the project needs is missing (e.g. `content/site.yaml`)." "Create the file; `vouch new DIR` writes a complete starter project.";
    REMOVED_URL = "E041" "removed-url" Error "With `--since MANIFEST`: a URL published before is neither built now nor covered by an `aliases` redirect." "Restore the page, or add the old URL to `aliases:` of the entity that replaced it.";
    MISPLACED_PASSAGE_MARKER = "E042" "misplaced-passage-marker" Error "A `:::` marker the parser does not take as a passage boundary: inside a list item, blockquote, table, HTML block or paragraph (e.g. joined by a YAML `>` folded scalar), in an indented code block or a fence that is never closed, in a code block while the other end of its passage is in another code block, in a fenced block after a fence its list item or quote left open, or in a fenced block whose fence is joined to text on one line (`~~~ text ~~~`, `text ~~~`: YAML folding joins them); or a marker written with two colons, four or more, or look-alike colons (`：：：`)." "Put `:::edition` and `:::` on lines of their own at the top level of the text; in YAML use a literal block scalar, not a folded one (`>`); write literal colons as inline code (`` `:::` ``) or in a closed fenced block; type markers with three ASCII colons.";
    HIDDEN_DEFINITION = "E043" "hidden-definition" Error "A reference link or footnote outside a `:::` passage takes its definition from inside the passage, so lower editions would show it." "Move the definition out of the passage, or the link into it.";
    HIDDEN_HEADING_ID = "E044" "hidden-heading-id" Error "A heading inside a `:::` passage would get the id of a heading that lower editions see." "Give the hidden heading an explicit id: `## Title {#other-id}`.";
    UNSAFE_PATH = "E045" "unsafe-path" Error "A path leaves the folder it must stay in: a symlink in `content/` or the theme folder resolves outside it, or `theme:` is not a folder name under `themes/`." "Copy the file into the folder instead of linking to it; write `theme:` as a bare folder name, e.g. `acme` for `themes/acme/`.";
    INVALID_ALIAS = "E046" "invalid-alias" Error "An `aliases` entry is not a root-relative URL path: it must start with `/` and hold only ASCII letters, digits and `- _ . ~ % + ,` between slashes, with no empty, `.` or `..` segment (whitespace, control characters, `*`, `:`, `?`, `#` and `\\` are refused)." "Write the earlier URL as a path such as `/policies/old-name/`, percent-encoding other characters.";
    OUTPUT_COLLISION = "E047" "output-collision" Error "Two outputs would be written to one file: an alias equals another entity's URL, a generated file (`/_headers`, `/robots.txt`, `/soa.csv` ...) or another alias." "Remove the alias, or choose the earlier URL it really stands for.";
    CONTROL_CHARACTER = "E048" "control-character" Error "A one-line field written into a plain-text host file (`contact`, `security_contact`, `base_url`) holds a line break or another control character." "Write the value on one line without control characters.";
    NOT_A_FILE = "E049" "not-a-file" Error "A folder (or another non-file) stands where vouch expects a file (`content/site.yaml`, `content/scope.md`, a register)." "Replace the folder with the file, or remove it.";
    LEAK_SENTINEL = "E050" "leak-sentinel" Error "An output file of a lower edition contains a run of 8 or more words that exists only in content that edition may not see (a hidden passage or entity)." "Nothing was published. Remove the hidden text from custom templates or static files under `themes/`; with the default theme, report it as a vouch defect.";
    UNKNOWN_FRAMEWORK = "E051" "unknown-framework" Error "A `maps_to:` key of a control, or a `frameworks:` entry of `site.yaml`, is not a framework vouch knows (`iso42001`, `iso27001`, `soc2`, `nist_ai_rmf`, `eu_ai_act`)." "Use the suggested framework key; misspelt keys would be published as another framework.";
    UNKNOWN_REQUIREMENT = "E052" "unknown-requirement" Error "A `maps_to:` id is not a requirement of its framework (ISO/IEC 27001:2022 clauses 4-10 and Annex A, SOC 2 2017 Trust Services Criteria, NIST AI RMF 1.0 subcategories, EU AI Act articles 1-113, ISO/IEC 42001 clauses and Annex A)." "Use the suggested id, spelt as docs/exports.md lists them (`A.5.15`, `CC6.1`, `GOVERN 1.1`, `Art. 13`).";
    UNACCEPTABLE_IN_USE = "E056" "unacceptable-in-use" Error "A system whose declared or implied tier is `unacceptable` (an EU AI Act Art. 5 practice in `usage.practices`) is not `lifecycle: retired`." "Stop and retire the system (`lifecycle: retired`, `retired:` date, `retirement:`), or remove the practice from its design and from `usage.practices`.";
    AI_ACT_ROLES_CONFLICT = "E057" "ai-act-roles-conflict" Error "A system sets both `ai_act_role` and `ai_act_roles`, or lists `none` next to another EU AI Act role." "Write the roles once, as `ai_act_roles: [provider, deployer]`; `none` stands alone.";
    RETIRED_DATE_CONFLICT = "E058" "retired-date-conflict" Error "A system has a `retired:` date but its `lifecycle` is not `retired`." "Set `lifecycle: retired`, or remove `retired:` until the system is retired.";
    REVIEW_INPUT_MISSING = "E063" "review-input-missing" Error "A management review does not address one of the clause 9.3.2 inputs (the key is absent or blank), or names an input 9.3.2 does not have." "Add each input under `inputs:` with how the review considered it (see docs/content.md for the seven keys).";
    CLOSED_WITHOUT_EFFECTIVENESS = "E064" "closed-without-effectiveness" Error "A nonconformity with `status: closed` records no `effectiveness` check of its corrective action." "Record in `effectiveness:` how and when the action was checked to work, or reopen it.";
    FINDING_WITHOUT_NONCONFORMITY = "E065" "finding-without-nonconformity" Error "An audit finding of `kind: nonconformity` names no `nonconformity:` from `registers/nonconformities.yaml`." "Raise the nonconformity in `registers/nonconformities.yaml` and name its id in the finding.";
    INCOMPLETE_AUDIT_RECORD = "E066" "incomplete-audit-record" Error "A completed internal audit records no `auditor` or no `independence` statement." "Name the auditor and say why they are objective and impartial (they do not audit their own work).";
    LIBRARY_DUPLICATE_ID = "E073" "library-duplicate-id" Error "Two entries of the answer library (`registers/answers.yaml`) share a question id (case and spacing ignored)." "Keep one entry per question id: merge their claims into one entry.";
    LIBRARY_CLAIM_PATH = "E074" "library-claim-path" Error "A claim in the answer library is not a root-relative permalink path (a full URL, a bare id, a path with spaces)." "Write the claim as `vouch links` prints it without the base URL: `/faq/opt-out/`, `/policies/x/#section`.";
    LIBRARY_INCOMPLETE_ENTRY = "E075" "library-incomplete-entry" Error "An answer library entry has no question wording or no claims." "Give the question as asked and at least one claim, or delete the entry.";
    STALE_EVIDENCE = "W001" "stale-evidence" Warning "Evidence whose `collected` date plus `review_every` lies before today." "Collect the evidence again and update `collected`.";
    REVIEW_OVERDUE = "W002" "review-overdue" Warning "A document or risk whose approval or review date plus `review_every` lies before today." "Review it, then update `approved` (documents) or `reviewed` (risks).";
    OUT_OF_LOOP_RATIONALE = "W003" "out-of-loop-rationale" Warning "A high-tier system runs `human-out-of-the-loop`; a rationale is recorded but auditors will ask." "Prefer human oversight for high-tier systems; keep the rationale current.";
    VAGUE_LANGUAGE = "W004" "vague-language" Warning "A policy or the scope uses a phrase an auditor cannot test (\"appropriate\", \"regularly\" ...)." "Say who does what and how often; or add `lint_allow: [vague-language]`.";
    FUTURE_DATE = "W005" "future-date" Warning "A date that records something done (`approved`, `collected`, `reviewed`, `measured`, `raised`, `closed`, a certification's `issued`, a completed audit's or a management review's `date`) lies after today." "Write the date it happened; dates still to come belong in `expires` or `target`.";
    LONG_REVIEW_PERIOD = "W006" "long-review-period" Warning "A `review_every` period is longer than 3 years, so the next review is far out (often a typo such as `120 months`)." "Review at least every 3 years; 12 months is usual.";
    UNDECLARED_ROLE = "W007" "undeclared-role" Warning "A system's `roles:` names an ISO/IEC 22989 role that `site.yaml` `roles:` does not declare for the organisation." "Add the role to `roles:` in site.yaml, or correct the system's `roles:`.";
    LIMITED_WITHOUT_NOTICE = "W011" "limited-without-notice" Warning "A system of tier `limited` (people interact with it or see what it generates) has no transparency `notice` (EU AI Act Art. 50)." "Write a notice in `notices/`, list the system in its `systems:`, and set `notice:` on the system.";
    HIGH_TIER_WITHOUT_OWNER = "W012" "high-tier-without-owner" Warning "A system of tier `high` or above names no accountable `owner`." "Add `owner:` naming the accountable role, e.g. `owner: Head of Talent Acquisition`.";
    ROLE_MISMATCH = "W013" "role-mismatch" Warning "A system's ISO/IEC 22989 `roles` do not fit the role relationships: no role that builds, provides or uses it, an EU AI Act deployer that is not an AI customer or user, or an EU AI Act provider that is not an AI provider or producer." "Correct `roles:` or the EU AI Act roles so they describe the same relationship to the system.";
    OBJECTIVE_OVERDUE = "W017" "objective-overdue" Warning "An AI objective's `due` date has passed while its status is still planned, on-track or at-risk." "Record the outcome (`achieved` or `missed`), or set a new `due` date with the reason.";
    OBJECTIVE_UNMEASURED = "W018" "objective-unmeasured" Warning "An AI objective has no `measure`, or no `current` value with the date it was `measured`." "Say how the objective is measured and record the latest value with its date.";
    ROLE_WITHOUT_COMPETENCE = "W019" "role-without-competence" Warning "Once `registers/competence.yaml` has an entry: a role named as `owner` somewhere has no competence record." "Add a competence record with `role:` spelt as the owner is, or correct the owner.";
    STALE_MONITORING = "W020" "stale-monitoring" Warning "A monitoring result whose `measured` date plus `frequency` lies before today (the evidence freshness rule)." "Take the measurement again and update `result` and `measured`.";
    AUDIT_PROGRAMME_GAP = "W021" "audit-programme-gap" Warning "The internal audit programme (`registers/audits.yaml`) does not cover a clause 4-10 sub-clause or an applicable Annex A control within the certification cycle (3 years unless `site.yaml` `certification_cycle` says otherwise)." "Plan an audit whose `clauses:` or `controls:` include what is listed.";
    CORRECTIVE_ACTION_OVERDUE = "W022" "corrective-action-overdue" Warning "An open nonconformity's corrective action is past its `due` date (an error with `--strict`)." "Complete the action and close it with its effectiveness check, or agree a new `due` date.";
    AUDIT_OVERDUE = "W023" "audit-overdue" Warning "A planned internal audit's `date` has passed and it is not recorded as completed or cancelled." "Record the audit as `completed` with its findings, or re-plan it with a new `date`.";
    LIBRARY_STALE_CLAIM = "W025" "library-stale-claim" Warning "An answer library entry cites a claim that no edition publishes any more (deleted or renamed); `vouch answer` reports it and does not cite it." "Replace it with the claim that answers the question now (`vouch links --edition internal`), or remove it.";
    MALFORMED_LANG = "W027" "malformed-lang" Warning "A document's `lang:` or a heading's `{lang=...}` is not a language tag such as `de`, `fr` or `pt-BR`, so browsers and screen readers cannot use it." "Write a BCP 47 language tag: two or three letters, optionally followed by `-` and a region or script (`de`, `fr-CA`).";
    REQUEST_ACCESS_URL = "W028" "request-access-url" Warning "`site.yaml` `request_access` is not an `https://`, `http://` or `mailto:` address with something after the scheme; the home page's Request access link is left out until it is." "Write the address of the access-request form (`https://...`) or a `mailto:` address.";
    PASSAGE_IN_FOLDED_FIELD = "W029" "passage-in-folded-field" Warning "A register Markdown field that holds `:::` passage markers is written as a YAML folded scalar (`>`), which joins lines: a passage that builds today can fall into text or code after a small edit (most `E042` cases in register fields start this way)." "Write the field as a literal block scalar: `answer: |` instead of `answer: >` (the text then keeps its lines as written).";
}

/// One finding, located in a source file.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    #[serde(skip)]
    pub rule: &'static Rule,
    pub severity: Severity,
    /// Path relative to the project root, with `/` separators.
    pub file: String,
    /// 1-based; 0 when the finding concerns the whole file.
    pub line: usize,
    /// 1-based, counted in characters.
    pub column: usize,
    #[serde(skip)]
    pub len: usize,
    pub message: String,
    pub help: Option<String>,
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// `E012 control-without-evidence`.
    pub fn code(&self) -> String {
        format!("{} {}", self.rule.code, self.rule.name)
    }

    /// The JSON form: one object, one line (see [`JsonDiagnostic`]).
    pub fn to_json(&self) -> String {
        // Serialising plain strings and numbers cannot fail.
        serde_json::to_string(&JsonDiagnostic::from(self)).unwrap_or_default()
    }
}

/// One line of `check --format json`. The fields are in alphabetical order,
/// the order the format has always had, so existing consumers see no change.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'static str,
    pub column: usize,
    pub file: &'a str,
    pub help: Option<&'a str>,
    pub line: usize,
    pub message: &'a str,
    pub rule: &'static str,
    pub severity: Severity,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            code: d.rule.code,
            column: d.column,
            file: &d.file,
            help: d.help.as_deref(),
            line: d.line,
            message: &d.message,
            rule: d.rule.name,
            severity: d.severity,
        }
    }
}

/// Sort key so output is stable: by file, then position, then code.
fn sort_key(d: &Diagnostic) -> (String, usize, usize, &'static str) {
    (d.file.clone(), d.line, d.column, d.rule.code)
}

/// Sorts and de-duplicates diagnostics in place.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by_key(sort_key);
    diags.dedup_by(|a, b| {
        a.rule.code == b.rule.code
            && a.file == b.file
            && a.line == b.line
            && a.column == b.column
            && a.message == b.message
    });
}

/// Turns warnings into errors (`--strict`).
pub fn make_strict(diags: &mut [Diagnostic]) {
    for d in diags {
        d.severity = Severity::Error;
    }
}

/// Counts of (errors, warnings).
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let e = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (e, diags.len() - e)
}

/// Renders diagnostics grouped by file, compiler style, with a summary line.
pub fn render_human(diags: &[Diagnostic], color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diags {
        by_file.entry(&d.file).or_default().push(d);
    }
    let mut out = String::new();
    for group in by_file.values() {
        for d in group {
            let (label, col) = match d.severity {
                Severity::Error => ("error", "1;31"),
                Severity::Warning => ("warning", "1;33"),
            };
            let _ = writeln!(
                out,
                "{}{} {}",
                paint(col, &format!("{label}[{}]", d.rule.code)),
                paint("1", &format!(" {}:", d.rule.name)),
                d.message
            );
            let pos = if d.line > 0 {
                format!("{}:{}:{}", d.file, d.line, d.column)
            } else {
                d.file.clone()
            };
            let _ = writeln!(out, "  {} {pos}", paint("1;34", "-->"));
            if let Some(src) = &d.source_line {
                let num = d.line.to_string();
                let pad = " ".repeat(num.len());
                let caret_pad: String = src
                    .chars()
                    .take(d.column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let carets = "^".repeat(d.len.max(1));
                let _ = writeln!(out, "{pad} {}", paint("1;34", "|"));
                let _ = writeln!(out, "{} {} {src}", paint("1;34", &num), paint("1;34", "|"));
                let _ = writeln!(
                    out,
                    "{pad} {} {caret_pad}{}",
                    paint("1;34", "|"),
                    paint(col, &carets)
                );
            }
            if let Some(help) = &d.help {
                let _ = writeln!(out, "  {} {help}", paint("1;36", "= help:"));
            }
            out.push('\n');
        }
    }
    out.push_str(&summary(diags));
    out.push('\n');
    out
}

/// `3 errors, 2 warnings in 4 files`.
pub fn summary(diags: &[Diagnostic]) -> String {
    let (e, w) = counts(diags);
    let files: std::collections::BTreeSet<&str> = diags.iter().map(|d| d.file.as_str()).collect();
    let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {} in {}",
        plural(e, "error"),
        plural(w, "warning"),
        plural(files.len(), "file")
    )
}

/// Version of the JSON lines format of `--format json`: one diagnostic
/// object per line, then one summary line. Raised when a field changes
/// meaning or disappears, not when one is added.
pub const JSON_FORMAT: u32 = 1;

/// The closing line of `check` for people: what was checked and what was
/// found, e.g. `checked 42 files: no problems` or `checked 42 files: 1 error,
/// 2 warnings in 3 files`.
pub fn checked_summary(diags: &[Diagnostic], files: usize) -> String {
    let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
    if diags.is_empty() {
        return format!("checked {}: no problems", plural(files, "file"));
    }
    format!("checked {}: {}", plural(files, "file"), summary(diags))
}

/// The last line of `--format json`:
/// `{"summary":{"errors":0,"warnings":0,"files_checked":42,"files_with_findings":0},"format":1}`.
/// Printed even when there is nothing to report, so a tool can tell a
/// clean run from one that printed nothing because it failed.
pub fn json_summary(diags: &[Diagnostic], files: usize) -> String {
    #[derive(Serialize)]
    struct Counts {
        errors: usize,
        warnings: usize,
        files_checked: usize,
        files_with_findings: usize,
    }
    #[derive(Serialize)]
    struct Line {
        summary: Counts,
        format: u32,
    }
    let (errors, warnings) = counts(diags);
    let with: std::collections::BTreeSet<&str> = diags.iter().map(|d| d.file.as_str()).collect();
    let line = Line {
        summary: Counts {
            errors,
            warnings,
            files_checked: files,
            files_with_findings: with.len(),
        },
        format: JSON_FORMAT,
    };
    // Serialising plain numbers cannot fail.
    serde_json::to_string(&line).unwrap_or_default()
}

/// The rule table as Markdown, for `docs/rules.md` and `vouch rules`.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# vouch rules\n\nGenerated by `vouch rules` from the table in `src/core/diagnostics.rs`; \
         a test keeps this file and the code in step.\n\n\
         Errors make `vouch check` and `vouch build` exit with status 1. Warnings do not, \
         unless `--strict` is given.\n\n\
         | code | rule | severity | triggered by | how to fix |\n|---|---|---|---|---|\n",
    );
    for r in RULES {
        let sev = match r.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} |",
            r.code, r.name, sev, r.trigger, r.fix
        );
    }
    out
}

/// Suggests the closest candidate to `wanted`, if one is close enough.
pub fn did_you_mean<'a, I>(wanted: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted_l = wanted.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted_l, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_codes_and_names_are_unique_and_kebab_case() {
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for r in RULES {
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            assert!(r
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()));
        }
    }

    #[test]
    fn suggests_close_field_names_only() {
        assert_eq!(
            did_you_mean("evidnce", ["evidence", "owner"]).as_deref(),
            Some("evidence")
        );
        assert_eq!(did_you_mean("zzz", ["evidence", "owner"]), None);
    }

    #[test]
    fn summary_counts_errors_warnings_and_files() {
        let d = |sev, file: &str| Diagnostic {
            rule: &rule::STALE_EVIDENCE,
            severity: sev,
            file: file.into(),
            line: 1,
            column: 1,
            len: 1,
            message: String::new(),
            help: None,
            source_line: None,
        };
        let v = vec![
            d(Severity::Error, "a"),
            d(Severity::Warning, "a"),
            d(Severity::Error, "b"),
        ];
        assert_eq!(summary(&v), "2 errors, 1 warning in 2 files");
    }
}
