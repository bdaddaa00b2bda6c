//! The generated site of `serve_properties`: a model that writes every source file, so
//! that an edit is a change of the model, and the files it changes are the difference
//! between two renderings of it.
#![allow(unreachable_pub)] // a module of one test crate

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub type Files = BTreeMap<String, Vec<u8>>;

/// Folders of `content/`; `""` is the content folder itself (the home page).
pub const SECTIONS: [&str; 9] = [
    "",
    "people",
    "places",
    "organizations",
    "events",
    "statements",
    "topics",
    "regions",
    "regions/caucasus",
];

/// The first entries: a section's folder (nothing for `content/` itself), then titles.
const FIRST_ENTRIES: &str = "\
: About this dossier, Reading guide
people: Anna Petrova, Boris Ivanov, Leyla Aliyeva, Elmar Mammadov, Sara Hayes, Tomas Berg
people: Nino Beridze, Arman Sargsyan, Ilham Rzayev, Mariam Kapanadze
places: Baku, Ganja, Lachin, Shusha, Sheki, Quba, Lankaran, Nakhchivan
organizations: Red Crescent, Caspian Oil Company, Border Guard, Press Union, River Trust
organizations: Rail Agency
events: Spring Talks, Harbour Fire, Pipeline Opening, Border Closure, Water Summit
events: Rail Strike, Film Festival, Flood Relief, Trade Fair, Peace Forum
statements: Petrova on the border, Ivanov on oil, Aliyeva on water, Mammadov on rail
statements: Hayes on trade, Berg on the harbour, Beridze on heritage, Sargsyan on migration
statements: Rzayev on the pipeline, Kapanadze on the press
topics: Energy, Migration, Heritage, Water rights, Transport, Media
regions: Absheron, Karabakh, Mil Plain, Mugan, Shirvan
regions/caucasus: Greater Caucasus, Lesser Caucasus, Kura Valley
";

pub const KINDS: [&str; 8] = [
    "topic",
    "event",
    "statement",
    "person",
    "organization",
    "place",
    "project",
    "document",
];
/// Shared by many entries, and ties between them.
pub const DATES: [&str; 7] = [
    "2019",
    "2020-06",
    "2021-03-10",
    "2021-03-10",
    "2022-11-02",
    "2023-01-15",
    "2024-05-01",
];
/// `Common` is on most entries; `common` is another spelling of it (a warning);
/// `Energy/Oil` and `Energy/Oil/Offshore` are nested tags under `Energy`, which entries
/// also carry on its own.
pub const TAGS: [&str; 10] = [
    "Common",
    "Energy",
    "Border",
    "Trade",
    "Water",
    "Rail",
    "Culture",
    "Energy/Oil",
    "Energy/Oil/Offshore",
    "common",
];
pub const WORDS: [&str; 8] = [
    "Old", "New", "Upper", "Lower", "North", "South", "Inner", "Outer",
];
pub const HEADINGS: [&str; 6] = [
    "History",
    "Early years",
    "Trade routes",
    "Later events",
    "Names",
    "Geography",
];
pub const SUMMARIES: [&str; 4] = [
    "A short summary.",
    "Ports & harbours, in \"quotes\".",
    "Where the road ends <here>.",
    "One more summary.",
];
pub const TEMPLATES: [&str; 9] = [
    "entry.html",
    "tag.html",
    "base.html",
    "partials/card.html",
    "index.html",
    "kind.html",
    "section.html",
    "timeline.html",
    "sources.html",
];
/// Files copied as they are: the site's static files (one overrides the theme's
/// stylesheet), a static file of the site's copy of the theme, and files beside entries.
pub const STATICS: [&str; 6] = [
    "static/extra.css",
    "static/notes.txt",
    "static/style.css",
    "themes/default/static/picture.js",
    "content/places/map.txt",
    "content/regions/caucasus/route.txt",
];

/// A source that several entries cite, written a little differently by each.
pub struct Shared {
    pub id: Option<&'static str>,
    pub title: &'static str,
    pub url: Option<&'static str>,
}

