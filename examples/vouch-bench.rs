//! `vouch-bench`: builds a deterministic synthetic project of N Markdown pages
//! with all three editions, reports wall time and peak memory, and optionally
//! builds the same pages with Hugo for comparison.
//!
//! `cargo run --release --example vouch-bench -- [--pages N] [--hugo] [--keep DIR] [--phases] [--huge-page MB]`
//!
//! `--pages N` (default 10,000) documents, 20% policies and 80% pages; `--hugo`
//! also times Hugo on the same pages; `--keep DIR` writes the project to DIR (and
//! the Hugo site to `DIR-hugo`) instead of a temporary folder; `--phases` times
//! `analyse` and rendering separately, in a fresh process so caches are cold.
//! See docs/benchmark.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::OnceLock;
use std::time::Instant;
use vouch::build::{self, Failure, Options};
use vouch::core::date::Date;
use vouch::core::diagnostics::{Diagnostic, Severity};

/// Fixed approval date of the synthetic policies.
const APPROVED: &str = "2026-11-01";
/// "Today" of the benchmark build, so no policy is overdue.
const TODAY: &str = "2026-11-15";
/// Neutral vocabulary: none of these (alone or adjacent) is a vague-language phrase.
const WORDS: &str = "model dataset review owner release validation record risk control system training \
    evaluation incident supplier audit metric threshold report team log access change approval register \
    quarter customer output input monitor deploy";
/// Languages of the fenced code blocks, in rotation.
const LANGS: &[&str] = &["rust", "python", "yaml", "json", "bash"];
/// Owners named in front matter and tables.
const ROLES: &[&str] = &[
    "Security Lead",
    "Head of AI Governance",
    "ML Platform Lead",
    "Data Protection Officer",
];

/// Command-line options.
struct Args {
    /// Number of generated documents.
    pages: usize,
    /// Also time Hugo.
    hugo: bool,
    /// Where to write the project instead of a temporary folder.
    keep: Option<PathBuf>,
    /// Also time the phases in a fresh process.
    phases: bool,
    /// Internal: time the phases of the project in this folder, then exit.
    phases_of: Option<PathBuf>,
    /// Instead of the corpus: one page of this many MB with passages and
    /// `kind:id` links, timed through `vouch check` (issue: linear time).
    huge_page_mb: Option<usize>,
}

/// Parses `--pages N`, `--hugo`, `--keep DIR` and `--phases`.
fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        pages: 10_000,
        hugo: false,
        keep: None,
        phases: false,
        phases_of: None,
        huge_page_mb: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--pages" => {
                let v = it.next().ok_or("--pages needs a number")?;
                args.pages = v.parse().map_err(|_| format!("--pages: `{v}` is not a number"))?;
            }
            "--hugo" => args.hugo = true,
            "--phases" => args.phases = true,
            "--phases-of" => args.phases_of = Some(it.next().ok_or("--phases-of needs a folder")?.into()),
            "--keep" => args.keep = Some(it.next().ok_or("--keep needs a folder")?.into()),
            "--huge-page" => {
                let v = it.next().ok_or("--huge-page needs a size in MB")?;
                args.huge_page_mb =
                    Some(v.parse().map_err(|_| format!("--huge-page: `{v}` is not a number"))?);
            }
            _ => return Err(format!("unknown argument `{a}`; usage: vouch-bench [--pages N] [--hugo] [--keep DIR] [--phases] [--huge-page MB]")),
        }
    }
    Ok(args)
}

/// SplitMix64: a tiny deterministic PRNG.
struct Rng(u64);

impl Rng {
    /// The next 64 random bits.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One element of a non-empty slice.
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }

    /// One word of the vocabulary.
    fn word(&mut self) -> &'static str {
        static LIST: OnceLock<Vec<&str>> = OnceLock::new();
        let list = LIST.get_or_init(|| WORDS.split_whitespace().collect());
        list[self.below(list.len())]
    }

    /// A sentence of `len` words, capitalised, with a full stop.
    fn sentence(&mut self, len: usize) -> String {
        let words: Vec<&str> = (0..len).map(|_| self.word()).collect();
        let s = words.join(" ");
        format!("{}{}.", s[..1].to_uppercase(), &s[1..])
    }
}

