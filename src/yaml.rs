//! The one module that knows YAML: front matter and `site.yaml` go through here.
//!
//! serde_yaml is archived upstream, so nothing else in Dossier names it. Callers get a
//! [`YamlMap`]: the top-level keys in document order, each with its position in the *file*,
//! and typed access to each value with errors that carry the line and column of the value.

use std::collections::HashMap;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::diagnostics::Pos;

/// A YAML problem at a position of the file the YAML came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub(crate) pos: Pos,
    pub(crate) message: String,
}

/// A parsed top-level mapping.
#[derive(Debug)]
pub(crate) struct YamlMap<'a> {
    /// The source of a top-level mapping, re-read to locate type errors precisely.
    text: Option<&'a str>,
    /// The file line on which `text` begins (front matter begins on line 2).
    first_line: usize,
    entries: Vec<(String, serde_yaml::Value)>,
    positions: HashMap<String, KeyPos>,
}

#[derive(Clone, Copy, Debug)]
struct KeyPos {
    key: Pos,
    value: Pos,
}

/// Parses `text`, which starts on line `first_line` of its file, as a mapping.
/// An empty document is an empty mapping.
pub(crate) fn parse_map(text: &str, first_line: usize) -> Result<YamlMap<'_>, YamlError> {
    // Without a `*` there is no alias, and the document is no larger than its text.
    if text.contains('*') {
        check_expansion(text, first_line)?;
    }
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let (pos, message) = locate(&e, first_line);
        // serde_yaml places a repeated key at the start of its mapping; show the repeat.
        let repeat = message
            .strip_prefix("duplicate entry with key \"")
            .and_then(|rest| rest.split('"').next())
            .and_then(|key| second_key_line(text, key))
            .map(|line| Pos::new(first_line + line, 1));
        YamlError {
            pos: repeat.or(pos).unwrap_or(Pos::new(first_line, 1)),
            message: format!("YAML syntax error: {message}"),
        }
    })?;
    let mapping = match value {
        serde_yaml::Value::Null => serde_yaml::Mapping::new(),
        serde_yaml::Value::Mapping(m) => m,
        other => {
            return Err(YamlError {
                pos: Pos::new(first_line, 1),
                message: format!(
                    "expected a mapping of `key: value` lines, found {}",
                    describe(&other)
                ),
            });
        }
    };
    let positions = scan_key_positions(text, first_line, 0);
    let entries = text_keys(mapping, &positions, first_line)?;
    Ok(YamlMap {
        text: Some(text),
        first_line,
        entries,
        positions,
    })
}

fn text_keys(
    mapping: serde_yaml::Mapping,
    positions: &HashMap<String, KeyPos>,
    first_line: usize,
) -> Result<Vec<(String, serde_yaml::Value)>, YamlError> {
    let mut entries = Vec::with_capacity(mapping.len());
    for (key, value) in mapping {
        let key = match key {
            serde_yaml::Value::String(s) => s,
            other => {
                let shown = scalar_text(&other);
                let pos = positions
                    .get(&shown)
                    .map_or(Pos::new(first_line, 1), |p| p.key);
                return Err(YamlError {
                    pos,
                    message: format!("keys must be text, found {}", describe(&other)),
                });
            }
        };
        entries.push((key, value));
    }
    Ok(entries)
}

impl<'a> YamlMap<'a> {
    /// The keys in document order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    pub(crate) fn contains(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    /// Where `key` is written; the start of the mapping when it cannot be found.
    pub(crate) fn key_pos(&self, key: &str) -> Pos {
        self.positions
            .get(key)
            .map_or(Pos::new(self.first_line, 1), |p| p.key)
    }

    /// Where the value of `key` starts.
    pub(crate) fn value_pos(&self, key: &str) -> Pos {
        self.positions
            .get(key)
            .map_or(Pos::new(self.first_line, 1), |p| p.value)
    }

    fn raw(&self, key: &str) -> Option<&serde_yaml::Value> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    /// The value of `key` as `T`; `None` when the key is missing or empty (`key:`).
    pub(crate) fn get<T: DeserializeOwned>(&self, key: &str) -> Option<Result<T, YamlError>> {
        let raw = self.raw(key)?;
        Some(
            serde_yaml::from_value::<T>(raw.clone()).map_err(|err| self.type_error::<T>(key, &err)),
        )
    }

