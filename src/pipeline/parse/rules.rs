//! The domain rules that more than one stage or page needs, each with one
//! home on the type it is about: when a review or a piece of evidence falls
//! due, whether evidence is current, and the risk tier a usage implies.
//! Validation reports on them; pages, figures and exports show them.

use super::types::*;
use crate::core::date::{Date, Period};

/// The date a dated record falls due: `from` plus its period (None when
/// either is missing: an undated record has no due date).
fn due(from: Option<Date>, every: Option<Period>) -> Option<Date> {
    from.zip(every).map(|(d, p)| d.plus(p))
}

/// Whether an evidence item is within its review period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Collected, and not yet due again.
    Current,
    /// Past its due date (the date it went stale).
    Stale(Date),
    /// No `collected` date or no `review_every`: freshness cannot be told.
    Undated,
}

impl EvidenceEntry {
    /// When the evidence must be collected again.
    pub fn due(&self) -> Option<Date> {
        due(self.collected, self.review_every)
    }

    /// Whether the evidence is current on `today` (a due date equal to today
    /// is still current).
    pub fn freshness(&self, today: Date) -> Freshness {
        match self.due() {
            Some(d) if d < today => Freshness::Stale(d),
            Some(_) => Freshness::Current,
            None => Freshness::Undated,
        }
    }
}

/// What a `kind: document` evidence item names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentRef<'a> {
    /// A vouch document, by id: it must exist, and links where visible.
    Vouch(&'a str),
    /// The organisation's own controlled documented information (an id in
    /// its document-control system), shown as text.
    External(&'a str),
}

/// True for a location in vouch's id syntax: `[a-z0-9][a-z0-9-]*`.
fn is_vouch_id(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl EvidenceEntry {
    /// For `kind: document`: a location in vouch's id syntax without
    /// `system:` names a vouch document; any other location (capitals, `/`,
    /// `.`, spaces), or any location with `system:`, is an external
    /// reference. An exact rule, so a typo in a vouch id is caught, not guessed.
    pub fn document_ref(&self) -> Option<DocumentRef<'_>> {
        (self.kind == EvidenceKind::Document).then(|| {
            if self.system.is_none() && is_vouch_id(&self.location) {
                DocumentRef::Vouch(&self.location)
            } else {
                DocumentRef::External(&self.location)
            }
        })
    }
}

impl FrontMatter {
    /// When the document must be reviewed again.
    pub fn review_due(&self) -> Option<Date> {
        due(self.approved, self.review_every)
    }
}

impl RiskEntry {
    /// When the risk must be reviewed again.
    pub fn review_due(&self) -> Option<Date> {
        due(self.reviewed, self.review_every)
    }
}

/// One reason a usage implies its tier: the field that says so (for
/// diagnostics) and the reason in words (for the card, after "because").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierReason {
    pub field: String,
    pub text: String,
}

/// The minimum tier a usage implies and every reason for exactly that tier
/// (empty for `minimal`: nothing implies more).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpliedTier {
    pub tier: Tier,
    pub reasons: Vec<TierReason>,
}

impl ImpliedTier {
    /// The reasons as one phrase for a card or a help line.
    pub fn because(&self) -> String {
        if self.reasons.is_empty() {
            return "no field of its usage implies a higher tier".into();
        }
        let v: Vec<&str> = self.reasons.iter().map(|r| r.text.as_str()).collect();
        v.join("; and ")
    }

    /// The fields that imply the tier, e.g. `usage.domain: employment with usage.decision: significant`.
    pub fn fields(&self) -> String {
        let v: Vec<&str> = self.reasons.iter().map(|r| r.field.as_str()).collect();
        v.join(", ")
    }
}

