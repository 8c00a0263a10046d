//! Which requests `vouch serve` answers at all. The internal edition is on
//! the loopback interface, but a web page the author visits can still reach
//! it through DNS rebinding (its own host name resolving to 127.0.0.1), so
//! the `Host` a request names must be this server's, exactly; and the
//! preview is read-only, so only GET and HEAD are answered.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use axum::middleware::Next;
use std::net::SocketAddr;
use std::sync::Arc;

/// The `Host` values (host and port, lowercase) the server answers.
#[derive(Clone, Debug)]
pub struct Hosts {
    allowed: Arc<Vec<String>>,
    port: u16,
}

impl Hosts {
    /// `localhost`, `127.0.0.1` and `[::1]`, the `--bind` address as given
    /// and the address actually bound, each with the bound port.
    pub fn new(bind: &str, addr: SocketAddr) -> Self {
        let port = addr.port();
        // An IPv6 literal is written in brackets in a Host header.
        let bind = if bind.contains(':') && !bind.starts_with('[') {
            format!("[{bind}]")
        } else {
            bind.to_string()
        };
        let mut allowed = Vec::new();
        for host in ["localhost", "127.0.0.1", "[::1]", bind.as_str()] {
            allowed.push(format!("{host}:{port}").to_ascii_lowercase());
        }
        allowed.push(addr.to_string().to_ascii_lowercase());
        // A Host without a port means port 80 (RFC 9110 §7.2): browsers
        // leave it out there.
        if port == 80 {
            let bare: Vec<String> = allowed
                .iter()
                .filter_map(|h| h.strip_suffix(":80").map(str::to_string))
                .collect();
            allowed.extend(bare);
        }
        allowed.sort();
        allowed.dedup();
        Hosts {
            allowed: Arc::new(allowed),
            port,
        }
    }

    /// True when `host` (a `Host` header value) names this server.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.allowed.contains(&host)
    }

    /// The request names this server: exactly one `Host` header, and the
    /// authority of an absolute request target (HTTP/2, proxies) if any,
    /// each allowed. A request naming no host at all (HTTP/1.0) is refused:
    /// whom it was meant for is unknown.
    fn admits(&self, req: &Request) -> bool {
        let mut named = 0;
        for value in req.headers().get_all(header::HOST) {
            named += 1;
            if named > 1 || !value.to_str().is_ok_and(|h| self.allows(h)) {
                return false;
            }
        }
        if let Some(authority) = req.uri().authority() {
            named += 1;
            if !self.allows(authority.as_str()) {
                return false;
            }
        }
        named > 0
    }
}

/// Middleware: 421 for a request to another host, 405 for a method other
/// than GET or HEAD; everything else goes on to the router.
pub async fn guard(State(hosts): State<Hosts>, req: Request, next: Next) -> Response<Body> {
    if !hosts.admits(&req) {
        let body = format!(
            "421 Misdirected Request: vouch serve answers only Host localhost:{0}, 127.0.0.1:{0} or [::1]:{0}\n",
            hosts.port
        );
        return refuse(StatusCode::MISDIRECTED_REQUEST, body);
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let body = "405 Method Not Allowed: the preview is read-only (GET and HEAD)\n";
        let mut r = refuse(StatusCode::METHOD_NOT_ALLOWED, body.to_string());
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    next.run(req).await
}

fn refuse(status: StatusCode, body: String) -> Response<Body> {
    super::http::respond(status, "text/plain; charset=utf-8", body.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_the_bind_address_and_loopback_names_on_the_bound_port_only() {
        let hosts = Hosts::new("0.0.0.0", "0.0.0.0:4000".parse().unwrap());
        for ok in [
            "0.0.0.0:4000",
            "LocalHost:4000",
            "127.0.0.1:4000",
            "[::1]:4000",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for no in [
            "localhost",
            "localhost:80",
            "evil.example:4000",
            "127.0.0.1:40000",
        ] {
            assert!(!hosts.allows(no), "{no}");
        }
    }

    #[test]
    fn brackets_an_ipv6_bind_address_and_allows_no_port_on_port_80() {
        let hosts = Hosts::new("fd00::7", "[fd00::7]:80".parse().unwrap());
        for ok in ["[fd00::7]:80", "[FD00::7]", "localhost", "127.0.0.1:80"] {
            assert!(hosts.allows(ok), "{ok}");
        }
        assert!(!hosts.allows("fd00::7:80"));
    }
}
