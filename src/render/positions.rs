//! The Positions section of a page: the statements about it, grouped by the party each
//! speaker speaks for and then by speaker, with the responses threaded under the
//! statement they answer, and the sides of the page that no statement gives a voice.
//!
//! Everything is read through keys: the statements about the page, each one's card,
//! speaker, date and what it answers, and each speaker's relations. An edit to any of
//! them renders the page again.

use tera::Value;

use super::reads::{
    AboutOf, Card, DateOf, Label, Reads, RelationsOf, RespondsTo, Responses, Speaker, SpeakerName,
    StatementsAbout,
};
use super::views::{list, obj, text};
use crate::graph::EntryId;

/// The relation types that say whom a speaker speaks for, the first that holds at the
/// statement's date deciding.
pub const PARTY_TYPES: [&str; 3] = ["represents", "member_of", "leads"];

/// The relation types by which an entry is a side of a document or event.
const SIDE_TYPES: [&str; 2] = ["party_to", "signatory_of"];

/// Responses are threaded at most this deep; a deeper one is shown as a link only.
const MAX_DEPTH: usize = 32;

/// Who said a statement: the speaker's entry (if one matches) and name, and the party.
struct Voice {
    speaker: Option<EntryId>,
    name: String,
    url: Option<String>,
    party: Option<EntryId>,
}

/// The speaker of statement `s`, and the party they speak for: the other end of their
/// first `represents`, else `member_of`, else `leads` relation that holds at the
/// statement's date; a speaker that is an organisation or a place speaks for itself.
fn voice(reads: &Reads<'_>, s: EntryId) -> Voice {
    let config = reads.config();
    let Some(speaker) = reads.get(Speaker(s)) else {
        let written = reads.get(SpeakerName(s)).unwrap_or("");
        let name = written.trim_start_matches("[[").trim_end_matches("]]");
        let name = name.split('|').next().unwrap_or(name).trim().to_string();
        return Voice {
            speaker: None,
            name,
            url: None,
            party: None,
        };
    };
    let (title, path, kind, _) = reads.get(Label(speaker));
    let date = reads.get(DateOf(s));
    let relations = reads.get(RelationsOf(speaker));
    let holds = |r: &&crate::graph::relations::Relation| {
        date.is_none_or(|d| {
            r.from.is_none_or(|f| f <= d) && r.until.is_none_or(|u| u.not_over_at(&d))
        })
    };
    let party = PARTY_TYPES
        .iter()
        .filter_map(|name| config.relations.by_name(name).map(|(t, _)| t))
        .find_map(|t| {
            relations
                .iter()
                .filter(|r| r.outgoing && r.rtype == t)
                .find(holds)
                .map(|r| r.other)
        })
        .or_else(|| matches!(kind, "organization" | "place").then_some(speaker));
    Voice {
        speaker: Some(speaker),
        name: title.to_string(),
        url: Some(config.url(path)),
        party,
    }
}

/// `{title, url}` of an entry.
fn link(reads: &Reads<'_>, id: EntryId) -> Value {
    let (title, path, _, _) = reads.get(Label(id));
    obj([
        ("title", text(title)),
        ("url", text(&reads.config().url(path))),
    ])
}

/// What the section has found so far: who spoke (parties and speakers).
#[derive(Default)]
struct Heard {
    voices: Vec<EntryId>,
}

/// A statement as the section shows it: `{entry, speaker: {name, url}, party, responses}`,
/// its responses threaded under it. `path`: the statements above it (a guard: the graph
/// leaves no cycle, but a page never loops).
fn statement(reads: &Reads<'_>, s: EntryId, path: &mut Vec<EntryId>, heard: &mut Heard) -> Value {
    let v = voice(reads, s);
    heard.voices.extend(v.speaker);
    heard.voices.extend(v.party);
    path.push(s);
    let mut responses: Vec<Value> = Vec::new();
    if path.len() < MAX_DEPTH {
        for &r in reads.get(Responses(s)) {
            if !path.contains(&r) {
                responses.push(statement(reads, r, path, heard));
            }
        }
    }
    path.pop();
    obj([
        ("entry", reads.get(Card(s)).clone()),
        (
            "speaker",
            obj([
                ("name", text(&v.name)),
                ("url", v.url.as_deref().map_or_else(Value::none, text)),
            ]),
        ),
        (
            "party",
            v.party.map_or_else(Value::none, |p| link(reads, p)),
        ),
        ("responses", list(responses)),
    ])
}

