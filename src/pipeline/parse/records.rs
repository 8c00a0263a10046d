//! The records an auditor samples first (issue #16): AI objectives (6.2),
//! competence (7.2), monitoring (9.1), internal audits (9.2), management
//! reviews (9.3) and nonconformities (10.2). Each is an ordinary register:
//! a YAML list with ids, `visibility` (default: the top edition), `aliases`,
//! Markdown fields and references. The rules more than one stage needs
//! (when an objective is overdue, whether a monitoring result is stale, what
//! a review left unaddressed) are methods here, so validation, readiness,
//! pages and exports share them.

use super::rules::Freshness;
use super::types::{kebab_enum, opt_string_like, vec_string_like};
use crate::core::date::{Date, Period};
use crate::core::kinds::Kind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The six record registers, parsed (empty when the file is absent).
#[derive(Debug, Default, Clone)]
pub struct ParsedRecords {
    pub objectives: Vec<super::Item<ObjectiveEntry>>,
    pub competence: Vec<super::Item<CompetenceEntry>>,
    pub monitoring: Vec<super::Item<MonitoringEntry>>,
    pub audits: Vec<super::Item<AuditEntry>>,
    pub reviews: Vec<super::Item<ReviewEntry>>,
    pub nonconformities: Vec<super::Item<NonconformityEntry>>,
    /// The registers whose file exists (an empty file is an empty register).
    pub present: Vec<Kind>,
}

/// Parses one of the six record registers into its list, noting that its file exists.
pub(super) fn parse_register(
    r: &mut ParsedRecords,
    reg: super::Register,
    cache: Option<&crate::core::memo::Cache>,
    s: &crate::core::source::Sources,
    f: crate::core::source::FileId,
    diags: &mut Vec<crate::core::diagnostics::Diagnostic>,
) {
    macro_rules! list {
        ($field:ident, $kind:expr) => {{
            r.present.push($kind);
            r.$field = super::memo(cache, s, f, diags, |d| super::parse_list(s, f, d));
        }};
    }
    match reg {
        super::Register::Objectives => list!(objectives, Kind::Objective),
        super::Register::Competence => list!(competence, Kind::Competence),
        super::Register::Monitoring => list!(monitoring, Kind::Monitoring),
        super::Register::Audits => list!(audits, Kind::Audit),
        super::Register::Reviews => list!(reviews, Kind::Review),
        super::Register::Nonconformities => list!(nonconformities, Kind::Nonconformity),
        _ => {}
    }
}

kebab_enum!(
    /// Where an AI objective stands.
    ObjectiveStatus { Planned = "planned", OnTrack = "on-track", AtRisk = "at-risk", Achieved = "achieved", Missed = "missed" }
);
kebab_enum!(
    /// How a competence requirement is met.
    MetBy { Training = "training", Hire = "hire", Certification = "certification", Experience = "experience" }
);
kebab_enum!(
    /// Where an internal audit stands.
    AuditStatus { Planned = "planned", Completed = "completed", Cancelled = "cancelled" }
);
kebab_enum!(
    /// What an audit finding is.
    FindingKind { Nonconformity = "nonconformity", Observation = "observation", Opportunity = "opportunity" }
);
kebab_enum!(
    /// Where a nonconformity came from.
    NcSource { Audit = "audit", Incident = "incident", Complaint = "complaint", Review = "review", Monitoring = "monitoring" }
);
kebab_enum!(
    /// Where a nonconformity's corrective action stands.
    NcStatus { Open = "open", Closed = "closed" }
);

