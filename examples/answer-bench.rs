//! Benchmark of `vouch answer`: a 300-question workbook against a large
//! project, timed after the model is built (issue #17: under 2 s for the
//! 10,000-page benchmark project).
//!
//! ```sh
//! cargo run --release --example vouch-bench -- --keep /tmp/bench   # generates the project
//! cargo run --release --example answer-bench -- /tmp/bench
//! ```
//!
//! The questions are the three evaluation questionnaires of
//! `tests/answer-eval/` and `../shared/eval/` (when present), repeated in
//! order up to 300. It prints the time to analyse the project (the model),
//! to index its claims, to draft 300 answers, and a whole `answer::run`
//! (index, answers, output table, leak sentinel) over the same workbook.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use vouch::build::{analyse, Options};
use vouch::site::answer::{self, AnswerOptions, Answerer};

/// Questions of a CSV file's column `col` (after its header row).
fn questions(path: &Path, col: usize) -> Vec<String> {
    let Ok(mut r) = csv::Reader::from_path(path) else {
        return Vec::new();
    };
    r.records()
        .filter_map(Result::ok)
        .filter_map(|rec| rec.get(col).map(str::to_string))
        .collect()
}

/// CPU seconds (user + system) used so far by the process, from Linux's
/// `/proc` (clock ticks of 1/100 s); `None` elsewhere. On a shared machine wall time grows with the
/// load average, CPU time much less, so the benchmark prints both.
fn cpu() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The CPU seconds since `start`, as " (CPU 1.23 s)", or nothing.
fn cpu_since(start: Option<f64>) -> String {
    match (start, cpu()) {
        (Some(a), Some(b)) => format!(" (CPU {:.2} s)", b - a),
        _ => String::new(),
    }
}

/// The load average over the last minute, from Linux's `/proc/loadavg`, as
/// "; load 1.23", or nothing: the machine is often shared, and a figure
/// means little without it.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(|l| format!("; load {l}")))
        .unwrap_or_default()
}

fn workbook(n: usize) -> Vec<String> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut all = questions(&repo.join("tests/answer-eval/questions.csv"), 1);
    all.extend(questions(
        &repo.join("tests/answer-eval/harbourline-questionnaire.csv"),
        2,
    ));
    all.extend(questions(
        &repo.join("../shared/eval/larkspur-questionnaire.csv"),
        2,
    ));
    all.iter().cycle().take(n).cloned().collect()
}

fn run(root: PathBuf) -> Result<(), String> {
    let qs = workbook(300);
    let t = Instant::now();
    let a = analyse(&Options::new(root.clone())).map_err(|e| format!("{e:?}"))?;
    let site = a.site.ok_or("the project has no model")?;
    println!(
        "model: {} documents, {} controls, {} FAQ entries in {:.2} s",
        site.docs.len(),
        site.controls.len(),
        site.faq.len(),
        t.elapsed().as_secs_f64()
    );
    let (t, c) = (Instant::now(), cpu());
    let answerer = Answerer::new(&site, 0);
    let index = t.elapsed().as_secs_f64();
    let index_cpu = cpu_since(c);
    // Rows are drafted in parallel, as `answer::run` drafts them.
    let (t, c) = (Instant::now(), cpu());
    let answered = qs
        .par_iter()
        .filter(|q| answerer.answer(q, &[]).status == answer::Status::Answered)
        .count();
    let drafting = t.elapsed().as_secs_f64();
    let drafting_cpu = cpu_since(c);
    println!(
        "index of the public edition's claims: {index:.2} s{index_cpu}; {} questions drafted in \
         {drafting:.2} s{drafting_cpu} ({answered} answered); together {:.2} s{}",
        qs.len(),
        index + drafting,
        load()
    );
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let q = dir.path().join("workbook.csv");
    let mut w = csv::Writer::from_path(&q).map_err(|e| e.to_string())?;
    w.write_record(["ID", "Question"])
        .map_err(|e| e.to_string())?;
    for (i, text) in qs.iter().enumerate() {
        w.write_record([format!("Q{}", i + 1), text.clone()])
            .map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())?;
    let opts = AnswerOptions {
        questions: q,
        edition: site.editions[0].clone(),
        out: Some(dir.path().join("answers.csv")),
        format: None,
    };
    let t = Instant::now();
    let s = answer::run(&site, &opts)?;
    println!(
        "answer::run (index, answers, table, leak sentinel): {:.2} s for {} questions",
        t.elapsed().as_secs_f64(),
        s.questions
    );
    Ok(())
}

fn main() -> ExitCode {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: answer-bench PROJECT (e.g. one made by `vouch-bench --keep DIR`)");
        return ExitCode::from(2);
    };
    match run(PathBuf::from(root)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
