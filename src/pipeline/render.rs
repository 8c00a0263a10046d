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
/// (A renderer of many pages makes an [`EditionContext`] once instead.)
pub fn render_page(
    theme: &Theme,
    base: &Value,
    canonical_base: &str,
    job: PageMeta<'_>,
    page_ctx: Value,
) -> Result<String, String> {
    EditionContext::new(base).render(theme, canonical_base, job, page_ctx)
}

/// The Tera context of one edition's pages: the variables every page shares
/// (`site`), made once, to which each page adds its own for one render.
/// Copying the shared view into every page's context cost each page as many
/// allocations as the view has values. One per thread: rendering borrows it
/// mutably.
#[derive(Clone)]
pub struct EditionContext {
    ctx: Context,
    /// The names of the shared variables: a page's variable of the same
    /// name is hidden by the shared one, as `page` is by the page's meta.
    shared: Vec<String>,
    /// The length of the last page rendered, so the next page's buffer is
    /// allocated once, at about its size.
    last_len: usize,
}

impl EditionContext {
    /// The context holding the shared view `base` (a JSON object).
    pub fn new(base: &Value) -> Self {
        let mut ctx = Context::new();
        let mut shared = Vec::new();
        if let Value::Object(m) = base {
            for (k, v) in m {
                ctx.insert(k, v);
                shared.push(k.clone());
            }
        }
        EditionContext {
            ctx,
            shared,
            last_len: 16 * 1024,
        }
    }

    /// Renders one page from its own variables `page_ctx` (a JSON object)
    /// and the shared ones; the page's variables are gone again afterwards.
    pub fn render(
        &mut self,
        theme: &Theme,
        canonical_base: &str,
        job: PageMeta<'_>,
        page_ctx: Value,
    ) -> Result<String, String> {
        let hidden = |k: &str| k == "page" || self.shared.iter().any(|s| s == k);
        let own: Vec<String> = match &page_ctx {
            Value::Object(m) => m.keys().filter(|k| !hidden(k)).cloned().collect(),
            _ => Vec::new(),
        };
        // A page context that is not an object fails here, as it always has.
        let mut page = Context::from_value(page_ctx).map_err(|e| tera_error(&e))?;
        for k in self.shared.iter().map(String::as_str).chain(["page"]) {
            page.remove(k);
        }
        self.ctx.extend(page);
        let canonical = format!("{canonical_base}{}", job.url.trim_end_matches("index.html"));
        self.ctx.insert(
            "page",
            &PageContext {
                url: job.url,
                title: job.title,
                canonical: &canonical,
            },
        );
        let mut out = Vec::with_capacity(self.last_len + self.last_len / 8);
        let rendered = theme.tera.render_to(job.template, &self.ctx, &mut out);
        for k in own.iter().map(String::as_str).chain(["page"]) {
            self.ctx.remove(k);
        }
        rendered.map_err(|e| format!("{} (rendering {})", tera_error(&e), job.url))?;
        self.last_len = out.len();
        // Tera writes UTF-8 (its templates and values are Rust strings).
        let html = String::from_utf8(out).map_err(|e| format!("{e} (rendering {})", job.url))?;
        Ok(strip_controls(html))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn theme(template: &str) -> Theme {
        let files =
            BTreeMap::from([("templates/t.html".to_string(), template.as_bytes().to_vec())]);
        load_theme(&files).unwrap()
    }

    fn meta(url: &str) -> PageMeta<'_> {
        PageMeta {
            url,
            title: "T",
            template: "t.html",
        }
    }

    #[test]
    fn a_page_sees_the_shared_view_and_only_its_own_variables() {
        let theme = theme(
            "{{ site.name }}|{% if doc %}{{ doc }}{% else %}none{% endif %}|{{ page.canonical }}",
        );
        let mut ctx = EditionContext::new(&json!({ "site": { "name": "Acme" } }));
        let first = json!({ "doc": "A", "site": "not the site", "page": "not the page" });
        let out = ctx.render(&theme, "https://x.example", meta("/a/index.html"), first);
        assert_eq!(out.unwrap(), "Acme|A|https://x.example/a/");
        let out = ctx.render(&theme, "https://x.example", meta("/b/"), json!({}));
        assert_eq!(out.unwrap(), "Acme|none|https://x.example/b/");
    }

    #[test]
    fn a_failed_page_leaves_the_context_clean_for_the_next() {
        let theme = theme("{% if doc %}{{ doc.missing.deeper }}{% endif %}{{ site.name }}");
        let mut ctx = EditionContext::new(&json!({ "site": { "name": "Acme" } }));
        let bad = ctx.render(&theme, "", meta("/a/"), json!({ "doc": 1 }));
        assert!(bad.unwrap_err().contains("rendering /a/"));
        let out = ctx.render(&theme, "", meta("/b/"), json!({}));
        assert_eq!(out.unwrap(), "Acme");
        let null = ctx.render(&theme, "", meta("/c/"), serde_json::Value::Null);
        assert!(null.is_err(), "a context that is not an object is an error");
    }
}
