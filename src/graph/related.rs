//! Related entries: those that share tags, scored so that a rare shared tag counts more
//! than a common one.
//!
//! The score of a candidate is the sum of the weights of the tags it shares, a tag's
//! weight being `ln(1 + N / df)` (N entries, df of them carry the tag). Ties go to the
//! newer entry, then the title (the order of [`super::Site::newest`]).
//!
//! Scoring every pair of entries would be quadratic. Instead each entry walks the entry
//! lists of its own tags in that tie order, merged, and keeps the best `count`: once the
//! weakest kept score is higher than the total weight of the entry's commonest tags, an
//! entry found only through those tags cannot be kept, so those lists are no longer walked
//! (MaxScore, Turtle & Flood 1995); once it reaches the weight of all the entry's tags, no
//! entry can do better and the walk stops. An entry carrying a rare tag reads little more
//! than that tag's list.

use std::collections::HashMap;

use super::EntryId;

/// A related entry, its score and the tags it shares (indexes into the site's tags).
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub id: EntryId,
    pub score: f64,
    pub shared: Vec<usize>,
}

impl Related {
    /// The same related entry with its tags renumbered from one tag list to another (tags
    /// are numbered by slug, so a new or removed tag shifts the numbers).
    pub fn remap(
        &self,
        old_tags: &[super::TagInfo],
        new_index: &HashMap<String, usize>,
    ) -> Related {
        Related {
            id: self.id,
            score: self.score,
            shared: self
                .shared
                .iter()
                .map(|&t| new_index[&old_tags[t].slug])
                .collect(),
        }
    }
}

/// What the computation needs: each entry's tags, each tag's entries in tie order, and
/// each entry's position in that order.
pub struct TagGraph<'a> {
    pub entry_tags: &'a [Vec<usize>],
    pub tag_entries: &'a [Vec<EntryId>],
    pub rank: &'a [u32],
}

