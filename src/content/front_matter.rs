//! Splitting a file into front matter and body, and the typed front matter of an entry.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::date::Date;
use crate::config::{Config, KindId};
use crate::diagnostics::{Diagnostic, Kind, Pos};
use crate::text::{slugify, suggestion};
use crate::yaml::{self, YamlMap};

/// The parts of a file: the YAML between the `---` lines and the Markdown after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// Empty when the file has no front matter.
    pub yaml: &'a str,
    /// The file line the YAML starts on (2, unless the file starts with blank lines).
    pub yaml_line: usize,
    pub body: &'a str,
    /// Byte offset of the body in the file text.
    pub body_offset: usize,
    /// Whether the file starts with front matter: a note may have none.
    pub has_front_matter: bool,
}

/// Why a file has no usable front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub pos: Pos,
    pub message: String,
}

/// Splits `text` (a whole file, possibly with a BOM and CRLF line endings). A file that
/// does not start with a `---` line has no front matter: all of it is the body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let no_front_matter = Split {
        yaml: "",
        yaml_line: 1,
        body: &text[bom..],
        body_offset: bom,
        has_front_matter: false,
    };
    let mut lines = LineIter { text, offset: bom };
    let Some((first, _, _)) = lines.next() else {
        return Ok(no_front_matter);
    };
    if first.trim_end() != "---" {
        return Ok(no_front_matter);
    }
    let yaml_start = lines.offset;
    for (line, start, end) in lines {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &text[yaml_start..start],
                yaml_line: 2,
                body: &text[end..],
                body_offset: end,
                has_front_matter: true,
            });
        }
    }
    Err(SplitError {
        pos: Pos::new(1, 1),
        message: "unclosed front matter: no `---` line ends the front matter opened here".into(),
    })
}

/// Lines without their endings, each with its start offset and the offset after its ending.
struct LineIter<'a> {
    text: &'a str,
    offset: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (&'a str, usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        if self.offset >= self.text.len() {
            return None;
        }
        let start = self.offset;
        let rest = &self.text[start..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.offset += advance;
        Some((line.strip_suffix('\r').unwrap_or(line), start, self.offset))
    }
}

/// The line of `key:` in a file's front matter (for problems found after parsing), or
/// the file's first line.
pub fn key_pos(source: &str, key: &str) -> Pos {
    source
        .lines()
        .skip(1)
        .take_while(|l| l.trim_end() != "---")
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(Pos::new(1, 1), |i| Pos::new(i + 2, 1))
}

/// A cited source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    pub id: Option<String>,
    pub title: String,
    pub url: Option<String>,
    /// As written: a name, or (on a site with a register) the id or name of a publisher
    /// of `site.yaml`'s `publishers`.
    pub publisher: Option<String>,
    /// The publisher's id in the site's register, when it has one.
    pub publisher_id: Option<String>,
    pub author: Option<String>,
    pub date: Option<Date>,
    /// An archived copy (an absolute http(s) address): what a reader follows when `url`
    /// has moved or gone.
    pub archive_url: Option<String>,
    /// When the editor read it.
    pub accessed: Option<Date>,
    /// Its language, a BCP 47 tag (`ru`, `az`, `en-GB`) as written.
    pub language: Option<String>,
    /// What it is (`type:`).
    pub kind: Option<SourceType>,
}

/// What a source is: `type:` of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceType {
    NewsReport,
    OfficialDocument,
    Statement,
    Transcript,
    Dataset,
}

impl SourceType {
    pub const NAMES: [&str; 5] = [
        "news report",
        "official document",
        "statement",
        "transcript",
        "dataset",
    ];
    const ALL: [SourceType; 5] = [
        SourceType::NewsReport,
        SourceType::OfficialDocument,
        SourceType::Statement,
        SourceType::Transcript,
        SourceType::Dataset,
    ];

    /// The type written with spaces or underscores, in any case (`news_report`).
    pub fn parse(written: &str) -> Option<SourceType> {
        let words = written.replace(['_', '-'], " ").to_lowercase();
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        Self::NAMES
            .iter()
            .position(|n| *n == words)
            .map(|i| Self::ALL[i])
    }

    /// Its name, with spaces: `news report`.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// A source as its entry writes it, before `type` and `publisher` are checked against
/// what the site knows.
struct WrittenSource {
    source: Source,
    kind: Option<String>,
}

impl<'de> Deserialize<'de> for WrittenSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            id: Option<String>,
            title: Option<String>,
            url: Option<WebUrl>,
            publisher: Option<String>,
            author: Option<String>,
            date: Option<Date>,
            archive_url: Option<crate::scheme::WebAddress>,
            accessed: Option<Date>,
            language: Option<String>,
            #[serde(rename = "type")]
            kind: Option<String>,
        }
        struct SourceVisitor;
        impl<'de> Visitor<'de> for SourceVisitor {
            type Value = WrittenSource;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a source: its title, or a mapping with `title` and optional `id`, `url`, `publisher`, `author`, `date`, `archive_url`, `accessed`, `language`, `type`")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<WrittenSource, E> {
                if v.trim().is_empty() {
                    return Err(E::custom("a source needs a title"));
                }
                Ok(WrittenSource {
                    source: Source {
                        id: None,
                        title: v.trim().to_string(),
                        url: None,
                        publisher: None,
                        publisher_id: None,
                        author: None,
                        date: None,
                        archive_url: None,
                        accessed: None,
                        language: None,
                        kind: None,
                    },
                    kind: None,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<WrittenSource, A::Error> {
                let full = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let title = full
                    .title
                    .filter(|t| !t.trim().is_empty())
                    .ok_or_else(|| de::Error::custom("a source needs a non-empty `title`"))?;
                let trimmed =
                    |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
                Ok(WrittenSource {
                    source: Source {
                        id: full.id.filter(|s| !s.trim().is_empty()),
                        title,
                        url: full.url.map(|u| u.0).filter(|s| !s.is_empty()),
                        publisher: full.publisher,
                        publisher_id: None,
                        author: full.author,
                        date: full.date,
                        archive_url: full.archive_url.map(|u| u.0),
                        accessed: full.accessed,
                        language: trimmed(full.language),
                        kind: None,
                    },
                    kind: trimmed(full.kind),
                })
            }
        }
        deserializer.deserialize_any(SourceVisitor)
    }
}

/// Whether `tag` has the shape of a BCP 47 language tag (RFC 5646): a language of two or
/// three letters, then subtags of one to eight letters or digits: `ru`, `az-Latn`,
/// `en-GB`, `es-419`, `de-CH-1996`, `x-private` too. (The five- to eight-letter languages
/// RFC 5646 reserves are none in use; refusing them catches `English`.)
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    let alpha = |s: &str| s.chars().all(|c| c.is_ascii_alphabetic());
    let primary = (alpha(first) && matches!(first.len(), 2 | 3))
        || first.eq_ignore_ascii_case("x")
        || first.eq_ignore_ascii_case("i");
    let rest: Vec<&str> = parts.collect();
    let subtags = rest
        .iter()
        .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    // A singleton (`x`, `u` …) opens an extension and needs a subtag after it.
    let ends_open =
        rest.last().is_some_and(|p| p.len() == 1) || (first.len() == 1 && rest.is_empty());
    primary && subtags && !ends_open
}

