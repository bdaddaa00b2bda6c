//! What templates see: Tera values built from the graph.
//!
//! The values that many pages share — the site, each kind, each tag, each entry's card —
//! are built once per build. Tera values are reference-counted, so putting a card into a
//! hundred lists copies a pointer, not the entry.

use std::collections::BTreeMap;

use rayon::prelude::*;
use tera::Value;

use super::reads::{
    Backlinks, Card, Citers, EntryData, EntryImageOf, EntrySources, KindRef, Label, LocationOf,
    Neighbours, Reads, RelatedTo, RelationsOf, SectionOf, Source, SourceData, SourceId, Speaker,
    Statements, TagId, TagName, TagRef,
};
use crate::content::{Date, Entry};
use crate::graph::{EntryId, Site};
use crate::markdown::Heading;

/// A template object from `(key, value)` pairs.
pub(crate) fn obj<const N: usize>(fields: [(&'static str, Value); N]) -> Value {
    Value::from(BTreeMap::from(fields))
}

pub(crate) fn text(s: &str) -> Value {
    Value::from(s)
}

/// HTML that templates print as is (rendered Markdown, never front matter).
pub(crate) fn html(s: &str) -> Value {
    Value::safe_string(s)
}

pub(crate) fn opt_text(s: Option<&str>) -> Value {
    s.map_or_else(Value::none, Value::from)
}

pub(crate) fn list(values: impl IntoIterator<Item = Value>) -> Value {
    Value::from(values.into_iter().collect::<Vec<Value>>())
}

pub(crate) fn date(d: Option<&Date>) -> Value {
    match d {
        None => Value::none(),
        Some(d) => obj([
            ("iso", text(&d.iso())),
            ("machine", text(&d.machine())),
            ("display", text(&d.display())),
            ("year", Value::from(d.year() as i64)),
        ]),
    }
}

/// Reading time in minutes at 200 words a minute, at least one.
pub fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

/// The values shared by every page of one build.
///
/// Cards and entries carry kinds and tags without their counts (`kind_refs`,
/// `tag_refs`), so that adding a tag to one entry changes the pages that list tags with
/// counts, not every page that shows an entry carrying the tag.
#[derive(Clone, PartialEq)]
pub struct Shared {
    pub site: Value,
    pub kinds: Vec<Value>,
    pub kind_refs: Vec<Value>,
    pub tags: Vec<Value>,
    pub tag_refs: Vec<Value>,
    pub cards: Cards,
    /// How many entries each kind has.
    kind_counts: Vec<usize>,
    /// Every year of the timeline with the URL where it starts (the same on every page of
    /// the timeline, so made once).
    pub year_index: Value,
    /// `paginator.pages` of each list that has more than one page, by its first page.
    pub page_lists: std::sync::Arc<std::collections::HashMap<super::Page, Value>>,
    /// The timeline cut by kind and by tag.
    pub timelines: std::sync::Arc<super::chronology::Timelines>,
}

/// How many cards a chunk of [`Cards`] holds.
const CARDS_CHUNK: usize = 256;

/// Every entry's card, by entry, in chunks that builds share: an edit makes again the
/// chunks of the entries it changed and takes the others from the last build as they
/// are, so that it costs what the change costs, not one card of every entry.
#[derive(Clone, Default, PartialEq)]
pub struct Cards {
    chunks: Vec<std::sync::Arc<[Value]>>,
    len: usize,
}

impl Cards {
    pub fn get(&self, i: usize) -> &Value {
        &self.chunks[i / CARDS_CHUNK][i % CARDS_CHUNK]
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The cards that are not the very same value in both (`other` as long as this).
    pub fn not_shared_with(&self, other: &Cards) -> Vec<u32> {
        let mut out = Vec::new();
        for (c, chunk) in self.chunks.iter().enumerate() {
            match other.chunks.get(c) {
                Some(o) if std::sync::Arc::ptr_eq(chunk, o) => {}
                o => {
                    for (k, card) in chunk.iter().enumerate() {
                        let theirs = o.and_then(|o| o.get(k));
                        if !theirs.is_some_and(|t| same_value(card, t)) {
                            out.push((c * CARDS_CHUNK + k) as u32);
                        }
                    }
                }
            }
        }
        out
    }
}

/// Whether two template values are the very same (one cloned from the other), known
/// without reading them.
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a.as_map(), b.as_map(), a.as_array(), b.as_array()) {
        (Some(x), Some(y), ..) => std::ptr::eq(x, y),
        (_, _, Some(x), Some(y)) => std::ptr::eq(x, y),
        _ => false,
    }
}

/// Whether two lists of values are equal, those shared by both known by address.
fn all_same(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y) || x == y)
}

