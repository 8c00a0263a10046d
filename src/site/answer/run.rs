//! `vouch answer` from start to end: the questionnaire read, the rows
//! drafted (in parallel, the library applied in row order), the leak
//! sentinel run over what a lower edition would receive, and the result
//! delivered.

use super::{deliver, library, more_claims, questionnaire, target, Draft, Format, Status};
use crate::pipeline::model::Site;
use rayon::prelude::*;
use std::path::PathBuf;

/// What `vouch answer` was asked to do.
#[derive(Debug, Clone)]
pub struct AnswerOptions {
    pub questions: PathBuf,
    /// Edition name (`public` by default on the command line).
    pub edition: String,
    pub out: Option<PathBuf>,
    pub format: Option<Format>,
}

/// How the answers are delivered, beyond [`AnswerOptions`].
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    /// Write into the questionnaire itself (`--in-place`).
    pub in_place: bool,
    /// Answer and links into the sheet's own empty Response / Comments
    /// columns (`--into-columns`).
    pub into_columns: bool,
}

/// What a run produced, for the closing line on stderr.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub questions: usize,
    /// Rows with status `answered` or `library`.
    pub answered: usize,
    /// Of those, rows answered from the answer library.
    pub library: usize,
    /// Lines for standard error: library claims not cited, a converted workbook.
    pub notes: Vec<String>,
    /// The output when no `--out` file was given.
    pub stdout: Option<String>,
}

/// Finds an edition by name, with the list in the error.
pub fn edition_index(site: &Site, name: &str) -> Result<usize, String> {
    site.editions.iter().position(|e| e == name).ok_or_else(|| {
        format!(
            "unknown edition `{name}`; editions: {}",
            site.editions.join(", ")
        )
    })
}

/// Runs the leak sentinel over the answers of a lower edition before they are
/// written; the questionnaire's own text is the customer's and counts as seen.
pub(super) fn guard(
    site: &Site,
    ed: usize,
    sheet: &questionnaire::Sheet,
    text: &str,
) -> Result<(), String> {
    if ed + 1 >= site.editions.len() {
        return Ok(());
    }
    let asked: String = sheet
        .rows
        .iter()
        .map(|r| r.join("\n"))
        .collect::<Vec<_>>()
        .join("\n");
    let sentinel = crate::site::sentinel::Sentinel::new(site, ed, &[&asked]);
    match sentinel.scan("answers", text.as_bytes()) {
        None => Ok(()),
        Some(hit) => {
            let d = crate::site::sentinel::diagnostic(site, &site.editions[ed], &hit);
            Err(format!(
                "{} {}: {} ({}:{}:{}); nothing was written",
                d.rule.code, d.rule.name, d.message, d.file, d.line, d.column
            ))
        }
    }
}

/// Reads the questionnaire, drafts every answer and writes the result.
pub fn run(site: &Site, opts: &AnswerOptions) -> Result<Summary, String> {
    run_with(site, opts, &Delivery::default())
}

/// [`run`] with the delivery flags (`--in-place`, `--into-columns`).
pub fn run_with(site: &Site, opts: &AnswerOptions, delivery: &Delivery) -> Result<Summary, String> {
    let ed = edition_index(site, &opts.edition)?;
    // Decided before any work, so a bad --out costs nothing and writes nothing.
    let target = target::decide(
        &opts.questions,
        opts.out.as_deref(),
        opts.format,
        delivery.in_place,
    )?;
    let sheet = questionnaire::read(&opts.questions)?;
    let name = opts.questions.display();
    if questionnaire::is_empty(&sheet) {
        return Err(format!("{name} is empty: no questions to answer"));
    }
    let layout = questionnaire::detect(&sheet).map_err(|e| format!("{name}: {e}"))?;
    let (library, problems) = library::Library::read(site);
    if let Some(d) = problems
        .iter()
        .find(|d| d.severity == crate::core::diagnostics::Severity::Error)
    {
        return Err(format!(
            "{}:{}:{}: {} (run `vouch check`)",
            d.file, d.line, d.column, d.message
        ));
    }
    let (answerer, library) = more_claims::prepare(site, ed, &library);
    let question = |r: usize| -> Option<&str> {
        let q = sheet.rows[r][layout.question].trim();
        (r >= layout.first_data_row() && !q.is_empty()).then_some(q)
    };
    // Rows are drafted in parallel (each depends on nothing else; `collect`
    // keeps their order), then the library is applied in row order, so its
    // notes come in order too.
    let drafted: Vec<Option<(Vec<String>, Draft)>> = (0..sheet.rows.len())
        .into_par_iter()
        .map(|r| {
            let q = question(r)?;
            let others: Vec<String> = sheet.rows[r]
                .iter()
                .enumerate()
                .filter(|(c, _)| *c != layout.question)
                .map(|(_, v)| v.clone())
                .collect();
            let d = answerer.answer(q, &others);
            Some((others, d))
        })
        .collect();
    let mut drafts = Vec::with_capacity(sheet.rows.len());
    let mut summary = Summary::default();
    for (r, row) in drafted.into_iter().enumerate() {
        let (Some(q), Some((others, d))) = (question(r), row) else {
            drafts.push(None);
            continue;
        };
        let d = library.apply(r + 1, q, &others, d, &mut summary.notes);
        summary.questions += 1;
        summary.answered += usize::from(d.status != Status::NeedsHuman);
        summary.library += usize::from(d.status == Status::Library);
        drafts.push(Some(d));
    }
    let sheet_in = deliver::Answered {
        questions: &opts.questions,
        sheet: &sheet,
        layout: &layout,
        drafts: &drafts,
    };
    deliver::deliver(site, ed, &sheet_in, delivery, &target, &mut summary)?;
    Ok(summary)
}