/// An AI objective (`registers/objectives.yaml`, clause 6.2).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveEntry {
    pub id: String,
    pub objective: String,
    /// How progress is measured (Markdown).
    #[serde(default)]
    pub measure: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub due: Option<Date>,
    pub status: ObjectiveStatus,
    /// The latest measured value, as text ("4.2 days").
    #[serde(default)]
    pub current: Option<String>,
    /// When `current` was measured.
    #[serde(default)]
    pub measured: Option<Date>,
    #[serde(default)]
    pub controls: Vec<String>,
    #[serde(default)]
    pub systems: Vec<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A competence record (`registers/competence.yaml`, clause 7.2).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompetenceEntry {
    pub id: String,
    /// The role, spelt as `owner:` fields elsewhere spell it.
    pub role: String,
    /// The competence the role requires (Markdown).
    pub required: String,
    #[serde(default)]
    pub met_by: Vec<MetBy>,
    /// How the requirement is met, in detail (Markdown).
    #[serde(default)]
    pub how: Option<String>,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub reviewed: Option<Date>,
    #[serde(default)]
    pub review_every: Option<Period>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// What is monitored or measured (`registers/monitoring.yaml`, clause 9.1).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitoringEntry {
    pub id: String,
    /// What is measured.
    pub title: String,
    /// How it is measured (Markdown).
    #[serde(default)]
    pub method: Option<String>,
    /// How often it is measured: the result is stale after this period.
    #[serde(default)]
    pub frequency: Option<Period>,
    /// The last result, as text.
    #[serde(default)]
    pub result: Option<String>,
    /// When the last result was taken.
    #[serde(default)]
    pub measured: Option<Date>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub systems: Vec<String>,
    #[serde(default)]
    pub controls: Vec<String>,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// One finding of an internal audit.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub kind: FindingKind,
    pub summary: String,
    #[serde(default, deserialize_with = "opt_string_like")]
    pub clause: Option<String>,
    #[serde(default)]
    pub control: Option<String>,
    /// The nonconformity raised for it (required for `kind: nonconformity`).
    #[serde(default)]
    pub nonconformity: Option<String>,
}

/// An internal audit of the programme (`registers/audits.yaml`, clause 9.2):
/// planned audits make the programme, completed ones its results.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    pub id: String,
    pub title: String,
    pub status: AuditStatus,
    /// The date planned (planned audits) or held (completed ones).
    pub date: Date,
    /// Clauses 4-10 in scope.
    #[serde(default, deserialize_with = "vec_string_like")]
    pub clauses: Vec<String>,
    /// Controls in scope (Annex A or own).
    #[serde(default)]
    pub controls: Vec<String>,
    /// The scope in words (Markdown).
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub auditor: Option<String>,
    /// Why the auditor is objective and impartial (Markdown).
    #[serde(default)]
    pub independence: Option<String>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The management review inputs of clause 9.3.2, in our words: key and label.
pub const REVIEW_INPUTS: &[(&str, &str)] = &[
    ("previous_actions", "Status of actions from previous management reviews"),
    ("external_internal_issues", "Changes in external and internal issues relevant to the AI management system"),
    ("interested_parties", "Changes in needs and expectations of interested parties relevant to the AI management system"),
    ("nonconformities", "Performance: nonconformities and corrective actions"),
    ("monitoring_results", "Performance: monitoring and measurement results"),
    ("audit_results", "Performance: audit results"),
    ("improvement", "Opportunities for continual improvement"),
];