impl Shared {
    pub fn new(site: &Site) -> Shared {
        Shared::reusing(site, None)
    }

    /// As [`Shared::new`], keeping the cards of `previous` for entries that did not change
    /// (same file, same rendered text, same tags and kinds).
    pub fn reusing(site: &Site, previous: Option<(&Site, &Shared)>) -> Shared {
        let config = &site.config;
        // The same kind pages (the graph kept them: no entry changed its kind), the same
        // counts.
        let kinds_kept = previous
            .filter(|(old_site, _)| std::sync::Arc::ptr_eq(&old_site.kind_pages, &site.kind_pages));
        let mut kind_counts = vec![0usize; config.kinds.iter().count()];
        match kinds_kept {
            Some((_, old)) => kind_counts.clone_from(&old.kind_counts),
            None => {
                for entry in &site.entries {
                    kind_counts[entry.front.kind.0 as usize] += 1;
                }
            }
        }
        let kind_value = |k: &crate::config::KindDef, count: Option<usize>| {
            let url = config.url(&crate::pages::kind(&k.plural));
            let mut fields = BTreeMap::from([
                ("name", text(&k.name)),
                ("title", text(&k.title)),
                ("title_plural", text(&k.title_plural)),
                ("url", text(&url)),
            ]);
            if let Some(count) = count {
                fields.insert("count", Value::from(count));
            }
            Value::from(fields)
        };
        let kinds: Vec<Value> = config
            .kinds
            .iter()
            .map(|(id, k)| kind_value(k, Some(kind_counts[id.0 as usize])))
            .collect();
        let kind_refs: Vec<Value> = config
            .kinds
            .iter()
            .map(|(_, k)| kind_value(k, None))
            .collect();
        let tag_value = |t: &crate::graph::TagInfo, count: bool| {
            let mut fields = BTreeMap::from([
                ("name", text(&t.name)),
                ("slug", text(&t.slug)),
                ("url", text(&config.url(&crate::pages::tag(&t.slug)))),
            ]);
            if count {
                fields.insert("count", Value::from(t.entries.len()));
            }
            Value::from(fields)
        };
        // The same tags (the graph kept them): the same values.
        let (tags, tag_refs): (Vec<Value>, Vec<Value>) = match previous {
            Some((old_site, old)) if std::sync::Arc::ptr_eq(&old_site.tags, &site.tags) => {
                (old.tags.clone(), old.tag_refs.clone())
            }
            _ => (
                site.tags.iter().map(|t| tag_value(t, true)).collect(),
                site.tags.iter().map(|t| tag_value(t, false)).collect(),
            ),
        };
        let reusable = previous.filter(|(_, old)| {
            all_same(&old.tag_refs, &tag_refs) && all_same(&old.kind_refs, &kind_refs)
        });
        let card = |id: EntryId| {
            let e = site.entry(id);
            if let Some((old_site, old)) = reusable {
                // An entry that did not change is at the same index, unless entries
                // came or went before it.
                let same_at = |i: usize| {
                    old_site.entries.get(i).is_some_and(|o| {
                        std::sync::Arc::ptr_eq(o, &site.entries[id.index()])
                            && std::sync::Arc::ptr_eq(
                                &old_site.rendered[i],
                                &site.rendered[id.index()],
                            )
                            && old_site.entry_images[i] == site.entry_images[id.index()]
                    })
                };
                let old_id = if same_at(id.index()) {
                    Some(id.index())
                } else {
                    old_site
                        .names
                        .by_rel
                        .get(&e.rel)
                        .map(|o| o.index())
                        .filter(|&o| same_at(o))
                };
                if let Some(o) = old_id {
                    return old.cards.get(o).clone();
                }
            }
            let r = &site.rendered[id.index()];
            let summary = e.front.summary.as_deref().unwrap_or(&r.summary_text);
            let image = match (&e.front.image, &site.entry_images[id.index()]) {
                (Some(front), Some(resolved)) => image_value(config, front, resolved),
                _ => Value::none(),
            };
            obj([
                ("image", image),
                ("title", text(&e.front.title)),
                ("url", text(&config.url(&e.path))),
                ("kind", kind_refs[e.front.kind.0 as usize].clone()),
                ("date", date(e.front.date.as_ref())),
                ("summary", text(summary)),
                (
                    "tags",
                    list(e.front.tags.iter().map(|t| {
                        let listed = site
                            .tag_index
                            .get(&t.slug)
                            .map(|&i| (site.tags[i].name.as_str(), &tag_refs[i]));
                        spelled(config, t, listed)
                    })),
                ),
            ])
        };
        let n = site.entries.len();
        let chunks: Vec<std::sync::Arc<[Value]>> = (0..n.div_ceil(CARDS_CHUNK))
            .into_par_iter()
            .map(|c| {
                let range = c * CARDS_CHUNK..n.min((c + 1) * CARDS_CHUNK);
                // A chunk of the very same entries, rendered the same, at the same places:
                // the last build's chunk.
                if let Some((old_site, old)) = reusable
                    && let Some(chunk) = old.cards.chunks.get(c)
                    && chunk.len() == range.len()
                    && std::sync::Arc::ptr_eq(&old_site.entry_images, &site.entry_images)
                    && range.clone().all(|i| {
                        old_site.entries.get(i).is_some_and(|o| {
                            std::sync::Arc::ptr_eq(o, &site.entries[i])
                                && std::sync::Arc::ptr_eq(&old_site.rendered[i], &site.rendered[i])
                        })
                    })
                {
                    return std::sync::Arc::clone(chunk);
                }
                range.map(|i| card(EntryId(i as u32))).collect()
            })
            .collect();
        let cards = Cards { chunks, len: n };
        let sections = list(
            site.sections
                .iter()
                .enumerate()
                .skip(1)
                .filter(|(_, s)| !s.dir.contains('/'))
                .map(|(i, s)| {
                    obj([
                        ("title", text(&s.title)),
                        ("url", text(&config.url(&s.path))),
                        ("count", Value::from(site.section_entries[i].len())),
                    ])
                }),
        );
        let used_kinds = list(
            kinds
                .iter()
                .zip(&kind_counts)
                .filter(|(_, n)| **n > 0)
                .map(|(k, _)| k.clone()),
        );
        let site_value = obj([
            ("title", text(&config.title)),
            ("description", text(&config.description)),
            ("base_url", text(&config.base_url)),
            ("base_path", text(&config.base_path)),
            ("language", text(&config.language)),
            ("author", opt_text(config.author.as_deref())),
            ("search", Value::from(config.search)),
            ("kinds", used_kinds),
            ("sections", sections),
            ("entry_count", Value::from(site.entries.len())),
            ("tag_count", Value::from(site.tags.len())),
            ("feed_url", text(&config.url("atom.xml"))),
            (
                "map_url",
                if site.located.is_empty() {
                    Value::none()
                } else {
                    text(&config.url(crate::pages::MAP))
                },
            ),
            (
                "publishers_url",
                if config.publishers.is_empty() {
                    Value::none()
                } else {
                    text(&config.url(crate::pages::PUBLISHERS))
                },
            ),
            (
                "entity_graph_url",
                if crate::pages::has_relations(site) {
                    text(&config.url(crate::pages::ENTITY_GRAPH))
                } else {
                    Value::none()
                },
            ),
            ("extra", Value::from_serializable(&config.extra)),
        ]);
        let mut shared = Shared {
            site: site_value,
            kinds,
            kind_refs,
            tags,
            tag_refs,
            cards,
            kind_counts,
            // The same timeline (the graph kept it, so no date changed): the same years.
            year_index: match previous {
                Some((old_site, old))
                    if std::sync::Arc::ptr_eq(&old_site.timeline, &site.timeline) =>
                {
                    old.year_index.clone()
                }
                _ => super::year_index(site),
            },
            // The same timeline, tags and kinds (the graph kept them): the same cuts.
            timelines: match previous {
                Some((old_site, old))
                    if std::sync::Arc::ptr_eq(&old_site.timeline, &site.timeline)
                        && std::sync::Arc::ptr_eq(&old_site.tags, &site.tags)
                        && std::sync::Arc::ptr_eq(&old_site.kind_pages, &site.kind_pages) =>
                {
                    std::sync::Arc::clone(&old.timelines)
                }
                _ => std::sync::Arc::new(super::chronology::Timelines::of(site)),
            },
            page_lists: match previous {
                Some((old_site, old)) if crate::pages::Page::same_lists(old_site, site) => {
                    std::sync::Arc::clone(&old.page_lists)
                }
                _ => std::sync::Arc::new(super::page_lists(site)),
            },
        };
        if let Some((_, old)) = previous {
            shared.keep_equal(old);
        }
        shared
    }