/// A URL that becomes a link (`href`): http(s), `mailto:` or a path of the site, never a
/// script URL. Checked inside the deserializer, so that the error points at the value.
struct WebUrl(String);

impl<'de> Deserialize<'de> for WebUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct UrlVisitor;
        impl Visitor<'_> for UrlVisitor {
            type Value = WebUrl;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a URL")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<WebUrl, E> {
                match crate::scheme::front_matter_problem(v) {
                    Some(problem) => Err(E::custom(problem)),
                    None => Ok(WebUrl(v.trim().to_string())),
                }
            }
        }
        deserializer.deserialize_str(UrlVisitor)
    }
}

/// The picture of an entry (`image:`): a path, or `{src, alt, caption, credit,
/// decorative}`. `src` is resolved like an image in the text (relative to the entry's file,
/// or `/…` under `content/` or `static/`) once every file is known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Image {
    pub src: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// Marked as decoration: it needs no `alt` text.
    pub decorative: bool,
    /// Where `src` is written in the file.
    pub pos: Pos,
}

impl<'de> Deserialize<'de> for Image {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            src: Option<String>,
            alt: Option<String>,
            caption: Option<String>,
            credit: Option<String>,
            #[serde(default)]
            decorative: bool,
        }
        fn src<E: de::Error>(v: &str) -> Result<String, E> {
            let v = v.trim();
            if v.is_empty() {
                return Err(E::custom(
                    "an image needs a non-empty `src`: the path of the file",
                ));
            }
            if crate::scheme::is_script(v, true) {
                return Err(E::custom(format!(
                    "`{v}` is not a picture: a script URL is never an image"
                )));
            }
            Ok(v.to_string())
        }
        let trimmed = |t: Option<String>| t.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        struct ImageVisitor;
        impl<'de> Visitor<'de> for ImageVisitor {
            type Value = Image;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an image: the path of its file, or a mapping with `src` and optional `alt`, `caption`, `credit`, `decorative`")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Image, E> {
                Ok(Image {
                    src: src(v)?,
                    alt: None,
                    caption: None,
                    credit: None,
                    decorative: false,
                    pos: Pos::default(),
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Image, A::Error> {
                let full = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Image {
                    src: src(full.src.as_deref().unwrap_or(""))?,
                    alt: full.alt,
                    caption: full.caption,
                    credit: full.credit,
                    decorative: full.decorative,
                    pos: Pos::default(),
                })
            }
        }
        let mut image = deserializer.deserialize_any(ImageVisitor)?;
        image.alt = trimmed(image.alt.take());
        image.caption = trimmed(image.caption.take());
        image.credit = trimmed(image.credit.take());
        Ok(image)
    }
}

/// `image:` of an entry: typed, its `src` located, its texts checked; a missing `alt` is
/// a warning (a reader who cannot see the picture learns nothing from it).
fn image(map: &YamlMap<'_>, out: &mut FileReporter<'_>) -> Option<Image> {
    let mut image = out.get::<Image>(map, "image")?;
    image.pos = item_pos(out.source, "image", &image.src).unwrap_or(map.value_pos("image"));
    for (what, text) in [
        ("the image's `alt`", &image.alt),
        ("the image's `caption`", &image.caption),
        ("the image's `credit`", &image.credit),
    ] {
        if let Some(text) = text.as_deref().filter(|t| has_control(t)) {
            let pos = item_pos(out.source, "image", text).unwrap_or(image.pos);
            check_text(out, pos, what, text);
        }
    }
    if image.alt.is_none() && !image.decorative {
        let d = out.warning(
            map.key_pos("image"),
            "the image has no `alt` text: a reader who cannot see it learns nothing from it",
        );
        d.width = "image".len();
        d.help = Some(
            "write `image: {src: …, alt: what the picture shows}`, or `decorative: true` when it shows nothing to tell"
                .into(),
        );
    }
    Some(image)
}

/// Where an entry is on the map (`location:`): latitude and longitude in decimal degrees,
/// written `[lat, lon]` or `{lat, lon}`. Checked in the deserializer, so that a value out
/// of range is an error at the value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    /// Degrees north (negative: south), -90 to 90.
    pub lat: f64,
    /// Degrees east (negative: west), -180 to 180.
    pub lon: f64,
}

impl Location {
    fn checked<E: de::Error>(lat: f64, lon: f64) -> Result<Location, E> {
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            let hint = if lon.is_finite() && (-90.0..=90.0).contains(&lon) {
                "; the latitude comes first: `[lat, lon]`"
            } else {
                ""
            };
            return Err(E::custom(format!(
                "latitude {lat} is out of range: it lies between -90 (south) and 90 (north){hint}"
            )));
        }
        if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
            return Err(E::custom(format!(
                "longitude {lon} is out of range: it lies between -180 (west) and 180 (east)"
            )));
        }
        Ok(Location { lat, lon })
    }
}

impl<'de> Deserialize<'de> for Location {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            #[serde(alias = "latitude")]
            lat: f64,
            #[serde(alias = "lng", alias = "long", alias = "longitude")]
            lon: f64,
        }
        struct LocationVisitor;
        impl<'de> Visitor<'de> for LocationVisitor {
            type Value = Location;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a location: `[latitude, longitude]` in decimal degrees, or `{lat: …, lon: …}`",
                )
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Location, A::Error> {
                let two = "a location is two numbers, `[latitude, longitude]`";
                let missing = || <A::Error as de::Error>::custom(two);
                let lat: f64 = seq.next_element()?.ok_or_else(missing)?;
                let lon: f64 = seq.next_element()?.ok_or_else(missing)?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(two));
                }
                Location::checked(lat, lon)
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Location, A::Error> {
                let full = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Location::checked(full.lat, full.lon)
            }
        }
        deserializer.deserialize_any(LocationVisitor)
    }
}

/// One stop of a `route:` as written (`Lachin`, `[[Lachin]]`, a slug), and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteStop {
    pub name: String,
    pub pos: Pos,
}

impl RouteStop {
    /// The name to look up: a wikilink's target without its brackets and label.
    pub fn target(&self) -> &str {
        let name = self.name.trim();
        name.strip_prefix("[[")
            .and_then(|s| s.strip_suffix("]]"))
            .map_or(name, |s| s.split('|').next().unwrap_or(s).trim())
    }
}

/// `route:` of an entry: the stops in order, each located in the file.
fn route(map: &YamlMap<'_>, out: &mut FileReporter<'_>) -> Vec<RouteStop> {
    let Some(names) = out.get::<Vec<String>>(map, "route") else {
        return Vec::new();
    };
    let stops: Vec<RouteStop> = names
        .into_iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .map(|name| RouteStop {
            pos: item_pos(out.source, "route", &name).unwrap_or(map.value_pos("route")),
            name,
        })
        .collect();
    if stops.len() < 2 {
        let d = out.error(
            map.key_pos("route"),
            "a `route` needs at least two stops: the entries it runs between, in order",
        );
        d.width = "route".len();
        return Vec::new();
    }
    stops
}

/// The name of another entry as a field of the front matter writes it (`about:`,
/// `responds_to:`), and where: resolved like a wikilink, in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryName {
    pub name: String,
    pub pos: Pos,
}

