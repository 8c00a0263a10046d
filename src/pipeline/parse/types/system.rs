//! The system-card types added for the EU AI Act and the card fields of
//! A.6.2.4 (kept apart so `types.rs` stays readable): Art. 5 practices,
//! Annex III areas, data uses, the usage that drives the tier, metrics, and
//! the type-error help of their fields.

use super::{opt_string_like, string_like, Decision, Domain, Shape};
use crate::core::date::Date;
use serde::{Deserialize, Serialize};

kebab_enum!(
    /// The practices EU AI Act Art. 5(1)(a)-(h) prohibits, one word each.
    Practice { ManipulativeTechniques = "manipulative-techniques", ExploitingVulnerabilities = "exploiting-vulnerabilities",
        SocialScoring = "social-scoring", CrimeRiskProfiling = "crime-risk-profiling",
        UntargetedFacialScraping = "untargeted-facial-scraping",
        EmotionRecognitionAtWorkOrSchool = "emotion-recognition-at-work-or-school",
        BiometricCategorisation = "biometric-categorisation",
        RealTimeRemoteBiometricIdentification = "real-time-remote-biometric-identification" }
);
kebab_enum!(
    /// The eight high-risk areas of EU AI Act Annex III.
    AnnexIII { Biometrics = "biometrics", CriticalInfrastructure = "critical-infrastructure", Education = "education",
        Employment = "employment", EssentialServices = "essential-services", LawEnforcement = "law-enforcement",
        Migration = "migration", Justice = "justice" }
);
kebab_enum!(
    /// What a data source is used for in the system's life cycle.
    DataUse { Training = "training", Evaluation = "evaluation", Inference = "inference" }
);

/// How an AI system is used: drives the implied risk tier.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    pub domain: Domain,
    pub decision: Decision,
    #[serde(default)]
    pub affected: Vec<String>,
    #[serde(default, deserialize_with = "opt_string_like")]
    pub scale: Option<String>,
    /// EU AI Act Art. 5 practices the system performs: any implies `unacceptable`.
    #[serde(default)]
    pub practices: Vec<Practice>,
    /// EU AI Act Annex III areas the system falls in: any implies `high`.
    #[serde(default)]
    pub annex_iii: Vec<AnnexIII>,
    /// People interact with the system directly (a chat, a voice): implies `limited`.
    #[serde(default)]
    pub interacts_with_people: bool,
    /// The system generates text, images, audio or video people see: implies `limited`.
    #[serde(default)]
    pub generates_content: bool,
}

/// A data source of a system.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DataSource {
    pub name: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub basis: Option<String>,
    #[serde(default)]
    pub known_gaps: Option<String>,
    /// What the source is used for (`[training]`, `[evaluation]`, `[inference]`);
    /// empty when not recorded, which exports never show as training data.
    #[serde(default, rename = "use")]
    pub uses: Vec<DataUse>,
}

/// A performance metric with its acceptance criterion (A.6.2.4).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub name: String,
    #[serde(deserialize_with = "string_like")]
    pub value: String,
    /// The value the metric must reach for the system to be accepted, e.g. `>= 0.90`.
    #[serde(deserialize_with = "string_like")]
    pub criterion: String,
    /// The day the value was measured.
    pub date: Date,
}

/// Field, expected shape, and what the field holds, for the fields above
/// (searched after `FIELD_SHAPES`).
pub(super) const SYSTEM_FIELD_SHAPES: &[(&str, Shape, &str)] = {
    use Shape::*;
    &[
        (
            "practices",
            List,
            "a list of EU AI Act Art. 5 practices, e.g. `[social-scoring]`",
        ),
        (
            "annex_iii",
            List,
            "a list of EU AI Act Annex III areas, e.g. `[employment]`",
        ),
        (
            "ai_act_roles",
            List,
            "a list of EU AI Act roles, e.g. `[provider, deployer]`",
        ),
        (
            "use",
            List,
            "a list of uses, e.g. `[training, evaluation]` or `[inference]`",
        ),
        (
            "metrics",
            List,
            "a list of metrics, each a `- name: ...` entry with `value:`, `criterion:` and `date:`",
        ),
    ]
};