    /// Takes `old`'s copy of every value equal to this one's: template values share their
    /// maps and lists when cloned, so that comparing a page's reads between two builds
    /// (`render::reads`) finds the same value at once instead of comparing it field by
    /// field on every page that shows it.
    fn keep_equal(&mut self, old: &Shared) {
        fn keep(new: &mut Value, old: &Value) {
            // Values taken from `old` already are its own: no need to compare them.
            if !same_value(new, old) && new == old {
                *new = old.clone();
            }
        }
        fn keep_all(new: &mut [Value], old: &[Value]) {
            if new.len() == old.len() {
                new.iter_mut().zip(old).for_each(|(n, o)| keep(n, o));
            }
        }
        keep(&mut self.site, &old.site);
        keep(&mut self.year_index, &old.year_index);
        keep_all(&mut self.kinds, &old.kinds);
        keep_all(&mut self.kind_refs, &old.kind_refs);
        keep_all(&mut self.tags, &old.tags);
        keep_all(&mut self.tag_refs, &old.tag_refs);
        if !std::sync::Arc::ptr_eq(&self.page_lists, &old.page_lists)
            && let Some(lists) = std::sync::Arc::get_mut(&mut self.page_lists)
        {
            for (page, list) in lists.iter_mut() {
                if let Some(o) = old.page_lists.get(page) {
                    keep(list, o);
                }
            }
        }
    }
}

