//! Positions: what statements are `about` (the topics, documents, events … they address)
//! and which statements they answer (`responds_to`), resolved like wikilinks and indexed
//! both ways, so that a topic's page lists the statements about it with the responses
//! threaded under the statement they answer.

use super::EntryId;
use super::links::NameIndex;
use super::seen::{Entries, Seen};
use crate::config::Kinds;
use crate::content::front_matter::{EntryName, key_pos};
use crate::diagnostics::Diagnostic;

/// Every statement's `about` and `responds_to`, resolved, and their inverses.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Positions {
    /// For each statement, the entries it is about, in the order it names them.
    pub about: Vec<Vec<EntryId>>,
    /// For each entry, the statements about it, oldest first.
    pub statements_about: Vec<Vec<EntryId>>,
    /// For each statement, the statements it answers, in the order it names them.
    pub responds_to: Vec<Vec<EntryId>>,
    /// For each statement, the statements that answer it, oldest first.
    pub responses: Vec<Vec<EntryId>>,
}

/// Whether an entry is a statement: it has a `speaker`, or is of the kind `statement`.
fn is_statement(e: Seen<'_>) -> bool {
    e.kind() == Kinds::STATEMENT || e.speaker().is_some()
}

/// Resolves every entry's `about` and `responds_to`. A name that means no entry or several
/// is an error at it (as a wikilink would be), as are a `responds_to` that is not a
/// statement, the entry itself, and a chain of responses that comes back to where it
/// started (that response is left out, so that the rest is a tree). Either field on an
/// entry that is not a statement is a warning, and left out.
pub fn collect(entries: &Entries<'_>, names: &NameIndex) -> (Positions, Vec<Diagnostic>) {
    let n = entries.len();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut about: Vec<Vec<EntryId>> = vec![Vec::new(); n];
    let mut responds_to: Vec<Vec<EntryId>> = vec![Vec::new(); n];
    // Each response with where it is written, for the cycles found once all are known.
    let mut edges: Vec<(EntryId, EntryId, usize)> = Vec::new();
    for entry in entries.iter() {
        let (written_about, written_responds) = (entry.about(), entry.responds_to());
        if written_about.is_empty() && written_responds.is_empty() {
            continue;
        }
        if !is_statement(entry) {
            for (key, written) in [("about", written_about), ("responds_to", written_responds)] {
                if written.is_empty() {
                    continue;
                }
                let pos = key_pos(entry.source(), key);
                warnings.push(
                    Diagnostic::warning(format!(
                        "`{key}` is for statements (entries with a `speaker`); this entry has none, so it is left out of positions"
                    ))
                    .in_file(entry.file())
                    .at(entry.source(), pos)
                    .width(key.len()),
                );
            }
            continue;
        }
        for name in written_about {
            let Some(target) = resolve(entries, names, entry, name, "about", &mut errors) else {
                continue;
            };
            if target == entry.id {
                errors.push(at(entry, name, "a statement cannot be about itself".into()));
            } else if !about[entry.id.index()].contains(&target) {
                about[entry.id.index()].push(target);
            }
        }
        for (k, name) in written_responds.iter().enumerate() {
            let field = "responds_to";
            let Some(target) = resolve(entries, names, entry, name, field, &mut errors) else {
                continue;
            };
            let other = entries.get(target);
            if target == entry.id {
                errors.push(at(
                    entry,
                    name,
                    "a statement cannot respond to itself".into(),
                ));
            } else if !is_statement(other) {
                errors.push(at(
                    entry,
                    name,
                    format!(
                        "`responds_to` `{}`: `{}` is not a statement (it has no `speaker`)",
                        name.target(),
                        other.title()
                    ),
                ));
            } else if !responds_to[entry.id.index()].contains(&target) {
                responds_to[entry.id.index()].push(target);
                edges.push((entry.id, target, k));
            }
        }
    }
    // A response from which the others lead back to the statement that gives it closes a
    // cycle: an error at the first such in file order, which is left out (breaking it).
    for &(from, to, k) in &edges {
        let Some(chain) = path(&responds_to, to, from) else {
            continue;
        };
        let entry = entries.get(from);
        let titles: Vec<String> = std::iter::once(from)
            .chain(chain)
            .map(|id| format!("“{}”", entries.get(id).title()))
            .collect();
        errors.push(at(
            entry,
            &entry.responds_to()[k],
            format!(
                "`responds_to` makes a cycle: {} (each responds to the next)",
                titles.join(" → ")
            ),
        ));
        responds_to[from.index()].retain(|&t| t != to);
    }
    let order = |ids: &mut Vec<EntryId>| {
        ids.sort_by(|&a, &b| {
            let (a, b) = (entries.get(a), entries.get(b));
            a.date()
                .cmp(&b.date())
                .then_with(|| a.sort_title().cmp(b.sort_title()))
                .then_with(|| a.rel().cmp(b.rel()))
        });
    };
    let mut statements_about: Vec<Vec<EntryId>> = vec![Vec::new(); n];
    let mut responses: Vec<Vec<EntryId>> = vec![Vec::new(); n];
    for i in 0..n {
        for &t in &about[i] {
            statements_about[t.index()].push(EntryId(i as u32));
        }
        for &t in &responds_to[i] {
            responses[t.index()].push(EntryId(i as u32));
        }
    }
    statements_about.iter_mut().for_each(order);
    responses.iter_mut().for_each(order);
    errors.extend(warnings);
    (
        Positions {
            about,
            statements_about,
            responds_to,
            responses,
        },
        errors,
    )
}

/// The entry `name` means, or an error at it when it means none or several.
fn resolve(
    entries: &Entries<'_>,
    names: &NameIndex,
    entry: Seen<'_>,
    name: &EntryName,
    field: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<EntryId> {
    let target = name.target();
    let found = names.lookup(target);
    let one = match found {
        [one] => Some(*one),
        [] => None,
        many => names.nearest(many, entry.dir()),
    };
    if one.is_none() {
        let message = if found.is_empty() {
            format!("`{field}` `{target}`: no entry has this title, alias or slug")
        } else {
            let files: Vec<&str> = found.iter().map(|&id| entries.get(id).file()).collect();
            format!(
                "`{field}` `{target}` is ambiguous: it could mean {}",
                files.join(", ")
            )
        };
        let mut d = at(entry, name, message);
        if found.is_empty() {
            d.help = crate::text::suggestion(target, entries.iter().map(|e| e.title()));
        }
        errors.push(d);
    }
    one
}

fn at(entry: Seen<'_>, name: &EntryName, message: String) -> Diagnostic {
    Diagnostic::error(message)
        .in_file(entry.file())
        .at(entry.source(), name.pos)
        .width(name.width())
}

/// The statements from `start` to `goal` along `responds_to`, both included, when `goal`
/// can be reached.
fn path(responds_to: &[Vec<EntryId>], start: EntryId, goal: EntryId) -> Option<Vec<EntryId>> {
    // Chains of responses are short: a map of what was reached, not a table of the site.
    let mut came_from: rustc_hash::FxHashMap<EntryId, Option<EntryId>> = Default::default();
    came_from.insert(start, None);
    let mut stack = vec![start];
    while let Some(at) = stack.pop() {
        if at == goal {
            let mut chain = vec![at];
            let mut step = at;
            while let Some(&Some(before)) = came_from.get(&step) {
                chain.push(before);
                step = before;
            }
            chain.reverse();
            return Some(chain);
        }
        for &next in &responds_to[at.index()] {
            if let std::collections::hash_map::Entry::Vacant(v) = came_from.entry(next) {
                v.insert(Some(at));
                stack.push(next);
            }
        }
    }
    None
}