impl Practice {
    /// The practice in words, with its Art. 5(1) point.
    pub fn label(self) -> &'static str {
        match self {
            Practice::ManipulativeTechniques => "manipulative or deceptive techniques, Art. 5(1)(a)",
            Practice::ExploitingVulnerabilities => "exploiting vulnerabilities of age, disability or social situation, Art. 5(1)(b)",
            Practice::SocialScoring => "social scoring, Art. 5(1)(c)",
            Practice::CrimeRiskProfiling => "predicting crime risk from profiling alone, Art. 5(1)(d)",
            Practice::UntargetedFacialScraping => "untargeted scraping of facial images, Art. 5(1)(e)",
            Practice::EmotionRecognitionAtWorkOrSchool => "emotion recognition in the workplace or in education, Art. 5(1)(f)",
            Practice::BiometricCategorisation => "biometric categorisation by sensitive characteristics, Art. 5(1)(g)",
            Practice::RealTimeRemoteBiometricIdentification => "real-time remote biometric identification in public spaces for law enforcement, Art. 5(1)(h)",
        }
    }
}

impl AnnexIII {
    /// The area in words, with its Annex III point.
    pub fn label(self) -> &'static str {
        match self {
            AnnexIII::Biometrics => "biometrics (point 1)",
            AnnexIII::CriticalInfrastructure => "critical infrastructure (point 2)",
            AnnexIII::Education => "education and vocational training (point 3)",
            AnnexIII::Employment => "employment and workers management (point 4)",
            AnnexIII::EssentialServices => {
                "access to essential private and public services (point 5)"
            }
            AnnexIII::LawEnforcement => "law enforcement (point 6)",
            AnnexIII::Migration => "migration, asylum and border control (point 7)",
            AnnexIII::Justice => "administration of justice and democratic processes (point 8)",
        }
    }
}

impl Domain {
    /// The Annex III area a domain of use lies in, if any (`healthcare` is
    /// regulated through Annex I products, `general` and `insurance` pricing
    /// only through point 5, which `essential-services` covers).
    pub fn annex_iii(self) -> Option<AnnexIII> {
        Some(match self {
            Domain::Employment => AnnexIII::Employment,
            Domain::Credit | Domain::Insurance | Domain::EssentialServices => {
                AnnexIII::EssentialServices
            }
            Domain::Education => AnnexIII::Education,
            Domain::LawEnforcement => AnnexIII::LawEnforcement,
            Domain::Migration => AnnexIII::Migration,
            Domain::Justice | Domain::Political => AnnexIII::Justice,
            Domain::Biometrics => AnnexIII::Biometrics,
            Domain::CriticalInfrastructure => AnnexIII::CriticalInfrastructure,
            Domain::General | Domain::Healthcare => return None,
        })
    }
}

impl Decision {
    /// A significant or legal effect on people.
    pub fn consequential(self) -> bool {
        matches!(self, Decision::Significant | Decision::Legal)
    }
}

impl Usage {
    /// The minimum tier this usage implies under `oversight`, with every
    /// reason for it. The tier follows how a system is used: Art. 5 practices,
    /// Annex III areas, the domain, the consequence of its output for people,
    /// whether a person reviews each consequential decision (oversight), and
    /// whether people interact with it or see what it generates. It never
    /// depends on how sensitive its data is.
    pub fn implied_tier(&self, oversight: OversightMode) -> ImpliedTier {
        let mut found: Vec<(Tier, TierReason)> = Vec::new();
        let mut add =
            |tier, field: String, text: String| found.push((tier, TierReason { field, text }));
        for p in &self.practices {
            add(
                Tier::Unacceptable,
                format!("usage.practices: {p}"),
                format!(
                    "it performs a practice the EU AI Act prohibits ({})",
                    p.label()
                ),
            );
        }
        for a in &self.annex_iii {
            add(
                Tier::High,
                format!("usage.annex_iii: {a}"),
                format!("it is used in an EU AI Act Annex III area: {}", a.label()),
            );
        }
        let (dom, dec) = (self.domain, self.decision);
        if dom == Domain::Political {
            add(
                Tier::High,
                "usage.domain: political".into(),
                "it is used for political content".into(),
            );
        } else if dom != Domain::General && dec.consequential() {
            add(
                Tier::High,
                format!("usage.domain: {dom} with usage.decision: {dec}"),
                format!(
                    "it is used in the {} domain with a {dec} effect on people",
                    dom.as_str().replace('-', " ")
                ),
            );
        }
        if dec.consequential() && oversight != OversightMode::HumanInTheLoop {
            add(Tier::High, format!("usage.decision: {dec} with oversight.mode: {oversight}"), format!("its output has a {dec} effect on people and no person reviews each decision before it takes effect ({oversight})"));
        }
        if self.interacts_with_people {
            add(
                Tier::Limited,
                "usage.interacts_with_people: true".into(),
                "people interact with it directly".into(),
            );
        }
        if self.generates_content {
            add(
                Tier::Limited,
                "usage.generates_content: true".into(),
                "it generates content people see".into(),
            );
        }
        let tier = found.iter().map(|(t, _)| *t).max().unwrap_or(Tier::Minimal);
        let reasons = found
            .into_iter()
            .filter(|(t, _)| *t == tier)
            .map(|(_, r)| r)
            .collect();
        ImpliedTier { tier, reasons }
    }
}