/// The table of contents as a tree: `[{level, id, title, children}]`.
pub fn toc(headings: &[Heading]) -> Value {
    fn build(headings: &[Heading], i: &mut usize, level: u8) -> Vec<Value> {
        let mut items = Vec::new();
        while *i < headings.len() && headings[*i].level >= level {
            let h = &headings[*i];
            *i += 1;
            let children = build(headings, i, h.level + 1);
            items.push(obj([
                ("level", Value::from(h.level as u64)),
                ("id", text(&h.id)),
                ("title", text(&h.title)),
                ("children", Value::from(children)),
            ]));
        }
        items
    }
    let top = headings.iter().map(|h| h.level).min().unwrap_or(1);
    let mut i = 0;
    Value::from(build(headings, &mut i, top))
}

/// A merged source: its data, its anchor on `/sources/`, and the first `limit` entries
/// citing it other than `except`.
pub fn source(reads: &Reads<'_>, index: SourceId, except: Option<EntryId>, limit: u32) -> Value {
    let config = reads.config();
    let SourceData { info: s, page } = reads.get(Source(index));
    // A popular source is cited by thousands of entries: take only what is shown, so that
    // each citing entry's page costs the same however many cite it.
    let citers = Citers {
        source: index,
        except,
        limit,
    };
    let (shown, count) = citers.shown(reads.get(citers));
    obj([
        ("id", opt_text(s.id.as_deref())),
        ("anchor", text(&s.anchor)),
        (
            "site_url",
            text(&format!("{}#{}", config.url(&reads.path(page)), s.anchor)),
        ),
        ("title", text(&s.title)),
        ("url", opt_text(s.url.as_deref())),
        ("publisher", opt_text(publisher_name(config, s))),
        (
            "publisher_url",
            s.publisher_id.as_deref().map_or_else(Value::none, |id| {
                text(&format!("{}#{id}", config.url(crate::pages::PUBLISHERS)))
            }),
        ),
        ("author", opt_text(s.author.as_deref())),
        ("date", date(s.date.as_ref())),
        ("archive_url", opt_text(s.archive_url.as_deref())),
        ("accessed", date(s.accessed.as_ref())),
        ("language", opt_text(s.language.as_deref())),
        ("type", opt_text(s.kind.map(|k| k.name()))),
        ("cited_by", cards(reads, &shown)),
        ("cited_by_count", Value::from(count)),
    ])
}