impl EntryName {
    /// The name to look up: a wikilink's target without its brackets and label.
    pub fn target(&self) -> &str {
        let name = self.name.trim();
        name.strip_prefix("[[")
            .and_then(|s| s.strip_suffix("]]"))
            .map_or(name, |s| s.split('|').next().unwrap_or(s).trim())
    }

    /// How wide the name is written, for the caret under it.
    pub fn width(&self) -> usize {
        self.name.chars().count().max(1)
    }
}

/// A field that names other entries (`about:`, `responds_to:`): one name, or a list of
/// them, each located in the file. A name is never cut at commas: titles hold them.
fn entry_names(map: &YamlMap<'_>, out: &mut FileReporter<'_>, key: &str) -> Vec<EntryName> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let names = match out.get::<OneOrMany>(map, key) {
        None => return Vec::new(),
        Some(OneOrMany::One(name)) => vec![name],
        Some(OneOrMany::Many(names)) => names,
    };
    let mut found = Vec::with_capacity(names.len());
    for name in names {
        let name = name.trim().to_string();
        let pos = item_pos(out.source, key, &name).unwrap_or(map.value_pos(key));
        if name.is_empty() || name == "[[]]" {
            out.error(pos, format!("`{key}`: an empty name names no entry"));
            continue;
        }
        if check_text(out, pos, &format!("`{key}`"), &name) {
            found.push(EntryName { name, pos });
        }
    }
    found
}

/// A list of names, or one string of them (`tags: a, b`, `tags: a b`, `aliases: Baku`),
/// as Obsidian and Jekyll accept both.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Names {
    List(Vec<String>),
    One(String),
}

/// How a string of names is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separators {
    /// At commas only: an alias may hold spaces.
    Commas,
    /// At commas when there are any (`tags: Lachin road, peace`), else at white space
    /// (`tags: a b`, as Jekyll and Obsidian read it).
    CommasElseSpaces,
}

impl Names {
    fn split(self, separators: Separators) -> Vec<String> {
        match self {
            Names::List(list) => list,
            Names::One(text) => {
                let parts: Vec<&str> = if separators == Separators::Commas || text.contains(',') {
                    text.split(',').collect()
                } else {
                    text.split_whitespace().collect()
                };
                parts
                    .into_iter()
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamesVisitor;
        impl<'de> Visitor<'de> for NamesVisitor {
            type Value = Names;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of names, or one string of them separated by commas")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Names, E> {
                Ok(Names::One(v.to_string()))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Names, A::Error> {
                Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(Names::List)
            }
        }
        deserializer.deserialize_any(NamesVisitor)
    }
}

/// A tag as written (`Lachin road`) and its slug (`lachin-road`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    pub name: String,
    pub slug: String,
}

/// The typed front matter of an entry (SPEC §3).
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    /// Empty when the front matter gives none: the entry takes it from its first heading
    /// or its file name.
    pub title: String,
    pub kind: KindId,
    pub date: Option<Date>,
    /// Where `date` came from.
    pub date_from: DateFrom,
    pub updated: Option<Date>,
    pub summary: Option<String>,
    pub tags: Vec<Tag>,
    pub aliases: Vec<String>,
    pub slug: Option<String>,
    /// The site path `permalink` sets (`notes/old-name/`), instead of folder and slug.
    pub permalink: Option<String>,
    /// The old URLs that redirect here: `redirect_from`, and `aliases` that start with `/`.
    pub redirect_from: Vec<OldUrl>,
    pub speaker: Option<String>,
    pub sources: Vec<Source>,
    pub image: Option<Image>,
    pub location: Option<Location>,
    /// The stops of a road, railway or corridor, in order (empty for most entries).
    pub route: Vec<RouteStop>,
    /// What the entry is to other entries (`member_of` an organisation, since a date).
    pub relations: Vec<RelationSpec>,
    /// For a statement: the topics, documents, events … it addresses.
    pub about: Vec<EntryName>,
    /// For a statement: the statements it answers.
    pub responds_to: Vec<EntryName>,
    pub draft: bool,
    pub weight: Option<i64>,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Where an entry's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateFrom {
    /// `date:` of its front matter.
    FrontMatter,
    /// The start of its file name, as Jekyll names posts: `2014-12-17-summit.md`.
    FileName,
    /// `date:` of its section's `_index.md` (or a folder above it), for a kind that needs
    /// a date.
    Section,
    /// It has none.
    #[default]
    Nowhere,
}

pub const ENTRY_KEYS: &[&str] = &[
    "title",
    "kind",
    "date",
    "updated",
    "summary",
    "tags",
    "aliases",
    "slug",
    "speaker",
    "sources",
    "image",
    "location",
    "route",
    "relations",
    "about",
    "responds_to",
    "draft",
    "weight",
    "extra",
    "permalink",
    "redirect_from",
];

/// Keys of Obsidian, Quartz, Jekyll and Hugo that an entry understands (the first few)
/// or keeps under `extra` without a warning: a note brought over builds as it is.
pub const IMPORTED_KEYS: &[&str] = &[
    // Understood: see `parse_entry_front_matter`.
    "description",
    "excerpt",
    "categories",
    "category",
    "publish",
    "published",
    "lastmod",
    "last_modified_at",
    // Kept under `extra` for templates, not warned about.
    "cssclasses",
    "cssclass",
    "layout",
    "author",
    "authors",
    "comments",
    "keywords",
    "toc",
    "enableToc",
    "type",
    "created",
    "modified",
];

/// An old URL of an entry, redirected to it: its site path (`old/x/`, `old/x.html`, see
/// [`crate::pages::old_url`]) and where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OldUrl {
    pub path: String,
    pub pos: Pos,
}

/// `permalink` and the old URLs (`redirect_from`, as a list or one string, and the
/// `aliases` that start with `/`, Hugo's way), checked; the aliases left are names.
fn urls(
    map: &YamlMap<'_>,
    out: &mut FileReporter<'_>,
    aliases: Vec<String>,
) -> (Option<String>, Vec<OldUrl>, Vec<String>) {
    let permalink =
        out.get::<String>(map, "permalink")
            .and_then(|p| match crate::pages::permalink(p.trim()) {
                Ok(path) => Some(path),
                Err(why) => {
                    let d = out.error(
                        map.value_pos("permalink"),
                        format!("`permalink` `{p}`: {why}"),
                    );
                    d.width = p.chars().count().max(1);
                    None
                }
            });
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let redirect_from = match map.get::<OneOrMany>("redirect_from") {
        None => Vec::new(),
        Some(Ok(OneOrMany::One(url))) => vec![url],
        Some(Ok(OneOrMany::Many(urls))) => urls,
        Some(Err(_)) => {
            out.error(
                map.value_pos("redirect_from"),
                "`redirect_from` is an old URL or a list of them (`/old/path/`)",
            );
            Vec::new()
        }
    };
    let (url_aliases, names): (Vec<String>, Vec<String>) =
        aliases.into_iter().partition(|a| a.starts_with('/'));
    let written = redirect_from
        .into_iter()
        .map(|u| ("redirect_from", u))
        .chain(url_aliases.into_iter().map(|u| ("aliases", u)));
    let mut old = Vec::new();
    for (key, url) in written {
        let url = url.trim().to_string();
        let pos = item_pos(out.source, key, &url).unwrap_or(map.value_pos(key));
        match crate::pages::old_url(&url) {
            Ok(path) => old.push(OldUrl { path, pos }),
            Err(why) => {
                let d = out.error(pos, format!("old URL `{url}` in `{key}`: {why}"));
                d.width = url.chars().count().max(1);
            }
        }
    }
    (permalink, old, names)
}

