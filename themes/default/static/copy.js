/* vouch default theme: "Copy link" buttons (FAQ permalinks).
   Each <button class="copy-link" data-url="..."> copies its data-url to the
   clipboard and announces the result in an aria-live region. No inline script. */
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

  function onClick(event) {
    var button = event.target.closest("button.copy-link");
    if (!button) return;
    var url = button.getAttribute("data-url");
    if (!url) return;
    var label = button.textContent;
    copy(url).then(function () {
      announce("Link copied");
      button.classList.add("copied");
      button.textContent = "Link copied";
      window.setTimeout(function () {
        button.classList.remove("copied");
        button.textContent = label;
      }, 2000);
    }, function () {
      announce("Could not copy the link. The address is " + url);
    });
  }

  document.addEventListener("click", onClick);
})();