    /// The block mapping under `key` (such as `related:` in `site.yaml`), with the positions
    /// of its own keys.
    pub(crate) fn get_map(&self, key: &str) -> Option<Result<YamlMap<'a>, YamlError>> {
        let raw = self.raw(key)?;
        let serde_yaml::Value::Mapping(mapping) = raw.clone() else {
            return Some(Err(YamlError {
                pos: self.value_pos(key),
                message: format!("`{key}`: expected a mapping, found {}", describe(raw)),
            }));
        };
        let text = self.text.unwrap_or("");
        let key_line = self.key_pos(key).line;
        let lines: Vec<&str> = text.split('\n').collect();
        let start = key_line + 1 - self.first_line;
        let block: Vec<&str> = lines
            .iter()
            .skip(start)
            .take_while(|l| l.trim().is_empty() || l.starts_with([' ', '\t', '#']))
            .copied()
            .collect();
        let indent = block
            .iter()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map_or(0, |l| l.len() - l.trim_start().len());
        let positions = scan_key_positions(&block.join("\n"), key_line + 1, indent);
        let first_line = key_line + 1;
        Some(
            text_keys(mapping, &positions, first_line).map(|entries| YamlMap {
                text: None,
                first_line,
                entries,
                positions,
            }),
        )
    }

    /// A free-form value (for `extra`), as JSON data for templates.
    pub(crate) fn get_json(&self, key: &str) -> Option<Result<serde_json::Value, YamlError>> {
        self.get::<serde_json::Value>(key)
    }

    /// Re-reads the text with only `key` typed, so that serde_yaml reports the exact line and
    /// column of the offending value (also inside lists and nested mappings). Runs only on
    /// the error path.
    fn type_error<T: DeserializeOwned>(
        &self,
        key: &str,
        fallback: &serde_yaml::Error,
    ) -> YamlError {
        let Some(text) = self.text else {
            return YamlError {
                pos: self.value_pos(key),
                message: with_path(key, &strip_location(&fallback.to_string())),
            };
        };
        let deserializer = serde_yaml::Deserializer::from_str(text);
        let probe = FieldProbe::<T> {
            key,
            marker: PhantomData,
        };
        let (pos, message) = match probe.deserialize(deserializer) {
            Err(err) => {
                let (pos, message) = locate(&err, self.first_line);
                (pos.unwrap_or(self.value_pos(key)), message)
            }
            Ok(()) => (self.value_pos(key), strip_location(&fallback.to_string())),
        };
        YamlError {
            pos,
            message: with_path(key, &message),
        }
    }
}

/// How large a document may grow through aliases, counted in values plus bytes of text:
/// a few times its own length plus a constant. Ordinary reuse (a block of defaults anchored
/// once and aliased a few times) stays far below; a flat list of aliases to one big anchor
/// (`b: [*a, *a, …]`), which grows with the square of the text, goes over it early.
fn expansion_limit(text: &str) -> usize {
    4 * text.len() + 64 * 1024
}

/// Walks the document as serde_yaml would expand it, without building anything, and stops
/// as soon as the expansion passes [`expansion_limit`]. serde_yaml's own guard counts alias
/// jumps, not what each jump copies, so it lets flat alias bombs through.
fn check_expansion(text: &str, first_line: usize) -> Result<(), YamlError> {
    let limit = expansion_limit(text);
    let budget = Budget {
        left: std::cell::Cell::new(limit),
        exceeded: std::cell::Cell::new(false),
    };
    let deserializer = serde_yaml::Deserializer::from_str(text);
    // Other errors (syntax, recursion) are left to the real parse, which reports them.
    let _ = Measure { budget: &budget }.deserialize(deserializer);
    if !budget.exceeded.get() {
        return Ok(());
    }
    let (pos, alias) = match busiest_alias(text) {
        Some((line, col, name)) => (Pos::new(first_line + line, col), format!(" `*{name}`")),
        None => (Pos::new(first_line, 1), String::new()),
    };
    Err(YamlError {
        pos,
        message: format!(
            "YAML aliases{alias} expand this document to more than {limit} values and characters \
             from {} bytes of text; write the values out, or alias them less often",
            text.len()
        ),
    })
}

