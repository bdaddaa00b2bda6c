//! Properties that must hold for any input: no panic, URL-safe and stable slugs, unique
//! heading ids, names that ignore Unicode normalisation, and links and request paths that
//! never leave the site.

use std::collections::HashSet;

use dossier::config::MarkdownConfig;
use dossier::content::files::SiteFiles;
use dossier::content::front_matter::split;
use dossier::graph::EntryId;
use dossier::graph::links::{EntryRef, NameIndex, PageLinks, name_key};
use dossier::markdown::{self, Highlighter, LinkRef, LinkResolver, Resolved};
use dossier::serve::http::sanitize;
use dossier::text::slugify;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_splitter_never_panics_and_its_parts_are_the_file(text in "(---\r?\n)?[\\s\\S]{0,200}(\r?\n---\r?\n)?[\\s\\S]{0,100}") {
        if let Ok(s) = split(&text) {
            prop_assert!(text.ends_with(s.body));
            prop_assert_eq!(&text[s.body_offset..], s.body);
            prop_assert!(text.contains(s.yaml));
        }
    }

    #[test]
    fn wikilink_names_ignore_unicode_normalisation(text in "[a-zA-Z\u{e9}\u{fc}\u{f1}\u{1e9b}\u{301}\u{308}\u{323} ]{0,20}") {
        use unicode_normalization::UnicodeNormalization;
        let nfc: String = text.nfc().collect();
        let nfd: String = text.nfd().collect();
        prop_assert_eq!(name_key(&nfc), name_key(&nfd));
    }

    #[test]
    fn slugs_are_url_safe_and_stable(text in "\\PC{0,60}") {
        let slug = slugify(&text);
        prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", slug);
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "{}", slug);
        prop_assert_eq!(slugify(&slug), slug.clone(), "slugifying a slug keeps it");
    }

    #[test]
    fn heading_ids_are_unique_on_a_page(headings in prop::collection::vec("[#]{1,3} [a-zA-Z0-9 {}#\\-.]{0,20}", 0..12)) {
        let text = headings.join("\n\n");
        let r = markdown::render(&text, &MarkdownConfig::default(), &markdown::KeepLinks, &Highlighter::new());
        let mut seen = HashSet::new();
        for h in &r.headings {
            prop_assert!(seen.insert(h.id.clone()), "id {} twice in {:?}", h.id, r.headings);
            prop_assert!(!markdown::RESERVED_IDS.contains(&h.id.as_str()));
        }
    }

    #[test]
    fn markdown_never_panics(text in "[\\s\\S]{0,400}") {
        let _ = markdown::render(&text, &MarkdownConfig::default(), &markdown::KeepLinks, &Highlighter::new());
    }

    #[test]
    fn links_never_panic_and_stay_in_the_site(dest in "[a-zA-Z0-9./#%|_ \\-:\\\\]{0,40}", wiki in any::<bool>()) {
        let entries = [EntryRef { path: "places/baku/", file: "content/places/baku.md", title: "Baku" }];
        let mut index = NameIndex::default();
        index.add_entry(EntryId(0), "places/baku.md", ["baku".to_string(), "Baku".to_string()]);
        let files = SiteFiles::new(&["people/a b.png".to_string()], ["style.css"]);
        let links = PageLinks { index: &index, entries: &&entries[..], files: &files, from_dir: "people", base_path: "/dossier/", content_prefix: "content/" };
        match links.resolve(LinkRef { dest: &dest, wiki, image: false }) {
            Resolved::Internal { url, .. } | Resolved::SitePath { url, .. } | Resolved::File { url, .. } => {
                prop_assert!(url.starts_with("/dossier/"), "{}", url);
            }
            _ => {}
        }
    }

    #[test]
    fn request_paths_never_climb_out(target in "/[a-zA-Z0-9./%\\\\:?#]{0,60}") {
        if let Some(rel) = sanitize(&target) {
            prop_assert!(!rel.split('/').any(|s| s == ".." || s == "."), "{}", rel);
            prop_assert!(!rel.contains('\\') && !rel.contains('\0') && !rel.starts_with('/'), "{}", rel);
        }
    }
}
