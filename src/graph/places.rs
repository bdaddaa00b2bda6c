//! Where entries are: the entries with a `location`, and the stops of each `route`
//! resolved to entries (by slug, title or alias, as a wikilink resolves).

use std::sync::Arc;

use super::EntryId;
use super::links::NameIndex;
use crate::content::Entry;
use crate::diagnostics::Diagnostic;

/// The entries with a `location`, in file order.
pub fn located(entries: &[Arc<Entry>]) -> Vec<EntryId> {
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.front.location.is_some())
        .map(|(i, _)| EntryId(i as u32))
        .collect()
}

/// For each entry, the entries its `route` runs through, in order (empty without one).
/// A stop that names no entry, several, or one without a `location` is an error at the
/// stop; a route with such a stop is left out.
pub fn routes(entries: &[Arc<Entry>], names: &NameIndex) -> (Vec<Vec<EntryId>>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let routes = entries
        .iter()
        .map(|entry| {
            let mut stops = Vec::with_capacity(entry.front.route.len());
            for stop in &entry.front.route {
                let name = stop.target();
                let at = |message: String| {
                    Diagnostic::error(message)
                        .in_file(&entry.file)
                        .at(&entry.source, stop.pos)
                        .width(stop.name.chars().count())
                };
                match names.lookup(name) {
                    [] => {
                        let mut d = at(format!(
                            "route stop `{name}`: no entry has this title, alias or slug"
                        ));
                        d.help = crate::text::suggestion(name, stop_names(entries));
                        problems.push(d);
                    }
                    [one] => {
                        let target = &entries[one.index()];
                        if target.front.location.is_some() {
                            stops.push(*one);
                        } else {
                            let mut d = at(format!(
                                "route stop `{name}` is {}, which has no `location`",
                                target.file
                            ));
                            d.help = Some(format!(
                                "give {} a `location: [latitude, longitude]`",
                                target.file
                            ));
                            problems.push(d);
                        }
                    }
                    many => {
                        let files: Vec<&str> = many
                            .iter()
                            .map(|id| entries[id.index()].file.as_str())
                            .collect();
                        problems.push(at(format!(
                            "route stop `{name}` is ambiguous: it could mean {}",
                            files.join(", ")
                        )));
                    }
                }
            }
            if stops.len() == entry.front.route.len() {
                stops
            } else {
                Vec::new()
            }
        })
        .collect();
    (routes, problems)
}

/// What a stop is suggested as: the titles and aliases of the entries that have a
/// location (the only ones a route can pass through).
fn stop_names(entries: &[Arc<Entry>]) -> impl Iterator<Item = &str> {
    entries
        .iter()
        .filter(|e| e.front.location.is_some())
        .flat_map(|e| {
            std::iter::once(e.front.title.as_str())
                .chain(e.front.aliases.iter().map(String::as_str))
        })
}