/// Reports problems of one file as diagnostics at positions of that file.
pub struct FileReporter<'a> {
    pub file: &'a str,
    pub source: &'a str,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> FileReporter<'a> {
    pub fn new(file: &'a str, source: &'a str) -> Self {
        FileReporter {
            file,
            source,
            diagnostics: Vec::new(),
        }
    }

    pub fn error(&mut self, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::error(message).kind(Kind::FrontMatter), pos)
    }

    pub fn warning(&mut self, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::warning(message).kind(Kind::FrontMatter), pos)
    }

    fn push(&mut self, d: Diagnostic, pos: Pos) -> &mut Diagnostic {
        self.diagnostics
            .push(d.in_file(self.file).at(self.source, pos));
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// A typed value of `key`, reporting a type error and giving `None` on failure.
    pub(crate) fn get<T: serde::de::DeserializeOwned>(
        &mut self,
        map: &YamlMap<'_>,
        key: &str,
    ) -> Option<T> {
        match map.get::<T>(key)? {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(e.pos, e.message);
                None
            }
        }
    }

    /// Warns about keys not in `known`, with a suggestion.
    pub(crate) fn unknown_keys(&mut self, map: &YamlMap<'_>, known: &[&str], what: &str) {
        for key in map.keys() {
            if known.contains(&key) {
                continue;
            }
            let d = self.warning(map.key_pos(key), format!("unknown key `{key}` {what}"));
            d.kind = Kind::UnknownKey;
            d.width = key.chars().count().max(1);
            d.help = suggestion(key, known.iter().copied());
        }
    }

    /// `extra:` as a mapping.
    pub(crate) fn extra(
        &mut self,
        map: &YamlMap<'_>,
    ) -> serde_json::Map<String, serde_json::Value> {
        match map.get_json("extra") {
            None => serde_json::Map::new(),
            Some(Ok(serde_json::Value::Object(m))) => m,
            Some(Ok(_)) => {
                self.error(
                    map.value_pos("extra"),
                    "`extra` must be a mapping of keys to values",
                );
                serde_json::Map::new()
            }
            Some(Err(e)) => {
                self.error(e.pos, e.message);
                serde_json::Map::new()
            }
        }
    }
}

/// What an entry has when its front matter does not say.
#[derive(Debug, Clone, Copy)]
pub struct Defaults {
    /// The kind its folder implies.
    pub kind: KindId,
    /// The date at the start of its file name.
    pub date: Option<Date>,
}

/// Parses the front matter of an entry (an empty mapping when it has none). A missing
/// title is left empty for the entry to fill in; a missing date that the kind needs is
/// left to [`super::settle`], which may find it in the section.
pub fn parse_entry_front_matter(
    split: &Split<'_>,
    config: &Config,
    defaults: Defaults,
    out: &mut FileReporter<'_>,
) -> Option<FrontMatter> {
    let default_kind = defaults.kind;
    let map = match yaml::parse_map(split.yaml, split.yaml_line) {
        Ok(map) => map,
        Err(e) => {
            out.error(e.pos, e.message);
            return None;
        }
    };
    let known: Vec<&str> = ENTRY_KEYS.iter().chain(IMPORTED_KEYS).copied().collect();
    out.unknown_keys(&map, &known, "(kept under `extra`)");
    let errors_before = out.diagnostics.iter().filter(|d| d.is_error()).count();

    let title = out.get::<String>(&map, "title").unwrap_or_default();
    let title = title.trim().to_string();
    check_text(out, map.value_pos("title"), "`title`", &title);
    if title.is_empty() && map.get::<String>("title").is_some() {
        out.error(map.key_pos("title"), "`title` is empty");
    }

    let kind = match out.get::<String>(&map, "kind") {
        None => default_kind,
        Some(name) => match config.kinds.by_name(name.trim()) {
            Some(kind) => kind,
            None => {
                let names: Vec<&str> = config.kinds.names().collect();
                let d = out.error(
                    map.value_pos("kind"),
                    format!("unknown kind `{name}`; the kinds are: {}", names.join(", ")),
                );
                d.width = name.chars().count().max(1);
                d.help = suggestion(&name, config.kinds.names());
                default_kind
            }
        },
    };

    let written = out.get::<Date>(&map, "date");
    let (date, date_from) = match (written, defaults.date) {
        (Some(date), _) => (Some(date), DateFrom::FrontMatter),
        (None, Some(date)) if !map.contains("date") => (Some(date), DateFrom::FileName),
        _ => (None, DateFrom::Nowhere),
    };
    // Hugo's `lastmod`, the Jekyll plugin's `last_modified_at`.
    let updated = out
        .get::<Date>(&map, "updated")
        .or_else(|| out.get::<Date>(&map, "lastmod"))
        .or_else(|| out.get::<Date>(&map, "last_modified_at"));
    if date.is_none()
        && map.contains("date")
        && map.get::<String>("date").is_none()
        && config.kinds.needs_date(kind)
    {
        out.error(map.key_pos("date"), "`date` is empty");
    }

    // Hugo's, Quartz's and Jekyll's `description`, Jekyll's `excerpt`.
    let summary_key = ["summary", "description", "excerpt"]
        .into_iter()
        .find(|k| map.get::<String>(k).is_some())
        .unwrap_or("summary");
    let summary = out
        .get::<String>(&map, summary_key)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(summary) = &summary {
        check_text(
            out,
            map.value_pos(summary_key),
            &format!("`{summary_key}`"),
            summary,
        );
    }

    let tags = tags(&map, out);
    let aliases: Vec<String> = out
        .get::<Names>(&map, "aliases")
        .map(|n| n.split(Separators::Commas))
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect();
    if let Some(alias) = aliases.iter().find(|a| has_control(a)) {
        let pos = item_pos(out.source, "aliases", alias).unwrap_or(map.value_pos("aliases"));
        check_text(out, pos, "an alias", alias);
    }

    let slug = out
        .get::<String>(&map, "slug")
        .map(|s| s.trim().to_string());
    if let Some(s) = &slug {
        let clean = slugify(s);
        if clean != *s {
            let d = out.error(
                map.value_pos("slug"),
                format!("`slug` `{s}` is not URL-safe: use lowercase letters, digits and hyphens"),
            );
            d.help = (!clean.is_empty()).then(|| format!("write `{clean}`"));
        }
    }

    let (permalink, redirect_from, aliases) = urls(&map, out, aliases);

    let speaker = out
        .get::<String>(&map, "speaker")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(speaker) = &speaker {
        check_text(out, map.value_pos("speaker"), "`speaker`", speaker);
    }
    let sources = sources(&map, out, config);
    let image = image(&map, out);
    let location = out.get::<Location>(&map, "location");
    let route = route(&map, out);
    let relations = relations(&map, out, config, &sources);
    let about = entry_names(&map, out, "about");
    let responds_to = entry_names(&map, out, "responds_to");
    // Obsidian Publish's `publish: false` and Jekyll's `published: false` hold a note back
    // like `draft: true` (Quartz's `published` is a date: not a draft).
    let held_back = ["publish", "published"]
        .into_iter()
        .any(|k| map.get::<bool>(k).is_some_and(|r| matches!(r, Ok(false))));
    let draft = out.get::<bool>(&map, "draft").unwrap_or(false) || held_back;
    let weight = out.get::<i64>(&map, "weight");

    let mut extra = out.extra(&map);
    for key in map.keys() {
        if !ENTRY_KEYS.contains(&key)
            && let Some(Ok(value)) = map.get_json(key)
        {
            extra.entry(key.to_string()).or_insert(value);
        }
    }

    let errors_after = out.diagnostics.iter().filter(|d| d.is_error()).count();
    (errors_after == errors_before).then_some(FrontMatter {
        title,
        kind,
        date,
        date_from,
        updated,
        summary,
        tags,
        aliases,
        slug,
        permalink,
        redirect_from,
        speaker,
        sources,
        image,
        location,
        route,
        relations,
        about,
        responds_to,
        draft,
        weight,
        extra,
    })
}

