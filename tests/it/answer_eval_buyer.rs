//! `vouch answer` on a fourth set: a hospital group's AI due-diligence
//! questionnaire over the example project (`tests/answer-eval/buyer-*`),
//! written against the customer edition before the ranker was read or run
//! on it (commit 298b46c), and the parameters chosen on it.
//!
//! Issue #17 asks for every parameter to be chosen on one set and reported
//! on the others. This set was written by someone who is not the content's
//! author, in a buyer's own words, so it is the tuning set of this round:
//! the threshold rule, the confidence grid and a logistic design were run on
//! it alone, and each design was then run once on the other three sets
//! (summary lines only). `docs/answer.md` reports every figure.

use super::answer_eval::{
    check, confidences, drafts, every_set, gain, pick_confidence, rule_threshold, score,
    score_with, scored_set, shown_and_status_agree, signal_rows, Figures, Floors, Set,
};
use crate::common::repo;
use vouch::site::answer::calibrate::{confidence_with, fit, L2};
use vouch::site::answer::rank::analyse;
use vouch::site::answer::{edition_index, fields, Answerer, Draft, THRESHOLD};

/// The buyer set, answered from the customer edition it was written against
/// (its targets include customer-only claims such as the supplier policy's
/// exit plan and the red-team FAQ entry).
pub(crate) fn buyer_set() -> Set {
    let dir = repo().join("tests/answer-eval");
    let set = scored_set(
        "buyer",
        &repo(),
        &dir.join("buyer-questionnaire.csv"),
        &dir.join("buyer-expected.csv"),
        2,
    );
    let edition = edition_index(&set.site, "customer").expect("the example has a customer edition");
    Set { edition, ..set }
}

/// The example, harbourline, larkspur (when `../shared/eval` is present) and
/// buyer sets, in that order, with their drafts.
fn every_set_and_buyer() -> (Vec<Set>, Vec<Vec<Draft>>) {
    let mut sets = every_set();
    sets.push(buyer_set());
    let all = sets.iter().map(drafts).collect();
    (sets, all)
}

#[test]
fn buyer_set_written_blind_meets_its_floors() {
    check(
        &buyer_set(),
        &Floors {
            top1: 28.0 / 40.0,
            top3: 38.0 / 40.0,
            answered_correct: 11.0 / 40.0,
            answered_wrong: 5.0 / 40.0,
            confident_unanswerable: 0,
        },
    );
}

/// The buyer set's rows show a confidence that agrees with their status, and
/// its `needs-human` rows carry suggested links.
#[test]
fn buyer_rows_show_a_confidence_that_agrees_with_their_status() {
    assert!(
        shown_and_status_agree(&buyer_set()) > 0,
        "no needs-human row"
    );
}

/// Answered from the customer edition, no draft of the buyer set cites or
/// suggests a claim only the internal edition publishes (the internal FAQ
/// entry on escalations among them), whatever its score.
#[test]
fn buyer_drafts_never_reach_past_the_customer_edition() {
    let set = buyer_set();
    let internal = edition_index(&set.site, "internal").expect("an internal edition");
    let paths = |ed: usize| -> std::collections::HashSet<String> {
        Answerer::new(&set.site, ed)
            .claims()
            .iter()
            .map(|c| c.path())
            .collect()
    };
    let customer = paths(edition_index(&set.site, "customer").expect("a customer edition"));
    let internal_only: Vec<String> = paths(internal).difference(&customer).cloned().collect();
    assert!(
        internal_only
            .iter()
            .any(|p| p == "/faq/escalation-internal/"),
        "the internal-only canary is missing: {internal_only:?}"
    );
    for (c, d) in set.cases.iter().zip(drafts(&set)) {
        let cited = d.ranked.iter().map(|r| r.path.clone());
        let linked = d.links.iter().chain(&d.suggested).map(|l| {
            let path = l.split_once("://").map_or(l.as_str(), |(_, rest)| rest);
            path.find('/').map_or("/", |i| &path[i..]).to_string()
        });
        for p in cited.chain(linked) {
            assert!(!internal_only.contains(&p), "{} reaches {p}", c.id);
            assert!(
                customer.contains(&p),
                "{} cites {p}, not a customer claim",
                c.id
            );
        }
    }
}

