/* vouch default theme: copy for questionnaires.
   - "Copy link" on every section heading with an anchor, on control and system
     card pages (next to the title) and on FAQ entries (buttons in the template,
     <button class="copy-link" data-url="...">);
   - "Copy answer" (plain text followed by the link) on FAQ entries and controls.
   Buttons are added here, never by inline script, so pages without JavaScript
   show no button that cannot work. Results are announced in an aria-live region.
   The buttons are always visible (not on hover only), so touch screens have them. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function statusRegion() {
    var region = document.getElementById("copy-status");
    if (!region) {
      region = document.createElement("p");
      region.id = "copy-status";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  function announce(message) {
    var region = statusRegion();
    // Clear first so the same message is announced again on a second click.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  /* The address to share: the canonical URL when the page names one (public
     edition), otherwise the address it was opened at. */
  function pageUrl() {
    var canonical = document.querySelector('link[rel="canonical"]');
    if (canonical && canonical.href) return canonical.href;
    return window.location.origin + window.location.pathname;
  }

  /* Visible text of an element, one paragraph or list item a line, without
     the buttons and heading anchors this page adds. */
  function plainText(el) {
    var clone = el.cloneNode(true);
    clone.querySelectorAll("button, .anchor, .visually-hidden").forEach(function (n) { n.remove(); });
    clone.querySelectorAll("p, li, h2, h3, h4, tr, div").forEach(function (n) { n.append("\n"); });
    clone.querySelectorAll("li").forEach(function (n) { n.prepend("- "); });
    return clone.textContent.replace(/[ \t]+/g, " ").replace(/ *\n */g, "\n").replace(/\n{3,}/g, "\n\n").trim();
  }

  function done(button, message) {
    var label = button.textContent;
    announce(message);
    button.classList.add("copied");
    button.textContent = message;
    window.setTimeout(function () {
      button.classList.remove("copied");
      button.textContent = label;
    }, 2000);
  }

  function button(cls, text, name) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    if (name) b.setAttribute("aria-label", name);
    return b;
  }

  /* "Copy answer": `textOf()` is read at click time, so it is what the page shows. */
  function answerButton(name, textOf, url) {
    var b = button("copy-link copy-answer", "Copy answer", "Copy answer: " + name);
    b.addEventListener("click", function () {
      copy(textOf() + "\n\n" + url).then(function () { done(b, "Answer copied"); }, function () {
        announce("Could not copy the answer.");
      });
    });
    return b;
  }

  function headingText(h) {
    return plainText(h).replace(/\s+/g, " ");
  }

  /* "Copy link" on every heading the post-processor gave an anchor. */
  function headingButtons(base) {
    document.querySelectorAll("main h2[id], main h3[id], main h4[id]").forEach(function (h) {
      if (!h.querySelector(".anchor")) return;
      var b = button("copy-link copy-heading", "Copy link", "Copy link to section “" + headingText(h) + "”");
      b.setAttribute("data-url", base + "#" + h.id);
      h.appendChild(b);
    });
  }

  /* Control and system card pages: link (and, for a control, answer) by the title. */
  function pageButtons(base) {
    var path = window.location.pathname;
    var control = /^\/controls\/[^/]+\/$/.test(path);
    var system = /^\/systems\/[^/]+\/$/.test(path);
    var header = document.querySelector("main article.entity > .page-header");
    if (!(control || system) || !header) return;
    var title = header.querySelector("h1");
    var name = title ? headingText(title) : document.title;
    var row = document.createElement("p");
    row.className = "copy-actions";
    var link = button("copy-link", "Copy link", "Copy link to " + (control ? "control " : "system card ") + name);
    link.setAttribute("data-url", base);
    row.appendChild(link);
    if (control) {
      row.appendChild(answerButton(name, function () {
        var facts = document.querySelector("main .facts");
        var parts = [name];
        if (facts) parts.push(plainText(facts));
        document.querySelectorAll("main .section > .prose").forEach(function (p) {
          var h = p.parentNode.querySelector("h2");
          parts.push((h ? headingText(h) + "\n" : "") + plainText(p));
        });
        return parts.join("\n\n");
      }, base));
    }
    header.appendChild(row);
  }

  /* FAQ entries (the list and single answers): "Copy answer" by "Copy link". */
  function faqButtons() {
    document.querySelectorAll(".faq-foot").forEach(function (foot) {
      var link = foot.querySelector("button.copy-link[data-url]");
      var box = foot.parentNode;
      var prose = box.querySelector(".prose");
      if (!link || !prose) return;
      var q = box.querySelector(".faq-question") || document.querySelector("main h1");
      var question = q ? headingText(q) : "";
      link.setAttribute("aria-label", "Copy link to the answer to “" + question + "”");
      foot.insertBefore(answerButton(question, function () {
        return question + "\n\n" + plainText(prose);
      }, link.getAttribute("data-url")), link);
    });
  }

  function onClick(event) {
    var b = event.target.closest("button.copy-link[data-url]");
    if (!b) return;
    var url = b.getAttribute("data-url");
    copy(url).then(function () { done(b, "Link copied"); }, function () {
      announce("Could not copy the link. The address is " + url);
    });
  }

  var base = pageUrl();
  headingButtons(base);
  pageButtons(base);
  faqButtons();
  document.addEventListener("click", onClick);
})();