/// The name a source's publisher is shown by: the register's (from the configuration,
/// read freely: an edit of `site.yaml` renders every page), else as the source writes it.
pub(crate) fn publisher_name<'a>(
    config: &'a crate::config::Config,
    s: &'a crate::graph::sources::SourceInfo,
) -> Option<&'a str> {
    match s
        .publisher_id
        .as_deref()
        .and_then(|id| config.publishers.get(id))
    {
        Some(p) => Some(&p.name),
        None => s.publisher.as_deref(),
    }
}

/// `publishers` of the publishers page: every publisher of the register, by name, each
/// `{id, name, url, country, description, sources}` (`sources` each `{title, site_url}`, by
/// title: the sources it published, at their place on `/sources/`).
pub fn publishers(reads: &Reads<'_>) -> Value {
    let config = reads.config();
    let published = reads.get(super::reads::PublishedBy);
    let mut register: Vec<(&crate::config::Publisher, &Vec<SourceId>)> =
        config.publishers.iter().zip(&published).collect();
    register.sort_by_cached_key(|(p, _)| (p.name.to_lowercase(), p.id.clone()));
    list(register.into_iter().map(|(p, sources)| {
        let sources = list(sources.iter().map(|&id| {
            let SourceData { info: s, page } = reads.get(Source(id));
            obj([
                ("title", text(&s.title)),
                (
                    "site_url",
                    text(&format!("{}#{}", config.url(&reads.path(page)), s.anchor)),
                ),
            ])
        }));
        obj([
            ("id", text(&p.id)),
            ("name", text(&p.name)),
            ("url", opt_text(p.url.as_deref())),
            ("country", opt_text(p.country.as_deref())),
            ("description", opt_text(p.description.as_deref())),
            ("sources", sources),
        ])
    }))
}

/// The cards of `ids`, in their order.
pub fn cards(reads: &Reads<'_>, ids: &[EntryId]) -> Value {
    list(ids.iter().map(|&id| reads.get(Card(id)).clone()))
}