/// Id of generated document `i` (1-based).
fn doc_id(i: usize) -> String {
    format!("p-{i:05}")
}

/// Every fifth document is a policy, the rest are pages.
#[allow(clippy::manual_is_multiple_of)] // `is_multiple_of` needs Rust 1.87; the MSRV is 1.80
fn is_policy(i: usize) -> bool {
    i % 5 == 0
}

/// A scheme link to an entity that exists in a project of `n` documents.
fn link(rng: &mut Rng, n: usize, controls: &[String]) -> String {
    let (text, dest) = match rng.below(6) {
        0 | 1 => {
            let c = &controls[rng.below(controls.len())];
            (format!("control {c}"), format!("control:{c}"))
        }
        2 if n >= 5 => {
            let id = doc_id(5 * (1 + rng.below(n / 5)));
            let anchor = if rng.below(3) == 0 { "#overview" } else { "" };
            (format!("policy {id}"), format!("policy:{id}{anchor}"))
        }
        3 => {
            let j = 1 + rng.below(n);
            let id = doc_id(if is_policy(j) { j - 1 } else { j });
            (format!("page {id}"), format!("page:{id}"))
        }
        4 => ("the system card".into(), "system:support-drafts".into()),
        _ => ("the AI policy".into(), "policy:ai-policy".into()),
    };
    format!("[{text}]({dest})")
}

/// A paragraph of a few sentences with one or two cross-references.
fn paragraph(rng: &mut Rng, n: usize, controls: &[String]) -> String {
    let mut p = String::new();
    for _ in 0..3 + rng.below(3) {
        let len = 8 + rng.below(10);
        let _ = write!(p, "{} ", rng.sentence(len));
    }
    let _ = write!(p, "See {}", link(rng, n, controls));
    if rng.below(2) == 0 {
        let _ = write!(p, " and {}", link(rng, n, controls));
    }
    p.push_str(".\n\n");
    p
}

/// A fenced code block whose language and content depend on page `i`, section `k`.
fn code_block(i: usize, k: usize) -> String {
    let lang = LANGS[(i + k) % LANGS.len()];
    let (a, b) = (i * 31 + k * 7 + 3, (i * 17) ^ (k * 101));
    let code = match lang {
        "rust" => format!("fn limit_{i}_{k}(x: u64) -> u64 {{\n    let factor = {a};\n    x.wrapping_mul(factor) ^ {b}\n}}\n"),
        "python" => format!("def limit_{i}_{k}(x):\n    factor = {a}\n    return (x * factor) ^ {b}\n"),
        "yaml" => format!("page: p-{i:05}\nsection: {k}\nlimits:\n  max: {a}\n  min: {b}\n"),
        "json" => format!("{{\"page\": {i}, \"section\": {k}, \"limits\": {{\"max\": {a}, \"min\": {b}}}}}\n"),
        _ => format!("#!/usr/bin/env bash\nset -eu\nfor n in $(seq 1 {a}); do\n  echo \"page {i} run $n\" >> /tmp/out-{b}.log\ndone\n"),
    };
    format!("```{lang}\n{code}```\n\n")
}

/// One `##` section: paragraph, `###` subsection, list, table, code, maybe a hidden passage.
fn section(rng: &mut Rng, i: usize, k: usize, n: usize, controls: &[String]) -> String {
    let mut s = format!("## Section {k}: {} {}\n\n", rng.word(), rng.word());
    s.push_str(&paragraph(rng, n, controls));
    let _ = write!(s, "### Steps for {} {k}\n\n", rng.word());
    for _ in 0..3 + rng.below(3) {
        let len = 5 + rng.below(6);
        let _ = writeln!(s, "- {} ({})", rng.sentence(len), link(rng, n, controls));
    }
    s.push_str("\n| Item | Owner | Interval (days) |\n|---|---|---|\n");
    for _ in 0..3 {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            link(rng, n, controls),
            rng.pick(ROLES),
            30 * (1 + rng.below(12))
        );
    }
    s.push('\n');
    s.push_str(&code_block(i, k));
    if rng.below(2) == 0 {
        let ed = if rng.below(4) == 0 {
            "customer"
        } else {
            "internal"
        };
        let _ = write!(
            s,
            ":::{ed}\n### Notes for {ed} readers {k}\n\n{}:::\n\n",
            paragraph(rng, n, controls)
        );
    }
    s
}

