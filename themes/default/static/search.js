/* vouch default theme: full-text search over the split index vouch writes.
   /search-index.json is the manifest ({v: 4, pages, per, groups: [label…], group:
   one letter per page, terms: ["term\nterm…" per shard], chunks: [first page of
   each text chunk]}); /search-index/terms-N.json holds
   one postings string per term of shard N ("page,count,page,count…", pages
   delta-encoded, 256 added to a count when the term is in the title),
   /search-index/docs-N.json the lines "url\ttitle\tkind" of `per` pages, and
   /search-index/text-N.json the full text of consecutive pages, for snippets. A query
   loads only the shards of its terms and the page lists of the first screen of
   results; the title and text of any other result load when it scrolls into view.
   The search page loads the manifest (the vocabulary) as soon as it opens.
   Close spellings: a word of five letters or more with no exact match finds the
   terms one edit away (two from eight letters). Works with the plain GET form
   (action="/search/", ?q=...) and refines as you type. DOM methods only (no
   innerHTML), under a strict CSP. */
(function () {
  "use strict";

  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !results || !status) return;
  var form = input.form;

  // The same stop words and token rule as the index (src/site/outputs/search.rs).
  var STOP = {
    a: 1, an: 1, and: 1, are: 1, as: 1, at: 1, be: 1, by: 1, "do": 1, does: 1, for: 1, from: 1,
    how: 1, "in": 1, is: 1, it: 1, of: 1, on: 1, or: 1, our: 1, the: 1, to: 1, we: 1, what: 1,
    when: 1, which: 1, who: 1, "with": 1, you: 1, your: 1
  };
  var TOKEN = /[\p{Alphabetic}\p{N}]+(?:[.\-][\p{Alphabetic}\p{N}]+)*/gu;
  var WORDCHAR = /[\p{Alphabetic}\p{N}]/u;
  var MAX_RESULTS = 50;
  var MAX_PREFIX = 30;
  // Results whose titles are loaded before the list is shown (a first screen).
  var FIRST_SCREEN = 6;
  var HINT = "Type a word or a control id, for example “oversight” or “A.6.2.4”.";
  var index = null;
  var loading = null;
  var shards = {};
  var pageLists = {};
  var pageLines = {};
  var texts = {};
  var generation = 0;

  function fold(s) {
    return (s.normalize ? s.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : s).toLowerCase();
  }

  function tokenize(q) {
    var words = q.toLowerCase().match(TOKEN) || [];
    var seen = {};
    return words.filter(function (w) {
      if (seen[w] || STOP[w]) return false;
      seen[w] = 1;
      return true;
    });
  }

  /* The label of page i's result group (from the manifest: no page list needed). */
  function groupOf(i) {
    return index.groups[index.group.charCodeAt(i) - 97] || "Pages";
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + url);
      return r.json();
    });
  }

  /* Code-point order, the order of the index's terms (JavaScript's own
     comparison is UTF-16 order, which differs for characters beyond U+FFFF). */
  function cmp(a, b) {
    if (a === b) return 0;
    for (var i = 0, j = 0; i < a.length && j < b.length;) {
      var x = a.codePointAt(i), y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
    return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
  }

  /* The manifest holds each shard's terms as one string; nothing is built over
     the whole vocabulary until a query needs it (close spellings, accents). */
  function loadIndex(quiet) {
    if (index) return Promise.resolve(index);
    if (loading) return loading;
    if (!quiet) status.textContent = "Loading the search index…";
    loading = fetchJson("/search-index.json").then(function (data) {
      // A page opened before a deploy may meet an index of another format:
      // say so, rather than finding nothing.
      if (data.v !== 4) throw new Error("the index has changed since this page was loaded; reload the page");
      var joined = data.terms || [];
      index = {
        pages: data.pages || 0,
        per: data.per || 1,
        groups: data.groups || [],
        group: data.group || "",
        docs: [],
        joined: joined,
        first: joined.map(function (s) { var k = s.indexOf("\n"); return k < 0 ? s : s.slice(0, k); }),
        lists: [],
        sets: [],
        all: null,
        folded: null,
        chunks: data.chunks || []
      };
      return index;
    });
    loading.catch(function () { loading = null; });
    return loading;
  }

  /* Loads the page lists holding `pages` (page numbers). Never fails: it
     settles once every list asked for has loaded or failed, with whether all
     loaded; a list that failed is asked for again next time. */
  function loadDocs(pages) {
    var wanted = {};
    pages.forEach(function (i) { wanted[Math.floor(i / index.per)] = 1; });
    return Promise.all(Object.keys(wanted).map(function (n) {
      if (pageLines[n]) return true;
      if (!pageLists[n]) {
        pageLists[n] = fetchJson("/search-index/docs-" + n + ".json").then(function (s) {
          pageLines[n] = s.split("\n");
          return true;
        }, function () {
          pageLists[n] = null;
          return false;
        });
      }
      return pageLists[n];
    })).then(function (done) { return done.every(Boolean); });
  }

  function loaded(i) {
    return !!pageLines[Math.floor(i / index.per)];
  }

  /* Page `i` as {u, t, k}, read from its page-list line (once loadDocs has it). */
  function doc(i) {
    if (!index.docs[i]) {
      var lines = pageLines[Math.floor(i / index.per)];
      var f = ((lines && lines[i % index.per]) || "").split("\t");
      var d = { u: f[0] || "", t: f[1] || "", k: f[2] || "" };
      if (!lines) return d;
      index.docs[i] = d;
    }
    return index.docs[i];
  }

  /* The shard whose terms would hold `t`: the last whose first term is <= t. */
  function shardOf(t) {
    var f = index.first, lo = 0, hi = f.length - 1;
    if (hi < 0 || cmp(t, f[0]) < 0) return -1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (cmp(f[mid], t) <= 0) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function terms(n) {
    if (!index.lists[n]) index.lists[n] = index.joined[n].split("\n");
    return index.lists[n];
  }

  function has(t) {
    var n = shardOf(t);
    if (n < 0) return false;
    if (!index.sets[n]) index.sets[n] = new Set(terms(n));
    return index.sets[n].has(t);
  }

  /* Every term, for close spellings: built once, on the first query that needs it. */
  function allTerms() {
    if (!index.all) index.all = [].concat.apply([], index.joined.map(function (s, n) { return terms(n); }));
    return index.all;
  }

  /* Accent-free spelling -> accented terms, from the terms with a non-ASCII
     letter only (one regular-expression pass over each shard's string). */
  function foldedTerms() {
    if (index.folded) return index.folded;
    var folded = new Map(), line = /^.*[^\x00-\x7f].*$/gm;
    index.joined.forEach(function (s) {
      (s.match(line) || []).forEach(function (t) {
        var f = fold(t);
        if (!folded.has(f)) folded.set(f, []);
        folded.get(f).push(t);
      });
    });
    index.folded = folded;
    return folded;
  }

  /* A fetch that failed is tried again next time, not remembered. */
  function shard(n) {
    if (!shards[n]) {
      shards[n] = fetchJson("/search-index/terms-" + n + ".json");
      shards[n].catch(function () { shards[n] = null; });
    }
    return shards[n];
  }

  function chunkOf(doc) {
    var c = index.chunks, lo = 0, hi = c.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (c[mid] <= doc) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function text(doc) {
    var n = chunkOf(doc);
    if (!texts[n]) {
      texts[n] = fetchJson("/search-index/text-" + n + ".json");
      texts[n].catch(function () { texts[n] = null; });
    }
    return texts[n].then(function (list) { return list[doc - index.chunks[n]] || ""; });
  }

  /* Edit distance of a and b (a swap of two neighbours counts as one edit:
     "reveiw" is one from "review"), or max + 1 as soon as it must exceed max. */
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var before = null, prev = [], cur = [], i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= b.length; j++) {
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2] + 1);
        cur[j] = v;
        if (v < low) low = v;
      }
      if (low > max) return max + 1;
      before = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  function firstAtLeast(all, word) {
    var lo = 0, hi = all.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (cmp(all[mid], word) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /* The index terms a query word stands for, each with a weight: the word itself,
     its accent-free twins, words it begins (as you type), then close spellings. */
  function expand(word) {
    var out = [], seen = {};
    function add(t, w, close) {
      if (seen[t]) return;
      seen[t] = 1;
      out.push({ term: t, w: w, close: close });
    }
    if (!index.joined.length) return out;
    if (has(word)) add(word, 1);
    (foldedTerms().get(fold(word)) || []).forEach(function (t) { add(t, 1); });
    if (word.length >= 2) {
      // Terms beginning with the word sit from its place on, maybe over a shard's end.
      var n = Math.max(0, shardOf(word)), count = 0;
      for (var i = firstAtLeast(terms(n), word); n < index.joined.length && count < MAX_PREFIX;) {
        var list = terms(n);
        if (i >= list.length) { n++; i = 0; continue; }
        if (list[i].indexOf(word) !== 0) break;
        add(list[i], 0.7);
        i++; count++;
      }
    }
    if (!out.length && word.length >= 5) {
      var max = word.length >= 8 ? 2 : 1, f = fold(word), all = allTerms();
      for (var k = 0; k < all.length; k++) {
        var t = all[k];
        // Most terms differ in length by more than `max`: no distance needed.
        if (Math.abs(t.length - f.length) > max) continue;
        var d = distance(f, /[^\x00-\x7f]/.test(t) ? fold(t) : t, max);
        if (d <= max) add(t, d === 1 ? 0.6 : 0.4, true);
      }
    }
    return out;
  }

  /* One group per query word (a compound id with no match, such as
     "a.6.9", becomes one group per part). */
  function groupsOf(words) {
    var groups = [];
    words.forEach(function (w) {
      var e = expand(w);
      if (!e.length && /[.\-]/.test(w)) {
        w.split(/[.\-]/).filter(function (p) { return p.length > 1 && !STOP[p]; }).forEach(function (p) {
          groups.push({ word: p, terms: expand(p) });
        });
      } else {
        groups.push({ word: w, terms: e });
      }
    });
    return groups;
  }

  /* A postings string ("delta,count,delta,count…") as numbers. */
  function decode(s) {
    var out = new Uint32Array(s ? (s.length + 1) >> 1 : 0), n = 0, x = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c === 44) { out[n++] = x; x = 0; } else x = x * 10 + c - 48;
    }
    if (s) out[n++] = x;
    return out.subarray(0, n);
  }

  /* Ranks pages: pages matching every word first, then by the sum over words of
     the best weight × idf × (1 + ln count) among the word's terms, plus a bonus
     when the title has the word. Scores live in arrays over all pages (no
     object per hit), and only the best `MAX_RESULTS` are sorted. */
  function rank(groups, postings) {
    var total = index.pages, score = new Float64Array(total), matched = new Uint16Array(total);
    var bestOf = [], touched = [];
    groups.forEach(function (g) {
      var best = new Float64Array(total), which = new Int32Array(total);
      g.terms.forEach(function (e, t) {
        var list = postings[e.term];
        if (!list) return;
        var idf = Math.log(1 + total / Math.max(1, list.length / 2));
        for (var i = 0, doc = 0; i < list.length; i += 2) {
          doc += list[i];
          var n = list[i + 1];
          var s = e.w * idf * (1 + Math.log(n & 255)) + (n >= 256 ? 4 : 0);
          if (s > best[doc]) { best[doc] = s; which[doc] = t; }
        }
      });
      for (var d = 0; d < total; d++) {
        if (!best[d]) continue;
        if (!matched[d]) touched.push(d);
        matched[d]++;
        score[d] += best[d];
      }
      bestOf.push({ best: best, which: which, terms: g.terms });
    });
    var every = touched.filter(function (d) { return matched[d] === groups.length; });
    var partial = !every.length && touched.length > 0;
    var list = partial ? touched : every;
    // Ties in page order (by URL): no title needed for pages never shown.
    function before(a, b) { return matched[b] - matched[a] || score[b] - score[a] || a - b; }
    var top = list.length > 4 * MAX_RESULTS ? selectTop(list, MAX_RESULTS, before) : list.slice().sort(before).slice(0, MAX_RESULTS);
    return {
      count: list.length,
      partial: partial,
      top: top.map(function (d) {
        var terms = [];
        bestOf.forEach(function (b) { if (b.best[d]) terms.push(b.terms[b.which[d]].term); });
        return { doc: d, terms: terms };
      })
    };
  }

  /* The best `k` of `list` in order: one pass keeping a sorted list of k. */
  function selectTop(list, k, before) {
    var top = [];
    for (var i = 0; i < list.length; i++) {
      var d = list[i];
      if (top.length === k && before(d, top[k - 1]) >= 0) continue;
      var lo = 0, hi = top.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (before(top[mid], d) <= 0) lo = mid + 1; else hi = mid;
      }
      top.splice(lo, 0, d);
      if (top.length > k) top.pop();
    }
    return top;
  }

  function search(query) {
    var groups = groupsOf(tokenize(query));
    var needed = {};
    groups.forEach(function (g) { g.terms.forEach(function (e) { needed[shardOf(e.term)] = 1; }); });
    var ns = Object.keys(needed);
    return Promise.all(ns.map(function (n) { return shard(n); })).then(function (loaded) {
      var postings = {};
      groups.forEach(function (g) {
        g.terms.forEach(function (e) {
          var n = shardOf(e.term), list = terms(n), at = firstAtLeast(list, e.term);
          if (list[at] === e.term) postings[e.term] = decode(loaded[ns.indexOf(String(n))][at] || "");
        });
      });
      var r = rank(groups, postings);
      r.groups = groups;
      // Grouped as shown; the first screen's titles load before it is shown.
      r.shown = grouped(r.top);
      // If one fails the results still show: each loads its own title again.
      var first = r.shown.slice(0, FIRST_SCREEN).map(function (h) { return h.doc; });
      return loadDocs(first).then(function () { return r; });
    });
  }

  /* Lower-case, accent-free text and, for each of its characters, the index of
     the character of the original it came from (to highlight the original). */
  function normalise(s) {
    var out = "", map = [];
    for (var i = 0; i < s.length; i++) {
      var n = fold(s[i]);
      for (var j = 0; j < n.length; j++) { out += n[j]; map.push(i); }
    }
    map.push(s.length);
    return { s: out, map: map };
  }

  function wordStart(s, p) {
    return p === 0 || !WORDCHAR.test(s.charAt(p - 1));
  }

  /* Where each term occurs at the start of a word, from `from` to `to`. */
  function occurrences(s, terms, from, to) {
    var found = [];
    terms.forEach(function (t) {
      var p = s.indexOf(t, from);
      while (p !== -1 && p < to) {
        if (wordStart(s, p)) found.push([p, Math.min(p + t.length, to)]);
        p = s.indexOf(t, p + 1);
      }
    });
    return found.sort(function (a, b) { return a[0] - b[0]; });
  }

  /* About 220 characters around the first hit, cut only at spaces. */
  function snippet(text, title, terms) {
    var norm = normalise(text), s = norm.s;
    var folded = terms.map(fold);
    var t = fold(title || "");
    var base = t && s.indexOf(t) === 0 ? t.length : 0;
    while (base < s.length && /\s/.test(s.charAt(base))) base++;
    var hits = occurrences(s, folded, base, s.length);
    var first = hits.length ? hits[0][0] : base;
    var start = base;
    if (first - base > 60) {
      var sp = s.lastIndexOf(" ", first - 60);
      start = sp < base ? base : sp + 1;
    }
    var end = s.length;
    if (end - start > 220) {
      var cut = s.indexOf(" ", start + 200);
      end = cut === -1 ? s.length : cut;
    }
    var frag = document.createDocumentFragment();
    if (start > base) frag.appendChild(document.createTextNode("… "));
    var cursor = norm.map[start];
    var last = start;
    occurrences(s, folded, start, end).forEach(function (r) {
      if (r[0] < last) return;
      var a = norm.map[r[0]], b = norm.map[r[1]];
      if (a > cursor) frag.appendChild(document.createTextNode(text.slice(cursor, a)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(a, b);
      frag.appendChild(mark);
      cursor = b;
      last = r[1];
    });
    var stop = norm.map[end];
    if (stop > cursor) frag.appendChild(document.createTextNode(text.slice(cursor, stop)));
    if (end < s.length) frag.appendChild(document.createTextNode(" …"));
    return frag;
  }

  function clear() {
    while (results.firstChild) results.removeChild(results.firstChild);
  }

  /* A snippet's text is fetched when it comes into view: a query shows up to
     50 results, and loading the text of all would cost more than the query. */
  var lazy = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (!e.isIntersecting || !e.target.fill) return;
      lazy.unobserve(e.target);
      e.target.fill();
      e.target.fill = null;
    });
  }, { rootMargin: "200px 0px" }) : null;

  /* A result: its title now when its page list is loaded, else once it is
     (when the result scrolls into view, or when the browser is idle, see
     `show`); its snippet when it scrolls into view. A load that fails is
     tried again a little later. */
  function resultItem(h, titles) {
    var li = document.createElement("li");
    li.className = "result";
    var a = document.createElement("a");
    a.className = "result-title";
    var p = document.createElement("p");
    p.className = "result-snippet";
    li.appendChild(a);
    li.appendChild(p);
    function title() {
      if (a.hasAttribute("href") || !loaded(h.doc)) return;
      var d = doc(h.doc);
      a.href = d.u;
      a.textContent = d.t || d.u;
      li.removeAttribute("aria-busy");
    }
    if (loaded(h.doc)) {
      title();
    } else {
      a.textContent = "Loading…";
      li.setAttribute("aria-busy", "true");
      titles.push(title);
    }
    var mine = generation;
    function fill() {
      loadDocs([h.doc]).then(function (ok) {
        if (!ok) throw new Error("page list not loaded");
        if (mine !== generation) return null;
        title();
        return text(h.doc).then(function (x) {
          if (mine !== generation) return;
          p.appendChild(snippet(x, doc(h.doc).t, h.terms));
          // Filled, even when the page has no text beyond its title.
          p.setAttribute("data-filled", "");
        });
      }).catch(function () {
        if (mine !== generation || !lazy) return;
        window.setTimeout(function () {
          if (mine !== generation) return;
          p.fill = fill;
          lazy.observe(p);
        }, 2000);
      });
    }
    p.fill = fill;
    if (lazy) lazy.observe(p); else p.fill();
    return li;
  }

  /* Results in the order shown: grouped by kind, the kind of the best first,
     each with its group label. */
  function grouped(top) {
    var order = [], byKind = {};
    top.forEach(function (h) {
      var k = groupOf(h.doc);
      if (!byKind[k]) { byKind[k] = []; order.push(k); }
      h.group = k;
      byKind[k].push(h);
    });
    return [].concat.apply([], order.map(function (k) { return byKind[k]; }));
  }

  function show(shown) {
    var ol = null, count = {}, titles = [], mine = generation;
    shown.forEach(function (h) { count[h.group] = (count[h.group] || 0) + 1; });
    shown.forEach(function (h, i) {
      if (!i || h.group !== shown[i - 1].group) {
        var section = document.createElement("section");
        section.className = "result-group";
        var h2 = document.createElement("h2");
        h2.textContent = h.group + " (" + count[h.group] + ")";
        ol = document.createElement("ol");
        ol.className = "search-results";
        section.appendChild(h2);
        section.appendChild(ol);
        results.appendChild(section);
      }
      ol.appendChild(resultItem(h, titles));
    });
    // Every result shown is a link soon, scrolled to or not (a screen
    // reader's list of links): the other page lists load when the browser
    // is idle, after the first screen.
    if (!titles.length) return;
    var rest = shown.map(function (h) { return h.doc; });
    var idle = window.requestIdleCallback || function (f) { return window.setTimeout(f, 200); };
    function load(attempt) {
      if (mine !== generation) return;
      loadDocs(rest).then(function (ok) {
        if (mine !== generation) return;
        titles.forEach(function (f) { f(); });
        if (!ok && attempt < 3) window.setTimeout(function () { load(attempt + 1); }, 2000);
      });
    }
    idle(function () { load(1); });
  }

  function describe(query, r) {
    var n = r.count, quoted = "“" + query + "”";
    if (!n) return "No results for " + quoted + ". Try fewer or different words.";
    var msg = n + (n === 1 ? " result" : " results") + (r.partial ? " matching some of the words in " : " for ") + quoted;
    if (n > MAX_RESULTS) msg += "; showing the best " + MAX_RESULTS;
    var close = [];
    r.groups.forEach(function (g) {
      g.terms.forEach(function (e) { if (e.close && close.indexOf(e.term) === -1) close.push(e.term); });
    });
    if (close.length) msg += ", including close spellings: " + close.slice(0, 5).join(", ");
    return msg + ".";
  }

  function run(q) {
    var query = q.trim();
    var mine = ++generation;
    if (!query) { clear(); status.textContent = HINT; return; }
    if (!tokenize(query).length) { clear(); status.textContent = "Type at least one word to search."; return; }
    loadIndex().then(function () { return search(query); }).then(function (r) {
      if (mine !== generation) return;
      clear();
      show(r.shown);
      status.textContent = describe(query, r);
    }).catch(function (e) {
      if (mine === generation) status.textContent = "The search index could not be loaded (" + e.message + ").";
    });
  }

  function setQueryInUrl(q) {
    if (!window.history || !window.history.replaceState) return;
    var url = window.location.pathname + (q ? "?q=" + encodeURIComponent(q) : "");
    window.history.replaceState(null, "", url);
  }

  var timer = null;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      run(input.value);
      setQueryInUrl(input.value.trim());
    }, 180);
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(input.value);
      // After the query is on its way: updating the URL costs a few
      // milliseconds the first results need more.
      var q = input.value.trim();
      window.setTimeout(function () { setQueryInUrl(q); }, 0);
    });
  }

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  if (initial) {
    input.value = initial;
    run(initial);
  } else {
    status.textContent = HINT;
    // The vocabulary is small and every query needs it: load it while the
    // reader types (and compile the tokeniser's Unicode pattern once).
    tokenize("index");
    loadIndex(true).catch(function () {});
  }
})();