/// A statement's speaker: `{name, url}` (the URL of the speaker's entry, or none).
fn speaker(reads: &Reads<'_>, entry: &Entry, id: EntryId) -> Value {
    let Some(name) = entry.front.speaker.as_deref() else {
        return Value::none();
    };
    match reads.get(Speaker(id)) {
        Some(person) => {
            let (title, path, _, _) = reads.get(Label(person));
            obj([
                ("name", text(title)),
                ("url", text(&reads.config().url(path))),
            ])
        }
        None => obj([
            (
                "name",
                text(name.trim_start_matches("[[").trim_end_matches("]]")),
            ),
            ("url", Value::none()),
        ]),
    }
}

/// An entry's tag as the entry spells it: `C++` stays `C++` on its own page and card when
/// the tag it shares the slug `c` with is listed as `C` (a warning says so at build).
/// `listed` is the tag as the site lists it (its name and value without a count).
fn spelled(
    config: &crate::config::Config,
    tag: &crate::content::Tag,
    listed: Option<(&str, &Value)>,
) -> Value {
    use crate::content::front_matter::spelling_key;
    if let Some((name, value)) = listed
        && spelling_key(&tag.name) == spelling_key(name)
    {
        return value.clone();
    }
    obj([
        ("name", text(&tag.name)),
        ("slug", text(&tag.slug)),
        ("url", text(&config.url(&crate::pages::tag(&tag.slug)))),
    ])
}

fn own_tag(reads: &Reads<'_>, tag: &crate::content::Tag) -> Value {
    let listed = reads
        .tag_id(&tag.slug)
        .map(|t| (reads.get(TagName(t)), reads.get(TagRef(t))));
    spelled(reads.config(), tag, listed)
}

/// An entry's tags as it spells them.
pub fn own_tags(reads: &Reads<'_>, entry: &Entry) -> Value {
    list(entry.front.tags.iter().map(|t| own_tag(reads, t)))
}

/// An entry's `image`: `{url, permalink, srcset, sizes, thumb_sizes, alt, caption,
/// credit, decorative, width, height}`, or none (`srcset` and the sizes only for a
/// picture with variants). Its size comes from the file's header, read with the rest of the
/// graph: a picture replaced by one of another size gives another value.
pub fn image(reads: &Reads<'_>, entry: &Entry, id: EntryId) -> Value {
    let (Some(front), Some(resolved)) = (&entry.front.image, reads.get(EntryImageOf(id))) else {
        return Value::none();
    };
    image_value(reads.config(), front, resolved)
}

fn image_value(
    config: &crate::config::Config,
    front: &crate::content::front_matter::Image,
    resolved: &crate::graph::EntryImage,
) -> Value {
    let optional = |t: &Option<String>| t.as_deref().map_or_else(Value::none, text);
    let size = |pick: fn(&crate::images::Size) -> u32| {
        resolved
            .size
            .as_ref()
            .map_or_else(Value::none, |s| Value::from(pick(s)))
    };
    // A picture of the site is at its URL under the base path; an external one is
    // absolute already.
    let permalink = match resolved.file {
        Some(_) => config.permalink(
            resolved
                .url
                .strip_prefix(config.base_path.as_str())
                .unwrap_or(&resolved.url),
        ),
        None => resolved.url.clone(),
    };
    let srcset = resolved
        .size
        .and_then(|size| crate::images::srcset(&resolved.url, size, &resolved.variants));
    let (srcset, sizes, thumb_sizes) = match (srcset, resolved.size) {
        (Some(set), Some(size)) => (
            text(&set),
            text(crate::images::SIZES),
            text(&crate::images::thumb_sizes(size)),
        ),
        _ => (Value::none(), Value::none(), Value::none()),
    };
    obj([
        ("url", text(&resolved.url)),
        ("permalink", text(&permalink)),
        ("srcset", srcset),
        ("sizes", sizes),
        ("thumb_sizes", thumb_sizes),
        ("alt", optional(&front.alt)),
        ("caption", optional(&front.caption)),
        ("credit", optional(&front.credit)),
        ("decorative", Value::from(front.decorative)),
        ("width", size(|s| s.width)),
        ("height", size(|s| s.height)),
    ])
}

