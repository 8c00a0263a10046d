//! The HTTP side of `vouch serve`: safe paths, content types, the error
//! overlay injected into every HTML page, the event stream and the router.

use super::guard::{guard, Hosts};
use super::AppState;
use crate::build::Failure;
use crate::core::diagnostics::{Diagnostic, Severity};
use crate::pipeline::markdown::escape;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Response, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast;

const RELOAD_JS: &str = include_str!("reload.js");
const OVERLAY_CSS: &str = include_str!("overlay.css");

/// The overlay (errors) or badge (warnings) HTML, or empty. `stale`: the
/// errors are of a save that was not swapped in (the page is older).
pub fn overlay_html(diags: &[Diagnostic], stale: bool) -> String {
    let errors: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let warnings = diags.len() - errors.len();
    let mut out = String::from("<link rel=\"stylesheet\" href=\"/__vouch/overlay.css\">");
    if !errors.is_empty() {
        out.push_str("<section id=\"vouch-overlay\" role=\"alert\" aria-labelledby=\"vouch-overlay-title\"><h2 id=\"vouch-overlay-title\">");
        out.push_str(&format!(
            "The last save has {} error{}; {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if stale {
                "showing the last good build"
            } else {
                "found after the page was rendered"
            }
        ));
        out.push_str("</h2><ol>");
        for d in &errors {
            let pos = if d.line > 0 {
                format!("{}:{}:{}", d.file, d.line, d.column)
            } else {
                d.file.clone()
            };
            out.push_str(&format!(
                "<li><p><strong>{} {}</strong> <code>{}</code></p><p>{}</p>",
                escape(d.rule.code),
                escape(d.rule.name),
                escape(&pos),
                escape(&d.message)
            ));
            if let Some(src) = &d.source_line {
                out.push_str(&format!("<pre>{}</pre>", escape(src)));
            }
            if let Some(h) = &d.help {
                out.push_str(&format!("<p>help: {}</p>", escape(h)));
            }
            out.push_str("</li>");
        }
        out.push_str("</ol></section>");
    } else if warnings > 0 {
        out.push_str(&format!(
            "<p id=\"vouch-badge\" role=\"status\">{warnings} warning{} — run <code>vouch check</code></p>",
            if warnings == 1 { "" } else { "s" }
        ));
    } else {
        return String::new();
    }
    out
}

fn inject(html: &[u8], overlay: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    if overlay.is_empty() {
        return html.to_vec();
    }
    // After the opening <body ...> tag, so it renders before any script runs.
    match text
        .find("<body")
        .and_then(|i| text[i..].find('>').map(|j| i + j + 1))
    {
        Some(at) => format!("{}{}{}", &text[..at], overlay, &text[at..]).into_bytes(),
        None => format!("{overlay}{text}").into_bytes(),
    }
}

/// Normalises a request path; `None` for anything that could escape the site.
pub fn safe_path(raw: &str) -> Option<String> {
    let decoded = percent_decode(raw)?;
    if decoded.contains('\0') || decoded.contains('\\') || !decoded.starts_with('/') {
        return None;
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") || decoded.starts_with("//") {
        return None;
    }
    Some(decoded)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Content type by file extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ if path.ends_with("/_headers") || path.ends_with("/_redirects") => {
            "text/plain; charset=utf-8"
        }
        _ => "application/octet-stream",
    }
}

pub(super) fn respond(status: StatusCode, ctype: &str, body: Vec<u8>) -> Response<Body> {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(ctype).unwrap_or(HeaderValue::from_static("text/plain")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for (k, v) in crate::site::outputs::security_headers(0) {
        if k != "Strict-Transport-Security" {
            if let Ok(v) = HeaderValue::from_str(v) {
                h.insert(k, v);
            }
        }
    }
    r
}

async fn serve_file(State(state): State<AppState>, uri: Uri) -> Response<Body> {
    let Some(path) = safe_path(uri.path()) else {
        return respond(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            b"refused: path outside the site".to_vec(),
        );
    };
    // Rendering a page, or waiting for the background pass, blocks.
    tokio::task::spawn_blocking(move || serve_path(&state, &path))
        .await
        .unwrap_or_else(|_| {
            respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain",
                b"the request failed".to_vec(),
            )
        })
}

