//! Register checks: controls, systems, risks and certifications (evidence: `evidence.rs`).

use crate::core::catalogue;
use crate::core::date::{Date, Period, Unit};
use crate::core::diagnostics::{did_you_mean, rule, Diagnostic};
use crate::core::kinds::Kind;
use crate::core::source::{ItemLoc, Sources, Span, WithHelp};
use crate::pipeline::model::{Entity, Site};
use crate::pipeline::parse::types::*;

/// Checks the Statement of Applicability: each control's id, title and
/// status or justification, then that every Annex A control is listed.
pub(super) fn controls(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let cat = catalogue::get();
    for c in &site.controls {
        control_id_and_title(s, cat, c, d);
        control_status(s, c, d);
    }
    missing_annex_a(site, cat, d);
}

/// An Annex A id must be in the catalogue and take its title from it; an own
/// control must have a title.
fn control_id_and_title(
    s: &Sources,
    cat: &catalogue::Catalogue,
    c: &Entity<ControlEntry>,
    d: &mut Vec<Diagnostic>,
) {
    let e = &c.data;
    let annex = e.id.starts_with("A.");
    if annex && cat.control(&e.id).is_none() {
        let hint = match did_you_mean(&e.id, cat.controls.iter().map(|c| c.id.as_str())) {
            Some(m) => format!("did you mean `{m}`? own controls take ids outside `A.`"),
            None => "Annex A has 38 controls, A.2.2 to A.10.4; own controls take ids outside `A.`"
                .into(),
        };
        d.push(
            s.diag(
                &rule::UNKNOWN_ANNEX_A_CONTROL,
                c.loc.locate(s, &["id"], Some(&e.id)),
                format!("`{}` is not an ISO/IEC 42001 Annex A control", e.id),
            )
            .help(hint),
        );
    }
    if annex && e.title.is_some() {
        d.push(
            s.diag(
                &rule::CONTROL_TITLE,
                c.loc.locate(s, &["title"], None),
                format!(
                    "Annex A control `{}` takes its title from the catalogue",
                    e.id
                ),
            )
            .help("remove `title:`"),
        );
    }
    if !annex && e.title.is_none() {
        d.push(
            s.diag(
                &rule::CONTROL_TITLE,
                c.loc.locate(s, &["id"], Some(&e.id)),
                format!("own control `{}` has no title", e.id),
            )
            .help("add `title: ...`"),
        );
    }
}

/// An applicable control needs a status (and evidence once implemented or
/// partial); an excluded one needs a justification.
fn control_status(s: &Sources, c: &Entity<ControlEntry>, d: &mut Vec<Diagnostic>) {
    let e = &c.data;
    if e.applicable {
        match e.status {
            None => d.push(s.diag(&rule::MISSING_STATUS, c.loc.locate(s, &["applicable"], None), format!("applicable control `{}` has no status", e.id)).help("set `status:` to implemented, partial, planned or not-started")),
            Some(Status::Implemented | Status::Partial) if e.evidence.is_empty() => d.push(
                s.diag(&rule::CONTROL_WITHOUT_EVIDENCE, c.loc.locate(s, &["status"], None), format!("control `{}` is {} but lists no evidence", e.id, e.status.map(|x| x.as_str()).unwrap_or("")))
                    .help("add `evidence: [evidence-id]` linking an item of registers/evidence.yaml, or set status to planned"),
            ),
            _ => {}
        }
    } else if e
        .justification
        .as_deref()
        .is_none_or(|j| j.trim().is_empty())
    {
        d.push(s.diag(&rule::MISSING_JUSTIFICATION, c.loc.locate(s, &["applicable"], None), format!("control `{}` is excluded without a justification", e.id)).help("add `justification:` saying why the control does not apply (e.g. the role you do not play)"));
    }
}

