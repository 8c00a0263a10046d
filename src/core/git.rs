//! Read-only git access: the checked-out commit, last-commit dates of content
//! files, and file contents at a revision. Git is optional: without it, or
//! outside a repository, callers get nothing rather than an error where they can.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

/// Path (relative to the project) -> date of its last commit.
pub type GitDates = Arc<HashMap<String, String>>;

/// Identifies the checked-out commit of the repository holding `root`
/// without running git: `.git/HEAD` and the ref it names. None when there is
/// no plain `.git` folder (no repository, worktrees): then nothing is cached.
pub fn head(root: &std::path::Path) -> Option<String> {
    let root = std::fs::canonicalize(root).ok()?;
    let git = root
        .ancestors()
        .map(|a| a.join(".git"))
        .find(|g| g.exists())?;
    if !git.is_dir() {
        return None;
    }
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let target = match head.trim().strip_prefix("ref: ") {
        Some(r) => std::fs::read_to_string(git.join(r))
            .or_else(|_| std::fs::read_to_string(git.join("packed-refs")))
            .unwrap_or_default(),
        None => String::new(),
    };
    Some(format!("{}\n{}", head.trim(), target.trim()))
}

/// Last commit date (YYYY-MM-DD) of each file under content/, keyed by its
/// project-relative path, when the project is a git repository (else empty).
pub fn last_commit_dates(root: &Path) -> HashMap<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "log",
            "--format=%x00%cs",
            "--name-only",
            "--relative",
            "--",
            "content",
        ])
        .output();
    let mut map = HashMap::new();
    let Ok(out) = out else { return map };
    if !out.status.success() {
        return map;
    }
    let mut date = String::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some(d) = line.strip_prefix('\0') {
            date = d.to_string();
        } else if !line.is_empty() {
            // Newest first: keep the first date seen for each path.
            map.entry(line.to_string()).or_insert_with(|| date.clone());
        }
    }
    map
}

/// Runs git in `dir`; its stdout, or its stderr's first line as the error.
pub fn run(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.lines().next().unwrap_or("git failed").to_string())
    }
}

/// Every file's bytes at `sha`, in one `git cat-file --batch` run.
pub fn cat_files(top: &Path, sha: &str, files: &[String]) -> Result<Vec<Vec<u8>>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let input: String = files.iter().map(|f| format!("{sha}:{f}\n")).collect();
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| "git: no stdin".to_string())?;
    // Write from a thread: git answers while we write, and both pipes can fill.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = writer.join();
    let mut blobs = Vec::with_capacity(files.len());
    let mut rest: &[u8] = &out.stdout;
    for f in files {
        let nl = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .filter(|_| !header.ends_with("missing"))
            .ok_or_else(|| format!("git cannot read {f} at {sha}"))?;
        let start = nl + 1;
        let end = (start + size).min(rest.len());
        blobs.push(rest[start..end].to_vec());
        rest = &rest[(end + 1).min(rest.len())..];
    }
    Ok(blobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_head_names_the_checked_out_commit() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(head(dir.path()), None);
        let git = dir.path().join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(git.join("refs/heads/main"), "abc\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let head = head(&dir.path().join("sub")).unwrap();
        assert!(head.ends_with("abc"), "{head}");
    }
}
