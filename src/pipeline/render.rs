//! Stage 6, render pages: the theme (built-in default, overridden file by file
//! by the project's `themes/<name>/`) loaded once into Tera, then each page
//! rendered from its view.

use crate::core::diagnostics::{rule, Diagnostic, Rule};
use crate::core::source::{file_diag, WithHelp};
use include_dir::{include_dir, Dir};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use tera::{Context, Tera};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A loaded theme: compiled templates and static files.
pub struct Theme {
    pub tera: Tera,
    /// Hash of the theme's files: page caches key on it.
    pub hash: u64,
    /// Static files by path relative to `static/`.
    pub statics: BTreeMap<String, Vec<u8>>,
}

fn collect_embedded(dir: &Dir<'static>, files: &mut BTreeMap<String, Vec<u8>>) {
    for f in dir.files() {
        files.insert(
            f.path().to_string_lossy().replace('\\', "/"),
            f.contents().to_vec(),
        );
    }
    for d in dir.dirs() {
        collect_embedded(d, files);
    }
}

/// Reads every file under `dir` (itself resolved to `real`) into `files`,
/// keyed by its path relative to `base`. A symlink is followed only when it
/// resolves inside the theme folder `fence`; one that leads out is refused
/// (`E045`), so a theme cannot publish files from elsewhere on the machine.
fn collect_disk(
    base: &Path,
    fence: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), Box<Diagnostic>> {
    let io = |p: &Path, e: std::io::Error| {
        theme_diag(
            &rule::TEMPLATE_ERROR,
            base,
            p,
            format!("cannot read theme file: {e}"),
        )
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        let real = std::fs::canonicalize(&p).map_err(|e| io(&p, e))?;
        if !real.starts_with(fence) {
            let msg = format!("leads to {}, outside the theme folder", real.display());
            return Err(theme_diag(&rule::UNSAFE_PATH, base, &p, msg));
        }
        if real.is_dir() {
            collect_disk(base, fence, &p, files)?;
        } else if real.is_file() {
            let rel = crate::pipeline::load::rel_path(base, &p);
            files.insert(rel, std::fs::read(&real).map_err(|e| io(&p, e))?);
        }
    }
    Ok(())
}

/// A finding about the theme file `path` of the theme folder `base`.
fn theme_diag(rule: &'static Rule, base: &Path, path: &Path, msg: String) -> Box<Diagnostic> {
    let root = base.parent().and_then(Path::parent).unwrap_or(base);
    let rel = crate::pipeline::load::rel_path(root, path);
    Box::new(file_diag(rule, &rel, msg).help(rule.fix))
}

/// The theme's files: the embedded default, overlaid by `root/themes/<name>/`.
/// The name must be a bare folder name and the folder must resolve inside
/// `themes/` (validation reports a bad name at its position; this refuses
/// it again so no caller can load a theme from elsewhere).
pub fn theme_files(
    root: &Path,
    name: Option<&str>,
) -> Result<BTreeMap<String, Vec<u8>>, Box<Diagnostic>> {
    let mut files = BTreeMap::new();
    collect_embedded(&DEFAULT_THEME, &mut files);
    let name = name.unwrap_or("default");
    let site_diag =
        |r: &'static Rule, m: String| Box::new(file_diag(r, "content/site.yaml", m).help(r.fix));
    if !crate::pipeline::validate::paths::valid_theme_name(name) {
        return Err(site_diag(
            &rule::UNSAFE_PATH,
            format!("theme `{name}` is not a folder name under themes/"),
        ));
    }
    let themes = root.join("themes");
    let dir = themes.join(name);
    if dir.is_dir() {
        let fence = crate::pipeline::load::resolve_inside(&themes, &dir).ok_or_else(|| {
            site_diag(
                &rule::UNSAFE_PATH,
                format!("themes/{name} leads outside themes/"),
            )
        })?;
        collect_disk(&dir, &fence, &dir, &mut files)?;
    } else if name != "default" {
        return Err(site_diag(
            &rule::TEMPLATE_ERROR,
            format!(
                "theme `{name}` not found: expected a folder {}",
                dir.display()
            ),
        ));
    }
    Ok(files)
}

