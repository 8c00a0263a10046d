#!/usr/bin/env python3
"""Measures `vouch serve` edit-to-reload latency: starts the server on a
project, subscribes to its event stream, appends a line to a Markdown file 20
times, and reports the time from each save to the `reload` message.

With PAGE_URL, it also fetches that page after each reload, as the browser
does, checks that the new line is in it, and reports the time from the save
to the page arriving.

usage: scripts/serve-latency.py VOUCH_BINARY PROJECT_DIR FILE_TO_EDIT [EDITS] [PAGE_URL]
"""
import http.client
import statistics
import subprocess
import sys
import threading
import time

vouch, root, target = sys.argv[1:4]
edits = int(sys.argv[4]) if len(sys.argv) > 4 else 20
page = sys.argv[5] if len(sys.argv) > 5 else None
server = subprocess.Popen([vouch, "serve", "--root", root, "--port", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    url = next(w for w in server.stdout.readline().split() if w.startswith("http://"))
    host = url[len("http://"):].rstrip("/")
    conn = http.client.HTTPConnection(host)
    conn.request("GET", "/__vouch/events")
    resp = conn.getresponse()
    got = threading.Event()

    def listen():
        while True:
            line = resp.fp.readline()
            if not line:
                return
            if line.strip() == b"data: reload":
                got.set()

    threading.Thread(target=listen, daemon=True).start()
    time.sleep(0.5)
    original = open(target, encoding="utf-8").read()
    samples = []
    served = []
    for i in range(edits):
        got.clear()
        t0 = time.perf_counter()
        with open(target, "w", encoding="utf-8") as f:
            f.write(original + f"\nLatency probe {i}.\n")
        if not got.wait(30):
            raise SystemExit("no reload message within 30 s")
        samples.append((time.perf_counter() - t0) * 1000)
        if page:
            c = http.client.HTTPConnection(host)
            c.request("GET", page)
            body = c.getresponse().read().decode("utf-8", "replace")
            if f"Latency probe {i}." not in body:
                raise SystemExit(f"{page} does not show edit {i}")
            served.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.3)  # let a second watcher event (if any) settle
    with open(target, "w", encoding="utf-8") as f:
        f.write(original)
    print(f"edits: {edits}  median: {statistics.median(samples):.0f} ms  "
          f"min: {min(samples):.0f} ms  max: {max(samples):.0f} ms")
    if served:
        print(f"page served: median: {statistics.median(served):.0f} ms  "
              f"min: {min(served):.0f} ms  max: {max(served):.0f} ms")
finally:
    server.terminate()
