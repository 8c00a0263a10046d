//! What each register field holds, for the help line of a YAML type error:
//! serde's "invalid type: X, expected Y" turned into a message that names
//! the field, what it expects and what it found, with an example in the
//! field's own terms.

use super::system::SYSTEM_FIELD_SHAPES;

/// The kind of value a type error expected, as the content model says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    List,
    Mapping,
    Bool,
    Number,
    Text,
}

/// Field, expected shape, and what the field holds with an example.
const FIELD_SHAPES: &[(&str, Shape, &str)] = {
    use Shape::*;
    &[
        ("location", List, "a list of regions, e.g. `[EU, UK]`"),
        (
            "topics",
            List,
            "a list of topics, e.g. `[governance, data]`",
        ),
        (
            "matches",
            List,
            "a list of phrases a question may use, e.g. `[\"AI policy\"]`",
        ),
        (
            "evidence",
            List,
            "a list of evidence ids, e.g. `[ev-ai-policy-approval]`",
        ),
        (
            "controls",
            List,
            "a list of control ids, e.g. `[A.2.2, A.6.2.4]`",
        ),
        (
            "systems",
            List,
            "a list of system ids, e.g. `[support-drafts]`",
        ),
        (
            "risks",
            List,
            "a list of risk ids, e.g. `[r-hallucination]`",
        ),
        (
            "aliases",
            List,
            "a list of earlier URLs, e.g. `[/policies/old-name/]`",
        ),
        (
            "clauses",
            List,
            "a list of clause numbers, e.g. `[\"5.2\", \"6.1.4\"]`",
        ),
        ("roles", List, "a list of roles, e.g. `[provider, user]`"),
        (
            "editions",
            List,
            "a list of editions, e.g. `[public, customer, internal]`",
        ),
        (
            "frameworks",
            List,
            "a list of frameworks, e.g. `[iso42001]`",
        ),
        (
            "affected",
            List,
            "a list of the people affected, e.g. `[customers, support staff]`",
        ),
        (
            "lint_allow",
            List,
            "a list of rule names, e.g. `[vague-language]`",
        ),
        (
            "models",
            List,
            "a list of models, each a `- name: ...` entry",
        ),
        (
            "data",
            List,
            "a list of data sources, each a `- name: ...` entry",
        ),
        (
            "certifications",
            List,
            "a list of certifications, each a `- name: ...` entry with `status:`",
        ),
        (
            "applicable",
            Bool,
            "`true` or `false`, e.g. `applicable: true`",
        ),
        ("receipt", Bool, "`true` or `false`, e.g. `receipt: true`"),
        (
            "likelihood",
            Number,
            "a whole number from 1 to 5, e.g. `likelihood: 3`",
        ),
        (
            "impact",
            Number,
            "a whole number from 1 to 5, e.g. `impact: 3`",
        ),
        (
            "residual_likelihood",
            Number,
            "a whole number from 1 to 5, e.g. `residual_likelihood: 2`",
        ),
        (
            "residual_impact",
            Number,
            "a whole number from 1 to 5, e.g. `residual_impact: 2`",
        ),
        (
            "usage",
            Mapping,
            "a mapping of `domain:` and `decision:`, each on its own indented line",
        ),
        (
            "oversight",
            Mapping,
            "a mapping of `mode:` (and `rationale:`), each on its own indented line",
        ),
        (
            "maps_to",
            Mapping,
            "a mapping of framework to ids, e.g. `nist-ai-rmf: [GOVERN-1.1]` on an indented line",
        ),
    ]
};

/// What `field` holds, with an example in the field's own terms, for the help
/// line of a type error (`location` is "a list of regions, e.g. `[EU, UK]`").
/// The expected shape tells apart fields that share a name (`location` is a
/// list for a supplier, text for evidence).
pub fn field_shape(field: &str, shape: Shape) -> Option<&'static str> {
    FIELD_SHAPES
        .iter()
        .chain(SYSTEM_FIELD_SHAPES)
        .find(|(f, s, _)| *f == field && *s == shape)
        .map(|(_, _, text)| *text)
}

/// For serde's "invalid type: X, expected Y": a message naming the field, what
/// it expects and what it found, and a help line in the field's own terms.
pub fn type_error(field: &str, message: &str) -> Option<(String, String)> {
    let (found, expected) = message
        .strip_prefix("invalid type: ")?
        .split_once(", expected ")?;
    let (shape, wanted) = match expected {
        "a sequence" => (Shape::List, "a list"),
        "a boolean" => (Shape::Bool, "`true` or `false`"),
        "a string" | "a borrowed string" => (Shape::Text, "text"),
        e if e.starts_with("struct") || e == "a map" => (Shape::Mapping, "a mapping"),
        e if e.starts_with("enum") => (Shape::Text, "one of its allowed words"),
        e if e.starts_with('i') || e.starts_with('u') || e.starts_with('f') => {
            (Shape::Number, "a number")
        }
        _ => return None,
    };
    let found = match found.split_once(' ') {
        Some(("string", text)) => format!("the text {text}"),
        Some(("integer" | "floating", _)) => format!("the number {}", found.split('`').nth(1)?),
        Some(("boolean", b)) => format!("the value {b}"),
        _ if found == "sequence" => "a list".into(),
        _ if found == "map" => "a mapping".into(),
        _ => found.to_string(),
    };
    let message = format!("`{field}` must be {wanted}, but it is {found}");
    let help = match (field_shape(field, shape), shape) {
        (Some(text), _) => format!("`{field}` is {text}"),
        (None, Shape::List) => {
            format!("`{field}` is a list: `[a, b]` after the colon, or one `- item` per line below it")
        }
        (None, Shape::Mapping) => {
            format!("`{field}` is a mapping: `key: value` lines indented below `{field}:`")
        }
        (None, Shape::Text) if expected.starts_with("enum") => format!(
            "`{field}` takes one word after the colon, without brackets: see `docs/content.md` for the allowed words"
        ),
        (None, Shape::Text) => format!(
            "`{field}` is text: write it after the colon on the same line (use `|` for several lines)"
        ),
        (None, Shape::Bool) => format!("`{field}` is `true` or `false`"),
        (None, Shape::Number) => format!("`{field}` is a whole number, e.g. `{field}: 3`"),
    };
    Some((message, help))
}