/// The full Markdown file of document `i` (front matter and a 2–6 KB body).
fn document(rng: &mut Rng, i: usize, n: usize, controls: &[String]) -> String {
    let vis = ["public", "public", "customer", "customer", "internal"][rng.below(5)];
    let kind = if is_policy(i) { "policy" } else { "page" };
    let mut s = format!("---\ntitle: Synthetic {kind} {i:05}\nvisibility: {vis}\n");
    if is_policy(i) {
        let _ = write!(
            s,
            "owner: {}\napproved: {APPROVED}\nreview_every: 12 months\n",
            rng.pick(ROLES)
        );
    }
    s.push_str("---\n\n## Overview\n\n");
    s.push_str(&paragraph(rng, n, controls));
    let target = s.len() + 2048 + rng.below(4096);
    let mut k = 1;
    while s.len() < target {
        s.push_str(&section(rng, i, k, n, controls));
        k += 1;
    }
    s
}

/// Writes the starter project plus `n` documents into `root`; returns the Markdown bytes written.
fn generate(root: &Path, n: usize) -> std::io::Result<u64> {
    if root.exists() && std::fs::read_dir(root)?.next().is_some() {
        return Err(std::io::Error::other(
            "the folder is not empty; choose a new one",
        ));
    }
    let today = Date::parse(APPROVED).expect("valid date");
    for (rel, text) in vouch::commands::new::starter::files(today) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("has parent"))?;
        std::fs::write(path, text)?;
    }
    std::fs::create_dir_all(root.join("content/policies"))?;
    std::fs::create_dir_all(root.join("content/pages"))?;
    let controls: Vec<String> = vouch::core::catalogue::get()
        .controls
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let mut rng = Rng(0x5EED_0042_2001);
    let mut bytes = 0;
    for i in 1..=n {
        let text = document(&mut rng, i, n, &controls);
        bytes += text.len() as u64;
        let folder = if is_policy(i) { "policies" } else { "pages" };
        std::fs::write(
            root.join(format!("content/{folder}/{}.md", doc_id(i))),
            text,
        )?;
    }
    Ok(bytes)
}

/// Peak resident set size of this process in MB (`VmHWM`, Linux only).
fn self_peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace()
        .nth(1)?
        .parse::<f64>()
        .ok()
        .map(|kb| kb / 1024.0)
}

/// CPU seconds (user + system) this process used so far (Linux; assumes 100 ticks a second).
fn self_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Options of every benchmark build.
fn options(root: &Path) -> Options {
    Options {
        today: Date::parse(TODAY),
        ..Options::new(root)
    }
}

/// Explains why the vouch build failed (the count and the first few diagnostics); exit code 1.
fn failure(f: Failure) -> (u8, String) {
    let text = match f {
        Failure::Io(m) | Failure::Usage(m) => format!("vouch build failed (I/O): {m}\n"),
        Failure::Cancelled => "vouch build was cancelled\n".to_string(),
        Failure::Content(diags) => {
            let is_error = |d: &&Diagnostic| d.severity == Severity::Error;
            let errors = diags.iter().filter(is_error);
            let first: Vec<_> = errors
                .chain(diags.iter().filter(|d| !is_error(d)))
                .take(8)
                .cloned()
                .collect();
            let shown = vouch::core::diagnostics::render_human(&first, false);
            format!(
                "vouch build failed with {} diagnostics; the first ones:\n{shown}",
                diags.len()
            )
        }
    };
    (1, text)
}

