// Draws the page's Mermaid diagrams (`<pre class="mermaid">`, written from ```mermaid
// blocks) with the site's own copy of Mermaid, loaded just before this script. Without
// that copy, or without JavaScript, each diagram stays readable as its text.
if (window.mermaid) {
  const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  window.mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme: dark ? "dark" : "default",
  });
  window.mermaid.run({ querySelector: "pre.mermaid" }).catch((e) => console.error(e));
}
