//! `vouch answer`: drafts answers to a questionnaire and reports how many
//! rows it answered and how many need a person (the two add up to the rows
//! with a question), and the absolute path of the file it wrote.

use super::{with_site, Common, Exit};
use crate::site::answer::{self, AnswerOptions, Delivery};

/// Runs `vouch answer`.
pub fn run(common: &Common, opts: AnswerOptions) -> Exit {
    run_with(common, opts, Delivery::default())
}

/// Runs `vouch answer` with `--in-place` / `--into-columns`.
pub fn run_with(common: &Common, mut opts: AnswerOptions, delivery: Delivery) -> Exit {
    // Resolved here so the path printed is the path written.
    opts.out = opts.out.as_deref().map(super::absolute);
    let written = match (&opts.out, delivery.in_place) {
        (Some(out), _) => Some(out.clone()),
        (None, true) => Some(super::absolute(&opts.questions)),
        (None, false) => None,
    };
    with_site(common, |site| {
        let s = answer::run_with(site, &opts, &delivery)?;
        print!("{}", s.stdout.unwrap_or_default());
        for note in &s.notes {
            eprintln!("note: {note}");
        }
        if s.library == 0 {
            eprintln!("{}", summary(s.questions, s.answered));
        } else {
            eprintln!("{}", library_summary(s.questions, s.answered, s.library));
        }
        if let Some(out) = &written {
            eprintln!("wrote {}", out.display());
        }
        Ok(())
    })
}

/// Runs `vouch answer learn REVIEWED`.
pub fn learn(common: &Common, reviewed: &std::path::Path) -> Exit {
    let today = common.today.unwrap_or_else(crate::core::date::Date::today);
    with_site(common, |site| {
        let l = answer::learn::learn(site, reviewed, today)?;
        eprintln!(
            "learned {} questions ({} new, {} updated); {} rows had no accepted link",
            l.added + l.updated,
            l.added,
            l.updated,
            l.skipped
        );
        eprintln!("wrote {}", l.path.display());
        Ok(())
    })
}

/// `answered 6 of 40 questions (status answered); 34 need a person (status
/// needs-human)`: the two counts are those of the Status column.
pub fn summary(questions: usize, answered: usize) -> String {
    let rest = questions.saturating_sub(answered);
    let noun = if questions == 1 {
        "question"
    } else {
        "questions"
    };
    if rest == 0 {
        return format!("answered {answered} of {questions} {noun} (status answered)");
    }
    format!(
        "answered {answered} of {questions} {noun} (status answered); {rest} need{} a person (status needs-human)",
        if rest == 1 { "s" } else { "" }
    )
}

/// The summary when the answer library answered rows: `answered 6 of 40
/// questions (4 status answered, 2 status library); 34 need a person (status
/// needs-human)` — each count is that of its Status value.
pub fn library_summary(questions: usize, answered: usize, library: usize) -> String {
    let rest = questions.saturating_sub(answered);
    format!(
        "answered {answered} of {questions} question{} ({} status answered, {library} status library); {rest} need{} a person (status needs-human)",
        if questions == 1 { "" } else { "s" },
        answered.saturating_sub(library),
        if rest == 1 { "s" } else { "" }
    )
}