pub const SHARED: [Shared; 4] = [
    Shared {
        id: Some("s1"),
        title: "Shared report",
        url: None,
    },
    Shared {
        id: Some("s2"),
        title: "Annual review",
        url: Some("https://example.net/review"),
    },
    Shared {
        id: None,
        title: "Field notes",
        url: Some("https://example.net/field/"),
    },
    Shared {
        id: None,
        title: "Interview transcript",
        url: None,
    },
];

#[derive(Clone, Debug, PartialEq)]
pub enum Citation {
    /// One of [`SHARED`], in one of eight wordings (the merged source takes the first
    /// citation's title and the first of each other field).
    Shared(usize, u8),
    /// A source only this entry cites.
    Own(String),
}

#[derive(Clone, Debug)]
pub enum SpeakerIs {
    /// A name as written: it means a person while one has it as title, alias or slug.
    Plain(String),
    /// `[[Title]]` of an entry, kept in step with its title.
    Linked(usize),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Style {
    /// `[label](../places/baku.md)`
    Path,
    /// `[[Baku]]`
    Title,
    /// `[[Baku|that page]]`
    Label,
    /// `[[Old Baku]]` (the first alias; the title when there is none)
    Alias,
    /// `[[baku]]`
    Slug,
    /// `![[Baku]]` in a paragraph of its own, when the target comes after the entry in
    /// the model (so that embeds make no cycle); else `[[Baku]]`.
    Embed,
}

pub const STYLES: [Style; 6] = [
    Style::Path,
    Style::Title,
    Style::Label,
    Style::Alias,
    Style::Slug,
    Style::Embed,
];

#[derive(Clone, Debug)]
pub enum Block {
    Para(String),
    Heading(String),
    /// A paragraph with a link to entry `target`, to the heading when it has it.
    Link {
        target: usize,
        style: Style,
        heading: Option<String>,
    },
}

#[derive(Clone, Debug)]
pub struct EntryModel {
    pub alive: bool,
    pub section: usize,
    pub stem: String,
    pub title: String,
    pub slug: Option<String>,
    pub kind: Option<&'static str>,
    pub date: Option<&'static str>,
    pub weight: Option<i8>,
    pub summary: Option<&'static str>,
    pub draft: bool,
    pub tags: Vec<&'static str>,
    pub aliases: Vec<String>,
    pub speaker: Option<SpeakerIs>,
    pub sources: Vec<Citation>,
    /// Typed relations: the other entry, and the type (an index into `RELATION_TYPES`).
    pub relations: Vec<(usize, u8)>,
    /// What a statement is `about`: other entries.
    pub about: Vec<usize>,
    /// The statements a statement `responds_to`: written only for statements before it
    /// in the model (so that responses make no cycle).
    pub responds_to: Vec<usize>,
    pub body: Vec<Block>,
}

/// The relation types the model's entries state (any kinds at both ends for the first
/// two; the others warn for ends of other kinds, which the build allows).
pub const RELATION_TYPES: [&str; 5] = [
    "part_of",
    "successor_of",
    "member_of",
    "located_in",
    "represents",
];

impl EntryModel {
    pub fn rel(&self) -> String {
        let dir = SECTIONS[self.section];
        if dir.is_empty() {
            format!("{}.md", self.stem)
        } else {
            format!("{dir}/{}.md", self.stem)
        }
    }

    pub fn kind(&self) -> &'static str {
        self.kind.unwrap_or_else(|| folder_kind(self.section))
    }

    /// Whether the build takes it for a statement: it has a speaker, or is of that kind.
    pub fn is_statement(&self) -> bool {
        self.kind() == "statement" || self.speaker.is_some()
    }

    pub fn needs_date(&self) -> bool {
        matches!(self.kind(), "event" | "statement")
    }

    pub fn slug(&self) -> &str {
        self.slug.as_deref().unwrap_or(&self.stem)
    }

    pub fn headings(&self) -> impl Iterator<Item = &str> {
        self.body.iter().filter_map(|b| match b {
            Block::Heading(h) => Some(h.as_str()),
            _ => None,
        })
    }
}

