// vouch serve: live reload over server-sent events. Served only by the dev
// server, as an external file so pages keep working under the strict CSP.
(function () {
  "use strict";
  var KEY = "vouch-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(KEY);
  if (saved !== null) {
    sessionStorage.removeItem(KEY);
    var y = parseInt(saved, 10) || 0;
    window.addEventListener("load", function () { window.scrollTo(0, y); });
    if (document.readyState === "complete") { window.scrollTo(0, y); }
  }
  if (!window.EventSource) { return; }
  var source = new EventSource("/__vouch/events");
  source.onmessage = function (event) {
    if (event.data === "reload") {
      sessionStorage.setItem(KEY, String(window.scrollY));
      location.reload();
    }
  };
})();