/// Times `analyse` and `render_editions` separately; run in a fresh process so caches are cold.
fn phases(root: &Path) -> Result<(), Failure> {
    let opts = options(root);
    let t = Instant::now();
    let analysis = build::analyse(&opts)?;
    let t_analyse = t.elapsed().as_secs_f64();
    if analysis.has_errors() {
        return Err(Failure::Content(analysis.diagnostics));
    }
    let peak_analyse = self_peak_mb();
    let site = analysis
        .site
        .ok_or(Failure::Content(analysis.diagnostics))?;
    let theme = build::theme_for(&site, None).map_err(|d| Failure::Content(vec![*d]))?;
    let out = tempfile::tempdir().map_err(|e| Failure::Io(e.to_string()))?;
    let sink = vouch::pipeline::write::DiskSink {
        staging: out.path().to_path_buf(),
        previous: None,
        reuse: None,
    };
    let eds: Vec<usize> = (0..site.editions.len()).collect();
    let t = Instant::now();
    build::render_editions(&site, &eds, &theme, &sink, false, None, None)?;
    let t_render = t.elapsed().as_secs_f64();
    let peak = self_peak_mb();
    println!("\nphases (fresh process, cold caches)                  wall s  peak MB");
    let (a, b) = (mb(peak_analyse), mb(peak));
    println!("  analyse (load, parse, model, markdown, validate) {t_analyse:>8.2} {a:>8}");
    println!("  + render, postprocess, write, link check         {t_render:>8.2} {b:>8}");
    Ok(())
}

/// Result of one timed build.
struct Measured {
    /// Wall time in seconds.
    secs: f64,
    /// CPU time (user + system) in seconds, when known.
    cpu: Option<f64>,
    /// Peak resident memory in MB, when known.
    peak_mb: Option<f64>,
}

/// Times the full vouch build of all editions; prints pages per edition.
fn run_vouch(root: &Path) -> Result<Measured, Failure> {
    let out = tempfile::tempdir().map_err(|e| Failure::Io(e.to_string()))?;
    let (t, cpu0) = (Instant::now(), self_cpu_secs());
    let report = build::build(&options(root), &out.path().join("site"), None)?;
    let secs = t.elapsed().as_secs_f64();
    let cpu = self_cpu_secs().zip(cpu0).map(|(b, a)| b - a);
    let peak_mb = self_peak_mb();
    println!("\n{:<12} {:>8}", "edition", "pages");
    for (ed, count) in &report.pages {
        println!("{ed:<12} {count:>8}");
    }
    println!("warnings: {}", report.diagnostics.len());
    Ok(Measured { secs, cpu, peak_mb })
}