/// Compiles a theme from its files.
pub fn load_theme(files: &BTreeMap<String, Vec<u8>>) -> Result<Theme, String> {
    let mut tera = Tera::default();
    let mut templates = Vec::new();
    let mut statics = BTreeMap::new();
    for (path, bytes) in files {
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8(bytes.clone())
                .map_err(|_| format!("template {path} is not UTF-8"))?;
            templates.push((name.to_string(), text));
        } else if let Some(name) = path.strip_prefix("static/") {
            statics.insert(name.to_string(), bytes.clone());
        }
    }
    tera.add_raw_templates(templates)
        .map_err(|e| tera_error(&e))?;
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default also escapes `/`, which makes every URL `&#x2F;`-noisy.
    tera.set_escape_fn(crate::pipeline::markdown::escape);
    statics.insert("code.css".into(), code_css().as_bytes().to_vec());
    Ok(Theme {
        tera,
        statics,
        hash: crate::core::memo::hash_of(files),
    })
}

/// Tera's error with its causes, on one line.
pub fn tera_error(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// `/static/code.css`: the colours of highlighted code's token kinds.
pub fn code_css() -> &'static str {
    crate::pipeline::markdown::highlight::stylesheet()
}

/// What a template is told about the page it renders.
#[derive(Debug, Clone, Copy)]
pub struct PageMeta<'a> {
    /// Root-relative URL (`/controls/a-6-2-4/`) or file path (`/404.html`).
    pub url: &'a str,
    pub title: &'a str,
    pub template: &'a str,
}

/// The `page` variable of every template.
#[derive(Debug, Serialize)]
pub struct PageContext<'a> {
    /// Root-relative URL (`/controls/a-6-2-4/`) or file path (`/404.html`).
    pub url: &'a str,
    pub title: &'a str,
    /// Absolute URL of the page (without a trailing `index.html`).
    pub canonical: &'a str,
}

/// Renders one page. `base` holds `site`; `canonical_base` is the base URL.
pub fn render_page(
    theme: &Theme,
    base: &Value,
    canonical_base: &str,
    job: PageMeta<'_>,
    page_ctx: Value,
) -> Result<String, String> {
    let mut ctx = Context::from_value(page_ctx).map_err(|e| tera_error(&e))?;
    if let Value::Object(m) = base {
        for (k, v) in m {
            ctx.insert(k, v);
        }
    }
    let canonical = format!("{canonical_base}{}", job.url.trim_end_matches("index.html"));
    ctx.insert(
        "page",
        &PageContext {
            url: job.url,
            title: job.title,
            canonical: &canonical,
        },
    );
    let html = theme
        .tera
        .render(job.template, &ctx)
        .map_err(|e| format!("{} (rendering {})", tera_error(&e), job.url))?;
    Ok(strip_controls(html))
}

/// True for the C0 control characters HTML does not allow in a document:
/// all but tab, newline and carriage return (form feed included).
fn stray_control(c: char) -> bool {
    c < ' ' && !matches!(c, '\t' | '\n' | '\r')
}

/// `html` without stray C0 control characters. Markdown text reaches a page
/// through pulldown-cmark's own escaping, which passes them on; templates
/// mark that HTML safe. One pass over the page, and none when it is clean.
pub fn strip_controls(html: String) -> String {
    // Every page passes this check: 64 bytes at a time without an early
    // exit, which compiles to vector instructions (a UTF-8 byte of a
    // multi-byte character is 0x80 or above, so never a control character).
    let clean = html.as_bytes().chunks(64).all(|c| {
        !c.iter()
            .fold(false, |a, &b| a | stray_control(char::from(b)))
    });
    if clean {
        return html;
    }
    html.chars().filter(|c| !stray_control(*c)).collect()
}
