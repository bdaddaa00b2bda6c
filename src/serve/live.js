// Dossier live reload: injected by `dossier serve` into the pages it serves, never into
// what `dossier build` writes. Listens to Server-Sent Events at /__dossier/events.
(function () {
  "use strict";
  if (window.__dossierLive) return;
  window.__dossierLive = true;
  var overlay = null;

  function here() {
    var p = location.pathname;
    return p.replace(/index\.html$/, "");
  }

  function clearOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function showErrors(problems) {
    clearOverlay();
    overlay = document.createElement("div");
    overlay.id = "dossier-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,24,.94);color:#f3f3f3;font:14px/1.5 ui-monospace,monospace;padding:2rem";
    var h = document.createElement("h2");
    h.textContent = "The site did not build: " + problems.length +
      (problems.length === 1 ? " problem" : " problems") + ". The last good build is still served.";
    h.style.cssText = "font:600 18px system-ui,sans-serif;margin:0 0 1rem;color:#ffb4a2";
    overlay.appendChild(h);
    problems.forEach(function (p) {
      var pre = document.createElement("pre");
      pre.className = "dossier-error";
      pre.style.cssText = "white-space:pre-wrap;margin:0 0 1rem;padding:1rem;background:#000;border-left:4px solid #ff6b4a";
      pre.textContent = p.report;
      overlay.appendChild(pre);
    });
    document.body.appendChild(overlay);
  }

  function swapStylesheets(urls) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var path = new URL(link.href, location.href).pathname;
      if (urls.indexOf(path) < 0) return;
      var fresh = link.cloneNode();
      fresh.href = path + "?v=" + Date.now();
      fresh.onload = function () { link.remove(); };
      link.after(fresh);
    });
  }

  var source = new EventSource("/__dossier/events");
  source.addEventListener("reload", function (e) {
    clearOverlay();
    var urls = JSON.parse(e.data);
    if (urls.indexOf("*") >= 0 || urls.indexOf(here()) >= 0) location.reload();
  });
  source.addEventListener("css", function (e) {
    clearOverlay();
    swapStylesheets(JSON.parse(e.data));
  });
  source.addEventListener("error", function (e) {
    if (e.data) showErrors(JSON.parse(e.data));
  });
})();
