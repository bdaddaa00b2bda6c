//! Where entries are: the entries with a `location`, and the stops of each `route`
//! resolved to entries (by slug, title or alias, as a wikilink resolves).

use super::EntryId;
use super::links::NameIndex;
use super::seen::Entries;
use crate::diagnostics::Diagnostic;

/// The entries with a `location`, in file order.
pub fn located(entries: &Entries<'_>) -> Vec<EntryId> {
    entries
        .iter()
        .filter(|e| e.location().is_some())
        .map(|e| e.id)
        .collect()
}

/// For each entry, the entries its `route` runs through, in order (empty without one).
/// A stop that names no entry, several, or one without a `location` is an error at the
/// stop; a route with such a stop is left out.
pub fn routes(entries: &Entries<'_>, names: &NameIndex) -> (Vec<Vec<EntryId>>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let routes = entries
        .iter()
        .map(|entry| {
            let route = entry.route();
            let mut stops = Vec::with_capacity(route.len());
            for stop in route {
                let name = stop.target();
                let at = |message: String| {
                    Diagnostic::error(message)
                        .in_file(entry.file())
                        .at(entry.source(), stop.pos)
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
                        let target = entries.get(*one);
                        if target.location().is_some() {
                            stops.push(*one);
                        } else {
                            let mut d = at(format!(
                                "route stop `{name}` is {}, which has no `location`",
                                target.file()
                            ));
                            d.help = Some(format!(
                                "give {} a `location: [latitude, longitude]`",
                                target.file()
                            ));
                            problems.push(d);
                        }
                    }
                    many => {
                        let files: Vec<&str> =
                            many.iter().map(|&id| entries.get(id).file()).collect();
                        problems.push(at(format!(
                            "route stop `{name}` is ambiguous: it could mean {}",
                            files.join(", ")
                        )));
                    }
                }
            }
            if stops.len() == route.len() {
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
fn stop_names<'s>(entries: &'s Entries<'_>) -> impl Iterator<Item = &'s str> {
    entries
        .iter()
        .filter(|e| e.location().is_some())
        .flat_map(|e| std::iter::once(e.title()).chain(e.aliases().iter().map(String::as_str)))
}
