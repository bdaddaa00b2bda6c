//! Typed relations between entries: what each entry's `relations:` says it is to another
//! (`member_of` an organisation, since a date, according to its sources), resolved like
//! wikilinks and kept at both ends, so that the other end's page shows it under the
//! type's inverse label ("Members").

use super::EntryId;
use super::links::NameIndex;
use super::seen::Entries;
use crate::config::{Config, KindId};
use crate::content::Date;
use crate::diagnostics::Diagnostic;

/// One relation as one of its ends sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relation {
    /// The number of its type in the site's relation types.
    pub rtype: u16,
    /// Stated by this entry (`true`: "Member of" the other), or by the other about this
    /// one (`false`: the other is one of its "Members").
    pub outgoing: bool,
    pub other: EntryId,
    pub from: Option<Date>,
    pub until: Option<Date>,
    /// The entry that states it and, for each of the sources it names, that source's
    /// place in the entry's `sources:`.
    pub stated_by: EntryId,
    pub sources: Vec<u32>,
}

/// Every entry's relations, both ways.
#[derive(Debug, Default)]
pub struct Relations {
    pub of: Vec<Vec<Relation>>,
}

/// Resolves every entry's `relations:`. A `to` that names no entry or several is an error
/// at it (as a wikilink would be); an end of a kind the type does not list is a warning.
pub fn collect(
    config: &Config,
    entries: &Entries<'_>,
    names: &NameIndex,
) -> (Relations, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut of: Vec<Vec<Relation>> = vec![Vec::new(); entries.len()];
    for entry in entries.iter() {
        let here = entry.id;
        for spec in entry.relations() {
            let at = |d: Diagnostic| {
                d.in_file(entry.file())
                    .at(entry.source(), spec.to_pos)
                    .width(spec.to_width)
            };
            let found = names.lookup(&spec.to);
            let target = match found {
                [one] => Some(*one),
                [] => None,
                many => names.nearest(many, entry.dir()),
            };
            let Some(target) = target else {
                let message = if found.is_empty() {
                    format!(
                        "relation to `{}`: no entry has this title, alias or slug",
                        spec.to
                    )
                } else {
                    let files: Vec<&str> = found.iter().map(|&id| entries.get(id).file()).collect();
                    format!(
                        "relation to `{}` is ambiguous: it could mean {}",
                        spec.to,
                        files.join(", ")
                    )
                };
                let mut d = at(Diagnostic::error(message));
                if found.is_empty() {
                    d.help = crate::text::suggestion(&spec.to, entries.iter().map(|e| e.title()));
                }
                errors.push(d);
                continue;
            };
            if target == here {
                errors.push(at(Diagnostic::error(format!(
                    "relation to `{}`: an entry cannot be related to itself",
                    spec.to
                ))));
                continue;
            }
            let t = config.relations.get(spec.rtype);
            let kind_of = |id: EntryId| entries.get(id).kind();
            let misfit =
                |kinds: &[KindId], id: EntryId| !kinds.is_empty() && !kinds.contains(&kind_of(id));
            let kind_name = |id: EntryId| config.kinds.get(kind_of(id)).name.as_str();
            let list = |kinds: &[KindId]| {
                kinds
                    .iter()
                    .map(|&k| config.kinds.get(k).name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if misfit(&t.from_kinds, here) {
                warnings.push(at(Diagnostic::warning(format!(
                    "`{}` is for entries of the kinds {}; this entry is a {}",
                    t.name,
                    list(&t.from_kinds),
                    kind_name(here)
                ))));
            }
            if misfit(&t.to_kinds, target) {
                warnings.push(at(Diagnostic::warning(format!(
                    "`{}` points at entries of the kinds {}; `{}` is a {}",
                    t.name,
                    list(&t.to_kinds),
                    spec.to,
                    kind_name(target)
                ))));
            }
            let sources = spec
                .sources
                .iter()
                .filter_map(|id| {
                    entry
                        .sources()
                        .iter()
                        .position(|s| s.id.as_deref() == Some(id.as_str()))
                })
                .map(|p| p as u32)
                .collect::<Vec<u32>>();
            let relation = Relation {
                rtype: spec.rtype,
                outgoing: true,
                other: target,
                from: spec.from,
                until: spec.until,
                stated_by: here,
                sources,
            };
            of[target.index()].push(Relation {
                outgoing: false,
                other: here,
                ..relation.clone()
            });
            of[here.index()].push(relation);
        }
    }
    // In the order a page lists them: by type, stated ones first, then by start.
    for list in &mut of {
        list.sort_by_key(|r| (r.rtype, !r.outgoing, r.from, r.other));
    }
    errors.extend(warnings);
    (Relations { of }, errors)
}
