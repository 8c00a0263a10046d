/* vouch default theme: progressive enhancements, each a no-op where its page
   part is missing. Without JavaScript every page reads as plain HTML.
   - Documents: the contents entry of the section being read is highlighted.
   - Long registers (evidence, risks, the SoA, any data table of 15+ rows): a text
     filter and column sorting (buttons in the column headers, aria-sort).
   - FAQ: a topic filter built from the topics of the entries. */
(function () {
  "use strict";

  function fold(s) {
    return (s.normalize ? s.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : s).toLowerCase();
  }

  /* ---------- Contents: current section ---------- */
  function currentSection() {
    var links = Array.prototype.slice.call(document.querySelectorAll(".doc-aside .toc a[href^='#']"));
    if (!links.length || !("IntersectionObserver" in window)) return;
    var targets = [];
    links.forEach(function (a) {
      var el = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (el) targets.push({ el: el, a: a });
    });
    var visible = new Set();
    function mark() {
      // The first heading in view, or else the last one scrolled past.
      var current = null;
      for (var i = 0; i < targets.length; i++) {
        if (visible.has(targets[i].el)) { current = targets[i]; break; }
        if (targets[i].el.getBoundingClientRect().top < 0) current = targets[i];
      }
      targets.forEach(function (t) {
        if (t === current) t.a.setAttribute("aria-current", "location");
        else t.a.removeAttribute("aria-current");
      });
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) visible.add(e.target); else visible.delete(e.target);
      });
      mark();
    }, { rootMargin: "0px 0px -55% 0px" });
    targets.forEach(function (t) { observer.observe(t.el); });
  }

  /* ---------- Registers: filter and sort ---------- */
  var LONG = /^\/(evidence|risks|controls)\/$/;
  var filters = 0;

  function cellText(row, i) {
    var c = row.cells[i];
    return c ? c.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function compare(a, b) {
    var na = parseFloat(a), nb = parseFloat(b);
    if (/^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b)) return na - nb;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    var body = table.tBodies[0];
    Array.prototype.forEach.call(heads, function (th, i) {
      if (th.colSpan > 1 || !th.textContent.trim()) return;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort-button";
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      b.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r, s) {
          var d = compare(cellText(r, i), cellText(s, i));
          return asc ? d : -d;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function filterable(table, wrap) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var id = "table-filter-" + (++filters);
    var box = document.createElement("div");
    box.className = "table-filter";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "Filter " + (table.caption ? table.caption.textContent.trim().toLowerCase() : "rows");
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var count = document.createElement("p");
    count.className = "table-filter-count";
    count.setAttribute("role", "status");
    count.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(count);
    wrap.parentNode.insertBefore(box, wrap);
    var texts = rows.map(function (r) { return fold(r.textContent.replace(/\s+/g, " ")); });
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (r, i) {
        var ok = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
        r.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = words.length ? "Showing " + shown + " of " + rows.length + " rows." : "";
    });
  }

  function registers() {
    var long = LONG.test(window.location.pathname);
    document.querySelectorAll("main table.data-table").forEach(function (table) {
      if (!table.tBodies.length || !table.tHead) return;
      var n = table.tBodies[0].rows.length;
      if (n < 2 || !(long || n >= 15)) return;
      var wrap = table.closest(".table-wrap") || table;
      filterable(table, wrap);
      sortable(table);
    });
  }

  /* ---------- FAQ: topic filter ---------- */
  function topics() {
    var entries = Array.prototype.slice.call(document.querySelectorAll(".faq-list .faq-entry"));
    if (entries.length < 2) return;
    var all = [];
    var of = entries.map(function (e) {
      var ts = Array.prototype.map.call(e.querySelectorAll(".faq-foot .chip"), function (c) { return c.textContent.trim(); });
      ts.forEach(function (t) { if (all.indexOf(t) === -1) all.push(t); });
      return ts;
    });
    if (all.length < 2) return;
    all.sort();
    var group = document.createElement("div");
    group.className = "topic-filter";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Show questions on one topic");
    var buttons = [];
    function choose(topic, pressed) {
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === pressed ? "true" : "false"); });
      entries.forEach(function (e, i) { e.hidden = topic !== null && of[i].indexOf(topic) === -1; });
      document.querySelectorAll(".faq-toc li").forEach(function (li, i) { if (entries[i]) li.hidden = entries[i].hidden; });
    }
    [null].concat(all).forEach(function (t) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "topic-button";
      b.textContent = t === null ? "All topics" : t;
      b.setAttribute("aria-pressed", t === null ? "true" : "false");
      b.addEventListener("click", function () { choose(t, b); });
      buttons.push(b);
      group.appendChild(b);
    });
    var layout = document.querySelector(".faq-layout");
    layout.parentNode.insertBefore(group, layout);
  }

  currentSection();
  registers();
  topics();
})();