/// Every catalogue Annex A control must appear in the Statement of
/// Applicability; the finding points at registers/controls.yaml.
fn missing_annex_a(site: &Site, cat: &catalogue::Catalogue, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    for a in &cat.controls {
        if !site.controls.iter().any(|c| c.id == a.id) {
            let file = site
                .sources
                .files
                .iter()
                .position(|f| f.rel.ends_with("registers/controls.yaml"));
            let msg = format!(
                "Annex A control {} \"{}\" is missing from the Statement of Applicability",
                a.id, a.title
            );
            let help = format!("add `- id: {}` with `applicable: true` and a status, or `applicable: false` and a justification", a.id);
            d.push(match file {
                Some(f) => s
                    .file_diag(&rule::MISSING_ANNEX_A_CONTROL, f, msg)
                    .help(help),
                None => crate::core::source::file_diag(
                    &rule::MISSING_ANNEX_A_CONTROL,
                    "content/registers/controls.yaml",
                    msg,
                )
                .help(help),
            });
        }
    }
}

pub(super) fn systems(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    for sys in &site.systems {
        let c = &sys.data;
        let implied = c.implied_tier();
        if c.risk_tier < implied.tier {
            let t = implied.tier;
            d.push(
                s.diag(&rule::TIER_BELOW_USAGE, sys.loc.locate(s, &["risk_tier"], Some(c.risk_tier.as_str())), format!("system `{}` declares risk_tier {} but its usage implies at least {t}", c.id, c.risk_tier))
                    .help(format!("{} implies {t}: set `risk_tier: {t}` (the tier follows how the system is used, not how sensitive its data is)", implied.fields())),
            );
        }
        let high = c.risk_tier >= Tier::High;
        let head = || sys.loc.locate(s, &["risk_tier"], None);
        if high && c.impact_assessment.is_none() {
            d.push(
                s.diag(
                    &rule::HIGH_TIER_WITHOUT_ASSESSMENT,
                    head(),
                    format!("high-tier system `{}` has no impact assessment", c.id),
                )
                .help("write assessments/<id>.md and set `impact_assessment: <id>`"),
            );
        }
        if high && c.notice.is_none() {
            d.push(
                s.diag(
                    &rule::HIGH_TIER_WITHOUT_NOTICE,
                    head(),
                    format!("high-tier system `{}` has no transparency notice", c.id),
                )
                .help("write notices/<id>.md and set `notice: <id>`"),
            );
        } else if c.notice.is_none() && c.roles.contains(&IsoRole::Provider) {
            d.push(s.diag(&rule::PROVIDER_WITHOUT_NOTICE, sys.loc.locate(s, &["roles"], Some("provider")), format!("system `{}` is provided by the organisation but has no notice", c.id)).help("providers owe users and affected people a notice: write notices/<id>.md and set `notice:`"));
        }
        if high && c.oversight.mode == OversightMode::HumanOutOfTheLoop {
            let span = sys
                .loc
                .locate(s, &["oversight", "mode"], Some("human-out-of-the-loop"));
            match c.oversight.rationale.as_deref().filter(|r| !r.trim().is_empty()) {
                None => d.push(s.diag(&rule::OUT_OF_LOOP_HIGH_TIER, span, format!("high-tier system `{}` runs without human oversight and gives no rationale", c.id)).help("choose human-in-the-loop, human-on-the-loop or human-in-command, or explain why not in `oversight.rationale`")),
                Some(_) => d.push(s.diag(&rule::OUT_OF_LOOP_RATIONALE, span, format!("high-tier system `{}` runs without human oversight", c.id)).help("auditors will test this rationale; prefer human oversight for high-tier systems")),
            }
        }
        if c.lifecycle == Lifecycle::Retired
            && c.retirement.as_deref().is_none_or(|r| r.trim().is_empty())
        {
            d.push(s.diag(&rule::RETIRED_WITHOUT_RETIREMENT, sys.loc.locate(s, &["lifecycle"], Some("retired")), format!("retired system `{}` has no retirement section", c.id)).help("add `retirement: |` describing decommissioning, data deletion or archiving, and model disposal"));
        }
        for (field, kind, target) in [
            ("impact_assessment", Kind::Assessment, &c.impact_assessment),
            ("notice", Kind::Notice, &c.notice),
        ] {
            let Some(t) = target else { continue };
            if let Some(doc) = site
                .docs
                .iter()
                .find(|doc| doc.kind == kind && &doc.id == t)
            {
                if !doc.data.front.systems.contains(&c.id) {
                    d.push(
                        s.diag(
                            &rule::COVERAGE_NOT_RECIPROCAL,
                            sys.loc.locate(s, &[field], Some(t)),
                            format!(
                                "{} `{t}` does not list system `{}` in its `systems`",
                                kind.name(),
                                c.id
                            ),
                        )
                        .help(format!(
                            "add `{}` to `systems:` in the front matter of `{t}`",
                            c.id
                        )),
                    );
                }
            }
        }
    }
}