struct Budget {
    left: std::cell::Cell<usize>,
    exceeded: std::cell::Cell<bool>,
}

impl Budget {
    fn spend<E: de::Error>(&self, n: usize) -> Result<(), E> {
        match self.left.get().checked_sub(n) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.exceeded.set(true);
                Err(E::custom("the document expands too much through aliases"))
            }
        }
    }
}

/// Visits every value of a document, aliases expanded, spending one unit per value and one
/// per byte of text.
#[derive(Clone, Copy)]
struct Measure<'b> {
    budget: &'b Budget,
}

impl<'de> DeserializeSeed<'de> for Measure<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Measure<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.budget.spend(1)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.budget.spend(1)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.budget.spend(1)
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.budget.spend(1)
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.budget.spend(1)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.budget.spend(1)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.budget.spend(1 + v.len())
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<(), E> {
        self.budget.spend(1 + v.len())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.budget.spend(1)
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.budget.spend(1)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.budget.spend(1)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.budget.spend(1)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged value (`!tag value`): the tag, then the value.
        use serde::de::VariantAccess;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

/// The alias used most often (the first of them on ties) as (0-based line, 1-based column,
/// name): where an expansion error points. A line-by-line scan that skips quoted text and
/// comments; good enough to name a place, not a YAML tokenizer.
fn busiest_alias(text: &str) -> Option<(usize, usize, &str)> {
    let mut seen: HashMap<&str, (usize, usize, usize)> = HashMap::new();
    for (line_no, line) in text.split('\n').enumerate() {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (col, (i, c)) in line.char_indices().enumerate() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if (c == '"' || c == '\'') && is_token_start(prev) => quote = Some(c),
                None if c == '#' && prev.is_whitespace() => break,
                None if c == '*' && is_token_start(prev) => {
                    let rest = &line[i + 1..];
                    let len = rest
                        .find(|c: char| {
                            c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}')
                        })
                        .unwrap_or(rest.len());
                    if len > 0 {
                        let entry = seen.entry(&rest[..len]).or_insert((0, line_no, col + 1));
                        entry.0 += 1;
                    }
                }
                None => {}
            }
            prev = c;
        }
    }
    seen.into_iter()
        .max_by(|a, b| (a.1.0, b.1.1, b.1.2).cmp(&(b.1.0, a.1.1, a.1.2)))
        .map(|(name, (_, line, col))| (line, col, name))
}

fn is_token_start(prev: char) -> bool {
    prev.is_whitespace() || matches!(prev, '[' | '{' | ',' | ':' | '-' | '?')
}

/// Deserializes one key of the top-level mapping as `T` and skips the rest.
struct FieldProbe<'k, T> {
    key: &'k str,
    marker: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for FieldProbe<'_, T> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for FieldProbe<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a mapping")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<serde_yaml::Value>()? {
            if key.as_str() == Some(self.key) {
                map.next_value::<T>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `` `sources[1].date`: message ``: serde_yaml names the path from the top of the document
/// (`sources[1].date: …`) when it knows it; otherwise the key is named.
fn with_path(key: &str, message: &str) -> String {
    match message.split_once(": ") {
        Some((path, rest)) if path.starts_with(key) && !path.contains(' ') => {
            format!("`{path}`: {rest}")
        }
        _ => format!("`{key}`: {message}"),
    }
}

/// The file position and the bare message of a serde_yaml error.
fn locate(err: &serde_yaml::Error, first_line: usize) -> (Option<Pos>, String) {
    let pos = err
        .location()
        .map(|loc| Pos::new(first_line + loc.line() - 1, loc.column()));
    (pos, strip_location(&err.to_string()))
}

/// serde_yaml appends ` at line L column C` (and sometimes more); the position is shown
/// separately, so the message drops it.
fn strip_location(message: &str) -> String {
    let cut = message.find(" at line ").unwrap_or(message.len());
    let trimmed = &message[..cut];
    trimmed.strip_suffix(',').unwrap_or(trimmed).to_string()
}

fn describe(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::Null => "nothing".into(),
        serde_yaml::Value::Bool(b) => format!("the boolean `{b}`"),
        serde_yaml::Value::Number(n) => format!("the number `{n}`"),
        serde_yaml::Value::String(s) => format!("the text `{s}`"),
        serde_yaml::Value::Sequence(_) => "a list".into(),
        serde_yaml::Value::Mapping(_) => "a mapping".into(),
        serde_yaml::Value::Tagged(_) => "a tagged value".into(),
    }
}