/// `sources:` of an entry: each a title or `{title, id, url, publisher, author, date,
/// archive_url, accessed, language, type}`. A `type` that is not one of
/// [`SourceType::NAMES`], or a `publisher` not in the site's register (when it keeps one),
/// is an error at the field; a `language` not shaped like a BCP 47 tag is a warning, and so
/// is a web address without an `archive_url` when `sources.require_archive` asks for one.
fn sources(map: &YamlMap<'_>, out: &mut FileReporter<'_>, config: &Config) -> Vec<Source> {
    let written = out
        .get::<Vec<WrittenSource>>(map, "sources")
        .unwrap_or_default();
    let text = out.source;
    let at = |n: usize, field: &str| {
        list_field_pos(text, "sources", n, field).unwrap_or(map.value_pos("sources"))
    };
    let mut sources = Vec::with_capacity(written.len());
    for (n, WrittenSource { mut source, kind }) in written.into_iter().enumerate() {
        let fields = [
            Some(&source.title),
            source.publisher.as_ref(),
            source.author.as_ref(),
        ];
        if let Some(text) = fields.into_iter().flatten().find(|t| has_control(t)) {
            let pos = item_pos(out.source, "sources", text).unwrap_or(map.value_pos("sources"));
            check_text(out, pos, "a source", text);
        }
        if let Some(kind) = kind {
            source.kind = SourceType::parse(&kind);
            if source.kind.is_none() {
                let d = out.error(
                    at(n, "type"),
                    format!(
                        "`sources[{n}].type`: there is no source type `{kind}`; the types are: {}",
                        SourceType::NAMES.join(", ")
                    ),
                );
                d.width = kind.chars().count().max(1);
                d.help = suggestion(&kind.replace('_', " "), SourceType::NAMES);
            }
        }
        if let Some(language) = &source.language
            && !is_language_tag(language)
        {
            let d = out.warning(
                at(n, "language"),
                format!(
                    "`sources[{n}].language`: `{language}` is not a language tag (BCP 47), such as `ru`, `az` or `en-GB`"
                ),
            );
            d.width = language.chars().count().max(1);
            d.help = is_language_tag(&language.replace('_', "-"))
                .then(|| format!("write `{}`", language.replace('_', "-")));
        }
        if let Some(publisher) = &source.publisher
            && !config.publishers.is_empty()
        {
            match config.publishers.resolve(publisher) {
                Some(p) => source.publisher_id = Some(p.id.clone()),
                None => {
                    let d = out.error(
                        at(n, "publisher"),
                        format!(
                            "`sources[{n}].publisher`: `{}` is not in the register of publishers of site.yaml",
                            publisher.trim()
                        ),
                    );
                    d.width = publisher.trim().chars().count().max(1);
                    d.help =
                        suggestion(publisher.trim(), config.publishers.names()).or_else(|| {
                            Some("add it under `publishers:` in site.yaml, with its `name`".into())
                        });
                }
            }
        }
        let on_the_web = source
            .url
            .as_deref()
            .is_some_and(|u| crate::scheme::absolute_web_problem(u).is_none());
        if config.sources.require_archive && on_the_web && source.archive_url.is_none() {
            let d = out.warning(
                at(n, "url"),
                format!(
                    "source `{}` has a web address but no `archive_url`: a reader cannot check it once the page moves or goes",
                    source.title
                ),
            );
            d.help = Some(
                "add `archive_url:` with a copy in a web archive (https://web.archive.org/, https://archive.today/); site.yaml's `sources.require_archive` asks for one"
                    .into(),
            );
        }
        sources.push(source);
    }
    sources
}

/// One of an entry's `relations:`: what it is to another entry (`type`, `to`), since and
/// until when, according to which of its sources; each field located in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationSpec {
    /// The number of its type in the site's [`crate::config::RelationTypes`].
    pub rtype: u16,
    /// The other entry, as a wikilink names it (`[[…]]` taken off).
    pub to: String,
    pub from: Option<Date>,
    pub until: Option<Date>,
    /// Ids of the entry's own sources.
    pub sources: Vec<String>,
    /// Where `to` is written, and how wide it is.
    pub to_pos: Pos,
    pub to_width: usize,
}

/// `relations:` of an entry: a list of `{type, to, from, until, sources}`. An unknown
/// type, an empty `to`, an end before the start or a source id the entry does not have is
/// an error at its field; `to` is resolved with the other names, in the graph.
fn relations(
    map: &YamlMap<'_>,
    out: &mut FileReporter<'_>,
    config: &Config,
    sources: &[Source],
) -> Vec<RelationSpec> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Ids {
        One(String),
        Many(Vec<String>),
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Written {
        #[serde(rename = "type")]
        rtype: String,
        to: String,
        from: Option<Date>,
        until: Option<Date>,
        sources: Option<Ids>,
    }
    let Some(written) = out.get::<Vec<Written>>(map, "relations") else {
        return Vec::new();
    };
    let mut specs = Vec::with_capacity(written.len());
    let own: Vec<&str> = sources.iter().filter_map(|s| s.id.as_deref()).collect();
    let source = out.source;
    for (n, w) in written.into_iter().enumerate() {
        let at = |field: &str| {
            relation_field_pos(source, n, field).unwrap_or(map.value_pos("relations"))
        };
        let rtype = w.rtype.trim();
        let Some((rtype, _)) = config.relations.by_name(rtype) else {
            let pos = at("type");
            let d = out.error(
                pos,
                format!("`relations[{n}]`: there is no relation type `{rtype}`"),
            );
            d.width = rtype.chars().count().max(1);
            d.help = suggestion(rtype, config.relations.names()).or_else(|| {
                Some(
                    "add it under `relations:` in site.yaml, with a `label` and an `inverse`"
                        .into(),
                )
            });
            continue;
        };
        let to = w.to.trim();
        let to = to
            .strip_prefix("[[")
            .and_then(|t| t.strip_suffix("]]"))
            .map_or(to, |t| t.split('|').next().unwrap_or(t).trim());
        if to.is_empty() {
            out.error(at("to"), format!("`relations[{n}]`: `to` names no entry"));
            continue;
        }
        if let (Some(from), Some(until)) = (w.from, w.until)
            && until < from
        {
            let d = out.error(
                at("until"),
                format!("`relations[{n}]`: it ends ({until}) before it starts ({from})"),
            );
            d.width = until.to_string().len();
            continue;
        }
        let ids = match w.sources {
            None => Vec::new(),
            Some(Ids::One(id)) => vec![id],
            Some(Ids::Many(ids)) => ids,
        };
        let mut known = true;
        for id in &ids {
            if !own.contains(&id.as_str()) {
                let pos = relation_field_pos(source, n, "sources")
                    .and_then(|p| id_pos(source, p, id))
                    .unwrap_or_else(|| at("sources"));
                let d = out.error(
                    pos,
                    format!("`relations[{n}]`: the entry has no source with the id `{id}`"),
                );
                d.width = id.chars().count().max(1);
                d.help = suggestion(id, own.iter().copied())
                    .or_else(|| Some("give one of the entry's `sources` this `id`".into()));
                known = false;
            }
        }
        if !known {
            continue;
        }
        let to_pos = at("to");
        specs.push(RelationSpec {
            rtype,
            to: to.to_string(),
            from: w.from,
            until: w.until,
            sources: ids,
            to_pos,
            to_width: w.to.trim().chars().count().max(1),
        });
    }
    specs
}