/// Rewrites vouch scheme links in one line into plain relative links.
fn relink(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(p) = rest.find("](") {
        out.push_str(&rest[..p + 2]);
        rest = &rest[p + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        let dest = &rest[..end];
        match dest.split_once(':') {
            Some((scheme, target)) => {
                let (id, anchor) = target.split_once('#').map_or((target, ""), |(a, b)| (a, b));
                let slug = id.to_lowercase().replace('.', "-");
                let folder = match scheme {
                    "policy" => "policies",
                    "page" => "pages",
                    "control" => "controls",
                    _ => "systems",
                };
                let hash = if anchor.is_empty() {
                    String::new()
                } else {
                    format!("#{anchor}")
                };
                let _ = write!(out, "../../{folder}/{slug}/{hash}");
            }
            None => out.push_str(dest),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Converts one generated vouch document into a Hugo content file (title-only front matter).
fn to_hugo(text: &str) -> String {
    let body = text.splitn(3, "---\n").nth(2).unwrap_or("");
    let title = text
        .lines()
        .find_map(|l| l.strip_prefix("title: "))
        .unwrap_or("Untitled");
    let mut s = format!("---\ntitle: \"{title}\"\n---\n");
    for line in body.lines().filter(|l| !l.starts_with(":::")) {
        s.push_str(&relink(line));
        s.push('\n');
    }
    s
}

/// Writes the generated documents of `root` as a minimal Hugo site in `site`.
fn write_hugo(root: &Path, site: &Path) -> std::io::Result<()> {
    let shell = |inner: &str| {
        format!("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{{{{ .Title }}}}</title></head>\n<body><main>{inner}</main></body></html>\n")
    };
    let layouts = site.join("layouts/_default");
    std::fs::create_dir_all(&layouts)?;
    std::fs::write(
        layouts.join("single.html"),
        shell("<h1>{{ .Title }}</h1>{{ .Content }}"),
    )?;
    std::fs::write(layouts.join("list.html"), shell("{{ .Content }}{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ end }}"))?;
    std::fs::write(site.join("layouts/index.html"), shell("{{ .Content }}"))?;
    std::fs::write(
        site.join("hugo.toml"),
        "baseURL = \"https://example.org/\"\ntitle = \"bench\"\ndisableKinds = [\"taxonomy\", \"term\"]\n\n[markup.highlight]\nnoClasses = false\n",
    )?;
    for folder in ["policies", "pages"] {
        let dest = site.join("content").join(folder);
        std::fs::create_dir_all(&dest)?;
        for entry in std::fs::read_dir(root.join("content").join(folder))? {
            let path = entry?.path();
            let name = path
                .file_name()
                .and_then(|f| f.to_str())
                .unwrap_or_default();
            if name.starts_with("p-") {
                std::fs::write(dest.join(name), to_hugo(&std::fs::read_to_string(&path)?))?;
            }
        }
    }
    Ok(())
}

/// Times `hugo --quiet -d OUT` in `site`, with peak memory from `/usr/bin/time -v` when present.
fn run_hugo(site: &Path) -> Result<Measured, String> {
    let out = site.join("public");
    let timed = Path::new("/usr/bin/time").is_file();
    let mut cmd = Command::new(if timed { "/usr/bin/time" } else { "hugo" });
    if timed {
        cmd.args(["-v", "hugo"]);
    }
    cmd.arg("--quiet")
        .arg("-d")
        .arg(&out)
        .current_dir(site)
        .stdout(Stdio::null());
    let t = Instant::now();
    let output = cmd.output().map_err(|e| format!("cannot run hugo: {e}"))?;
    let secs = t.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("hugo failed: {stderr}"));
    }
    let field = |name: &str| {
        let mut lines = stderr.lines();
        lines.find_map(|l| l.trim().strip_prefix(name)?.trim().parse::<f64>().ok())
    };
    let cpu = field("User time (seconds):").zip(field("System time (seconds):"));
    let peak_mb = field("Maximum resident set size (kbytes):").map(|kb| kb / 1024.0);
    Ok(Measured {
        secs,
        cpu: cpu.map(|(u, s)| u + s),
        peak_mb,
    })
}

/// Writes the Hugo site (into `keep` or a temporary folder) and times Hugo, or explains why not.
fn hugo_compare(root: &Path, keep: Option<PathBuf>) -> Option<Measured> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    if !std::env::split_paths(&path).any(|d| d.join("hugo").is_file()) {
        println!(
            "\nnote: no `hugo` on PATH (Debian: apt-get install hugo); skipping the comparison"
        );
        return None;
    }
    let temp = tempfile::tempdir().ok()?;
    let site = keep.unwrap_or_else(|| temp.path().to_path_buf());
    if let Err(e) = write_hugo(root, &site) {
        println!(
            "\nnote: cannot write the Hugo site into {}: {e}",
            site.display()
        );
        return None;
    }
    let version = Command::new("hugo").arg("version").output().ok();
    let version = version.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    println!(
        "\n{} (site in {})",
        version.unwrap_or_default(),
        site.display()
    );
    run_hugo(&site).map_err(|e| println!("note: {e}")).ok()
}

/// Formats an optional peak in MB.
fn mb(m: Option<f64>) -> String {
    m.map_or_else(|| "n/a".into(), |v| format!("{v:.0}"))
}

/// Generates the corpus, builds it with vouch (and Hugo), prints the table.
fn run(args: Args) -> Result<(), (u8, String)> {
    if let Some(root) = &args.phases_of {
        return phases(root).map_err(failure);
    }
    if let Some(mb) = args.huge_page_mb {
        return huge_page(mb);
    }
    let temp = tempfile::tempdir().map_err(|e| (2, format!("no temporary folder: {e}")))?;
    let root = args
        .keep
        .clone()
        .unwrap_or_else(|| temp.path().join("project"));
    let t = Instant::now();
    let bytes = generate(&root, args.pages).map_err(|e| {
        (
            2,
            format!("cannot generate the project in {}: {e}", root.display()),
        )
    })?;
    let gen_secs = t.elapsed().as_secs_f64();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mbytes = bytes as f64 / 1e6;
    println!(
        "generated {} documents ({mbytes:.1} MB of Markdown) in {gen_secs:.2} s into {}",
        args.pages,
        root.display()
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split(' ').next().unwrap_or("?");
    println!("threads: {threads}, load average before the build: {load}");
    let vouch = run_vouch(&root).map_err(failure)?;
    let hugo_keep = args
        .keep
        .as_ref()
        .map(|k| PathBuf::from(format!("{}-hugo", k.display())));
    let hugo = if args.hugo {
        hugo_compare(&root, hugo_keep)
    } else {
        None
    };
    println!(
        "\n{:<20} {:>8} {:>8} {:>8}",
        "build", "wall s", "CPU s", "peak MB"
    );
    let row = |name: &str, m: &Measured| {
        let cpu = m.cpu.map_or_else(|| "n/a".into(), |c| format!("{c:.1}"));
        println!("{name:<20} {:>8.2} {cpu:>8} {:>8}", m.secs, mb(m.peak_mb));
    };
    row("vouch (3 editions)", &vouch);
    if let Some(h) = &hugo {
        row("hugo (1 build)", h);
    }
    if args.phases {
        let exe = std::env::current_exe().map_err(|e| (2, format!("cannot find myself: {e}")))?;
        match Command::new(exe).arg("--phases-of").arg(&root).status() {
            Ok(s) if s.success() => {}
            other => return Err((1, format!("the phase measurement failed: {other:?}\n"))),
        }
    }
    Ok(())
}

/// One page of `mb` MB: paragraphs with `kind:id` links, a `:::internal`
/// passage every tenth section; `vouch check` (parse, validate, render and
/// link-check every edition) must take time linear in its size.
fn huge_page(mb: usize) -> Result<(), (u8, String)> {
    let temp = tempfile::tempdir().map_err(|e| (2, format!("no temporary folder: {e}")))?;
    let root = temp.path().join("project");
    let today = Date::parse(APPROVED).expect("valid date");
    let io = |e: std::io::Error| (2, format!("cannot write the project: {e}"));
    for (rel, text) in vouch::commands::new::starter::files(today) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("has parent")).map_err(io)?;
        std::fs::write(path, text).map_err(io)?;
    }
    let mut page = String::from("---\ntitle: A very long page\nvisibility: public\n---\n\n");
    let (mut links, mut passages, mut k) = (0usize, 0usize, 0usize);
    while page.len() < mb * 1_000_000 {
        k += 1;
        let hidden = k % 10 == 0;
        if hidden {
            page.push_str(":::internal\n");
            passages += 1;
        }
        let _ = write!(page, "## Section {k}\n\n");
        for _ in 0..4 {
            page.push_str("The [AI policy](policy:ai-policy) and [the owner control](control:A.3.2) apply to this record. ");
            links += 2;
        }
        page.push_str("\n\n");
        if hidden {
            page.push_str(":::\n\n");
        }
    }
    std::fs::create_dir_all(root.join("content/pages")).map_err(io)?;
    std::fs::write(root.join("content/pages/huge.md"), &page).map_err(io)?;
    let mut opts = Options::new(&root);
    opts.today = Date::parse(TODAY);
    let t = Instant::now();
    let a = build::check(&opts).map_err(failure)?;
    let secs = t.elapsed().as_secs_f64();
    let errors = a
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    println!(
        "one page of {:.1} MB, {passages} passages, {links} links: vouch check {secs:.2} s ({errors} errors)",
        page.len() as f64 / 1e6
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args()
        .map_err(|e| (2, format!("{e}\n")))
        .and_then(run)
    {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, text)) => {
            eprint!("{text}");
            ExitCode::from(code)
        }
    }
}
