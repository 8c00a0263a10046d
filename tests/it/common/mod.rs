//! Shared helpers for the integration tests: fixture copies and edits, CLI
//! runs, the analysed site, walking built output, and the proptest config.

pub mod md_grammar;
pub mod md_render;

use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The date every test treats as today.
pub const TODAY: &str = "2026-11-27";

/// Path of a fixture under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The repository root (holds the example content/).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of a fixture (only its content/ and themes/ if present).
pub fn temp_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

/// Replaces the first `from` in the file at `path` with `to`; panics if the
/// file lacks `from`, so an edit that no longer applies fails the test loudly
/// instead of silently testing the unedited fixture.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The analysed site model of the project at `root`, as of [`TODAY`];
/// panics with the diagnostics if the project has errors.
pub fn site(root: &Path) -> vouch::pipeline::model::Site {
    let mut opts = vouch::build::Options::new(root);
    opts.today = vouch::core::date::Date::parse(TODAY);
    let a = vouch::build::analyse(&opts).unwrap();
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    a.site.unwrap()
}

/// Runs the vouch binary with `args`.
pub fn vouch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Runs `vouch check --root ROOT --today TODAY --format json` plus `extra`.
pub fn check_json(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        "--root",
        root.to_str().unwrap(),
        "--today",
        TODAY,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    vouch(&args)
}

/// The JSON diagnostics a `--format json` run printed, one per stdout line,
/// without the closing `{"summary": ...}` line of `check` (see
/// `first_hour.rs` for its tests); panics on a line that is not JSON.
pub fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .unwrap_or_else(|e| panic!("bad JSON line {l}: {e}"))
        })
        .filter(|v| v.get("summary").is_none())
        .collect()
}

/// Exit code of a run.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs `vouch build --root ROOT --out OUT --today TODAY` plus `extra`.
pub fn build_to(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ];
    args.extend_from_slice(extra);
    vouch(&args)
}

/// Builds `root` into `root/site` with the fixed date; panics with diagnostics on failure.
pub fn build(root: &Path) -> PathBuf {
    let out = root.join("site");
    let o = build_to(root, &out, &[]);
    assert_eq!(code(&o), 0, "build failed:\n{}", stderr(&o));
    out
}

/// Every file under `dir`, as (relative path, bytes), sorted.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Reads a built page as text.
pub fn page(site: &Path, edition: &str, path: &str) -> String {
    let p = site.join(edition).join(path.trim_start_matches('/'));
    let p = if path.ends_with('/') {
        p.join("index.html")
    } else {
        p
    };
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The `<main>` element of a page.
pub fn main_of(html: &str) -> String {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page closes </main>") + "</main>".len();
    html[start..end].to_string()
}

/// Starts `vouch serve --port 0` on `root`; returns the child and its URL
/// (`http://127.0.0.1:PORT/`) as printed on its first line.
pub fn spawn_serve(root: &Path) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args([
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            "0",
            "--today",
            TODAY,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("serve prints its URL")
        .to_string();
    (child, url)
}

/// Where proptest saves failing cases: `tests/proptest-regressions/<module>.txt`
/// (the sibling of the folder holding `main.rs`), a tracked folder, so a
/// failure found once is committed and replayed first on every later run.
pub const REGRESSIONS: &str = "proptest-regressions";

/// Proptest settings shared by the property tests: `default_cases` cases
/// unless `PROPTEST_CASES` says otherwise (CI runs more than a developer's
/// default run), with failures persisted under [`REGRESSIONS`].
pub fn proptest_config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel(
            REGRESSIONS,
        ))),
        ..ProptestConfig::default()
    }
}

/// Sends `request` (the raw request head, `\r\n`-terminated lines and the
/// blank line) to `addr` and reads until the server closes; returns
/// (status, lowercased head, body).
pub fn http(addr: &str, request: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    // A reset after the response (the server closing first) still leaves
    // what was read.
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_lowercase(), body.to_string())
}

/// Sends SIGINT (what Ctrl-C sends) to a child process.
pub fn interrupt(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -INT failed");
}

/// Waits up to `limit` for a child to exit; its status, or None if it is
/// still running.
pub fn wait_exit(
    child: &mut std::process::Child,
    limit: std::time::Duration,
) -> Option<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
