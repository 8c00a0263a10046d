//! System-card rules added for the usage tiers, the EU AI Act roles and the
//! ISO/IEC 22989 role relationships (the older system rules are in
//! `registers.rs`): each finding points at the field that decides it.

use crate::core::diagnostics::{rule, Diagnostic};
use crate::core::source::WithHelp;
use crate::pipeline::model::{Entity, Site};
use crate::pipeline::parse::types::*;

/// Runs every rule of this file over every system card.
pub(super) fn systems(site: &Site, d: &mut Vec<Diagnostic>) {
    for sys in &site.systems {
        unacceptable_in_use(site, sys, d);
        ai_act_roles(site, sys, d);
        retired_date(site, sys, d);
        limited_without_notice(site, sys, d);
        high_without_owner(site, sys, d);
        role_mismatch(site, sys, d);
    }
}

/// E056: a prohibited practice may be on record only for a retired system;
/// anything else would publish a card for a system the law forbids.
fn unacceptable_in_use(site: &Site, sys: &Entity<SystemCard>, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let c = &sys.data;
    let implied = c.implied_tier();
    let tier = c.risk_tier.max(implied.tier);
    if tier < Tier::Unacceptable || c.lifecycle == Lifecycle::Retired {
        return;
    }
    let (path, value, why): (&[&str], Option<String>, String) = match c.usage.practices.first() {
        Some(p) => (
            &["usage", "practices"],
            Some(p.as_str().to_string()),
            implied.because(),
        ),
        None => (
            &["risk_tier"],
            Some("unacceptable".into()),
            "its declared risk_tier is unacceptable".into(),
        ),
    };
    d.push(
        s.diag(
            &rule::UNACCEPTABLE_IN_USE,
            sys.loc.locate(s, path, value.as_deref()),
            format!(
                "system `{}` is {} but its tier is unacceptable: {why}",
                c.id, c.lifecycle
            ),
        )
        .help("an unacceptable system may only be on record as retired: set `lifecycle: retired` with `retired:` and `retirement:`, or remove the practice from the system and from `usage.practices`"),
    );
}

/// E057: the EU AI Act roles are written once, and `none` stands alone.
fn ai_act_roles(site: &Site, sys: &Entity<SystemCard>, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let c = &sys.data;
    if c.ai_act_role.is_some() && !c.ai_act_roles.is_empty() {
        d.push(
            s.diag(
                &rule::AI_ACT_ROLES_CONFLICT,
                sys.loc.locate(s, &["ai_act_role"], None),
                format!(
                    "system `{}` sets both `ai_act_role` and `ai_act_roles`",
                    c.id
                ),
            )
            .help("keep one: `ai_act_roles: [...]` holds every role (the single `ai_act_role` is the older form)"),
        );
        return;
    }
    let roles = c.ai_act_roles();
    if roles.contains(&AiActRole::None) && roles.len() > 1 {
        let field = if c.ai_act_roles.is_empty() {
            "ai_act_role"
        } else {
            "ai_act_roles"
        };
        d.push(
            s.diag(
                &rule::AI_ACT_ROLES_CONFLICT,
                sys.loc.locate(s, &[field], Some("none")),
                format!(
                    "system `{}` lists `none` next to another EU AI Act role",
                    c.id
                ),
            )
            .help("`none` means the EU AI Act does not apply to this system: remove it, or remove the other roles"),
        );
    }
}

/// E058 for a retirement date on a system that is not retired; W005 for a
/// retirement date after today.
fn retired_date(site: &Site, sys: &Entity<SystemCard>, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let c = &sys.data;
    let Some(date) = c.retired else { return };
    if c.lifecycle != Lifecycle::Retired {
        d.push(
            s.diag(
                &rule::RETIRED_DATE_CONFLICT,
                sys.loc.locate(s, &["retired"], None),
                format!(
                    "system `{}` has `retired: {date}` but `lifecycle: {}`",
                    c.id, c.lifecycle
                ),
            )
            .help("set `lifecycle: retired`, or remove `retired:` until the system is retired"),
        );
    }
    let what = format!("system `{}`", c.id);
    super::registers::future_date(s, &sys.loc, "retired", Some(date), site.today, &what, d);
}

/// W011: a limited-tier system owes people a notice that they deal with AI.
fn limited_without_notice(site: &Site, sys: &Entity<SystemCard>, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let c = &sys.data;
    let tier = c.risk_tier.max(c.implied_tier().tier);
    if tier != Tier::Limited || c.notice.is_some() || c.lifecycle == Lifecycle::Retired {
        return;
    }
    d.push(
        s.diag(
            &rule::LIMITED_WITHOUT_NOTICE,
            sys.loc.locate(s, &["risk_tier"], None),
            format!("limited-tier system `{}` has no transparency notice", c.id),
        )
        .help("people who interact with an AI system or see what it generates must be told (EU AI Act Art. 50): write notices/<id>.md listing the system in `systems:` and set `notice: <id>`"),
    );
}

/// W012: an accountable owner for every high-tier system (a warning first,
/// so content written before the rule keeps building).
fn high_without_owner(site: &Site, sys: &Entity<SystemCard>, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let c = &sys.data;
    if c.risk_tier < Tier::High || c.owner.as_deref().is_some_and(|o| !o.trim().is_empty()) {
        return;
    }
    d.push(
        s.diag(
            &rule::HIGH_TIER_WITHOUT_OWNER,
            sys.loc.locate(s, &["risk_tier"], None),
            format!("{}-tier system `{}` names no owner", c.risk_tier, c.id),
        )
        .help("add `owner:` naming the accountable role, e.g. `owner: Head of Talent Acquisition`"),
    );
}

/// The ISO/IEC 22989 role relationships a system's roles break, if any.
pub fn role_mismatches(c: &SystemCard) -> Vec<String> {
    use IsoRole::*;
    let has = |r| c.roles.contains(&r);
    let mut v = Vec::new();
    if !c.roles.is_empty() && ![Provider, Producer, Customer, User].into_iter().any(has) {
        v.push("none of its roles builds, provides or uses it (provider, producer, customer or user); partner and subject describe a relationship to someone else's system".to_string());
    }
    if c.has_ai_act_role(AiActRole::Deployer) && !has(Customer) && !has(User) {
        v.push("an EU AI Act deployer uses the system under its authority, which is the ISO/IEC 22989 AI customer (or its sub-role AI user), but neither is listed".to_string());
    }
    if c.has_ai_act_role(AiActRole::Provider) && !has(Provider) && !has(Producer) {
        v.push("an EU AI Act provider develops the system or places it on the market, which is the ISO/IEC 22989 AI provider or producer, but neither is listed".to_string());
    }
    v
}

/// W013: ISO/IEC 22989 roles against the role relationships of the domain
/// brief. Never an error: role judgements are the organisation's, and the
/// warning asks it to look again.
fn role_mismatch(site: &Site, sys: &Entity<SystemCard>, d: &mut Vec<Diagnostic>) {
    let s = &site.sources;
    let c = &sys.data;
    for why in role_mismatches(c) {
        d.push(
            s.diag(
                &rule::ROLE_MISMATCH,
                sys.loc.locate(s, &["roles"], None),
                format!("the roles of system `{}` do not fit: {why}", c.id),
            )
            .help("correct `roles:` (ISO/IEC 22989) or the EU AI Act roles so both describe the same relationship to the system"),
        );
    }
}