/// Everything about one entry, for its own page.
pub fn entry_page(reads: &Reads<'_>, id: EntryId) -> Value {
    let config = reads.config();
    let (e, r) = reads.get(EntryData(id));
    let front = &e.front;
    let kind = reads.get(KindRef(front.kind.0 as u32)).clone();
    let (summary_text, summary_html) = match &front.summary {
        Some(s) => (s.as_str(), None),
        None => (r.summary_text.as_str(), Some(r.summary_html.as_str())),
    };
    let summary_html = match summary_html {
        Some(h) => html(&super::embeds::body(reads, r, h)),
        None => {
            let mut escaped = String::from("<p>");
            pulldown_cmark_escape::escape_html_body_text(&mut escaped, summary_text).ok();
            escaped.push_str("</p>");
            html(&escaped)
        }
    };
    let (prev, next) = reads.get(Neighbours(id));
    let (section_title, section_path) = reads.get(SectionOf(id));
    let backlinks = list(reads.get(Backlinks(id)).iter().map(|b| {
        obj([
            ("entry", reads.get(Card(b.from)).clone()),
            ("context", text(&b.context)),
        ])
    }));
    let card = |id: Option<EntryId>| id.map_or_else(Value::none, |i| reads.get(Card(i)).clone());
    let (about, responds_to, responses) = super::positions::own(reads, id);
    obj([
        ("title", text(&front.title)),
        ("url", text(&config.url(&e.path))),
        ("permalink", text(&config.permalink(&e.path))),
        ("path", text(&e.path)),
        ("file", text(&e.file)),
        ("slug", text(&e.slug)),
        ("kind", kind),
        ("date", date(front.date.as_ref())),
        ("updated", date(front.updated.as_ref())),
        ("summary", text(summary_text)),
        ("summary_html", summary_html),
        ("content", html(&super::embeds::body(reads, r, &r.html))),
        ("toc", toc(&r.headings)),
        ("word_count", Value::from(r.word_count)),
        ("reading_time", Value::from(reading_time(r.word_count))),
        ("tags", own_tags(reads, e)),
        ("aliases", list(front.aliases.iter().map(|a| text(a)))),
        ("speaker", speaker(reads, e, id)),
        ("image", image(reads, e, id)),
        (
            "sources",
            list(
                reads
                    .get(EntrySources(id))
                    .into_iter()
                    .map(|s| source(reads, s, Some(id), 5)),
            ),
        ),
        (
            "related",
            list(reads.get(RelatedTo(id)).iter().map(|r| {
                obj([
                    ("entry", reads.get(Card(r.id)).clone()),
                    (
                        "shared",
                        list(
                            r.shared
                                .iter()
                                .map(|&t| reads.get(TagRef(TagId(t as u32))).clone()),
                        ),
                    ),
                ])
            })),
        ),
        ("statements", cards(reads, reads.get(Statements(id)))),
        ("relations", relations(reads, id)),
        ("positions", super::positions::positions(reads, id)),
        ("about", about),
        ("responds_to", responds_to),
        ("responses", responses),
        (
            "timeline",
            super::chronology::entity_timeline(
                reads,
                id,
                &config.kinds.get(front.kind).name,
                &front.title,
            ),
        ),
        ("relations_svg", html(&super::svg::neighbourhood(reads, id))),
        ("map_svg", html(&super::map::entry_map(reads, id))),
        (
            "location",
            reads.get(LocationOf(id)).map_or_else(Value::none, |at| {
                obj([
                    ("lat", Value::from(at.lat)),
                    ("lon", Value::from(at.lon)),
                    ("position", text(&super::map::degrees(at))),
                ])
            }),
        ),
        ("backlinks", backlinks),
        ("cite", super::cite::value(reads, id)),
        ("previous", card(prev)),
        ("next", card(next)),
        (
            "section",
            obj([
                ("title", text(section_title)),
                ("url", text(&config.url(section_path))),
            ]),
        ),
        ("draft", Value::from(front.draft)),
        ("weight", front.weight.map_or_else(Value::none, Value::from)),
        ("extra", Value::from_serializable(&front.extra)),
        (
            "cssclasses",
            text(&css_classes(front.extra.get("cssclasses"))),
        ),
    ])
}

