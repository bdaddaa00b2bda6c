//! Code blocks in the languages people write, named the ways they name them, and Mermaid
//! diagrams: `tests/fixtures/highlight/`.

mod common;

use common::TestSite;

/// The fence's name, and the classes of the syntax's own scope that wrap the block.
const NAMES: &[(&str, &str)] = &[
    ("ts", "hl-source hl-ts"),
    ("typescript", "hl-source hl-ts"),
    ("tsx", "hl-source hl-tsx"),
    ("jsx", "hl-source hl-js"),
    ("js", "hl-source hl-js"),
    ("shell", "hl-source hl-shell hl-bash"),
    ("sh", "hl-source hl-shell hl-bash"),
    ("bash", "hl-source hl-shell hl-bash"),
    ("zsh", "hl-source hl-shell hl-bash"),
    ("console", "hl-source hl-shell hl-bash"),
    ("toml", "hl-source hl-toml"),
    ("scss", "hl-source hl-scss"),
    ("sass", "hl-source hl-sass"),
    ("dockerfile", "hl-source hl-dockerfile"),
    ("docker", "hl-source hl-dockerfile"),
    ("yaml", "hl-source hl-yaml"),
    ("yml", "hl-source hl-yaml"),
    ("json", "hl-source hl-json"),
    ("jsonc", "hl-source hl-json"),
    ("rust", "hl-source hl-rust"),
    ("rs", "hl-source hl-rust"),
    ("py", "hl-source hl-python"),
    ("python", "hl-source hl-python"),
    ("go", "hl-source hl-go"),
    ("nix", "hl-source hl-nix"),
    ("lua", "hl-source hl-lua"),
    ("diff", "hl-source hl-diff"),
    ("ini", "hl-source hl-ini"),
    ("sql", "hl-source hl-sql"),
    ("graphql", "hl-source hl-graphql"),
    ("hcl", "hl-source hl-terraform"),
    ("terraform", "hl-source hl-terraform"),
    ("kotlin", "hl-source hl-Kotlin"),
    ("swift", "hl-source hl-swift"),
    ("elixir", "hl-source hl-elixir"),
    ("zig", "hl-source hl-zig"),
    ("html", "hl-text hl-html hl-basic"),
    ("css", "hl-source hl-css"),
    ("c", "hl-source hl-c"),
    ("cpp", "hl-source hl-c++"),
    ("java", "hl-source hl-java"),
    ("ruby", "hl-source hl-ruby"),
    ("php", "hl-embedding hl-php"),
    ("markdown", "hl-text hl-html hl-markdown"),
    ("xml", "hl-text hl-xml"),
    ("makefile", "hl-source hl-makefile"),
];

/// The inside of the `<code>` of the block fenced as `lang` on the page `html`.
fn block<'h>(html: &'h str, lang: &str) -> &'h str {
    let start =
        format!("<pre class=\"code\" data-lang=\"{lang}\"><code class=\"language-{lang}\">");
    let at = html
        .find(&start)
        .unwrap_or_else(|| panic!("no block fenced `{lang}`"))
        + start.len();
    let len = html[at..].find("</code></pre>").expect("the block's end");
    &html[at..at + len]
}

#[test]
fn the_usual_names_and_aliases_are_highlighted() {
    let site = TestSite::fixture("highlight");
    site.write("static/mermaid.min.js", "// a stand-in\n");
    site.build().assert_ok();
    let html = site.output("code/index.html");
    let mut missing = Vec::new();
    for (lang, scope) in NAMES {
        let code = block(&html, lang);
        if !code.starts_with(&format!("<span class=\"{scope}\">")) {
            missing.push(format!("{lang}: {}", &code[..code.len().min(80)]));
        }
    }
    assert!(
        missing.is_empty(),
        "not highlighted as expected:\n{}",
        missing.join("\n")
    );
}

#[test]
fn an_unknown_language_is_plain_escaped_text_without_a_warning() {
    let site = TestSite::fixture("highlight");
    site.write("static/mermaid.min.js", "// a stand-in\n");
    let run = site.build();
    run.assert_ok();
    assert!(run.headlines().is_empty(), "{:?}", run.headlines());
    let html = site.output("code/index.html");
    assert_eq!(
        block(&html, "nosuchlanguage"),
        "&lt;b&gt;&amp;amp;&lt;/b&gt;\n"
    );
}

#[test]
fn a_mermaid_block_is_escaped_text_that_loads_the_script_only_on_its_page() {
    let site = TestSite::fixture("highlight");
    site.write("static/mermaid.min.js", "// a stand-in\n");
    let run = site.build();
    run.assert_ok();
    assert!(run.headlines().is_empty(), "{:?}", run.headlines());
    let diagram = site.output("diagram/index.html");
    assert!(
        diagram.contains(
            "<pre class=\"mermaid\">flowchart LR\n  A[Markdown] --&gt; B{\"is a &lt; b?\"}\n  B -- yes --&gt; C[HTML &amp; pages]\n</pre>"
        ),
        "{diagram}"
    );
    assert!(diagram.contains("<script src=\"/mermaid.min.js\" defer></script>"));
    assert!(diagram.contains("<script src=\"/mermaid-init.js\" defer></script>"));
    // The other code block on the page is highlighted as before.
    assert!(block(&diagram, "rust").starts_with("<span class=\"hl-source hl-rust\">"));
    for page in ["plain/index.html", "code/index.html", "index.html"] {
        let html = site.output(page);
        assert!(!html.contains("mermaid"), "{page} loads Mermaid");
    }
    assert_eq!(site.output("mermaid.min.js"), "// a stand-in\n");
}

#[test]
fn a_mermaid_block_on_a_site_without_mermaid_is_a_warning_at_the_block() {
    let site = TestSite::fixture("highlight");
    let run = site.build();
    run.assert_ok();
    assert_eq!(
        run.headlines(),
        [
            "warning: content/diagram.md:7:1: Mermaid diagram, but the site has no `mermaid.min.js`: it shows as its text"
        ]
    );
    assert!(
        site.output("diagram/index.html")
            .contains("<pre class=\"mermaid\">flowchart LR\n")
    );
    site.run(&["build", "--strict"]).assert_code(1);
}
