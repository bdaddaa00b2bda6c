//! Edits of the generated site of `serve_properties`. They name entries, sections and files
//! by small numbers, taken modulo what exists when the edit applies, so that any sequence
//! applies to any state (and still does once shrunk).
#![allow(unreachable_pub)] // a module of one test crate

use std::collections::BTreeMap;

use crate::site_model::*;

/// Who a statement's `speaker` names.
#[derive(Clone, Debug)]
pub enum Speaker {
    Remove,
    /// A person's title as it is now, as plain text (later title edits do not follow it).
    Named(u8),
    /// `[[Title]]` of any entry, kept in step with its title.
    Linked(u8),
    /// A name no entry has.
    Unknown(u8),
}

/// One edit of the site. `entry` is the n-th entry that exists; `which` the n-th item of
/// a list; other numbers choose from the model's pools of values.
#[derive(Clone, Debug)]
pub enum Edit {
    Title {
        entry: u8,
        word: u8,
    },
    /// Sets a `slug` (a new URL) or removes it.
    Slug {
        entry: u8,
        set: bool,
    },
    /// Sets, changes or removes `date` (removed from an event, the build fails).
    Date {
        entry: u8,
        date: Option<u8>,
    },
    /// Sets `kind` (with a date when the kind needs one) or removes it.
    Kind {
        entry: u8,
        kind: Option<u8>,
    },
    AddTag {
        entry: u8,
        tag: u8,
    },
    RemoveTag {
        entry: u8,
        which: u8,
    },
    /// Adds the tag most entries carry, or removes it.
    MostUsedTag {
        entry: u8,
    },
    /// Adds an alias, or removes the first.
    Alias {
        entry: u8,
        add: Option<u8>,
    },
    /// Cites a shared source (in one of its wordings) or one of its own.
    AddSource {
        entry: u8,
        source: u8,
    },
    RemoveSource {
        entry: u8,
        which: u8,
    },
    /// Cites a shared source in another wording: title, publisher, date, archived copy,
    /// access date, language, type.
    RewordSource {
        entry: u8,
        which: u8,
        variant: u8,
    },
    Speaker {
        entry: u8,
        speaker: Speaker,
    },
    /// Adds a typed relation to another entry, or removes the first.
    Relate {
        entry: u8,
        target: Option<u8>,
        rtype: u8,
    },
    /// Makes a statement `about` another entry, or drops the first it is about.
    About {
        entry: u8,
        target: Option<u8>,
    },
    /// Makes a statement respond to an earlier one (in the model), or drops the first.
    Respond {
        entry: u8,
        target: Option<u8>,
    },
    Weight {
        entry: u8,
        weight: Option<i8>,
    },
    Summary {
        entry: u8,
        summary: Option<u8>,
    },
    /// Makes a draft of the entry, or publishes the draft.
    Draft {
        entry: u8,
    },
    /// A link by path or wikilink (title, label, alias, slug), to a heading if `heading`.
    AddLink {
        entry: u8,
        target: u8,
        style: u8,
        heading: bool,
    },
    RemoveLink {
        entry: u8,
        which: u8,
    },
    AddHeading {
        entry: u8,
        heading: u8,
        at: u8,
    },
    RemoveHeading {
        entry: u8,
        which: u8,
    },
    AddParagraph {
        entry: u8,
        at: u8,
    },
    RemoveParagraph {
        entry: u8,
        which: u8,
    },
    /// A new file in a section, with a tag and perhaps a link.
    New {
        section: u8,
        word: u8,
        tag: u8,
        link: Option<u8>,
    },
    /// Deletes the file; the links to it go from the files that had them.
    Delete {
        entry: u8,
    },
    /// A new file name in the same folder.
    Rename {
        entry: u8,
    },
    /// To another folder.
    Move {
        entry: u8,
        section: u8,
    },
    /// Writes or removes a section's `_index.md`.
    SectionText {
        section: u8,
        text: Option<u8>,
    },
    /// Adds (or changes) a line in a template, or takes it out again.
    Template {
        template: u8,
        mark: Option<u8>,
    },
    /// Writes or removes a static file or a file beside the entries.
    Static {
        file: u8,
        bytes: Option<u8>,
    },
    /// `site.yaml`: the title.
    SiteTitle {
        word: u8,
    },
    /// `site.yaml`: `paginate_by` 2 <-> 3.
    Paginate,
    /// An edit in the same batch as one that breaks the build: the next batch mends the
    /// break but does not name the edit's files again.
    Broken {
        broken: Break,
        with: Box<Edit>,
    },
}

