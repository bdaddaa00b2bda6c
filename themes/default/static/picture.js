// Opens wide pictures (an entry's relations, the tag graph) scrolled to their centre on
// narrow screens, where the browser cannot do it from CSS (`scroll-initial-target`).
if (!(window.CSS && CSS.supports("scroll-initial-target", "nearest"))) {
  for (const p of document.querySelectorAll(".picture")) {
    p.scrollLeft = (p.scrollWidth - p.clientWidth) / 2;
  }
}