/// The Positions of entry `id`: `{groups, silent}`, or none when no statement is about
/// it. `groups`: by party (`{party, speakers}`, parties by title, statements of speakers
/// with no party last), each speaker `{name, url, statements}`; a statement about the page
/// that answers another about it is threaded under that one, not listed again. `silent`:
/// the sides of the page (entries `party_to` or `signatory_of` it, and organisations and
/// places that a statement about it is also about) that no statement shown speaks for.
pub fn positions(reads: &Reads<'_>, id: EntryId) -> Value {
    let about = reads.get(StatementsAbout(id));
    if about.is_empty() {
        return Value::none();
    }
    let mut heard = Heard::default();
    // (party, its sort key, speakers: (sort key, speaker value parts, statements)).
    type Speakers = Vec<(String, Value, Value, Vec<Value>)>;
    let mut groups: Vec<(Option<EntryId>, String, Speakers)> = Vec::new();
    for &s in about {
        let answers_one_here = reads.get(RespondsTo(s)).iter().any(|p| about.contains(p));
        if answers_one_here {
            continue;
        }
        let v = voice(reads, s);
        let value = statement(reads, s, &mut Vec::new(), &mut heard);
        let g = match groups.iter().position(|g| g.0 == v.party) {
            Some(g) => g,
            None => {
                let key = v
                    .party
                    .map_or_else(String::new, |p| reads.get(Label(p)).3.to_string());
                groups.push((v.party, key, Vec::new()));
                groups.len() - 1
            }
        };
        let speakers = &mut groups[g].2;
        let name = text(&v.name);
        let url = v.url.as_deref().map_or_else(Value::none, text);
        match speakers.iter_mut().find(|sp| sp.1 == name && sp.2 == url) {
            Some(sp) => sp.3.push(value),
            None => speakers.push((v.name.to_lowercase(), name, url, vec![value])),
        }
    }
    // Parties by title, the speakers who speak for none last; speakers by name.
    groups.sort_by(|a, b| (a.0.is_none(), &a.1, a.0).cmp(&(b.0.is_none(), &b.1, b.0)));
    let groups = list(groups.into_iter().map(|(party, _, mut speakers)| {
        speakers.sort_by(|a, b| a.0.cmp(&b.0));
        obj([
            ("party", party.map_or_else(Value::none, |p| link(reads, p))),
            (
                "speakers",
                list(speakers.into_iter().map(|(_, name, url, statements)| {
                    obj([
                        ("name", name),
                        ("url", url),
                        ("statements", list(statements)),
                    ])
                })),
            ),
        ])
    }));
    obj([
        ("groups", groups),
        ("silent", list(silent(reads, id, about, &heard))),
    ])
}

/// The sides of entry `id` that no statement shown speaks for, by title.
fn silent(reads: &Reads<'_>, id: EntryId, about: &[EntryId], heard: &Heard) -> Vec<Value> {
    let config = reads.config();
    let side_types: Vec<u16> = SIDE_TYPES
        .iter()
        .filter_map(|name| config.relations.by_name(name).map(|(t, _)| t))
        .collect();
    let mut sides: Vec<EntryId> = reads
        .get(RelationsOf(id))
        .iter()
        .filter(|r| !r.outgoing && side_types.contains(&r.rtype))
        .map(|r| r.other)
        .collect();
    for &s in about {
        for &t in reads.get(AboutOf(s)) {
            if t != id && matches!(reads.get(Label(t)).2, "organization" | "place") {
                sides.push(t);
            }
        }
    }
    let mut sides: Vec<(&str, EntryId)> = sides
        .into_iter()
        .filter(|side| !heard.voices.contains(side))
        .map(|side| (reads.get(Label(side)).3, side))
        .collect();
    sides.sort();
    sides.dedup();
    sides
        .into_iter()
        .map(|(_, side)| link(reads, side))
        .collect()
}

/// A statement's own links: what it is `about` (`{title, url, kind}`), the statements it
/// `responds_to` and its `responses` (cards, oldest first).
pub fn own(reads: &Reads<'_>, id: EntryId) -> (Value, Value, Value) {
    let about = list(reads.get(AboutOf(id)).iter().map(|&t| {
        let (title, path, kind, _) = reads.get(Label(t));
        obj([
            ("title", text(title)),
            ("url", text(&reads.config().url(path))),
            ("kind", text(kind)),
        ])
    }));
    let responds_to = super::views::cards(reads, reads.get(RespondsTo(id)));
    let responses = super::views::cards(reads, reads.get(Responses(id)));
    (about, responds_to, responses)
}
