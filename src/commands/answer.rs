//! `vouch answer`: drafts answers to a questionnaire and reports how many
//! rows it answered and how many need a person (the two add up to the rows
//! with a question), and the absolute path of the file it wrote.

use super::{with_site, Common, Exit};
use crate::site::answer::{self, AnswerOptions};

/// Runs `vouch answer`.
pub fn run(common: &Common, mut opts: AnswerOptions) -> Exit {
    // Resolved here so the path printed is the path written.
    opts.out = opts.out.as_deref().map(super::absolute);
    with_site(common, |site| {
        let s = answer::run(site, &opts)?;
        print!("{}", s.stdout.unwrap_or_default());
        eprintln!("{}", summary(s.questions, s.answered));
        if let Some(out) = &opts.out {
            eprintln!("wrote {}", out.display());
        }
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