fn scalar_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// The 0-based line of the second top-level `key:` named `key`.
fn second_key_line(text: &str, key: &str) -> Option<usize> {
    text.split('\n')
        .enumerate()
        .filter(|(_, line)| {
            split_key(line.strip_suffix('\r').unwrap_or(line)).is_some_and(|(k, _)| k == key)
        })
        .nth(1)
        .map(|(i, _)| i)
}

/// Finds where each `key:` of a block mapping indented by `indent` spaces is written.
/// Front matter and `site.yaml` are block mappings; keys of flow mappings (`{a: 1}`) are
/// not found and fall back to the start of the mapping.
fn scan_key_positions(text: &str, first_line: usize, indent: usize) -> HashMap<String, KeyPos> {
    let mut positions = HashMap::new();
    for (i, full_line) in text.split('\n').enumerate() {
        let full_line = full_line.strip_suffix('\r').unwrap_or(full_line);
        let Some(line) = full_line.get(indent..) else {
            continue;
        };
        if !full_line[..indent].bytes().all(|b| b == b' ') {
            continue;
        }
        let Some((key, after_key)) = split_key(line) else {
            continue;
        };
        let line_no = first_line + i;
        let rest = &line[after_key..];
        let value_start = after_key + (rest.len() - rest.trim_start().len());
        let value_col = indent + line[..value_start].chars().count() + 1;
        positions.entry(key).or_insert(KeyPos {
            key: Pos::new(line_no, indent + 1),
            value: Pos::new(line_no, value_col),
        });
    }
    positions
}