/// A design's figures as `docs/answer.md` reports them: per set, rows
/// answered correctly, answered wrongly, and confident answers to
/// unanswerable questions.
type Documented = [(&'static str, (usize, usize, usize)); 4];

/// Rows answered correctly less twice the wrong ones (wrong links and
/// confident answers to unanswerable questions) on larkspur and harbourline
/// together, the measure a design must beat the shipped confidence on;
/// `None` when larkspur is not present.
fn held_out(sets: &[Set], figures: &[Figures]) -> Option<i64> {
    let of = |name: &str| {
        sets.iter()
            .position(|s| s.name == name)
            .map(|i| gain(&figures[i]))
    };
    Some(of("larkspur")? + of("harbourline")?)
}

/// Prints a design's summary lines beside the shipped confidence's, then
/// fails if a figure moved from `documented` or if the design now beats the
/// shipped confidence on the held-out sets without answering more
/// unanswerable questions confidently, summed over every set (the choice
/// must then be made again). Issue #17's target for those is none, so a
/// gain bought with them is reported, not adopted (`docs/answer.md`, the
/// fifth round: design 1 gains that way since the ranking changed).
fn report(
    design: &str,
    sets: &[Set],
    all: &[Vec<Draft>],
    figures: &[Figures],
    documented: &Documented,
) {
    let mut sink = String::new();
    let shipped: Vec<Figures> = sets
        .iter()
        .zip(all)
        .map(|(s, ds)| score(s, ds, THRESHOLD, &mut sink))
        .collect();
    let mut table = format!("shipped confidence (threshold {THRESHOLD:.2}):\n");
    for (s, f) in sets.iter().zip(&shipped) {
        table.push_str(&format!("  {}\n", f.line(s.name)));
    }
    table.push_str(&format!("{design}:\n"));
    for (s, f) in sets.iter().zip(figures) {
        table.push_str(&format!("  {}\n", f.line(s.name)));
    }
    eprintln!("{table}");
    for (s, f) in sets.iter().zip(figures) {
        let want = documented
            .iter()
            .find(|(n, _)| *n == s.name)
            .map(|(_, w)| *w);
        let got = (
            f.answered_correct,
            f.answered_wrong,
            f.confident_unanswerable,
        );
        assert_eq!(Some(got), want, "{design} on {}", s.name);
    }
    let unanswered = |fs: &[Figures]| fs.iter().map(|f| f.confident_unanswerable).sum::<usize>();
    if let (Some(d), Some(m)) = (held_out(sets, figures), held_out(sets, &shipped)) {
        assert!(
            d <= m || unanswered(figures) > unanswered(&shipped),
            "{design} now gains on the held-out sets ({d} > {m}): choose again"
        );
    }
}

/// Design 1: the threshold rule and the confidence grid of
/// `answer_eval` run on the buyer set alone (it picks unseen-term weight 0,
/// damping scale 4 and threshold 0.29 since the fifth round's ranking;
/// weight 1, scale 8 and 0.25 before), reported on every set; and, for the
/// cross-validation table, each other set's pick reported on the buyer set.
#[test]
fn confidence_chosen_on_the_buyer_set_is_reported_on_the_others() {
    let (sets, all) = every_set_and_buyer();
    let mut table = String::new();
    let mut buyer_figures = Vec::new();
    let mut buyer_pick = ((0.0, 0.0), 0.0);
    for (i, tune) in sets.iter().enumerate() {
        let ((u, sc), t) = pick_confidence(tune, &all[i]);
        table.push_str(&format!(
            "tuned on {} (unseen weight {u}, scale {sc}, threshold {t:.2}):\n",
            tune.name
        ));
        let figures: Vec<Figures> = sets
            .iter()
            .zip(&all)
            .map(|(s, ds)| {
                let mut sink = String::new();
                score_with(s, ds, &confidences(ds, u, sc), t, &mut sink)
            })
            .collect();
        for (s, f) in sets.iter().zip(&figures) {
            table.push_str(&format!("  {}\n", f.line(s.name)));
        }
        if tune.name == "buyer" {
            buyer_pick = ((u, sc), t);
            buyer_figures = figures;
        }
    }
    eprintln!("{table}");
    assert_eq!(
        buyer_pick,
        ((0.0, 4.0), 0.29),
        "the pick on the buyer set moved"
    );
    report(
        "design 1: confidence grid and threshold rule on the buyer set",
        &sets,
        &all,
        &buyer_figures,
        &DESIGN_1,
    );
}

const DESIGN_1: Documented = [
    ("example", (56, 2, 5)),
    ("harbourline", (28, 3, 2)),
    ("larkspur", (20, 2, 2)),
    ("buyer", (20, 8, 0)),
];

/// Design 2: a logistic confidence over the evidence and intent signals of
/// `answer::calibrate`, fitted on the buyer set alone with the threshold its
/// rule picks there (0.59 since the fifth round's ranking, 0.50 before). The signals were chosen on the buyer set by the
/// procedure of the previous round: the smallest subset with the most rows
/// answered correctly less twice the wrong ones.
#[test]
fn confidence_design_fitted_on_the_buyer_set_is_reported_on_the_others() {
    let (sets, all) = every_set_and_buyer();
    let on = [false, true, false, false, true, false];
    let b = sets.len() - 1;
    let w = fit(&signal_rows(&sets[b], &all[b], &on), L2);
    let cs: Vec<Vec<f64>> = sets
        .iter()
        .zip(&all)
        .map(|(s, ds)| {
            signal_rows(s, ds, &on)
                .iter()
                .map(|(f, _)| (confidence_with(&w, f) * 100.0).round() / 100.0)
                .collect()
        })
        .collect();
    let t = rule_threshold(&sets[b], &all[b], &cs[b]);
    let figures: Vec<Figures> = (0..sets.len())
        .map(|i| score_with(&sets[i], &all[i], &cs[i], t, &mut String::new()))
        .collect();
    report(
        &format!("design 2: evidence and intent, fitted on the buyer set (threshold {t:.2})"),
        &sets,
        &all,
        &figures,
        &DESIGN_2,
    );
    assert!((t - 0.59).abs() < 1e-9, "threshold {t}");
}

const DESIGN_2: Documented = [
    ("example", (7, 0, 0)),
    ("harbourline", (4, 0, 0)),
    ("larkspur", (10, 1, 0)),
    ("buyer", (10, 3, 0)),
];

/// The fifth round's analysis through the library: a section heading's
/// template words ("Purpose", "Conclusion") count as body text rather than
/// three times as its name, so "stating for each its purpose" no longer
/// prefers every policy's *Purpose* section; a heading's subject words keep
/// the name's weight.
#[test]
fn a_heading_template_word_counts_as_body_text_not_as_the_name() {
    let set = buyer_set();
    let a = Answerer::new(&set.site, set.edition);
    let section = |heading: &str| {
        a.claims()
            .iter()
            .find(|c| c.anchor.is_some() && c.title.ends_with(heading))
            .unwrap_or_else(|| panic!("a section headed {heading}"))
    };
    let weight_of = |c: &vouch::site::answer::claims::Claim, term: &str| -> f64 {
        fields(c)
            .iter()
            .map(|(text, w)| analyse(text).iter().filter(|t| *t == term).count() as f64 * w)
            .sum()
    };
    let purpose = section("› Purpose");
    assert!(
        analyse(&fields(purpose)[0].0).is_empty(),
        "{:?}",
        fields(purpose)
    );
    assert!(
        weight_of(purpose, "purpos") >= 1.0,
        "the word is still indexed"
    );
    let conclusion = section("› Conclusion");
    assert!(!analyse(&fields(conclusion)[0].0).contains(&"conclus".to_string()));
    let oversight = section("› Human oversight");
    assert_eq!(analyse(&fields(oversight)[0].0), analyse("Human oversight"));
}

/// The fifth round's vocabulary and function words through the library: a
/// buyer's words for a concept meet the AIMS's words for it, a continuity
/// plan is not a supplier exit, and "cannot" or "between" match nothing.
#[test]
fn buyer_words_for_aims_concepts_meet_the_content_words() {
    assert_eq!(analyse("can they override it"), analyse("human oversight"));
    assert_eq!(analyse("protected characteristics"), analyse("bias"));
    assert_eq!(
        analyse("performance deterioration"),
        analyse("performance monitoring")
    );
    assert_eq!(analyse("contingency plan"), analyse("exit plan"));
    assert_eq!(analyse("which jurisdictions"), analyse("residency"));
    assert_eq!(analyse("how it is rolled out"), analyse("release"));
    assert_eq!(analyse("the help chat"), analyse("assistant"));
    assert!(!analyse("business continuity").contains(&"exit".to_string()));
    assert!(analyse("what it cannot do, split between us")
        .iter()
        .all(|t| t != "cannot" && t != "between"));
}