/// What breaks the build for one step.
#[derive(Clone, Debug)]
pub enum Break {
    /// Front matter that is not YAML.
    Yaml { entry: u8 },
    /// A wikilink to no entry.
    Link { entry: u8 },
    /// A syntax error in `entry.html`.
    Template,
}

fn pick<T>(items: &[T], n: u8) -> Option<&T> {
    (!items.is_empty()).then(|| &items[n as usize % items.len()])
}

impl Model {
    fn alive(&self) -> Vec<usize> {
        (0..self.entries.len())
            .filter(|&i| self.entries[i].alive)
            .collect()
    }

    fn entry(&self, n: u8) -> Option<usize> {
        pick(&self.alive(), n).copied()
    }

    /// The tag most entries of the built site carry.
    fn most_used_tag(&self) -> &'static str {
        let mut counts: BTreeMap<String, (usize, &'static str)> = BTreeMap::new();
        for e in self.entries.iter().filter(|e| e.alive && !e.draft) {
            for t in &e.tags {
                counts.entry(t.to_lowercase()).or_insert((0, *t)).0 += 1;
            }
        }
        counts
            .values()
            .max_by_key(|(n, _)| *n)
            .map_or("Common", |(_, t)| t)
    }

    /// What the one-step breaks and a removed date on a dated kind broke is mended, as an
    /// editor would: the mending is part of the next batch.
    fn mend(&mut self) {
        self.broken = None;
        for e in &mut self.entries {
            if e.needs_date() && e.date.is_none() {
                e.date = Some(DATES[0]);
            }
        }
    }

    /// Mends the last step's break, applies the edit, and says what it did.
    pub fn apply(&mut self, edit: &Edit) -> String {
        self.mend();
        match self.apply_edit(edit) {
            Some(what) => what,
            None => "nothing to do".into(),
        }
    }