/// An entry's typed relations, grouped as they read from this entry: by the type's label
/// for those it states ("Member of"), by its inverse for those stated about it by others
/// ("Members"). Each names the other entry, when it held (`dates`), and links to the
/// sources it rests on, numbered as the stating entry's page lists them.
fn relations(reads: &Reads<'_>, id: EntryId) -> Value {
    let config = reads.config();
    let mut groups: Vec<(&str, Vec<Value>)> = Vec::new();
    for r in reads.get(RelationsOf(id)) {
        let t = config.relations.get(r.rtype);
        let label = if r.outgoing { &t.label } else { &t.inverse };
        let (title, path, kind, _) = reads.get(Label(r.other));
        let url = config.url(path);
        // The sources are listed on the page of the entry that states the relation.
        let stated_on = if r.outgoing { "" } else { url.as_str() };
        let sources = list(r.sources.iter().map(|&p| {
            obj([
                ("number", Value::from(p + 1)),
                ("url", text(&format!("{stated_on}#source-{}", p + 1))),
            ])
        }));
        let item = obj([
            ("title", text(title)),
            ("url", text(&url)),
            ("kind", text(kind)),
            (
                "dates",
                text(&relation_dates(r.from.as_ref(), r.until.as_ref())),
            ),
            ("sources", sources),
        ]);
        match groups.last_mut() {
            Some((l, items)) if *l == label.as_str() => items.push(item),
            _ => groups.push((label, vec![item])),
        }
    }
    list(
        groups
            .into_iter()
            .map(|(label, items)| obj([("label", text(label)), ("items", list(items))])),
    )
}

/// When a relation held, as a reader says it: "since March 2004", "until 2023",
/// "2020–2023", or nothing when the sources do not say.
pub(super) fn relation_dates(from: Option<&Date>, until: Option<&Date>) -> String {
    match (from, until) {
        (Some(a), Some(b)) => format!("{}–{}", a.display(), b.display()),
        (Some(a), None) => format!("since {}", a.display()),
        (None, Some(b)) => format!("until {}", b.display()),
        (None, None) => String::new(),
    }
}

/// Obsidian's `cssclasses` (a list, or one string of names), as a `class` attribute's
/// names: only letters, digits, `-` and `_` are kept, so that no name can close the
/// attribute.
fn css_classes(value: Option<&serde_json::Value>) -> String {
    let names: Vec<&str> = match value {
        Some(serde_json::Value::String(s)) => s.split([' ', ',']).collect(),
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    };
    names
        .into_iter()
        .map(|n| n.trim())
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, id: &str) -> Heading {
        Heading {
            level,
            id: id.into(),
            title: id.into(),
        }
    }

    #[test]
    fn toc_nests_by_level() {
        let value = toc(&[h(2, "a"), h(3, "a1"), h(3, "a2"), h(2, "b"), h(4, "b1")]);
        let top = value.as_array().unwrap();
        assert_eq!(top.len(), 2);
        let a_children = top[0].as_map().unwrap().get(&"children".into()).unwrap();
        assert_eq!(a_children.as_array().unwrap().len(), 2);
        let b_children = top[1].as_map().unwrap().get(&"children".into()).unwrap();
        assert_eq!(b_children.as_array().unwrap().len(), 1);
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_time(0), 1);
        assert_eq!(reading_time(200), 1);
        assert_eq!(reading_time(201), 2);
    }
}
