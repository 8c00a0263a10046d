//! The source data model: one struct per file kind, field names exactly as in
//! the product spec. Unknown fields are rejected so that typos are caught.

use crate::core::date::{Date, Period};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

macro_rules! kebab_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $( #[serde(rename = $s)] $variant, )* }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The spelling used in YAML.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s,)* } }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}
pub(crate) use kebab_enum;

kebab_enum!(
    /// Implementation status of an applicable control.
    Status { Implemented = "implemented", Partial = "partial", Planned = "planned", NotStarted = "not-started" }
);
kebab_enum!(
    /// What an evidence `location` means.
    EvidenceKind { File = "file", Url = "url", Ticket = "ticket", Attestation = "attestation", Document = "document" }
);
kebab_enum!(
    /// Risk treatment option.
    Treatment { Mitigate = "mitigate", Accept = "accept", Transfer = "transfer", Avoid = "avoid" }
);
kebab_enum!(
    /// What a supplier provides.
    SupplierKind { Model = "model", Platform = "platform", Data = "data", Service = "service" }
);
kebab_enum!(
    /// AI system life cycle stage (ISO/IEC 22989).
    Lifecycle { Intent = "intent", Design = "design", Data = "data", Training = "training", Validation = "validation",
        Deployed = "deployed", Monitoring = "monitoring", Retired = "retired" }
);
kebab_enum!(
    /// ISO/IEC 22989 role groups the organisation plays.
    IsoRole { Provider = "provider", Producer = "producer", User = "user", Customer = "customer", Partner = "partner", Subject = "subject" }
);
kebab_enum!(
    /// EU AI Act Art. 3 operator role.
    AiActRole { Provider = "provider", Deployer = "deployer", Importer = "importer", Distributor = "distributor",
        AuthorisedRepresentative = "authorised-representative", None = "none" }
);
kebab_enum!(
    /// Domain of use, which drives the usage-based risk tier.
    Domain { General = "general", Employment = "employment", Credit = "credit", Healthcare = "healthcare",
        Education = "education", EssentialServices = "essential-services", LawEnforcement = "law-enforcement",
        Migration = "migration", Justice = "justice", Biometrics = "biometrics",
        CriticalInfrastructure = "critical-infrastructure", Political = "political", Insurance = "insurance" }
);
kebab_enum!(
    /// Consequence of the system's output for the affected person.
    Decision { None = "none", Informational = "informational", Significant = "significant", Legal = "legal" }
);
kebab_enum!(
    /// Human oversight mode.
    OversightMode { HumanInTheLoop = "human-in-the-loop", HumanOnTheLoop = "human-on-the-loop",
        HumanInCommand = "human-in-command", HumanOutOfTheLoop = "human-out-of-the-loop" }
);
kebab_enum!(
    /// Risk tier, in increasing order of severity.
    Tier { Minimal = "minimal", Limited = "limited", High = "high", Unacceptable = "unacceptable" }
);
kebab_enum!(
    /// Certification status.
    CertStatus { Certified = "certified", InProgress = "in-progress", Planned = "planned" }
);

/// Reads a scalar as text in its source spelling (`version: 1.0` is "1.0",
/// `clauses: [5.10]` is "5.10"): the YAML reader hands every scalar asked for
/// as text over as written, so numbers are never printed back from a float.
fn string_like<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d)
}

pub(super) fn opt_string_like<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    string_like(d).map(Some)
}

pub(super) fn vec_string_like<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct W(#[serde(deserialize_with = "string_like")] String);
    Ok(Vec::<W>::deserialize(d)?.into_iter().map(|w| w.0).collect())
}

/// `content/site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub organisation: String,
    pub base_url: String,
    #[serde(default = "default_editions")]
    pub editions: Vec<String>,
    pub contact: String,
    #[serde(default)]
    pub security_contact: Option<String>,
    #[serde(default)]
    pub roles: Vec<IsoRole>,
    #[serde(default)]
    pub frameworks: Vec<String>,
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default)]
    pub certifications: Vec<Certification>,
    /// One paragraph shown under the organisation's name on the home page.
    #[serde(default)]
    pub description: Option<String>,
    /// Lowest edition that shows the aggregate readiness figures (default: internal only).
    #[serde(default)]
    pub readiness_visibility: Option<String>,
    /// The certification cycle the internal audit programme must cover
    /// (default 3 years).
    #[serde(default)]
    pub certification_cycle: Option<Period>,
    /// Where a reader asks for the higher editions (an NDA form or a
    /// `mailto:`), shown as the home page's "Request access" link in every
    /// edition but the top one. Only `http(s)://` and `mailto:` are published.
    #[serde(default)]
    pub request_access: Option<String>,
}

impl SiteConfig {
    /// `request_access` when it may be published as a link (see
    /// [`request_access_ok`]); `None` when absent or not a safe address.
    pub fn request_access_link(&self) -> Option<&str> {
        self.request_access
            .as_deref()
            .filter(|t| request_access_ok(t))
    }
}

/// True when `target` may be published as the "Request access" link: an
/// `https://`, `http://` or `mailto:` address with something after the
/// scheme and no whitespace, control character or line separator. Anything
/// else (`javascript:`, a bare path, a typo) is left out, never guessed at.
pub fn request_access_ok(target: &str) -> bool {
    let lower = target.to_ascii_lowercase();
    let rest = ["https://", "http://", "mailto:"]
        .iter()
        .find_map(|p| lower.strip_prefix(p));
    matches!(rest, Some(r) if !r.is_empty())
        && !target.chars().any(|c| c.is_whitespace() || breaks_line(c))
}