pub fn folder_kind(section: usize) -> &'static str {
    match SECTIONS[section].split('/').next() {
        Some("people") => "person",
        Some("places") => "place",
        Some("organizations") => "organization",
        Some("events") => "event",
        Some("statements") => "statement",
        _ => "topic",
    }
}

/// An edit that breaks the site for one step; the next step repairs it.
#[derive(Clone, Debug)]
pub enum Broken {
    Yaml(usize),
    Link(usize),
    Template,
}

#[derive(Clone)]
pub struct Model {
    pub title: String,
    pub paginate_by: u8,
    pub entries: Vec<EntryModel>,
    /// `_index.md` text by section, where there is one.
    pub indexes: BTreeMap<usize, String>,
    /// A line added to a template.
    pub marks: BTreeMap<&'static str, u8>,
    /// Static files and files beside entries, by path from the site root.
    pub copied: Files,
    pub broken: Option<Broken>,
    /// Makes new file names and slugs unique.
    pub renames: usize,
}

/// A small generator for the first site, the same at every run.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }
}

pub use dossier::text::slugify;

impl Model {
    /// The site every case starts from: 60 entries in nine sections.
    pub fn first() -> Model {
        let mut dice = Dice(12);
        let mut entries = Vec::new();
        for line in FIRST_ENTRIES.lines() {
            let (dir, titles) = line.split_once(": ").unwrap();
            let section = SECTIONS.iter().position(|s| *s == dir).unwrap();
            for title in titles.split(", ") {
                let mut e = EntryModel {
                    alive: true,
                    section,
                    stem: slugify(title),
                    title: title.to_string(),
                    slug: None,
                    kind: None,
                    date: None,
                    weight: None,
                    summary: None,
                    draft: false,
                    tags: Vec::new(),
                    aliases: Vec::new(),
                    speaker: None,
                    sources: Vec::new(),
                    relations: Vec::new(),
                    about: Vec::new(),
                    responds_to: Vec::new(),
                    body: Vec::new(),
                };
                if section >= 7 && dice.percent(40) {
                    e.kind = Some("place");
                }
                if section == 6 && e.title == "Transport" {
                    e.kind = Some("project");
                }
                if section == 6 && e.title == "Media" {
                    e.kind = Some("document");
                }
                if e.needs_date() || dice.percent(40) {
                    e.date = Some(DATES[dice.below(DATES.len())]);
                }
                if dice.percent(70) {
                    e.tags.push("Common");
                }
                for _ in 0..dice.below(3) {
                    let tag = TAGS[1 + dice.below(TAGS.len() - 2)];
                    if !e.tags.contains(&tag) {
                        e.tags.push(tag);
                    }
                }
                if section == 1 && dice.percent(50) {
                    let (first, last) = title.split_once(' ').unwrap();
                    e.aliases.push(format!("{}. {last}", &first[..1]));
                } else if dice.percent(15) {
                    e.aliases.push(format!("Old {title}"));
                }
                if dice.percent(20) {
                    e.weight = Some(1 + dice.below(5) as i8);
                }
                if dice.percent(20) {
                    e.summary = Some(SUMMARIES[dice.below(SUMMARIES.len())]);
                }
                if dice.percent(45) {
                    e.sources.push(Citation::Shared(
                        dice.below(SHARED.len()),
                        dice.below(8) as u8,
                    ));
                }
                if dice.percent(20) {
                    e.sources.push(Citation::Shared(
                        dice.below(SHARED.len()),
                        dice.below(8) as u8,
                    ));
                }
                if dice.percent(25) {
                    e.sources.push(Citation::Own(format!("Notes on {title}")));
                }
                e.body
                    .push(Block::Para(format!("{title} is part of the dossier.")));
                for _ in 0..dice.below(3) {
                    let h = HEADINGS[dice.below(HEADINGS.len())];
                    if !e.headings().any(|x| x == h) {
                        e.body.push(Block::Heading(h.to_string()));
                        e.body.push(Block::Para(format!("More about {title}.")));
                    }
                }
                entries.push(e);
            }
        }
        let people: Vec<usize> = (0..entries.len())
            .filter(|&i| entries[i].section == 1)
            .collect();
        for i in 0..entries.len() {
            if entries[i].section == 5 {
                let p = people[dice.below(people.len())];
                entries[i].speaker = Some(match dice.below(4) {
                    0 => SpeakerIs::Plain("Unnamed official".into()),
                    1 => SpeakerIs::Linked(p),
                    _ => SpeakerIs::Plain(entries[p].title.clone()),
                });
            }
            for _ in 0..dice.below(4) {
                let target = dice.below(entries.len());
                if target == i {
                    continue;
                }
                let heading = entries[target]
                    .headings()
                    .next()
                    .filter(|_| dice.percent(40))
                    .map(String::from);
                let style = STYLES[dice.below(STYLES.len())];
                entries[i].body.push(Block::Link {
                    target,
                    style,
                    heading,
                });
            }
        }
        // Drawn after everything else, so that the rest of the model is what it was
        // before entries had relations.
        for i in 0..entries.len() {
            if dice.percent(30) {
                let target = dice.below(entries.len());
                if target != i {
                    entries[i]
                        .relations
                        .push((target, dice.below(RELATION_TYPES.len()) as u8));
                }
            }
        }
        // Positions, drawn last for the same reason: statements about other entries, and
        // answering earlier statements.
        for i in 0..entries.len() {
            if entries[i].section != 5 {
                continue;
            }
            for _ in 0..dice.below(3) {
                let target = dice.below(entries.len());
                if target != i && !entries[i].about.contains(&target) {
                    entries[i].about.push(target);
                }
            }
            if dice.percent(50) {
                let earlier: Vec<usize> = (0..i).filter(|&j| entries[j].section == 5).collect();
                if !earlier.is_empty() {
                    entries[i]
                        .responds_to
                        .push(earlier[dice.below(earlier.len())]);
                }
            }
        }
        let mut indexes = BTreeMap::new();
        indexes.insert(2, index_text(0));
        indexes.insert(7, index_text(1));
        let mut copied = Files::new();
        for (path, bytes) in dossier::render::theme::builtin_files() {
            if path.starts_with("static/") {
                copied.insert(format!("themes/default/{path}"), bytes.to_vec());
            }
        }
        copied.insert(
            "static/extra.css".into(),
            b".extra { color: teal; }\n".to_vec(),
        );
        copied.insert("content/places/map.txt".into(), b"A map.\n".to_vec());
        Model {
            title: "Generated dossier".into(),
            paginate_by: 2,
            entries,
            indexes,
            marks: BTreeMap::new(),
            copied,
            broken: None,
            renames: 0,
        }
    }

