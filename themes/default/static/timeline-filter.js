// Filters the timeline in place by kind and by tag. Without this script the filter
// links lead to the pre-rendered pages /timeline/kind/…/ and /timeline/tag/…/; with it
// they become toggles, and the choice is kept in the address (?kind=a,b&tag=c) so that
// it can be shared.
(function () {
  "use strict";
  var nav = document.getElementById("timeline-filters");
  var years = document.querySelector("[data-timeline]");
  if (!nav || !years) return;
  var shown = document.getElementById("timeline-shown");
  var chosen = { kind: [], tag: [] };
  var params = new URLSearchParams(window.location.search);
  ["kind", "tag"].forEach(function (what) {
    var value = params.get(what);
    if (value) chosen[what] = value.split(",").filter(Boolean);
  });
  var buttons = [];
  Array.prototype.forEach.call(nav.querySelectorAll("a[data-filter]"), function (link) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "filter-chip";
    button.textContent = link.textContent;
    button.dataset.filter = link.dataset.filter;
    button.dataset.value = link.dataset.value;
    button.addEventListener("click", function () {
      var list = chosen[button.dataset.filter];
      var at = list.indexOf(button.dataset.value);
      if (at < 0) list.push(button.dataset.value);
      else list.splice(at, 1);
      apply(true);
    });
    link.parentNode.replaceChild(button, link);
    buttons.push(button);
  });
  var all = nav.querySelector(".filter-all a");
  if (all) {
    all.addEventListener("click", function (event) {
      event.preventDefault();
      chosen.kind = [];
      chosen.tag = [];
      apply(true);
    });
  }
  function apply(remember) {
    buttons.forEach(function (b) {
      var on = chosen[b.dataset.filter].indexOf(b.dataset.value) >= 0;
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    var total = 0;
    var visible = 0;
    Array.prototype.forEach.call(years.querySelectorAll("section.year"), function (section) {
      var any = false;
      Array.prototype.forEach.call(section.querySelectorAll("li[data-kind]"), function (item) {
        var tags = (item.dataset.tags || "").split(" ");
        var kindOk = chosen.kind.length === 0 || chosen.kind.indexOf(item.dataset.kind) >= 0;
        var tagOk = chosen.tag.length === 0 || chosen.tag.some(function (t) {
          return tags.indexOf(t) >= 0;
        });
        var show = kindOk && tagOk;
        item.hidden = !show;
        total += 1;
        if (show) {
          visible += 1;
          any = true;
        }
      });
      section.hidden = !any;
    });
    var filtered = chosen.kind.length + chosen.tag.length > 0;
    if (all) {
      if (filtered) all.removeAttribute("aria-current");
      else all.setAttribute("aria-current", "page");
    }
    if (shown) shown.textContent = filtered ? visible + " of " + total + " entries shown" : "";
    if (remember) {
      var query = new URLSearchParams();
      if (chosen.kind.length) query.set("kind", chosen.kind.join(","));
      if (chosen.tag.length) query.set("tag", chosen.tag.join(","));
      var search = query.toString();
      var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
      window.history.replaceState(null, "", url);
    }
  }
  apply(false);
})();