/// Where the value of `field` of item `n` of `relations:` is written in `source`.
fn relation_field_pos(source: &str, n: usize, field: &str) -> Option<Pos> {
    list_field_pos(source, "relations", n, field)
}

/// Where the value of `field` of item `n` of the list under the front-matter key `key` is
/// written in `source`, in block style (`- type: x` then `  to: y`) or flow style
/// (`- {type: x, to: y}`).
fn list_field_pos(source: &str, key: &str, n: usize, field: &str) -> Option<Pos> {
    let key_line = key_pos(source, key).line;
    if key_line < 2 {
        return None;
    }
    let mut item: Option<usize> = None;
    let mut dash_indent = None;
    for (i, line) in source.lines().enumerate().skip(key_line) {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if indent == 0 && !trimmed.starts_with('-') || trimmed == "---" {
            break;
        }
        if trimmed.starts_with('-') && dash_indent.is_none_or(|d| indent <= d) {
            dash_indent = Some(indent);
            item = Some(item.map_or(0, |k| k + 1));
        }
        if item != Some(n) {
            continue;
        }
        let bounded = line.match_indices(field).find(|&(at, _)| {
            let before = line[..at].chars().next_back().unwrap_or(' ');
            line[at + field.len()..].starts_with(':')
                && matches!(before, ' ' | '{' | ',' | '-' | '\t')
        });
        if let Some((at, _)) = bounded {
            let value = at + field.len() + 1;
            let rest = line[value..].trim_start();
            // A quoted value starts after its quote.
            let quote = usize::from(rest.starts_with(['"', '\'']));
            let skip = line[value..].len() - rest.len() + quote;
            return Some(Pos::new(i + 1, line[..value + skip].chars().count() + 1));
        }
    }
    None
}

/// Where `id` is written at or after `pos` on its line (or the lines of a block list
/// after it).
fn id_pos(source: &str, pos: Pos, id: &str) -> Option<Pos> {
    for (i, line) in source.lines().enumerate().skip(pos.line - 1).take(8) {
        let from = if i + 1 == pos.line {
            line.char_indices()
                .nth(pos.col - 1)
                .map_or(line.len(), |(b, _)| b)
        } else {
            0
        };
        if let Some(at) = line[from..].find(id) {
            return Some(Pos::new(i + 1, line[..from + at].chars().count() + 1));
        }
    }
    None
}

/// `tags`, then Jekyll's and Hugo's `categories` (and `category`), which readers coming
/// from them take for tags.
fn tags(map: &YamlMap<'_>, out: &mut FileReporter<'_>) -> Vec<Tag> {
    let mut names = Vec::new();
    for key in ["tags", "categories", "category"] {
        if let Some(n) = out.get::<Names>(map, key) {
            names.extend(n.split(Separators::CommasElseSpaces));
        }
    }
    let mut tags: Vec<Tag> = Vec::with_capacity(names.len());
    // Slug → its place in `tags`: the first spelling of a slug is the entry's.
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(names.len());
    // Finding a tag's line reads the list up to it: done for the first few problems only,
    // so that a list of many bad tags stays linear.
    let mut located = 0;
    let mut pos_of = |out: &FileReporter<'_>, name: &str| {
        located += 1;
        (located <= 20)
            .then(|| item_pos(out.source, "tags", name))
            .flatten()
            .unwrap_or(map.value_pos("tags"))
    };
    for name in names {
        // Obsidian writes a tag in the text as `#tag`, and some vaults do so here too.
        let name = name.trim().trim_start_matches('#').trim().to_string();
        if name.is_empty() {
            continue;
        }
        if has_control(&name) {
            let pos = pos_of(out, &name);
            check_text(out, pos, &format!("tag `{}`", name.escape_debug()), &name);
            continue;
        }
        let slug = crate::text::tag_slug(&name);
        if slug.is_empty() {
            out.error(
                map.value_pos("tags"),
                format!("tag `{name}` has no letters or digits to make a URL from"),
            );
            continue;
        }
        match seen.get(&slug) {
            Some(&first) => {
                let first = &tags[first].name;
                if spelling_key(first) != spelling_key(&name) {
                    let pos = pos_of(out, &name);
                    let d = out.warning(
                        pos,
                        format!(
                            "tag `{name}` has the URL /tags/{slug}/ of tag `{first}` before it: \
                             they are one tag, shown as `{first}`"
                        ),
                    );
                    d.width = name.chars().count().max(1);
                    d.help = Some(format!(
                        "write one of the two, or a tag whose letters and digits differ from `{first}`'s"
                    ));
                }
            }
            None => {
                seen.insert(slug.clone(), tags.len());
                tags.push(Tag { name, slug });
            }
        }
    }
    tags
}

/// How tag spellings compare: one spelling in NFC and lowercase. `City` and `city` are one
/// spelling; `C++` and `C`, which share the slug `c`, are two.
pub(crate) fn spelling_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc().flat_map(char::to_lowercase).collect()
}

/// Refuses control characters (C0 but tab and newline, DEL, C1) in text that pages show:
/// they would reach the HTML as they are, and a NUL or ESC makes it invalid. `false` when
/// one was found (and reported at `pos`).
fn check_text(out: &mut FileReporter<'_>, pos: Pos, what: &str, value: &str) -> bool {
    let Some(c) = value.chars().find(|&c| is_shown_control(c)) else {
        return true;
    };
    out.error(
        pos,
        format!(
            "{what} contains the control character U+{:04X}, which a page cannot show; remove it",
            u32::from(c)
        ),
    );
    false
}