pub(super) fn risks(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    for r in &site.risks {
        let e = &r.data;
        if e.treatment == Treatment::Mitigate && e.controls.is_empty() {
            d.push(s.diag(&rule::MITIGATE_WITHOUT_CONTROLS, r.loc.locate(s, &["treatment"], Some("mitigate")), format!("risk `{}` is mitigated by no control", e.id)).help("list the mitigating controls in `controls: [...]`, or choose another treatment"));
        }
        for (field, v) in [
            ("likelihood", Some(e.likelihood)),
            ("impact", Some(e.impact)),
            ("residual_likelihood", e.residual_likelihood),
            ("residual_impact", e.residual_impact),
        ] {
            if let Some(v) = v.filter(|v| !(1..=5).contains(v)) {
                d.push(
                    s.diag(
                        &rule::SCORE_OUT_OF_RANGE,
                        r.loc.locate(s, &[field], Some(&v.to_string())),
                        format!("{field} {v} is outside 1-5"),
                    )
                    .help("use 1 (rare / negligible) to 5 (almost certain / severe)"),
                );
            }
        }
        if let Some(due) = e.review_due() {
            if due < site.today {
                d.push(
                    s.diag(
                        &rule::REVIEW_OVERDUE,
                        r.loc.locate(s, &["reviewed"], None),
                        format!("risk `{}` was due for review on {due}", e.id),
                    )
                    .help("review the risk and update `reviewed:`"),
                );
            }
        }
    }
}

pub(super) fn certifications(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    if let Some(v) = &site.config.readiness_visibility {
        if !site.editions.contains(v) {
            let span = site
                .config_loc
                .locate(s, &["readiness_visibility"], Some(v));
            d.push(
                s.diag(
                    &rule::UNKNOWN_EDITION,
                    span,
                    format!("unknown edition `{v}`"),
                )
                .help(format!(
                    "editions declared in site.yaml: {}",
                    site.editions.join(", ")
                )),
            );
        }
    }
    if site.editions.is_empty() {
        d.push(
            s.diag(
                &rule::INVALID_VALUE,
                site.config_loc.locate(s, &["editions"], None),
                "no editions declared",
            )
            .help("list editions from lowest to highest access, e.g. [public, customer, internal]"),
        );
    }
    for c in &site.config.certifications {
        if let (CertStatus::Certified, Some(exp)) = (c.status, c.expires) {
            if exp < site.today {
                let span = site
                    .config_loc
                    .locate(s, &["certifications"], Some(&exp.to_string()));
                d.push(
                    s.diag(
                        &rule::CERTIFICATION_EXPIRED,
                        span,
                        format!("certification \"{}\" expired on {exp}", c.name),
                    )
                    .help("renew it and update `expires:`, or set `status: in-progress`"),
                );
            }
        }
    }
    // Later rules, in their own functions below.
    register_dates(site, d);
    undeclared_roles(site, d);
}

/// The longest review period that is not reported: three years, the length
/// of an ISO certification cycle. Anything longer is almost always a slip
/// (`120 months` for `12 months`) that would silently push the next review
/// decades out.
const MAX_REVIEW_DAYS: u64 = 3 * 366;

/// Roughly how many days `p` spans (a month as 31 days, a year as 366, so a
/// period of exactly three years is never reported).
fn period_days(p: Period) -> u64 {
    let n = u64::from(p.n);
    match p.unit {
        Unit::Days => n,
        Unit::Weeks => n * 7,
        Unit::Months => n * 31,
        Unit::Years => n * 366,
    }
}

