//! The kinds of entity vouch publishes, and the top-level paths they may not take.

/// Kind of entity: decides URL prefix, link scheme and templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Scope,
    Policy,
    Assessment,
    Notice,
    Page,
    Control,
    Evidence,
    Risk,
    Supplier,
    Faq,
    System,
    Objective,
    Competence,
    Monitoring,
    Audit,
    Review,
    Nonconformity,
}

impl Kind {
    /// Link scheme / singular name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Scope => "scope",
            Kind::Policy => "policy",
            Kind::Assessment => "assessment",
            Kind::Notice => "notice",
            Kind::Page => "page",
            Kind::Control => "control",
            Kind::Evidence => "evidence",
            Kind::Risk => "risk",
            Kind::Supplier => "supplier",
            Kind::Faq => "faq",
            Kind::System => "system",
            Kind::Objective => "objective",
            Kind::Competence => "competence",
            Kind::Monitoring => "monitoring",
            Kind::Audit => "audit",
            Kind::Review => "review",
            Kind::Nonconformity => "nonconformity",
        }
    }

    /// Human label, plural (section headings).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Scope => "Scope",
            Kind::Policy => "Policies",
            Kind::Assessment => "Impact assessments",
            Kind::Notice => "Transparency notices",
            Kind::Page => "Pages",
            Kind::Control => "Controls",
            Kind::Evidence => "Evidence",
            Kind::Risk => "Risks",
            Kind::Supplier => "Suppliers",
            Kind::Faq => "FAQ",
            Kind::System => "AI systems",
            Kind::Objective => "AI objectives",
            Kind::Competence => "Competence",
            Kind::Monitoring => "Monitoring and measurement",
            Kind::Audit => "Internal audits",
            Kind::Review => "Management reviews",
            Kind::Nonconformity => "Nonconformities and corrective actions",
        }
    }

    /// URL folder of the kind's pages (`None` for pages and scope at the root).
    pub fn folder(self) -> Option<&'static str> {
        match self {
            Kind::Scope | Kind::Page => None,
            Kind::Policy => Some("policies"),
            Kind::Assessment => Some("assessments"),
            Kind::Notice => Some("notices"),
            Kind::Control => Some("controls"),
            Kind::Evidence => Some("evidence"),
            Kind::Risk => Some("risks"),
            Kind::Supplier => Some("suppliers"),
            Kind::Faq => Some("faq"),
            Kind::System => Some("systems"),
            Kind::Objective => Some("objectives"),
            Kind::Competence => Some("competence"),
            Kind::Monitoring => Some("monitoring"),
            Kind::Audit => Some("audits"),
            Kind::Review => Some("reviews"),
            Kind::Nonconformity => Some("nonconformities"),
        }
    }
}

/// Top-level paths vouch generates; a page may not take one as its id.
pub const RESERVED: &[&str] = &[
    "policies",
    "assessments",
    "notices",
    "controls",
    "evidence",
    "risks",
    "suppliers",
    "faq",
    "systems",
    "objectives",
    "competence",
    "monitoring",
    "audits",
    "reviews",
    "nonconformities",
    "scope",
    "api",
    "search",
    "readiness",
    "crosswalks",
    "static",
    "404",
    "index",
    "sitemap",
    "robots",
    "feed",
    "well-known",
    "soa",
    "exports",
    "evidence-files",
    "urls",
];