/// A management review (`registers/reviews.yaml`, clause 9.3).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewEntry {
    pub id: String,
    pub title: String,
    pub date: Date,
    #[serde(default)]
    pub attendees: Vec<String>,
    /// Each 9.3.2 input (keys of [`REVIEW_INPUTS`]) and how it was addressed.
    #[serde(default)]
    pub inputs: BTreeMap<String, String>,
    /// Decisions and actions (Markdown, clause 9.3.3).
    #[serde(default)]
    pub decisions: Option<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A nonconformity and its corrective action (`registers/nonconformities.yaml`, 10.2).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NonconformityEntry {
    pub id: String,
    pub title: String,
    pub source: NcSource,
    /// The audit that raised it, for `source: audit`.
    #[serde(default)]
    pub audit: Option<String>,
    pub raised: Date,
    pub description: String,
    #[serde(default)]
    pub root_cause: Option<String>,
    #[serde(default)]
    pub correction: Option<String>,
    #[serde(default)]
    pub corrective_action: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    pub due: Date,
    pub status: NcStatus,
    #[serde(default)]
    pub closed: Option<Date>,
    /// How the action was checked to be effective (Markdown; needed to close).
    #[serde(default)]
    pub effectiveness: Option<String>,
    #[serde(default)]
    pub systems: Vec<String>,
    #[serde(default)]
    pub controls: Vec<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// An id-list field of a record: (field, kind of the targets, ids).
pub type RecordList = (&'static str, Kind, Vec<String>);

/// What every record register shares, so the model, validation and the
/// edition machinery (sentinel, link check, aliases) treat the six alike.
pub trait Record {
    /// The entity kind of the register.
    const KIND: Kind;
    fn id(&self) -> &str;
    fn title(&self) -> &str;
    fn visibility(&self) -> Option<&str>;
    fn aliases(&self) -> &[String];
    /// The id-list fields, turned into references.
    fn lists(&self) -> Vec<RecordList>;
    /// The Markdown fields: (field, text).
    fn markdown(&self) -> Vec<(&'static str, &str)>;
    /// The role named as owner, if any.
    fn owner(&self) -> Option<&str> {
        None
    }
}

macro_rules! record_common {
    ($kind:expr, $title:ident) => {
        const KIND: Kind = $kind;
        fn id(&self) -> &str {
            &self.id
        }
        fn title(&self) -> &str {
            &self.$title
        }
        fn visibility(&self) -> Option<&str> {
            self.visibility.as_deref()
        }
        fn aliases(&self) -> &[String] {
            &self.aliases
        }
    };
}

fn md<'a>(fields: &[(&'static str, &'a Option<String>)]) -> Vec<(&'static str, &'a str)> {
    fields
        .iter()
        .filter_map(|(f, t)| t.as_deref().map(|t| (*f, t)))
        .collect()
}

impl Record for ObjectiveEntry {
    record_common!(Kind::Objective, objective);
    fn lists(&self) -> Vec<RecordList> {
        vec![
            ("controls", Kind::Control, self.controls.clone()),
            ("systems", Kind::System, self.systems.clone()),
        ]
    }
    fn markdown(&self) -> Vec<(&'static str, &str)> {
        md(&[("measure", &self.measure)])
    }
    fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }
}

impl Record for CompetenceEntry {
    record_common!(Kind::Competence, role);
    fn lists(&self) -> Vec<RecordList> {
        vec![("evidence", Kind::Evidence, self.evidence.clone())]
    }
    fn markdown(&self) -> Vec<(&'static str, &str)> {
        let mut v = vec![("required", self.required.as_str())];
        v.extend(md(&[("how", &self.how)]));
        v
    }
}

impl Record for MonitoringEntry {
    record_common!(Kind::Monitoring, title);
    fn lists(&self) -> Vec<RecordList> {
        vec![
            ("systems", Kind::System, self.systems.clone()),
            ("controls", Kind::Control, self.controls.clone()),
            ("evidence", Kind::Evidence, self.evidence.clone()),
        ]
    }
    fn markdown(&self) -> Vec<(&'static str, &str)> {
        md(&[("method", &self.method)])
    }
    fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }
}

impl Record for AuditEntry {
    record_common!(Kind::Audit, title);
    fn lists(&self) -> Vec<RecordList> {
        let ncs = self
            .findings
            .iter()
            .filter_map(|f| f.nonconformity.clone())
            .collect();
        vec![
            ("controls", Kind::Control, self.controls.clone()),
            ("findings", Kind::Nonconformity, ncs),
        ]
    }
    fn markdown(&self) -> Vec<(&'static str, &str)> {
        md(&[("scope", &self.scope), ("independence", &self.independence)])
    }
}

impl Record for ReviewEntry {
    record_common!(Kind::Review, title);
    fn lists(&self) -> Vec<RecordList> {
        Vec::new()
    }
    fn markdown(&self) -> Vec<(&'static str, &str)> {
        md(&[("decisions", &self.decisions)])
    }
}

impl Record for NonconformityEntry {
    record_common!(Kind::Nonconformity, title);
    fn lists(&self) -> Vec<RecordList> {
        vec![
            ("audit", Kind::Audit, self.audit.iter().cloned().collect()),
            ("systems", Kind::System, self.systems.clone()),
            ("controls", Kind::Control, self.controls.clone()),
        ]
    }
    fn markdown(&self) -> Vec<(&'static str, &str)> {
        let mut v = vec![("description", self.description.as_str())];
        v.extend(md(&[
            ("root_cause", &self.root_cause),
            ("correction", &self.correction),
            ("corrective_action", &self.corrective_action),
            ("effectiveness", &self.effectiveness),
        ]));
        v
    }
    fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }
}

impl ObjectiveEntry {
    /// Past its due date and neither achieved nor recorded as missed.
    pub fn is_overdue(&self, today: Date) -> bool {
        let open = matches!(
            self.status,
            ObjectiveStatus::Planned | ObjectiveStatus::OnTrack | ObjectiveStatus::AtRisk
        );
        open && self.due.is_some_and(|d| d < today)
    }

    /// No measure, or no current value with the date it was measured.
    pub fn is_unmeasured(&self) -> bool {
        self.measure.is_none() || self.current.is_none() || self.measured.is_none()
    }
}