/// `key: value` at column 1 → (`key`, byte offset just after the colon).
fn split_key(line: &str) -> Option<(String, usize)> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '{' | '[' | '?' | '&' | '*' | '!') {
        return None;
    }
    if let Some(quote @ ('"' | '\'')) = Some(first) {
        let close = line[1..].find(quote)? + 1;
        let after = line[close + 1..].trim_start();
        return after
            .starts_with(':')
            .then(|| (line[1..close].to_string(), line.len() - after.len() + 1));
    }
    let colon = line
        .char_indices()
        .find(|&(i, c)| {
            c == ':'
                && line[i + 1..]
                    .chars()
                    .next()
                    .is_none_or(|n| n == ' ' || n == '\t')
        })?
        .0;
    Some((line[..colon].trim_end().to_string(), colon + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_document_order_and_file_positions() {
        let text = "title: A\ntags: [x, y]\n\"quoted key\": 3\n";
        let map = parse_map(text, 2).unwrap();
        assert_eq!(
            map.keys().collect::<Vec<_>>(),
            ["title", "tags", "quoted key"]
        );
        assert_eq!(map.key_pos("tags"), Pos::new(3, 1));
        assert_eq!(map.value_pos("tags"), Pos::new(3, 7));
        assert_eq!(map.key_pos("quoted key"), Pos::new(4, 1));
    }

    #[test]
    fn syntax_errors_point_at_the_file_line() {
        // Line 3 of the file is the second line of the YAML.
        let err = parse_map("title: a\ntags: [x, y\n", 2).unwrap_err();
        assert!(
            err.message.starts_with("YAML syntax error"),
            "{}",
            err.message
        );
        assert!(err.pos.line >= 3, "{:?}", err.pos);
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn type_errors_point_at_the_value_inside_lists() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct S {
            title: String,
            n: u32,
        }
        let text = "sources:\n  - title: a\n    n: 1\n  - title: b\n    n: many\n";
        let map = parse_map(text, 2).unwrap();
        let err = map.get::<Vec<S>>("sources").unwrap().unwrap_err();
        assert_eq!(err.pos.line, 6, "{err:?}");
        assert_eq!(
            err.message,
            "`sources[1].n`: invalid type: string \"many\", expected u32"
        );
    }

    #[test]
    fn nested_block_keys_have_positions() {
        let text = "title: x\nrelated:\n  count: 5\n  min_scroe: 1\nfeed: {count: 3}\n";
        let map = parse_map(text, 1).unwrap();
        let related = map.get_map("related").unwrap().unwrap();
        assert_eq!(related.keys().collect::<Vec<_>>(), ["count", "min_scroe"]);
        assert_eq!(related.key_pos("min_scroe"), Pos::new(4, 3));
        let err = related.get::<String>("count").map(|r| r.is_ok());
        assert_eq!(err, Some(false));
        let feed = map.get_map("feed").unwrap().unwrap();
        assert_eq!(feed.get::<u32>("count").unwrap().unwrap(), 3);
        assert!(map.get_map("title").unwrap().is_err());
    }

    #[test]
    fn a_repeated_key_is_reported_where_it_repeats() {
        let err = parse_map("title: A\nsummary: s\ntitle: B\n", 2)
            .err()
            .unwrap();
        assert_eq!(err.pos, Pos::new(4, 1));
        assert!(
            err.message.contains("duplicate entry with key \"title\""),
            "{}",
            err.message
        );
    }

    #[test]
    fn empty_values_count_as_missing() {
        let map = parse_map("summary:\ntitle: x\n", 2).unwrap();
        assert!(map.get::<String>("summary").is_none());
        assert!(map.contains("summary"));
        assert_eq!(map.get::<String>("title").unwrap().unwrap(), "x");
    }

    #[test]
    fn non_mappings_and_non_text_keys_are_errors() {
        assert!(parse_map("- a\n- b\n", 2).is_err());
        let err = parse_map("1: one\n", 2).err().unwrap();
        assert_eq!(err.pos, Pos::new(2, 1));
        assert!(parse_map("", 2).unwrap().keys().next().is_none());
    }

    fn flat_bomb(k: usize) -> String {
        format!(
            "title: Q\nextra:\n  a: &a [{}]\n  b: [{}]\n",
            vec!["x"; k].join(","),
            vec!["*a"; k].join(",")
        )
    }

    #[test]
    fn a_flat_alias_bomb_is_refused_at_its_aliases() {
        let err = parse_map(&flat_bomb(3000), 2).err().unwrap();
        assert_eq!(err.pos, Pos::new(5, 7), "{err:?}");
        assert!(
            err.message.contains("aliases `*a` expand"),
            "{}",
            err.message
        );
    }

    #[test]
    fn ordinary_aliases_are_kept() {
        let text =
            "defaults: &d {kind: topic, tags: [a, b]}\nfirst: *d\nsecond: *d\nnote: \"a * b\"\n";
        let map = parse_map(text, 1).unwrap();
        let first = map.get_json("first").unwrap().unwrap();
        assert_eq!(first["tags"][1], "b");
        // A small flat list of aliases is far below the limit.
        assert!(parse_map(&flat_bomb(100), 2).is_ok());
    }

    #[test]
    fn the_expansion_is_measured_as_serde_yaml_expands_it() {
        let budget = Budget {
            left: std::cell::Cell::new(usize::MAX),
            exceeded: std::cell::Cell::new(false),
        };
        let text = "a: &a [xy, !t z, 1, ~]\nb: [*a, *a]\n";
        Measure { budget: &budget }
            .deserialize(serde_yaml::Deserializer::from_str(text))
            .unwrap();
        // The mapping 1, keys `a` and `b` 2 each, the outer list 1, and three times the list:
        // itself 1, `xy` 3, the tag `t` 2 and `z` 2, `1` 1, `~` 1.
        assert_eq!(usize::MAX - budget.left.get(), 1 + 4 + 1 + 3 * 10);
    }

    #[test]
    fn alias_bombs_and_deep_nesting_fail_cleanly() {
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let mut prev = 'a';
        for name in 'b'..='j' {
            bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = name;
        }
        assert!(parse_map(&bomb, 2).is_err());
        let deep = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse_map(&deep, 2).is_err());
    }
}