    /// Every file of the site.
    pub fn files(&self) -> Files {
        let mut files = Files::new();
        files.insert(
            "site.yaml".into(),
            format!(
                "title: {}\ndescription: \"A generated site.\"\nbase_url: \"https://example.org/dossier/\"\npaginate_by: {}\nrelated:\n  count: 5\npublishers:\n  caspian: {{name: Caspian Institute, country: Azerbaijan}}\n  reuters: {{name: Reuters, url: \"https://www.reuters.com/\"}}\n",
                quoted(&self.title),
                self.paginate_by
            )
            .into_bytes(),
        );
        for (path, bytes) in dossier::render::theme::builtin_files() {
            let Some(name) = path.strip_prefix("templates/") else {
                continue;
            };
            let mut text = String::from_utf8(bytes.to_vec()).unwrap();
            if let Some((name, n)) = self.marks.get_key_value(name) {
                let line = format!("<!-- template edit {n} of {name} -->\n");
                text = match text.find("{% block content %}\n") {
                    Some(i) => {
                        let at = i + "{% block content %}\n".len();
                        format!("{}{line}{}", &text[..at], &text[at..])
                    }
                    None => format!("{text}{line}"),
                };
            }
            if matches!(self.broken, Some(Broken::Template)) && name == "entry.html" {
                text.push_str("{% if %}\n");
            }
            files.insert(format!("themes/default/{path}"), text.into_bytes());
        }
        files.extend(self.copied.clone());
        for (&section, text) in &self.indexes {
            let dir = SECTIONS[section];
            let rel = if dir.is_empty() {
                "content/_index.md".to_string()
            } else {
                format!("content/{dir}/_index.md")
            };
            files.insert(rel, text.clone().into_bytes());
        }
        for (i, e) in self.entries.iter().enumerate() {
            if e.alive {
                files.insert(
                    format!("content/{}", e.rel()),
                    self.entry_text(i).into_bytes(),
                );
            }
        }
        files
    }

