// Serves a built edition folder over HTTP with the security headers of its own
// `_headers` file (the strict CSP among them), as the host would.
import { createServer } from "node:http";
import { readFileSync, existsSync, statSync } from "node:fs";
import { join, extname } from "node:path";

const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml", ".txt": "text/plain", ".csv": "text/csv" };

export function headersOf(dir) {
  const h = {};
  const text = readFileSync(join(dir, "_headers"), "utf8");
  let inAll = false;
  for (const line of text.split("\n")) {
    if (!line.startsWith(" ")) { inAll = line.trim() === "/*"; continue; }
    const m = line.trim().match(/^([^:]+):\s*(.*)$/);
    if (inAll && m) h[m[1]] = m[2];
  }
  if (!h["Content-Security-Policy"]) throw new Error(`${dir}/_headers has no CSP`);
  return h;
}

export function serve(dir) {
  const headers = headersOf(dir);
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path.includes("..")) { res.writeHead(400); return res.end(); }
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    const found = existsSync(file);
    if (!found) file = join(dir, "404.html");
    res.writeHead(found ? 200 : 404, { ...headers, "Content-Type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}