impl SystemCard {
    /// The tier this system's usage and oversight imply (see [`Usage::implied_tier`]).
    pub fn implied_tier(&self) -> ImpliedTier {
        self.usage.implied_tier(self.oversight.mode)
    }

    /// The EU AI Act roles recorded, from `ai_act_roles` or the older single
    /// `ai_act_role` (validation reports a system that sets both).
    pub fn ai_act_roles(&self) -> Vec<AiActRole> {
        let mut v = self.ai_act_roles.clone();
        v.extend(self.ai_act_role);
        v.sort();
        v.dedup();
        v
    }

    /// True when the organisation plays the EU AI Act role `r` for this system.
    pub fn has_ai_act_role(&self, r: AiActRole) -> bool {
        self.ai_act_role == Some(r) || self.ai_act_roles.contains(&r)
    }

    /// The Annex III areas the system falls in: those written in
    /// `usage.annex_iii`, and the area of its domain when its output has a
    /// significant or legal effect on people.
    pub fn annex_iii_areas(&self) -> Vec<AnnexIII> {
        let u = &self.usage;
        let mut v = u.annex_iii.clone();
        if u.decision.consequential() {
            v.extend(u.domain.annex_iii());
        }
        v.sort();
        v.dedup();
        v
    }

    /// Why the system is high-risk under the EU AI Act, in words (empty when
    /// it is not): its Annex III areas, or a health use with a significant
    /// effect, which the Act regulates through Annex I products (e.g. medical
    /// devices).
    pub fn ai_act_high_risk_basis(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .annex_iii_areas()
            .iter()
            .map(|a| format!("Annex III: {}", a.label()))
            .collect();
        if self.usage.domain == Domain::Healthcare && self.usage.decision.consequential() {
            v.push("a health use regulated as an Annex I product, such as a medical device".into());
        }
        v
    }

    /// Whether the system is high-risk under the EU AI Act (see
    /// [`SystemCard::ai_act_high_risk_basis`]); the usage tier can be high
    /// without it, e.g. a fully automated decision outside Annex III.
    pub fn ai_act_high_risk(&self) -> bool {
        !self.ai_act_high_risk_basis().is_empty()
    }

    /// Whether the Annex IV technical documentation outline applies: the
    /// organisation provides a high-risk system (Annex IV is a provider's
    /// duty; a deployer gets its own duties instead).
    pub fn needs_annex_iv(&self) -> bool {
        self.has_ai_act_role(AiActRole::Provider) && self.ai_act_high_risk()
    }

    /// Whether the deployer-duties list is exported: the organisation deploys
    /// a high-risk system (in place of Annex IV, which is the provider's).
    pub fn needs_deployer_duties(&self) -> bool {
        self.has_ai_act_role(AiActRole::Deployer) && self.ai_act_high_risk()
    }

    /// Whether EU AI Act Art. 27 asks the organisation for a fundamental
    /// rights impact assessment: a deployer of a high-tier system that is a
    /// public body or provides public services, or that scores credit or
    /// prices life or health insurance (Annex III 5(b)/(c)).
    pub fn needs_fria(&self) -> bool {
        self.has_ai_act_role(AiActRole::Deployer)
            && self.ai_act_high_risk()
            && (self.public_service
                || matches!(self.usage.domain, Domain::Credit | Domain::Insurance))
    }
}