impl TagGraph<'_> {
    pub fn weight(&self, tag: usize) -> f64 {
        let n = self.entry_tags.len() as f64;
        let df = self.tag_entries[tag].len().max(1) as f64;
        (1.0 + n / df).ln()
    }

    /// The best `count` entries related to `id` with a score of at least `min_score`.
    pub fn related(&self, id: EntryId, count: usize, min_score: f64) -> Vec<Related> {
        let own = &self.entry_tags[id.index()];
        if own.is_empty() || count == 0 {
            return Vec::new();
        }
        // The entry's tags, commonest (lightest) first, with running totals of weight.
        let mut tags: Vec<(usize, f64)> = own.iter().map(|&t| (t, self.weight(t))).collect();
        tags.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        // An entry has a handful of tags: a linear search beats hashing.
        let weight_of = |t: usize| tags.iter().find(|(tag, _)| *tag == t).map(|(_, w)| *w);
        let mut prefix = Vec::with_capacity(tags.len());
        let mut total = 0.0;
        for (_, w) in &tags {
            total += w;
            prefix.push(total);
        }

        let mut cursors = vec![0usize; tags.len()];
        let mut best: Vec<(f64, u32, EntryId)> = Vec::with_capacity(count + 1);
        let mut essential_from = 0;
        loop {
            let full = best.len() == count;
            let threshold = if full {
                best[count - 1].0
            } else {
                f64::NEG_INFINITY
            };
            if full && threshold >= total {
                break;
            }
            // The next entry in tie order among the essential tags' lists.
            let mut next: Option<(u32, EntryId)> = None;
            for (i, (tag, _)) in tags.iter().enumerate().skip(essential_from) {
                let list = &self.tag_entries[*tag];
                while cursors[i] < list.len() && list[cursors[i]] == id {
                    cursors[i] += 1;
                }
                if let Some(&candidate) = list.get(cursors[i]) {
                    let rank = self.rank[candidate.index()];
                    if next.is_none_or(|(r, _)| rank < r) {
                        next = Some((rank, candidate));
                    }
                }
            }
            let Some((rank, candidate)) = next else {
                break;
            };
            for (i, (tag, _)) in tags.iter().enumerate().skip(essential_from) {
                if self.tag_entries[*tag].get(cursors[i]) == Some(&candidate) {
                    cursors[i] += 1;
                }
            }
            let score: f64 = self.entry_tags[candidate.index()]
                .iter()
                .filter_map(|&t| weight_of(t))
                .sum();
            if score < min_score || (full && score <= threshold) {
                continue;
            }
            let at = best
                .iter()
                .position(|&(s, r, _)| score > s || (score == s && rank < r))
                .unwrap_or(best.len());
            best.insert(at, (score, rank, candidate));
            best.truncate(count);
            if best.len() == count {
                let threshold = best[count - 1].0;
                // Tags whose running total stays below the threshold cannot lift an entry
                // found only through them above it.
                essential_from = prefix.iter().take_while(|&&p| p < threshold).count();
            }
        }

        best.into_iter()
            .map(|(score, _, candidate)| {
                let mut shared: Vec<usize> = self.entry_tags[candidate.index()]
                    .iter()
                    .copied()
                    .filter(|&t| weight_of(t).is_some())
                    .collect();
                // Rarest shared tag first: it is the strongest reason.
                shared.sort_by(|&a, &b| {
                    let (wa, wb) = (weight_of(a).unwrap_or(0.0), weight_of(b).unwrap_or(0.0));
                    wb.total_cmp(&wa).then(a.cmp(&b))
                });
                Related {
                    id: candidate,
                    score,
                    shared,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random corpus: entry i carries 1–4 of `tags` tags, skewed.
    fn corpus(entries: usize, tags: usize) -> (Vec<Vec<usize>>, Vec<Vec<EntryId>>, Vec<u32>) {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut rand = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut entry_tags = Vec::new();
        for _ in 0..entries {
            let n = 1 + (rand() % 4) as usize;
            let mut own: Vec<usize> = (0..n)
                .map(|_| {
                    // Squaring skews towards low tag numbers: a few common tags.
                    let r = (rand() % 1000) as f64 / 1000.0;
                    ((r * r) * tags as f64) as usize
                })
                .collect();
            own.sort();
            own.dedup();
            entry_tags.push(own);
        }
        // Tie order: a fixed shuffle of the entries.
        let mut order: Vec<u32> = (0..entries as u32).collect();
        for i in (1..order.len()).rev() {
            let j = (rand() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let mut rank = vec![0u32; entries];
        for (r, &e) in order.iter().enumerate() {
            rank[e as usize] = r as u32;
        }
        let mut tag_entries = vec![Vec::new(); tags];
        for &e in &order {
            for &t in &entry_tags[e as usize] {
                tag_entries[t].push(EntryId(e));
            }
        }
        (entry_tags, tag_entries, rank)
    }

    /// Scores every pair: the definition the fast walk must match exactly.
    fn brute_force(
        g: &TagGraph<'_>,
        id: EntryId,
        count: usize,
        min_score: f64,
    ) -> Vec<(EntryId, f64)> {
        let own = &g.entry_tags[id.index()];
        let mut all: Vec<(f64, u32, EntryId)> = (0..g.entry_tags.len() as u32)
            .map(EntryId)
            .filter(|&c| c != id)
            .filter_map(|c| {
                let shared: Vec<usize> = g.entry_tags[c.index()]
                    .iter()
                    .copied()
                    .filter(|t| own.contains(t))
                    .collect();
                if shared.is_empty() {
                    return None;
                }
                // Summed in the candidate's tag order, as the walk does.
                let score: f64 = shared.iter().map(|&t| g.weight(t)).sum();
                (score >= min_score).then_some((score, g.rank[c.index()], c))
            })
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.into_iter()
            .take(count)
            .map(|(s, _, c)| (c, s))
            .collect()
    }

    #[test]
    fn matches_scoring_every_pair() {
        let (entry_tags, tag_entries, rank) = corpus(600, 40);
        let g = TagGraph {
            entry_tags: &entry_tags,
            tag_entries: &tag_entries,
            rank: &rank,
        };
        for (count, min_score) in [(5, 0.0), (10, 0.0), (3, 4.0)] {
            for e in 0..600 {
                let id = EntryId(e);
                let fast: Vec<(EntryId, f64)> = g
                    .related(id, count, min_score)
                    .into_iter()
                    .map(|r| (r.id, r.score))
                    .collect();
                let slow = brute_force(&g, id, count, min_score);
                assert_eq!(fast.len(), slow.len(), "entry {e}");
                for (f, s) in fast.iter().zip(&slow) {
                    assert_eq!(f.0, s.0, "entry {e}: {fast:?} vs {slow:?}");
                    assert!((f.1 - s.1).abs() < 1e-9);
                }
            }
        }
    }

    #[test]
    fn a_rare_shared_tag_outranks_a_common_one() {
        // Entry 0 has tags 0 (common) and 1 (rare). Entry 1 shares the common tag only,
        // entry 2 the rare one only. Entries 3–6 carry the common tag too.
        let entry_tags = vec![
            vec![0, 1],
            vec![0],
            vec![1],
            vec![0],
            vec![0],
            vec![0],
            vec![0],
        ];
        let tag_entries = vec![
            vec![
                EntryId(0),
                EntryId(1),
                EntryId(3),
                EntryId(4),
                EntryId(5),
                EntryId(6),
            ],
            vec![EntryId(0), EntryId(2)],
        ];
        let rank: Vec<u32> = (0..7).collect();
        let g = TagGraph {
            entry_tags: &entry_tags,
            tag_entries: &tag_entries,
            rank: &rank,
        };
        let related = g.related(EntryId(0), 2, 0.0);
        assert_eq!(related[0].id, EntryId(2));
        assert_eq!(related[0].shared, vec![1]);
        assert_eq!(
            related[1].id,
            EntryId(1),
            "ties go to the earlier entry in tie order"
        );
        assert!(related[0].score > related[1].score);
    }
}