fn serve_path(state: &AppState, path: &str) -> Response<Body> {
    let (overlay, live) = match state.snapshot.read() {
        Ok(s) => (overlay_html(&s.diagnostics, s.stale), s.live.clone()),
        Err(_) => (String::new(), None),
    };
    let file = crate::core::routes::file_for(path);
    let found = match state.file(&file) {
        Ok(f) => f,
        Err(Failure::Content(d)) => {
            // A template error: the page as the previous build rendered it.
            let overlay = overlay_html(&d, true);
            return match state.previous_file(&file) {
                Some(b) => respond(StatusCode::OK, HTML, inject(&b, &overlay)),
                None => {
                    let body = inject(NO_PAGE.as_bytes(), &overlay);
                    respond(StatusCode::INTERNAL_SERVER_ERROR, HTML, body)
                }
            };
        }
        Err(_) => None,
    };
    if let Some(body) = found {
        let ct = content_type(&file);
        let body = if ct.starts_with("text/html") {
            inject(&body, &overlay)
        } else {
            body.to_vec()
        };
        return respond(StatusCode::OK, ct, body);
    }
    if live
        .as_ref()
        .is_some_and(|l| l.has(&format!("{path}/index.html")))
    {
        let mut r = respond(StatusCode::MOVED_PERMANENTLY, "text/plain", Vec::new());
        if let Ok(v) = HeaderValue::from_str(&format!("{path}/")) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    let body = match state.file("/404.html") {
        Ok(Some(b)) => inject(&b, &overlay),
        _ => inject(NO_PAGE.as_bytes(), &overlay),
    };
    respond(StatusCode::NOT_FOUND, HTML, body)
}

const HTML: &str = "text/html; charset=utf-8";

/// Shown when there is no good build (or page) to show.
const NO_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>vouch: no build yet</title></head><body><main><h1>No successful build yet</h1><p>Fix the errors shown and save; this page reloads.</p></main><script src=\"/__vouch/reload.js\" defer></script></body></html>";

async fn events(State(state): State<AppState>) -> impl IntoResponse {
    let rx = state.events.subscribe();
    let stop = state.stopping();
    // The stream ends when the server shuts down: the graceful shutdown
    // waits for every open response, and a browser tab never closes this one.
    let stream = futures_util::stream::unfold((rx, stop), |(mut rx, mut stop)| async move {
        loop {
            let msg = tokio::select! {
                _ = stop.wait_for(|stopped| *stopped) => return None,
                msg = rx.recv() => msg,
            };
            match msg {
                Ok(msg) => {
                    let event = Ok::<_, Infallible>(Event::default().data(msg));
                    return Some((event, (rx, stop)));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// The axum router (used by `serve` and by tests). It answers only requests
/// that name one of `hosts` and use GET or HEAD (see [`super::guard`]).
pub fn router(state: AppState, hosts: Hosts) -> Router {
    Router::new()
        .route("/__vouch/events", get(events))
        .route(
            "/__vouch/reload.js",
            get(|| async {
                respond(
                    StatusCode::OK,
                    "text/javascript; charset=utf-8",
                    RELOAD_JS.as_bytes().to_vec(),
                )
            }),
        )
        .route(
            "/__vouch/overlay.css",
            get(|| async {
                respond(
                    StatusCode::OK,
                    "text/css; charset=utf-8",
                    OVERLAY_CSS.as_bytes().to_vec(),
                )
            }),
        )
        .fallback(serve_file)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(hosts, guard))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_traversal_in_any_spelling() {
        assert!(safe_path("/../etc/passwd").is_none());
        assert!(safe_path("/%2e%2e/etc/passwd").is_none());
        assert!(safe_path("/a/%2E%2E/%2e%2e/x").is_none());
        assert!(safe_path("/a\\..\\b").is_none());
        assert!(safe_path("//etc/passwd").is_none());
        assert_eq!(
            safe_path("/controls/a-2-2/").as_deref(),
            Some("/controls/a-2-2/")
        );
    }

    #[test]
    fn overlay_goes_right_after_body_open() {
        let out = inject(
            b"<html><body class=\"x\"><main>hi</main></body></html>",
            "<p>OVER</p>",
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body class=\"x\"><p>OVER</p><main>hi</main></body></html>"
        );
    }
}