    /// Whether links may point at entry `i`: it exists and is not a draft.
    pub fn linkable(&self, i: usize) -> bool {
        self.entries[i].alive && !self.entries[i].draft
    }

    pub fn entry_text(&self, i: usize) -> String {
        let e = &self.entries[i];
        if matches!(self.broken, Some(Broken::Yaml(b)) if b == i) {
            return "---\ntitle: [broken\n---\nBroken.\n".into();
        }
        let mut t = String::from("---\n");
        let _ = writeln!(t, "title: {}", quoted(&e.title));
        if let Some(slug) = &e.slug {
            let _ = writeln!(t, "slug: {slug}");
        }
        if let Some(kind) = e.kind {
            let _ = writeln!(t, "kind: {kind}");
        }
        if let Some(date) = e.date {
            let _ = writeln!(t, "date: \"{date}\"");
        }
        if let Some(w) = e.weight {
            let _ = writeln!(t, "weight: {w}");
        }
        if let Some(s) = e.summary {
            let _ = writeln!(t, "summary: {}", quoted(s));
        }
        if e.draft {
            t.push_str("draft: true\n");
        }
        if !e.tags.is_empty() {
            let tags: Vec<String> = e.tags.iter().map(|t| quoted(t)).collect();
            let _ = writeln!(t, "tags: [{}]", tags.join(", "));
        }
        if !e.aliases.is_empty() {
            let aliases: Vec<String> = e.aliases.iter().map(|a| quoted(a)).collect();
            let _ = writeln!(t, "aliases: [{}]", aliases.join(", "));
        }
        match &e.speaker {
            Some(SpeakerIs::Plain(name)) => {
                let _ = writeln!(t, "speaker: {}", quoted(name));
            }
            Some(SpeakerIs::Linked(p)) => {
                let name = &self.entries[*p].title;
                let text = if self.linkable(*p) {
                    format!("[[{name}]]")
                } else {
                    name.clone()
                };
                let _ = writeln!(t, "speaker: {}", quoted(&text));
            }
            None => {}
        }
        if !e.sources.is_empty() {
            t.push_str("sources:\n");
            for c in &e.sources {
                match c {
                    Citation::Shared(s, variant) => {
                        let s = &SHARED[*s];
                        if let Some(id) = s.id {
                            let _ = writeln!(t, "  - id: {id}");
                            t.push_str("    title: ");
                        } else {
                            t.push_str("  - title: ");
                        }
                        let title = if *variant == 1 && s.id.is_some() {
                            format!("{} (revised)", s.title)
                        } else {
                            s.title.to_string()
                        };
                        let _ = writeln!(t, "{}", quoted(&title));
                        if let Some(url) = s.url {
                            let _ = writeln!(t, "    url: {}", quoted(url));
                        }
                        if *variant == 2 {
                            t.push_str("    publisher: \"Caspian Institute\"\n");
                        }
                        if *variant == 3 {
                            t.push_str("    date: \"2022-01-05\"\n");
                        }
                        // The fields that let a reader check a source later, and a
                        // publisher of the register, by id and by name.
                        match *variant {
                            4 => t.push_str(
                                "    archive_url: \"https://web.archive.org/web/2023/https://example.net/a\"\n    accessed: 2023-03-01\n",
                            ),
                            5 => t.push_str(
                                "    language: en-GB\n    type: news_report\n    publisher: caspian\n",
                            ),
                            6 => t.push_str("    type: dataset\n    publisher: Reuters\n    accessed: 2023\n"),
                            7 => t.push_str(
                                "    archive_url: \"https://archive.ph/xyz\"\n    language: ru\n    type: official document\n",
                            ),
                            _ => {}
                        }
                    }
                    Citation::Own(title) => {
                        let _ = writeln!(t, "  - title: {}", quoted(title));
                    }
                }
            }
        }
        let related: Vec<&(usize, u8)> = e
            .relations
            .iter()
            .filter(|(to, _)| *to != i && self.linkable(*to))
            .collect();
        if !related.is_empty() {
            t.push_str("relations:\n");
            for (to, rtype) in related {
                let _ = writeln!(
                    t,
                    "  - {{type: {}, to: {}}}",
                    RELATION_TYPES[*rtype as usize % RELATION_TYPES.len()],
                    quoted(&format!("[[{}]]", self.entries[*to].title))
                );
            }
        }
        let about: Vec<String> = e
            .about
            .iter()
            .filter(|&&to| to != i && self.linkable(to))
            .map(|&to| quoted(&format!("[[{}]]", self.entries[to].title)))
            .collect();
        if !about.is_empty() {
            let _ = writeln!(t, "about: [{}]", about.join(", "));
        }
        let answers: Vec<String> = e
            .responds_to
            .iter()
            .filter(|&&to| to < i && self.linkable(to) && self.entries[to].is_statement())
            .map(|&to| quoted(&format!("[[{}]]", self.entries[to].title)))
            .collect();
        if !answers.is_empty() {
            let _ = writeln!(t, "responds_to: [{}]", answers.join(", "));
        }
        t.push_str("---\n");
        for block in &e.body {
            match block {
                Block::Para(text) => t.push_str(text),
                Block::Heading(h) => {
                    let _ = write!(t, "## {h}");
                }
                Block::Link {
                    target,
                    style,
                    heading,
                } => {
                    if !self.linkable(*target) {
                        continue;
                    }
                    let link = self.link(i, *target, *style, heading);
                    if link.starts_with("![[") {
                        t.push_str(&link);
                    } else {
                        let _ = write!(t, "See {link}.");
                    }
                }
            }
            t.push_str("\n\n");
        }
        if matches!(self.broken, Some(Broken::Link(b)) if b == i) {
            t.push_str("See [[Nobody Known Here]].\n");
        }
        t
    }