/// W005 when `date` — the day something was done (approved, collected,
/// reviewed, issued) — lies after today: it would move the next due date
/// out without anyone having done the work. `field` is the YAML key.
pub(super) fn future_date(
    s: &Sources,
    loc: &ItemLoc,
    field: &str,
    date: Option<Date>,
    today: Date,
    what: &str,
    d: &mut Vec<Diagnostic>,
) {
    let Some(date) = date.filter(|x| *x > today) else {
        return;
    };
    d.push(
        s.diag(
            &rule::FUTURE_DATE,
            loc.locate(s, &[field], None),
            format!("{what} has `{field}: {date}`, after today ({today})"),
        )
        .help(format!(
            "`{field}` is the day it happened: write a date no later than today; a date still to come belongs in `expires` or `target`"
        )),
    );
}

/// W006 when a `review_every` period is longer than three years.
pub(super) fn long_review_period(
    s: &Sources,
    loc: &ItemLoc,
    every: Option<Period>,
    what: &str,
    d: &mut Vec<Diagnostic>,
) {
    let Some(every) = every.filter(|p| period_days(*p) > MAX_REVIEW_DAYS) else {
        return;
    };
    d.push(
        s.diag(
            &rule::LONG_REVIEW_PERIOD,
            loc.locate(s, &["review_every"], None),
            format!("{what} is reviewed only every {every}"),
        )
        .help("review at least every 3 years (`12 months` is usual); check the number for a typo"),
    );
}

/// Future dates and over-long review periods of the registers: evidence
/// (`collected`), risks (`reviewed`) and certifications (`issued`).
pub(super) fn register_dates(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    for ev in &site.evidence {
        let what = format!("evidence `{}`", ev.id);
        future_date(
            s,
            &ev.loc,
            "collected",
            ev.data.collected,
            site.today,
            &what,
            d,
        );
        long_review_period(s, &ev.loc, ev.data.review_every, &what, d);
    }
    for r in &site.risks {
        let what = format!("risk `{}`", r.id);
        future_date(s, &r.loc, "reviewed", r.data.reviewed, site.today, &what, d);
        long_review_period(s, &r.loc, r.data.review_every, &what, d);
    }
    for c in &site.config.certifications {
        let Some(issued) = c.issued.filter(|x| *x > site.today) else {
            continue;
        };
        let span = site
            .config_loc
            .locate(s, &["certifications"], Some(&issued.to_string()));
        d.push(
            s.diag(
                &rule::FUTURE_DATE,
                span,
                format!(
                    "certification \"{}\" was issued on {issued}, after today ({})",
                    c.name, site.today
                ),
            )
            .help("`issued` is the day the certificate was granted; a certification still to come is `status: in-progress` or `planned` with a `target`"),
        );
    }
}

/// W007 when a system plays an ISO/IEC 22989 role that `site.yaml` does not
/// declare for the organisation: the home page states the organisation's
/// roles, so a system that says otherwise makes one of the two wrong.
pub(super) fn undeclared_roles(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let declared = &site.config.roles;
    for sys in &site.systems {
        for role in sys.data.roles.iter().filter(|r| !declared.contains(r)) {
            let list = declared
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            d.push(
                s.diag(
                    &rule::UNDECLARED_ROLE,
                    sys.loc.locate(s, &["roles"], Some(role.as_str())),
                    format!(
                        "system `{}` plays the role `{role}`, which site.yaml does not declare for the organisation (roles: [{list}])",
                        sys.id
                    ),
                )
                .help(format!(
                    "add `{role}` to `roles:` in content/site.yaml, or remove it from this system's `roles:`"
                )),
            );
        }
    }
}

/// Passage problems in register Markdown fields, held to the same rules as
/// document bodies (a FAQ answer is published like a policy).
pub(super) fn markdown_fields(site: &Site, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    for (kind, id, field, text, loc) in site.markdown_fields() {
        let Some(md) = site.field_md.get(&(kind, id, field)) else {
            continue;
        };
        for e in &md.errors {
            let (r, msg, help) = super::documents::block_diagnostic(e);
            let span = field_span(s, &loc, field, &text, e.span());
            d.push(s.diag(r, span, msg).help(help));
        }
        if text.contains(":::") {
            folded_passage_field(s, &loc, field, d);
        }
    }
}

