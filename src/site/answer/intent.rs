//! Field-aware scoring: what kind of answer a question asks for, and which
//! claims are that kind.
//!
//! Two question shapes ask for a particular field rather than a topic:
//!
//! - **who**: "Who is accountable for AI risk?" wants a claim that names a
//!   person or a role, not a section that is about accountability in general;
//! - **which suppliers**: "Which third-party AI model providers do you use?"
//!   wants the supplier register, or a claim that lists several suppliers.
//!
//! A claim of the wanted shape gets its score multiplied by a small boost, and
//! the boost is named in the answer's "why".

use super::claims::Claim;
use crate::core::kinds::Kind;
use crate::pipeline::model::Site;

/// Score multiplier of a claim that names a role, for a "who" question.
const WHO_BOOST: f64 = 1.3;

/// Score multiplier of a claim that names two or more suppliers (or is a
/// supplier entry), for a "which suppliers" question.
const SUPPLIERS_BOOST: f64 = 1.3;

/// The answer shapes a question asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Intent {
    pub who: bool,
    pub suppliers: bool,
}

/// Lower-case words of a question, for the shape tests below.
fn lower_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// What shape of answer `question` asks for.
pub fn intent(question: &str) -> Intent {
    let ws = lower_words(question);
    let has = |w: &str| ws.iter().any(|x| x == w);
    let any = |list: &[&str]| list.iter().any(|w| has(w));
    let who = has("who")
        || (any(&["which", "what"]) && any(&["role", "roles", "team", "function", "person"]))
        || any(&["accountable", "accountability", "ownership"]);
    let supplier_words = [
        "supplier",
        "suppliers",
        "vendor",
        "vendors",
        "provider",
        "providers",
        "sub-processor",
        "sub-processors",
        "subprocessor",
        "subprocessors",
        "third-party",
        "third-parties",
        "fourth-parties",
        "subcontractors",
    ];
    let listing = any(&["which", "list", "who", "name", "identify", "what"]);
    Intent {
        who,
        suppliers: listing && any(&supplier_words),
    }
}

/// What each claim offers to a field-aware question.
#[derive(Debug, Clone, Default)]
pub struct Offers {
    /// The role the claim names (first found), for "who" questions.
    pub role: Option<String>,
    /// How many visible suppliers the claim names, by name.
    pub suppliers: usize,
}

/// Role names used in the content an edition publishes (owners and
/// approvers), longest first, plus words that name a role by themselves.
fn roles(site: &Site, ed: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let docs = site.docs.iter().filter(|d| d.level <= ed);
    for d in docs {
        out.extend(d.data.front.owner.clone());
        out.extend(d.data.front.approved_by.clone());
    }
    let controls = site.controls.iter().filter(|c| c.level <= ed);
    out.extend(controls.filter_map(|c| c.data.owner.clone()));
    let systems = site.systems.iter().filter(|s| s.level <= ed);
    out.extend(systems.filter_map(|s| s.data.owner.clone()));
    out.extend(
        [
            "Officer",
            "Committee",
            "Board",
            "Head of",
            "Director",
            "Manager",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    out.retain(|r| r.trim().len() >= 3);
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    out.dedup();
    out
}

/// What every claim offers, in claim order.
pub fn offers(site: &Site, ed: usize, claims: &[Claim]) -> Vec<Offers> {
    let roles = roles(site, ed);
    let suppliers: Vec<&str> = site
        .suppliers
        .iter()
        .filter(|s| s.level <= ed)
        .map(|s| s.title.split(" (").next().unwrap_or(&s.title))
        .collect();
    claims
        .iter()
        .map(|c| {
            let text = format!("{} {}", c.title, c.text);
            Offers {
                role: roles.iter().find(|r| text.contains(r.as_str())).cloned(),
                suppliers: suppliers.iter().filter(|s| text.contains(*s)).count(),
            }
        })
        .collect()
}

/// Which boosts apply to a claim for a question of intent `i`: the role it
/// names (a "who" question) and whether it lists suppliers (a "which
/// providers" question).
fn applying<'a>(i: Intent, c: &Claim, o: &'a Offers) -> (Option<&'a str>, bool) {
    let role = o.role.as_deref().filter(|_| i.who);
    (
        role,
        i.suppliers && (c.kind == Kind::Supplier || o.suppliers >= 2),
    )
}

/// The multiplier for a claim, for a question of intent `i` (1 when no
/// boost applies). Ranking multiplies every hit by it, so it makes no
/// text: saying why is [`reason`]'s, for the few claims shown.
pub fn multiplier(i: Intent, c: &Claim, o: &Offers) -> f64 {
    let (role, suppliers) = applying(i, c, o);
    let mut m = 1.0;
    if role.is_some() {
        m *= WHO_BOOST;
    }
    if suppliers {
        m *= SUPPLIERS_BOOST;
    }
    m
}

/// Why [`multiplier`] boosts a claim, or `None` when it does not.
pub fn reason(i: Intent, c: &Claim, o: &Offers) -> Option<String> {
    let (role, suppliers) = applying(i, c, o);
    let mut why = Vec::new();
    if let Some(r) = role {
        why.push(format!("names a role ({r})"));
    }
    if suppliers {
        why.push(match c.kind {
            Kind::Supplier => "supplier register".to_string(),
            _ => format!("names {} suppliers", o.suppliers),
        });
    }
    (!why.is_empty()).then(|| why.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_and_which_supplier_questions_are_recognised() {
        assert!(intent("Who is accountable for AI risk?").who);
        assert!(intent("Which role approves new AI systems?").who);
        assert!(!intent("Is customer data used for training?").who);
        assert!(
            intent("Which third-party AI model providers (sub-processors) do you use?").suppliers
        );
        assert!(intent("List all AI vendors").suppliers);
        assert!(!intent("Are AI suppliers reviewed every year?").suppliers);
    }
}
