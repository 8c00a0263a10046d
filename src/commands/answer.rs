//! `vouch answer`: drafts answers to a questionnaire and reports how many
//! questions were answered.

use super::{with_site, Common, Exit};
use crate::site::answer::{self, AnswerOptions};

/// Runs `vouch answer`.
pub fn run(common: &Common, opts: AnswerOptions) -> Exit {
    with_site(common, |site| {
        let s = answer::run(site, &opts)?;
        print!("{}", s.stdout.unwrap_or_default());
        eprintln!(
            "answered {} of {} questions; the rest need a person",
            s.answered, s.questions
        );
        Ok(())
    })
}
