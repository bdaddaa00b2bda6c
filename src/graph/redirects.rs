//! Old URLs that lead to a page of the site (`redirect_from`, URL-shaped `aliases`), and
//! the descriptions of tags in `content/tags/`.

use std::collections::HashMap;
use std::sync::Arc;

use super::seen::Entries;
use crate::content::Entry;
use crate::content::front_matter::OldUrl;
use crate::diagnostics::Diagnostic;

/// Who wrote a redirect: an entry, or the description of a tag (both by index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    Entry(u32),
    TagNote(u32),
}

/// An old URL and the page it leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The site path redirected from: `old/x/` or `old/x.html`.
    pub from: String,
    pub owner: Owner,
    /// Which of the owner's old URLs it is.
    pub n: usize,
}

/// Every redirect of the entries and of the tag descriptions that describe a tag, sorted
/// by the URL redirected from (then by who wrote it).
pub fn collect(
    entries: &Entries<'_>,
    notes: &[Arc<Entry>],
    note_tags: &[Option<u32>],
) -> Vec<Redirect> {
    let of = |owner: Owner, urls: &[OldUrl]| {
        urls.iter()
            .enumerate()
            .map(move |(n, url)| Redirect {
                from: url.path.clone(),
                owner,
                n,
            })
            .collect::<Vec<_>>()
    };
    let mut all: Vec<Redirect> = entries
        .iter()
        .flat_map(|e| of(Owner::Entry(e.id.0), e.redirect_from()))
        .collect();
    all.extend(
        notes
            .iter()
            .enumerate()
            .filter(|(i, _)| note_tags[*i].is_some())
            .flat_map(|(i, e)| of(Owner::TagNote(i as u32), &e.front.redirect_from)),
    );
    all.sort_by(|a, b| (&a.from, a.owner, a.n).cmp(&(&b.from, b.owner, b.n)));
    all
}

/// The tag each description describes (by the slug of its file name, or its `slug`),
/// and for each tag its description. A description of a tag that no entry carries is an
/// error, with the nearest tag.
pub fn tag_notes(
    notes: &[Arc<Entry>],
    tag_index: &HashMap<String, usize>,
    tags: usize,
) -> (Vec<Option<u32>>, Vec<Option<u32>>, Vec<Diagnostic>) {
    let mut note_tags = Vec::with_capacity(notes.len());
    let mut of_tag = vec![None; tags];
    let mut problems = Vec::new();
    for (i, note) in notes.iter().enumerate() {
        let slug = crate::content::tag_note_slug(&note.rel);
        match tag_index.get(&slug) {
            Some(&t) => {
                note_tags.push(Some(t as u32));
                of_tag[t] = Some(i as u32);
            }
            None => {
                note_tags.push(None);
                let mut d = Diagnostic::error(format!(
                    "`{}` describes the tag `{slug}`, which no entry carries",
                    note.file
                ))
                .in_file(&note.file);
                d.help = crate::text::suggestion(&slug, tag_index.keys().map(String::as_str))
                    .or_else(|| Some("tag an entry with it, or remove the file".into()));
                problems.push(d);
            }
        }
    }
    (note_tags, of_tag, problems)
}
