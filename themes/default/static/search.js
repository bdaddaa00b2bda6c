// Dossier search: runs in the browser over search-index.js, written at build time.
// No server and no other host is involved. The header box shows the best matches as you
// type; the search page (/search/?q=...) lists them all.
(function () {
  "use strict";
  var script = document.currentScript;
  var indexUrl = script && script.getAttribute("data-index");
  var loading = null;

  function loadIndex() {
    if (window.DOSSIER_SEARCH) return Promise.resolve(window.DOSSIER_SEARCH);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = indexUrl;
        s.onload = function () { resolve(window.DOSSIER_SEARCH || []); };
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return loading;
  }

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[\u2010-\u2015]/g, "-");
  }

  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // Each query word must start a word of the entry; title, alias and tag matches weigh more.
  var FIELDS = [["t", 10], ["a", 8], ["g", 6], ["s", 2], ["x", 1]];
  var prepared = null;
  function prepare(docs) {
    if (prepared) return prepared;
    prepared = docs.map(function (d) {
      var f = {};
      FIELDS.forEach(function (pair) {
        var v = d[pair[0]];
        f[pair[0]] = words(Array.isArray(v) ? v.join(" ") : v);
      });
      return { doc: d, fields: f };
    });
    return prepared;
  }

  function search(docs, query) {
    var terms = words(query);
    if (!terms.length) return [];
    var results = [];
    prepare(docs).forEach(function (p) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var best = 0;
        for (var j = 0; j < FIELDS.length; j++) {
          var list = p.fields[FIELDS[j][0]];
          for (var k = 0; k < list.length; k++) {
            if (list[k] === terms[i]) { best = Math.max(best, FIELDS[j][1] * 1.5); break; }
            if (list[k].indexOf(terms[i]) === 0) { best = Math.max(best, FIELDS[j][1]); }
          }
        }
        if (!best) return;
        score += best;
      }
      results.push({ doc: p.doc, score: score });
    });
    results.sort(function (a, b) {
      return b.score - a.score || a.doc.t.localeCompare(b.doc.t);
    });
    return results;
  }

  function render(container, results, query, limit) {
    container.textContent = "";
    var summary = document.createElement("p");
    summary.className = "search-summary";
    summary.textContent = results.length
      ? results.length + (results.length === 1 ? " entry matches " : " entries match ") + "\u201c" + query + "\u201d"
      : "No entry matches \u201c" + query + "\u201d";
    container.appendChild(summary);
    if (!results.length) return;
    var list = document.createElement("ul");
    list.className = "search-results";
    results.slice(0, limit).forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = r.doc.u;
      a.textContent = r.doc.t;
      var kind = document.createElement("span");
      kind.className = "kind kind-" + String(r.doc.k || "").toLowerCase().replace(/[^a-z0-9]+/g, "-");
      kind.textContent = " " + r.doc.k;
      li.appendChild(a);
      li.appendChild(kind);
      if (r.doc.s) {
        var p = document.createElement("p");
        p.textContent = r.doc.s;
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    container.appendChild(list);
  }

  function wire(input, container, limit, hideWhenEmpty) {
    if (!input || !container) return;
    var run = function () {
      var q = input.value.trim();
      if (!q) {
        container.textContent = "";
        if (hideWhenEmpty) container.hidden = true;
        return;
      }
      loadIndex().then(function (docs) {
        if (input.value.trim() !== q) return;
        render(container, search(docs, q), q, limit);
        container.hidden = false;
      }, function () {
        container.textContent = "The search index could not be loaded.";
        container.hidden = false;
      });
    };
    input.addEventListener("input", run);
    input.addEventListener("focus", function () { loadIndex(); });
    if (hideWhenEmpty) {
      input.addEventListener("keydown", function (e) {
        if (e.key === "Escape") { container.hidden = true; }
      });
    }
    return run;
  }

  document.addEventListener("DOMContentLoaded", function () {
    wire(document.getElementById("site-search-q"), document.getElementById("site-search-results"), 8, true);
    var pageInput = document.getElementById("search-page-q");
    var runPage = wire(pageInput, document.getElementById("search-page-results"), 100, false);
    if (pageInput && runPage) {
      var q = new URLSearchParams(window.location.search).get("q");
      if (q) { pageInput.value = q; runPage(); }
    }
  });
})();