fn is_shown_control(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

fn has_control(text: &str) -> bool {
    text.chars().any(is_shown_control)
}

/// Where `item` of the list under the front-matter key `key` is written in `source` (a
/// whole file): its first occurrence, as a whole item, on the key's line or the indented
/// lines after it. `None` when it is not written as it reads (escapes, folded lines).
pub(crate) fn item_pos(source: &str, key: &str, item: &str) -> Option<Pos> {
    if item.is_empty() {
        return None;
    }
    let key_line = key_pos(source, key).line;
    if key_line < 2 {
        return None;
    }
    let lines = source.lines().enumerate().skip(key_line - 1);
    for (n, line) in lines.take_while(|(n, l)| {
        *n + 1 == key_line || l.starts_with([' ', '\t', '-']) || l.trim().is_empty()
    }) {
        let bounded = line.match_indices(item).find(|&(i, _)| {
            let before = line[..i].chars().next_back().unwrap_or(' ');
            let after = line[i + item.len()..].chars().next().unwrap_or(' ');
            matches!(before, ' ' | '\t' | '[' | ',' | '"' | '\'' | '-' | ':')
                && matches!(after, ' ' | '\t' | ']' | ',' | '"' | '\'' | '#')
        });
        if let Some((i, _)) = bounded {
            return Some(Pos::new(n + 1, line[..i].chars().count() + 1));
        }
    }
    None
}

/// The front matter of a section's `_index.md`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SectionFrontMatter {
    pub title: Option<String>,
    /// The date of the entries under it whose kind needs one and that have none.
    pub date: Option<Date>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

pub const SECTION_KEYS: &[&str] = &["title", "description", "summary", "date", "weight", "extra"];

pub fn parse_section_front_matter(
    split: &Split<'_>,
    out: &mut FileReporter<'_>,
) -> Option<SectionFrontMatter> {
    let map = match yaml::parse_map(split.yaml, split.yaml_line) {
        Ok(map) => map,
        Err(e) => {
            out.error(e.pos, e.message);
            return None;
        }
    };
    out.unknown_keys(&map, SECTION_KEYS, "is ignored in a section's `_index.md`");
    let before = out.diagnostics.iter().filter(|d| d.is_error()).count();
    let front = SectionFrontMatter {
        title: out
            .get::<String>(&map, "title")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        description: out
            .get::<String>(&map, "description")
            .or_else(|| out.get::<String>(&map, "summary")),
        date: out.get::<Date>(&map, "date"),
        weight: out.get::<i64>(&map, "weight"),
        extra: out.extra(&map),
    };
    for (key, text) in [("title", &front.title), ("description", &front.description)] {
        if let Some(text) = text {
            check_text(out, map.value_pos(key), &format!("`{key}`"), text);
        }
    }
    let after = out.diagnostics.iter().filter(|d| d.is_error()).count();
    (after == before).then_some(front)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    #[test]
    fn finds_a_key_line() {
        let src = "---\ntitle: A\nspeaker: \"[[X]]\"\n---\nspeaker: body\n";
        assert_eq!(key_pos(src, "speaker"), Pos::new(3, 1));
        assert_eq!(key_pos(src, "missing"), Pos::new(1, 1));
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n";
        let s = split(text).unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "Body\r\n");
        assert_eq!(&text[s.body_offset..], "Body\r\n");
    }

    #[test]
    fn a_file_of_only_front_matter_has_an_empty_body() {
        let s = split("---\ntitle: A\n---").unwrap();
        assert_eq!(s.body, "");
    }

    #[test]
    fn reports_unclosed_and_takes_the_rest_as_body() {
        assert!(
            split("---\ntitle: A\nbody\n")
                .unwrap_err()
                .message
                .starts_with("unclosed front matter")
        );
        for text in ["title: A\n", "# A note\n", "  \n\n", "", "\u{feff}# A\n"] {
            let s = split(text).unwrap();
            assert!(!s.has_front_matter, "{text:?}");
            assert_eq!(s.yaml, "");
            assert_eq!(s.body, text.trim_start_matches('\u{feff}'));
            assert_eq!(&text[s.body_offset..], s.body);
        }
        assert!(split("---\ntitle: A\n---\n").unwrap().has_front_matter);
    }

    fn config() -> Config {
        Config::parse(
            "title: T\nbase_url: https://e.org/\n",
            &Overrides::default(),
        )
        .config
        .unwrap()
    }

    fn parse(text: &str) -> (Option<FrontMatter>, Vec<String>) {
        let config = config();
        let s = split(text).unwrap();
        let mut out = FileReporter::new("content/a.md", text);
        let defaults = Defaults {
            kind: crate::config::Kinds::TOPIC,
            date: None,
        };
        let fm = parse_entry_front_matter(&s, &config, defaults, &mut out);
        (fm, out.diagnostics.iter().map(|d| d.headline()).collect())
    }

    #[test]
    fn parses_every_field() {
        let (fm, problems) = parse(
            "---\ntitle: Lachin road\nkind: place\ndate: 2023-02-28\ntags: [Lachin road, Peace treaty]\n\
             aliases: [Lachin corridor]\nsources:\n  - title: Report\n    id: r1\n  - Plain title\n\
             weight: 3\nextra: {a: 1}\ncolour: red\n---\n",
        );
        assert_eq!(
            problems,
            ["content/a.md:13:1: unknown key `colour` (kept under `extra`)"]
        );
        let fm = fm.unwrap();
        assert_eq!(fm.title, "Lachin road");
        assert_eq!(fm.tags[0].slug, "lachin-road");
        assert_eq!(fm.tags[1].name, "Peace treaty");
        assert_eq!(fm.sources.len(), 2);
        assert_eq!(fm.sources[1].title, "Plain title");
        assert_eq!(fm.extra["colour"], "red");
        assert_eq!(fm.extra["a"], 1);
    }

    #[test]
    fn about_and_responds_to_take_one_name_or_a_list() {
        let (fm, problems) = parse(
            "---\ntitle: T\nabout:\n  - \"[[Lachin road]]\"\n  - Peace, treaty\nresponds_to: \"[[Other|it]]\"\n---\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let fm = fm.unwrap();
        let about: Vec<(&str, usize, usize)> = fm
            .about
            .iter()
            .map(|n| (n.target(), n.pos.line, n.pos.col))
            .collect();
        assert_eq!(about, [("Lachin road", 4, 6), ("Peace, treaty", 5, 5)]);
        assert_eq!(fm.responds_to[0].target(), "Other");
        assert_eq!(
            (fm.responds_to[0].pos.line, fm.responds_to[0].pos.col),
            (6, 15)
        );

        let (fm, problems) = parse("---\ntitle: T\nabout: [\"\", x]\nresponds_to: 3\n---\n");
        assert!(fm.is_none());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("`about`: an empty name names no entry"),
            "{problems:?}"
        );
    }

    #[test]
    fn source_urls_are_web_addresses_or_site_paths() {
        let (fm, problems) = parse(
            "---\ntitle: T\nsources:\n  - title: A\n    url: \" https://e.org/a \"\n  - title: B\n    url: /topics/b/\n---\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let fm = fm.unwrap();
        assert_eq!(fm.sources[0].url.as_deref(), Some("https://e.org/a"));
        assert_eq!(fm.sources[1].url.as_deref(), Some("/topics/b/"));

        let (fm, problems) = parse(
            "---\ntitle: T\nsources:\n  - title: A\n    url: \"java\\tscript:alert(1)\"\n---\n",
        );
        assert!(fm.is_none());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with(
                "content/a.md:5:10: `sources[0].url`: `javascript:` URLs are not allowed"
            ),
            "{problems:?}"
        );
    }

    #[test]
    fn reports_each_field_problem_at_its_line() {
        let (fm, problems) = parse(
            "---\ntitle: \"\"\nkind: persn\ndate: 2023-02-30\ntags: 12\nsources:\n  - id: x\n---\n",
        );
        assert!(fm.is_none());
        assert_eq!(problems.len(), 5, "{problems:#?}");
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("content/a.md:2:1: `title` is empty"))
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("content/a.md:3:7: unknown kind `persn`"))
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("content/a.md:4:7: `date`: impossible date `2023-02-30`"))
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("content/a.md:5:7: `tags`:"))
        );
        assert!(problems.iter().any(|p| {
            p.starts_with("content/a.md:7:5: `sources[0]`: a source needs a non-empty `title`")
        }));
    }

    #[test]
    fn a_missing_title_or_date_is_left_to_the_entry() {
        let (fm, problems) = parse("---\nkind: event\n---\n");
        assert!(problems.is_empty(), "{problems:?}");
        let fm = fm.unwrap();
        assert_eq!(fm.title, "");
        assert_eq!((fm.date, fm.date_from), (None, DateFrom::Nowhere));
        let (fm, problems) = parse("---\ntitle: \"\"\n---\n");
        assert!(fm.is_none());
        assert!(problems[0].starts_with("content/a.md:2:1: `title` is empty"));
    }

    #[test]
    fn names_as_one_string_and_keys_of_other_tools() {
        let (fm, problems) = parse(
            "---\ntags: Lachin road, peace\naliases: Lachin corridor, The road\ncategories: news travel\n\
             description: What it is.\nlastmod: 2014-12-17 11:16:21 -0800\npublish: false\n\
             cssclasses: wide\nlayout: post\n---\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let fm = fm.unwrap();
        let tags: Vec<&str> = fm.tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(tags, ["Lachin road", "peace", "news", "travel"]);
        assert_eq!(fm.aliases, ["Lachin corridor", "The road"]);
        assert_eq!(fm.summary.as_deref(), Some("What it is."));
        assert_eq!(fm.updated.unwrap().rfc3339(), "2014-12-17T11:16:21-08:00");
        assert!(fm.draft);
        assert_eq!(fm.extra["cssclasses"], "wide");
        let (fm, _) = parse("---\ntags: \"a b #c\"\naliases: Baku\npublished: true\n---\n");
        let fm = fm.unwrap();
        let tags: Vec<&str> = fm.tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(tags, ["a", "b", "c"]);
        assert_eq!(fm.aliases, ["Baku"]);
        assert!(!fm.draft);
        // A wrong type is still an error at its value.
        let (fm, problems) = parse("---\ntags: {a: 1}\n---\n");
        assert!(fm.is_none());
        assert!(
            problems[0].starts_with("content/a.md:2:7: `tags`"),
            "{problems:?}"
        );
    }

    #[test]
    fn locations_are_two_numbers_in_range() {
        let (fm, problems) = parse(
            "---\ntitle: A\nlocation: [40.41, 49.87]\nroute: [\"[[Lachin]]\", khankandi]\n---\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let fm = fm.unwrap();
        assert_eq!(
            fm.location,
            Some(Location {
                lat: 40.41,
                lon: 49.87
            })
        );
        assert_eq!(fm.route.len(), 2);
        assert_eq!(fm.route[0].target(), "Lachin");
        assert_eq!(fm.route[0].pos, Pos::new(4, 10));
        assert_eq!(fm.route[1].pos, Pos::new(4, 23));
        let (fm, _) = parse("---\ntitle: A\nlocation: {lat: -33, lon: 151.2}\n---\n");
        assert_eq!(
            fm.unwrap().location,
            Some(Location {
                lat: -33.0,
                lon: 151.2
            })
        );

        for (text, at, message) in [
            (
                "location: [95, 49]",
                "3:11",
                "`location`: latitude 95 is out of range",
            ),
            (
                "location: [40, 190]",
                "3:11",
                "`location`: longitude 190 is out of range",
            ),
            (
                "location: [40]",
                "3:11",
                "`location`: a location is two numbers",
            ),
            (
                "location: [40, 50, 60]",
                "3:11",
                "`location`: a location is two numbers",
            ),
            ("location: Baku", "3:11", "`location`: invalid type"),
            (
                "location: {lat: 40, lng: x}",
                "3:26",
                "`location.lng`: invalid type",
            ),
            ("route: [Baku]", "3:1", "a `route` needs at least two stops"),
        ] {
            let (fm, problems) = parse(&format!("---\ntitle: A\n{text}\n---\n"));
            assert!(fm.is_none(), "{text}");
            assert_eq!(problems.len(), 1, "{text}: {problems:?}");
            let expected = format!("content/a.md:{at}");
            assert!(
                problems[0].starts_with(&expected) && problems[0].contains(message),
                "{text}: {problems:?}"
            );
        }
    }

    #[test]
    fn slugs_must_be_url_safe() {
        let (_, problems) = parse("---\ntitle: A\nslug: Lachin Road\n---\n");
        assert!(problems[0].starts_with("content/a.md:3:7: `slug` `Lachin Road` is not URL-safe"));
    }

    #[test]
    fn source_types_are_read_with_spaces_or_underscores() {
        assert_eq!(
            SourceType::parse("news report"),
            Some(SourceType::NewsReport)
        );
        assert_eq!(
            SourceType::parse("News_Report"),
            Some(SourceType::NewsReport)
        );
        assert_eq!(
            SourceType::parse("official  document"),
            Some(SourceType::OfficialDocument)
        );
        assert_eq!(
            SourceType::parse("dataset").map(SourceType::name),
            Some("dataset")
        );
        assert_eq!(SourceType::parse("blog"), None);
        for (i, name) in SourceType::NAMES.iter().enumerate() {
            assert_eq!(SourceType::ALL[i].name(), *name);
        }
    }

    #[test]
    fn language_tags_are_checked_for_their_shape() {
        for good in [
            "ru",
            "az",
            "en-GB",
            "az-Latn-AZ",
            "es-419",
            "de-CH-1996",
            "x-local",
        ] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in [
            "",
            "e",
            "English",
            "en_GB",
            "en-",
            "en--GB",
            "en-toolongsubtag",
            "ru-x",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn every_bad_source_is_reported_and_warnings_leave_the_entry() {
        let (fm, problems) = parse(
            "---\ntitle: T\nsources:\n  - {title: A, type: blog}\n  - {title: B, language: english}\n---\n",
        );
        assert!(fm.is_none());
        assert!(
            problems[0].starts_with("content/a.md:4:22: `sources[0].type`"),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("content/a.md:5:26: `sources[1].language`"),
            "{problems:?}"
        );
        let (fm, problems) = parse(
            "---\ntitle: T\nsources:\n  - {title: B, language: ru, type: transcript, accessed: 2023-03}\n---\n",
        );
        let fm = fm.expect("no error");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fm.sources[0].kind, Some(SourceType::Transcript));
        assert_eq!(
            fm.sources[0].accessed.map(|d| d.iso()).as_deref(),
            Some("2023-03")
        );
    }
}