/// True when `c` would end a line or smuggle an invisible command into a
/// plain-text file: every Unicode control character and the line separators.
pub fn breaks_line(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// The default edition ladder.
pub fn default_editions() -> Vec<String> {
    vec!["public".into(), "customer".into(), "internal".into()]
}

/// A certification badge on the trust overview.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    pub name: String,
    pub status: CertStatus,
    #[serde(default)]
    pub issued: Option<Date>,
    #[serde(default)]
    pub expires: Option<Date>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default, deserialize_with = "opt_string_like")]
    pub target: Option<String>,
}

/// Front matter of a Markdown document.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    #[serde(default)]
    pub id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub approved_by: Option<String>,
    #[serde(default, deserialize_with = "opt_string_like")]
    pub version: Option<String>,
    #[serde(default)]
    pub approved: Option<Date>,
    #[serde(default)]
    pub review_every: Option<Period>,
    #[serde(default, deserialize_with = "vec_string_like")]
    pub clauses: Vec<String>,
    #[serde(default)]
    pub controls: Vec<String>,
    #[serde(default)]
    pub systems: Vec<String>,
    /// Risks an impact assessment raised (shown on both pages).
    #[serde(default)]
    pub risks: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub lint_allow: Vec<String>,
    /// The language of the whole document (a BCP 47 tag such as `de`), when
    /// it is not the site's.
    #[serde(default)]
    pub lang: Option<String>,
}

/// One row of the Statement of Applicability.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlEntry {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    pub applicable: bool,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub implementation: Option<String>,
    #[serde(default)]
    pub justification: Option<String>,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub systems: Vec<String>,
    #[serde(default)]
    pub maps_to: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// An evidence item.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceEntry {
    pub id: String,
    pub title: String,
    pub kind: EvidenceKind,
    pub location: String,
    #[serde(default)]
    pub collected: Option<Date>,
    #[serde(default)]
    pub review_every: Option<Period>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    /// Publish a receipt (control, SHA-256, date) in lower editions.
    #[serde(default)]
    pub receipt: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `kind: document` only: the organisation's document-control system
    /// holding it (e.g. "SharePoint"); makes `location` an external reference.
    #[serde(default)]
    pub system: Option<String>,
    /// `kind: document` only: where an external document can be opened.
    #[serde(default)]
    pub url: Option<String>,
    /// AI systems this evidence covers: a control page groups its evidence by them.
    #[serde(default)]
    pub systems: Vec<String>,
}

/// An AI risk.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskEntry {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub systems: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub likelihood: i64,
    pub impact: i64,
    pub treatment: Treatment,
    #[serde(default)]
    pub controls: Vec<String>,
    #[serde(default)]
    pub residual_likelihood: Option<i64>,
    #[serde(default)]
    pub residual_impact: Option<i64>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub review_every: Option<Period>,
    #[serde(default)]
    pub reviewed: Option<Date>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A third-party supplier.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplierEntry {
    pub id: String,
    pub name: String,
    pub kind: SupplierKind,
    #[serde(default)]
    pub provides: Option<String>,
    #[serde(default)]
    pub location: Vec<String>,
    #[serde(default)]
    pub data_use: Option<String>,
    #[serde(default)]
    pub assessed: Option<Date>,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A question and its answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqEntry {
    pub id: String,
    pub question: String,
    pub answer: String,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub matches: Vec<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Human oversight of an AI system.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Oversight {
    pub mode: OversightMode,
    #[serde(default)]
    pub rationale: Option<String>,
}

/// A model a system uses.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelRef {
    pub name: String,
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default, deserialize_with = "opt_string_like")]
    pub version: Option<String>,
}

/// An AI system card (`registers/systems/<id>.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemCard {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub purpose: Option<String>,
    pub lifecycle: Lifecycle,
    #[serde(default)]
    pub deployed: Option<Date>,
    #[serde(default)]
    pub roles: Vec<IsoRole>,
    /// The single-valued form kept for content written before `ai_act_roles`.
    #[serde(default)]
    pub ai_act_role: Option<AiActRole>,
    /// EU AI Act roles the organisation plays for this system, e.g. `[provider, deployer]`.
    #[serde(default)]
    pub ai_act_roles: Vec<AiActRole>,
    /// The deployer is a public body or a private entity providing public
    /// services (one of the EU AI Act Art. 27 triggers of a FRIA).
    #[serde(default)]
    pub public_service: bool,
    pub usage: Usage,
    pub oversight: Oversight,
    pub risk_tier: Tier,
    #[serde(default)]
    pub models: Vec<ModelRef>,
    #[serde(default)]
    pub data: Vec<DataSource>,
    #[serde(default)]
    pub impact_assessment: Option<String>,
    #[serde(default)]
    pub notice: Option<String>,
    #[serde(default)]
    pub controls: Vec<String>,
    #[serde(default)]
    pub risks: Vec<String>,
    #[serde(default)]
    pub retirement: Option<String>,
    /// The day the system was retired (with `lifecycle: retired`).
    #[serde(default)]
    pub retired: Option<Date>,
    /// Reasonably foreseeable misuse (Markdown).
    #[serde(default)]
    pub misuse: Option<String>,
    /// Known limitations (Markdown).
    #[serde(default)]
    pub limitations: Option<String>,
    /// How affected people contest an outcome or report a concern (Markdown).
    #[serde(default)]
    pub contest: Option<String>,
    /// Performance metrics with acceptance criteria.
    #[serde(default)]
    pub metrics: Vec<Metric>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

mod shapes;
mod system;
pub use shapes::*;
pub use system::*;