impl CompetenceEntry {
    /// When the competence record must be reviewed again.
    pub fn review_due(&self) -> Option<Date> {
        self.reviewed.zip(self.review_every).map(|(d, p)| d.plus(p))
    }
}

impl MonitoringEntry {
    /// When the next result is due: the last result's date plus the frequency.
    pub fn due(&self) -> Option<Date> {
        self.measured.zip(self.frequency).map(|(d, p)| d.plus(p))
    }

    /// Whether the last result is current on `today`: the evidence
    /// freshness rule, with `measured` for `collected` and `frequency` for
    /// `review_every`.
    pub fn freshness(&self, today: Date) -> Freshness {
        match self.due() {
            Some(d) if d < today => Freshness::Stale(d),
            Some(_) => Freshness::Current,
            None => Freshness::Undated,
        }
    }
}

impl AuditEntry {
    /// A completed audit, with the date it was held.
    pub fn held(&self) -> Option<Date> {
        (self.status == AuditStatus::Completed).then_some(self.date)
    }

    /// A planned audit whose date has passed without it being held.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status == AuditStatus::Planned && self.date < today
    }

    /// What a completed audit's record lacks (auditor, independence statement).
    pub fn missing_record_fields(&self) -> Vec<&'static str> {
        if self.status != AuditStatus::Completed {
            return Vec::new();
        }
        let mut v = Vec::new();
        if self.auditor.as_deref().is_none_or(|a| a.trim().is_empty()) {
            v.push("auditor");
        }
        if self
            .independence
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
        {
            v.push("independence");
        }
        v
    }
}

impl ReviewEntry {
    /// The 9.3.2 inputs the review does not address (absent or blank), as
    /// (key, label).
    pub fn unaddressed_inputs(&self) -> Vec<(&'static str, &'static str)> {
        REVIEW_INPUTS
            .iter()
            .filter(|(k, _)| self.inputs.get(*k).is_none_or(|t| t.trim().is_empty()))
            .copied()
            .collect()
    }

    /// Input keys that are not 9.3.2 inputs (typos), in file order.
    pub fn unknown_inputs(&self) -> Vec<&str> {
        self.inputs
            .keys()
            .map(String::as_str)
            .filter(|k| !REVIEW_INPUTS.iter().any(|(i, _)| i == k))
            .collect()
    }
}

impl NonconformityEntry {
    /// Open, with its corrective action due before `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status == NcStatus::Open && self.due < today
    }

    /// Closed without a recorded effectiveness check.
    pub fn closed_unchecked(&self) -> bool {
        self.status == NcStatus::Closed
            && self
                .effectiveness
                .as_deref()
                .is_none_or(|t| t.trim().is_empty())
    }
}

/// What an audit programme leaves uncovered in the certification cycle:
/// (sub-clauses of 4-10, applicable controls). An audit counts when it was
/// completed within one cycle before `today`, or is planned from today to
/// one cycle ahead; cancelled and overdue planned audits do not count. An
/// audit's clause covers itself and every clause below it (`9` covers `9.2`).
pub fn programme_gaps<'a>(
    audits: &[&AuditEntry],
    controls: &[&'a str],
    today: Date,
    cycle: Period,
) -> (Vec<String>, Vec<&'a str>) {
    let counted: Vec<&&AuditEntry> = audits
        .iter()
        .filter(|a| match a.status {
            AuditStatus::Completed => a.date.plus(cycle) >= today,
            AuditStatus::Planned => a.date >= today && a.date <= today.plus(cycle),
            AuditStatus::Cancelled => false,
        })
        .collect();
    let covers = |sub: &str| {
        counted.iter().any(|a| {
            a.clauses
                .iter()
                .any(|c| c == sub || sub.starts_with(&format!("{c}.")))
        })
    };
    let clauses = programme_clauses()
        .into_iter()
        .filter(|c| !covers(c))
        .collect();
    let controls = controls
        .iter()
        .filter(|id| !counted.iter().any(|a| a.controls.iter().any(|c| c == *id)))
        .copied()
        .collect();
    (clauses, controls)
}

/// The sub-clauses an audit programme and the readiness scorecard count:
/// those directly under a clause of 4-10 (`4.1` ... `10.2`).
pub fn programme_clauses() -> Vec<String> {
    let cat = crate::core::catalogue::get();
    cat.clauses
        .iter()
        .filter(|c| {
            c.parent
                .as_deref()
                .is_some_and(|p| cat.clause(p).is_some_and(|p| p.parent.is_none()))
        })
        .map(|c| c.id.clone())
        .collect()
}