    pub fn link(&self, from: usize, to: usize, style: Style, heading: &Option<String>) -> String {
        let target = &self.entries[to];
        let heading = heading
            .as_deref()
            .filter(|h| target.headings().any(|x| x == *h));
        let wiki = |name: &str| match heading {
            Some(h) => format!("[[{name}#{h}]]"),
            None => format!("[[{name}]]"),
        };
        match style {
            Style::Path => {
                let path = relative(SECTIONS[self.entries[from].section], &target.rel());
                match heading {
                    Some(h) => format!("[the page]({path}#{})", slugify(h)),
                    None => format!("[the page]({path})"),
                }
            }
            Style::Title => wiki(&target.title),
            Style::Label => match heading {
                Some(h) => format!("[[{}#{h}|that page]]", target.title),
                None => format!("[[{}|that page]]", target.title),
            },
            Style::Alias => wiki(target.aliases.first().unwrap_or(&target.title)),
            Style::Slug => wiki(target.slug()),
            Style::Embed if to > from => format!("!{}", wiki(&target.title)),
            Style::Embed => wiki(&target.title),
        }
    }
}

pub fn index_text(n: u8) -> String {
    format!(
        "---\ntitle: \"Section text {n}\"\ndescription: \"Described {n} times.\"\nweight: {n}\n---\nThe section's own text, version {n}.\n"
    )
}

/// A YAML double-quoted string (JSON's escapes are YAML's).
pub fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// The link from a file in folder `from` to the file `to` (both under `content/`).
pub fn relative(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to.len() - 1);
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}