    /// What the edit did, in words; `None` when there was nothing to do (no entry, no
    /// item to remove).
    fn apply_edit(&mut self, edit: &Edit) -> Option<String> {
        let n = self.entries.len();
        let file = |m: &Model, i: usize| format!("content/{}", m.entries[i].rel());
        Some(match *edit {
            Edit::Title { entry, word } => {
                let i = self.entry(entry)?;
                let title = format!("{} {i}", WORDS[word as usize % WORDS.len()]);
                self.entries[i].title.clone_from(&title);
                format!("{}: title {title:?}", file(self, i))
            }
            Edit::Slug { entry, set } => {
                let i = self.entry(entry)?;
                self.entries[i].slug = set.then(|| format!("s{i}-{}", self.renames));
                self.renames += 1;
                format!("{}: slug {:?}", file(self, i), self.entries[i].slug)
            }
            Edit::Date { entry, date } => {
                let i = self.entry(entry)?;
                self.entries[i].date = date.map(|d| DATES[d as usize % DATES.len()]);
                format!("{}: date {:?}", file(self, i), self.entries[i].date)
            }
            Edit::Kind { entry, kind } => {
                let i = self.entry(entry)?;
                let e = &mut self.entries[i];
                e.kind = kind.map(|k| KINDS[k as usize % KINDS.len()]);
                if e.needs_date() && e.date.is_none() {
                    e.date = Some(DATES[i % DATES.len()]);
                }
                let e = &self.entries[i];
                format!("{}: kind {:?}, date {:?}", file(self, i), e.kind, e.date)
            }
            Edit::AddTag { entry, tag } => {
                let i = self.entry(entry)?;
                let tag = TAGS[tag as usize % TAGS.len()];
                let e = &mut self.entries[i];
                if !e.tags.contains(&tag) {
                    e.tags.push(tag);
                }
                format!("{}: tags {:?}", file(self, i), self.entries[i].tags)
            }
            Edit::RemoveTag { entry, which } => {
                let i = self.entry(entry)?;
                let e = &mut self.entries[i];
                let at = *pick(&(0..e.tags.len()).collect::<Vec<_>>(), which)?;
                e.tags.remove(at);
                format!("{}: tags {:?}", file(self, i), self.entries[i].tags)
            }
            Edit::MostUsedTag { entry } => {
                let i = self.entry(entry)?;
                let tag = self.most_used_tag();
                let e = &mut self.entries[i];
                match e.tags.iter().position(|t| *t == tag) {
                    Some(at) => {
                        e.tags.remove(at);
                    }
                    None => e.tags.insert(0, tag),
                }
                format!("{}: tags {:?}", file(self, i), self.entries[i].tags)
            }
            Edit::Alias { entry, add } => {
                let i = self.entry(entry)?;
                let e = &mut self.entries[i];
                match add {
                    Some(w) => {
                        let alias = format!("{} alias {i}", WORDS[w as usize % WORDS.len()]);
                        if !e.aliases.contains(&alias) {
                            e.aliases.push(alias);
                        }
                    }
                    None if e.aliases.is_empty() => return None,
                    None => {
                        e.aliases.remove(0);
                    }
                }
                format!("{}: aliases {:?}", file(self, i), self.entries[i].aliases)
            }
            Edit::AddSource { entry, source } => {
                let i = self.entry(entry)?;
                let s = source as usize % (SHARED.len() + 1);
                let c = match SHARED.get(s) {
                    Some(_) => Citation::Shared(s, source / 8 % 8),
                    None => Citation::Own(format!("Own source {i}-{source}")),
                };
                let e = &mut self.entries[i];
                if !e.sources.contains(&c) {
                    e.sources.push(c);
                }
                format!("{}: sources {:?}", file(self, i), self.entries[i].sources)
            }
            Edit::RemoveSource { entry, which } => {
                let i = self.entry(entry)?;
                let e = &mut self.entries[i];
                let at = *pick(&(0..e.sources.len()).collect::<Vec<_>>(), which)?;
                e.sources.remove(at);
                format!("{}: sources {:?}", file(self, i), self.entries[i].sources)
            }
            Edit::RewordSource {
                entry,
                which,
                variant,
            } => {
                let i = self.entry(entry)?;
                let e = &mut self.entries[i];
                let shared: Vec<usize> = (0..e.sources.len())
                    .filter(|&k| matches!(e.sources[k], Citation::Shared(..)))
                    .collect();
                let at = *pick(&shared, which)?;
                if let Citation::Shared(s, _) = e.sources[at] {
                    e.sources[at] = Citation::Shared(s, variant % 8);
                }
                format!("{}: sources {:?}", file(self, i), self.entries[i].sources)
            }
            Edit::Speaker { entry, ref speaker } => {
                let i = self.entry(entry)?;
                let people: Vec<usize> = self
                    .alive()
                    .into_iter()
                    .filter(|&p| self.entries[p].kind() == "person" && p != i)
                    .collect();
                let others: Vec<usize> = self.alive().into_iter().filter(|&p| p != i).collect();
                self.entries[i].speaker = match *speaker {
                    Speaker::Remove => None,
                    Speaker::Named(p) => Some(SpeakerIs::Plain(
                        self.entries[*pick(&people, p)?].title.clone(),
                    )),
                    Speaker::Linked(p) => Some(SpeakerIs::Linked(*pick(&others, p)?)),
                    Speaker::Unknown(k) => Some(SpeakerIs::Plain(format!("Unnamed official {k}"))),
                };
                format!("{}: speaker {:?}", file(self, i), self.entries[i].speaker)
            }
            Edit::Relate {
                entry,
                target,
                rtype,
            } => {
                let i = self.entry(entry)?;
                match target {
                    Some(t) => {
                        let others: Vec<usize> =
                            self.alive().into_iter().filter(|&o| o != i).collect();
                        let to = *pick(&others, t)?;
                        self.entries[i].relations.push((to, rtype));
                    }
                    None if self.entries[i].relations.is_empty() => return None,
                    None => {
                        self.entries[i].relations.remove(0);
                    }
                }
                format!(
                    "{}: relations {:?}",
                    file(self, i),
                    self.entries[i].relations
                )
            }
            Edit::About { entry, target } => {
                let i = self.entry(entry)?;
                match target {
                    Some(t) => {
                        let others: Vec<usize> =
                            self.alive().into_iter().filter(|&o| o != i).collect();
                        let to = *pick(&others, t)?;
                        self.entries[i].about.push(to);
                    }
                    None if self.entries[i].about.is_empty() => return None,
                    None => {
                        self.entries[i].about.remove(0);
                    }
                }
                format!("{}: about {:?}", file(self, i), self.entries[i].about)
            }
            Edit::Respond { entry, target } => {
                let i = self.entry(entry)?;
                match target {
                    Some(t) => {
                        let earlier: Vec<usize> = self
                            .alive()
                            .into_iter()
                            .filter(|&o| o < i && self.entries[o].is_statement())
                            .collect();
                        let to = *pick(&earlier, t)?;
                        self.entries[i].responds_to.push(to);
                    }
                    None if self.entries[i].responds_to.is_empty() => return None,
                    None => {
                        self.entries[i].responds_to.remove(0);
                    }
                }
                format!(
                    "{}: responds_to {:?}",
                    file(self, i),
                    self.entries[i].responds_to
                )
            }
            Edit::Weight { entry, weight } => {
                let i = self.entry(entry)?;
                self.entries[i].weight = weight;
                format!("{}: weight {weight:?}", file(self, i))
            }
            Edit::Summary { entry, summary } => {
                let i = self.entry(entry)?;
                self.entries[i].summary = summary.map(|s| SUMMARIES[s as usize % SUMMARIES.len()]);
                format!("{}: summary {:?}", file(self, i), self.entries[i].summary)
            }
            Edit::Draft { entry } => {
                let i = self.entry(entry)?;
                self.entries[i].draft = !self.entries[i].draft;
                format!("{}: draft {}", file(self, i), self.entries[i].draft)
            }
            Edit::AddLink {
                entry,
                target,
                style,
                heading,
            } => {
                let i = self.entry(entry)?;
                let others: Vec<usize> = self.alive().into_iter().filter(|&t| t != i).collect();
                let t = *pick(&others, target)?;
                let style = STYLES[style as usize % STYLES.len()];
                let heading = self.entries[t]
                    .headings()
                    .next()
                    .filter(|_| heading)
                    .map(String::from);
                let what = format!(
                    "{}: a link ({style:?}, #{heading:?}) to {}",
                    file(self, i),
                    file(self, t)
                );
                self.entries[i].body.push(Block::Link {
                    target: t,
                    style,
                    heading,
                });
                what
            }
            Edit::RemoveLink { entry, which } => {
                let i = self.entry(entry)?;
                let at = self.block(i, which, |b| matches!(b, Block::Link { .. }))?;
                self.entries[i].body.remove(at);
                format!("{}: link {at} removed", file(self, i))
            }
            Edit::AddHeading { entry, heading, at } => {
                let i = self.entry(entry)?;
                let h = HEADINGS[heading as usize % HEADINGS.len()];
                let e = &mut self.entries[i];
                if e.headings().any(|x| x == h) {
                    return None;
                }
                let at = at as usize % (e.body.len() + 1);
                e.body.insert(at, Block::Heading(h.into()));
                format!("{}: heading {h:?} at {at}", file(self, i))
            }
            Edit::RemoveHeading { entry, which } => {
                let i = self.entry(entry)?;
                let at = self.block(i, which, |b| matches!(b, Block::Heading(_)))?;
                self.entries[i].body.remove(at);
                format!("{}: heading {at} removed", file(self, i))
            }
            Edit::AddParagraph { entry, at } => {
                let i = self.entry(entry)?;
                let e = &mut self.entries[i];
                let at = at as usize % (e.body.len() + 1);
                e.body
                    .insert(at, Block::Para(format!("An added paragraph, number {at}.")));
                format!("{}: paragraph at {at}", file(self, i))
            }
            Edit::RemoveParagraph { entry, which } => {
                let i = self.entry(entry)?;
                let at = self.block(i, which, |b| matches!(b, Block::Para(_)))?;
                self.entries[i].body.remove(at);
                format!("{}: paragraph {at} removed", file(self, i))
            }
            Edit::New {
                section,
                word,
                tag,
                link,
            } => {
                let section = section as usize % SECTIONS.len();
                let title = format!("{} entry {n}", WORDS[word as usize % WORDS.len()]);
                let mut e = EntryModel {
                    alive: true,
                    section,
                    stem: format!("new-{n}"),
                    title: title.clone(),
                    slug: None,
                    kind: None,
                    date: None,
                    weight: None,
                    summary: None,
                    draft: false,
                    tags: vec![TAGS[tag as usize % TAGS.len()]],
                    aliases: Vec::new(),
                    speaker: None,
                    sources: Vec::new(),
                    relations: Vec::new(),
                    about: Vec::new(),
                    responds_to: Vec::new(),
                    body: vec![Block::Para(format!("{title} is new."))],
                };
                if e.needs_date() {
                    e.date = Some(DATES[n % DATES.len()]);
                }
                if let Some(t) = link.and_then(|t| self.entry(t)) {
                    e.body.push(Block::Link {
                        target: t,
                        style: Style::Title,
                        heading: None,
                    });
                }
                self.entries.push(e);
                format!("{}: new", file(self, n))
            }
            Edit::Delete { entry } => {
                let i = self.entry(entry)?;
                self.entries[i].alive = false;
                format!("{}: deleted", file(self, i))
            }
            Edit::Rename { entry } => {
                let i = self.entry(entry)?;
                let old = file(self, i);
                self.renames += 1;
                let stem = format!("{}-{}", slugify(&self.entries[i].title), self.renames);
                self.entries[i].stem = stem;
                format!("{old}: renamed to {}", file(self, i))
            }
            Edit::Move { entry, section } => {
                let i = self.entry(entry)?;
                let old = file(self, i);
                let mut s = section as usize % SECTIONS.len();
                if s == self.entries[i].section {
                    s = (s + 1) % SECTIONS.len();
                }
                let e = &mut self.entries[i];
                e.section = s;
                if e.needs_date() && e.date.is_none() {
                    e.date = Some(DATES[i % DATES.len()]);
                }
                format!("{old}: moved to {}", file(self, i))
            }
            Edit::SectionText { section, text } => {
                let s = section as usize % SECTIONS.len();
                match text {
                    Some(t) => self.indexes.insert(s, index_text(t % 10)),
                    None => self.indexes.remove(&s),
                };
                format!("the _index.md of {:?}: {text:?}", SECTIONS[s])
            }
            Edit::Template { template, mark } => {
                let name = TEMPLATES[template as usize % TEMPLATES.len()];
                match mark {
                    Some(m) => self.marks.insert(name, m),
                    None => self.marks.remove(name),
                };
                format!("template {name}: mark {mark:?}")
            }
            Edit::Static { file, bytes } => {
                let path = STATICS[file as usize % STATICS.len()];
                match bytes {
                    Some(b) => self
                        .copied
                        .insert(path.into(), format!("/* version {b} */\n").into_bytes()),
                    None => self.copied.remove(path),
                };
                format!("{path}: {bytes:?}")
            }
            Edit::SiteTitle { word } => {
                self.title = format!("{} dossier", WORDS[word as usize % WORDS.len()]);
                format!("site.yaml: title {:?}", self.title)
            }
            Edit::Paginate => {
                self.paginate_by = 5 - self.paginate_by;
                format!("site.yaml: paginate_by {}", self.paginate_by)
            }
            Edit::Broken {
                ref broken,
                ref with,
            } => {
                let with = self
                    .apply_edit(with)
                    .unwrap_or_else(|| "nothing to do".into());
                let (broken, what) = match *broken {
                    Break::Yaml { entry } => {
                        let i = self.entry(entry)?;
                        (
                            Broken::Yaml(i),
                            format!("{}: broken front matter", file(self, i)),
                        )
                    }
                    Break::Link { entry } => {
                        let i = self.entry(entry)?;
                        (
                            Broken::Link(i),
                            format!("{}: a link to nothing", file(self, i)),
                        )
                    }
                    Break::Template => (Broken::Template, "entry.html: a syntax error".into()),
                };
                self.broken = Some(broken);
                format!("{with}; and, for one step, {what}")
            }
        })
    }

    /// The index in entry `i`'s body of the `which`-th block that `is` accepts.
    fn block(&self, i: usize, which: u8, is: impl Fn(&Block) -> bool) -> Option<usize> {
        let body = &self.entries[i].body;
        let found: Vec<usize> = (0..body.len()).filter(|&k| is(&body[k])).collect();
        pick(&found, which).copied()
    }
}
