/* vouch default theme: client-side search over /search-index.json.
   Index format: {"docs": [{"u": url, "t": title, "k": kind, "x": plain text}]}.
   Works with the GET form (action="/search/", ?q=...) and refines as you type.
   Builds results with DOM methods only (no innerHTML), under a strict CSP. */
(function () {
  "use strict";

  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !results || !status) return;
  var form = input.form;

  var STOP = {
    a: 1, an: 1, and: 1, are: 1, as: 1, at: 1, be: 1, by: 1, "do": 1, does: 1, for: 1, from: 1,
    how: 1, "in": 1, is: 1, it: 1, of: 1, on: 1, or: 1, our: 1, the: 1, to: 1, we: 1, what: 1,
    when: 1, which: 1, who: 1, "with": 1, you: 1, your: 1
  };
  var MAX_RESULTS = 50;
  var docs = null;
  var loading = null;

  /* Lower-case, accents removed; `map[i]` is the index in the original string
     of normalised character i, so hits can be highlighted in the original. */
  function normalise(s) {
    var out = "";
    var map = [];
    for (var i = 0; i < s.length; i++) {
      var n = s[i].normalize ? s[i].normalize("NFD").replace(/[\u0300-\u036f]/g, "") : s[i];
      n = n.toLowerCase();
      for (var j = 0; j < n.length; j++) { out += n[j]; map.push(i); }
    }
    return { s: out, map: map };
  }

  function tokenize(q) {
    var words = normalise(q).s.match(/[a-z0-9]+(?:[.\-][a-z0-9]+)*/g) || [];
    var seen = {};
    var all = [];
    var kept = [];
    words.forEach(function (w) {
      if (seen[w]) return;
      seen[w] = 1;
      all.push(w);
      if (!STOP[w] && (w.length > 1 || /[0-9]/.test(w))) kept.push(w);
    });
    return kept.length ? kept : all;
  }

  function kindLabel(doc) {
    var u = doc.u || "";
    if (u.indexOf("/policies/") === 0) return "Policy";
    if (u.indexOf("/assessments/") === 0) return "Impact assessment";
    if (u.indexOf("/notices/") === 0) return "Transparency notice";
    if (u.indexOf("/controls/") === 0) return "Control";
    if (u.indexOf("/systems/") === 0) return "AI system";
    if (u.indexOf("/risks/") === 0) return "Risk";
    if (u.indexOf("/suppliers/") === 0) return "Supplier";
    if (u.indexOf("/evidence/") === 0) return "Evidence";
    if (u.indexOf("/faq/") === 0) return "FAQ";
    if (u === "/scope/") return "Scope";
    var k = doc.k || "page";
    return k.charAt(0).toUpperCase() + k.slice(1);
  }

  function isWordAt(text, pos, len) {
    var before = pos === 0 ? "" : text.charAt(pos - 1);
    var after = text.charAt(pos + len);
    return !/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after);
  }

  function countHits(text, token, cap) {
    var n = 0, word = false, pos = text.indexOf(token);
    while (pos !== -1 && n < cap) {
      n++;
      if (!word && isWordAt(text, pos, token.length)) word = true;
      pos = text.indexOf(token, pos + token.length);
    }
    return { n: n, word: word };
  }

  function score(doc, tokens, phrase) {
    var matched = 0, total = 0;
    tokens.forEach(function (tok) {
      var t = countHits(doc.tn.s, tok, 3);
      var x = countHits(doc.xn.s, tok, 8);
      if (t.n || x.n) matched++;
      if (t.n) total += t.word ? 14 : 7;
      if (x.n) total += x.n + (x.word ? 2 : 0);
    });
    if (tokens.length > 1 && phrase) {
      if (doc.tn.s.indexOf(phrase) !== -1) total += 12;
      else if (doc.xn.s.indexOf(phrase) !== -1) total += 5;
    }
    return { matched: matched, score: total };
  }

  function snippet(doc, tokens) {
    var text = doc.x || "";
    var norm = doc.xn;
    // The indexed text usually starts with the title: skip it in snippets.
    var base = doc.tn.s && norm.s.indexOf(doc.tn.s) === 0 ? doc.tn.s.length : 0;
    while (base < norm.s.length && /\s/.test(norm.s.charAt(base))) base++;
    var first = -1;
    tokens.forEach(function (tok) {
      var p = norm.s.indexOf(tok, base);
      if (p !== -1 && (first === -1 || p < first)) first = p;
    });
    if (first === -1) first = base;
    var startN = base;
    if (first - base > 60) {
      startN = norm.s.lastIndexOf(" ", first - 60);
      startN = startN === -1 ? first - 60 : startN + 1;
    }
    var endN = Math.min(norm.s.length, startN + 220);
    if (endN < norm.s.length) {
      var sp = norm.s.lastIndexOf(" ", endN);
      if (sp > startN + 120) endN = sp;
    }
    // Highlight ranges in normalised coordinates within [startN, endN).
    var ranges = [];
    tokens.forEach(function (tok) {
      var p = norm.s.indexOf(tok, startN);
      while (p !== -1 && p < endN) {
        ranges.push([p, Math.min(p + tok.length, endN)]);
        p = norm.s.indexOf(tok, p + tok.length);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    function orig(i) {
      if (i >= norm.map.length) return text.length;
      return norm.map[i];
    }
    var frag = document.createDocumentFragment();
    if (startN > base) frag.appendChild(document.createTextNode("… "));
    var cursor = orig(startN);
    merged.forEach(function (r) {
      var a = orig(r[0]), b = orig(r[1]);
      if (a > cursor) frag.appendChild(document.createTextNode(text.slice(cursor, a)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(a, b);
      frag.appendChild(mark);
      cursor = b;
    });
    var end = orig(endN);
    if (end > cursor) frag.appendChild(document.createTextNode(text.slice(cursor, end)));
    if (endN < norm.s.length) frag.appendChild(document.createTextNode(" …"));
    return frag;
  }

  function render(q) {
    while (results.firstChild) results.removeChild(results.firstChild);
    var query = q.trim();
    if (!query) {
      status.textContent = "Type a word or a control id, for example “oversight” or “A.6.2.4”.";
      return;
    }
    var tokens = tokenize(query);
    if (!tokens.length) {
      status.textContent = "Type at least one word to search.";
      return;
    }
    var phrase = normalise(query).s.replace(/\s+/g, " ");
    var hits = [];
    docs.forEach(function (doc) {
      var s = score(doc, tokens, phrase);
      if (s.matched) hits.push({ doc: doc, matched: s.matched, score: s.score });
    });
    var all = hits.filter(function (h) { return h.matched === tokens.length; });
    var partial = false;
    if (!all.length && hits.length) { all = hits; partial = true; }
    all.sort(function (a, b) {
      return b.matched - a.matched || b.score - a.score || (a.doc.t < b.doc.t ? -1 : a.doc.t > b.doc.t ? 1 : 0);
    });
    var shown = all.slice(0, MAX_RESULTS);
    shown.forEach(function (h) {
      var li = document.createElement("li");
      var box = document.createElement("div");
      box.className = "result";
      var a = document.createElement("a");
      a.className = "result-title";
      a.href = h.doc.u;
      a.textContent = h.doc.t;
      var kind = document.createElement("span");
      kind.className = "result-kind";
      kind.textContent = kindLabel(h.doc);
      var p = document.createElement("p");
      p.className = "result-snippet";
      p.appendChild(snippet(h.doc, tokens));
      box.appendChild(a);
      box.appendChild(kind);
      box.appendChild(p);
      li.appendChild(box);
      results.appendChild(li);
    });
    var n = all.length;
    var quoted = "“" + query + "”";
    if (!n) {
      status.textContent = "No results for " + quoted + ". Try fewer or different words.";
    } else {
      var msg = n + (n === 1 ? " result" : " results") + (partial ? " matching some of the words in " : " for ") + quoted;
      if (n > MAX_RESULTS) msg += "; showing the best " + MAX_RESULTS;
      status.textContent = msg + ".";
    }
  }

  function load() {
    if (docs) return Promise.resolve(docs);
    if (loading) return loading;
    status.textContent = "Loading the search index…";
    loading = fetch("/search-index.json", { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) {
        docs = (data && data.docs ? data.docs : []).map(function (d) {
          return { u: d.u, t: d.t || d.u, k: d.k, x: d.x || "", tn: normalise(d.t || ""), xn: normalise(d.x || "") };
        });
        return docs;
      })
      .catch(function (e) {
        loading = null;
        status.textContent = "The search index could not be loaded (" + e.message + ").";
        throw e;
      });
    return loading;
  }

  function setQueryInUrl(q) {
    if (!window.history || !window.history.replaceState) return;
    var url = window.location.pathname + (q ? "?q=" + encodeURIComponent(q) : "");
    window.history.replaceState(null, "", url);
  }

  function run(q) {
    load().then(function () { render(q); }, function () {});
  }

  var timer = null;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      setQueryInUrl(input.value.trim());
      run(input.value);
    }, 180);
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      setQueryInUrl(input.value.trim());
      run(input.value);
    });
  }

  var params = new URLSearchParams(window.location.search);
  var initial = params.get("q") || "";
  if (initial) {
    input.value = initial;
    run(initial);
  } else {
    status.textContent = "Type a word or a control id, for example “oversight” or “A.6.2.4”.";
  }
})();