/// `W029`: a field holding passage markers written as a folded scalar (`>`),
/// whose line joining is where most misplaced markers in registers come from.
fn folded_passage_field(s: &Sources, loc: &ItemLoc, field: &str, d: &mut Vec<Diagnostic>) {
    let key = loc.locate(s, &[field], None);
    let text = s.get(loc.file).text();
    let line = text
        .get(key.offset..)
        .and_then(|t| t.lines().next())
        .unwrap_or_default();
    let folded = line
        .split_once(':')
        .is_some_and(|(_, value)| value.trim_start().starts_with('>'));
    if folded {
        let msg = format!("`{field}` holds `:::` passage markers but is a folded YAML scalar (`>`), which joins its lines");
        d.push(
            s.diag(&rule::PASSAGE_IN_FOLDED_FIELD, key, msg)
                .help(format!("write `{field}: |` instead of `{field}: >`")),
        );
    }
}

/// Where `range` of a field's (YAML-decoded) text is written in the file: the
/// same snippet, counted the same number of times, after the field's key; the
/// key itself when the snippet was reflowed beyond recognition.
fn field_span(
    s: &Sources,
    loc: &crate::core::source::ItemLoc,
    field: &str,
    text: &str,
    (offset, len): (usize, usize),
) -> Span {
    let key = loc.locate(s, &[field], None);
    let snippet = text
        .get(offset..offset + len)
        .and_then(|t| t.lines().next())
        .unwrap_or_default();
    if snippet.is_empty() {
        return key;
    }
    let nth = text[..offset].matches(snippet).count();
    let f = s.get(loc.file);
    let end = f
        .line_start(loc.lines.end.min(f.line_count()))
        .max(key.offset);
    let text = f.text();
    let region = text.get(key.offset..end).unwrap_or_default();
    match region.match_indices(snippet).nth(nth) {
        Some((at, _)) => Span {
            file: loc.file,
            offset: key.offset + at,
            len: snippet.len(),
        },
        None => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_not_data_drives_the_tier() {
        let u = |domain, decision| Usage {
            domain,
            decision,
            affected: vec![],
            scale: None,
            practices: vec![],
            annex_iii: vec![],
            interacts_with_people: false,
            generates_content: false,
        };
        let loop_ = OversightMode::HumanInTheLoop;
        let tier = |u: Usage, o| u.implied_tier(o).tier;
        assert_eq!(
            tier(u(Domain::Employment, Decision::Significant), loop_),
            Tier::High
        );
        assert_eq!(
            tier(u(Domain::Employment, Decision::Informational), loop_),
            Tier::Minimal
        );
        assert_eq!(
            tier(u(Domain::Political, Decision::None), loop_),
            Tier::High
        );
        assert_eq!(
            tier(u(Domain::General, Decision::Legal), loop_),
            Tier::Minimal
        );
        // Fully automated consequential decisions are high in any domain.
        let out = OversightMode::HumanOutOfTheLoop;
        assert_eq!(tier(u(Domain::General, Decision::Legal), out), Tier::High);
        assert_eq!(
            tier(u(Domain::General, Decision::Informational), out),
            Tier::Minimal
        );
        let mut p = u(Domain::General, Decision::None);
        p.practices = vec![Practice::EmotionRecognitionAtWorkOrSchool];
        assert_eq!(tier(p, loop_), Tier::Unacceptable);
        let mut a = u(Domain::General, Decision::None);
        a.annex_iii = vec![AnnexIII::Education];
        assert_eq!(tier(a, loop_), Tier::High);
        let mut l = u(Domain::General, Decision::None);
        l.interacts_with_people = true;
        let it = l.implied_tier(loop_);
        assert_eq!(it.tier, Tier::Limited);
        assert_eq!(it.because(), "people interact with it directly");
    }
}
