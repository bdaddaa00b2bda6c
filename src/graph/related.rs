//! Related entries: those that share tags, scored so that a rare shared tag counts more
//! than a common one.
//!
//! The score of a candidate is the sum of the weights of the tags it shares, a tag's
//! weight being `ln(1 + N / df)` (N entries, df of them carry the tag). Ties go to the
//! newer entry, then the title (the order of [`super::Site::newest`]).
//!
//! Scoring every pair of entries would be quadratic, and so would walking, for every
//! entry, the entry lists of its tags: with a fixed set of tags, those lists grow with the
//! site. Instead each entry looks at the sets of its own tags a candidate could share,
//! heaviest first. Candidates sharing exactly a set are found in the shortest list that
//! holds all of them: a tag's list for one tag, else the list of entries carrying a pair
//! of its tags (kept for every pair of tags that appear together), which is short. The
//! walk stops as soon as the best `count` are known. Entries with more than
//! [`SUBSET_TAGS`] tags walk their tags' lists instead (MaxScore, Turtle & Flood 1995).

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

/// Entries with up to this many tags look at the sets of their tags (2^n of them).
pub const SUBSET_TAGS: usize = 10;

/// What the computation needs: each entry's tags, each tag's entries in tie order, and
/// each entry's position in that order; and, built from them, the entries carrying each
/// pair of tags.
pub struct TagGraph<'a> {
    pub entry_tags: &'a [Vec<usize>],
    pub tag_entries: &'a [Vec<EntryId>],
    pub rank: &'a [u32],
    pairs: HashMap<(usize, usize), Vec<EntryId>>,
}

impl<'a> TagGraph<'a> {
    pub fn new(
        entry_tags: &'a [Vec<usize>],
        tag_entries: &'a [Vec<EntryId>],
        rank: &'a [u32],
    ) -> Self {
        let mut order: Vec<EntryId> = (0..entry_tags.len() as u32).map(EntryId).collect();
        order.sort_by_key(|id| rank[id.index()]);
        let mut pairs: HashMap<(usize, usize), Vec<EntryId>> = HashMap::new();
        for id in order {
            let tags = &entry_tags[id.index()];
            if tags.len() > SUBSET_TAGS {
                continue;
            }
            for (i, &a) in tags.iter().enumerate() {
                for &b in &tags[i + 1..] {
                    pairs.entry((a.min(b), a.max(b))).or_default().push(id);
                }
            }
        }
        TagGraph {
            entry_tags,
            tag_entries,
            rank,
            pairs,
        }
    }

    pub fn weight(&self, tag: usize) -> f64 {
        let n = self.entry_tags.len() as f64;
        let df = self.tag_entries[tag].len().max(1) as f64;
        (1.0 + n / df).ln()
    }

    /// The score of sharing `tags`, summed in tag order so that one set always gives one
    /// number, however it was found.
    fn score(&self, tags: &mut [usize]) -> f64 {
        tags.sort_unstable();
        tags.iter().map(|&t| self.weight(t)).sum()
    }

    /// The best `count` entries related to `id` with a score of at least `min_score`.
    pub fn related(&self, id: EntryId, count: usize, min_score: f64) -> Vec<Related> {
        let own = &self.entry_tags[id.index()];
        if own.is_empty() || count == 0 {
            return Vec::new();
        }
        let best = if own.len() <= SUBSET_TAGS {
            self.by_subsets(id, count, min_score)
        } else {
            self.by_walking(id, count, min_score)
        };
        let weights: Vec<(usize, f64)> = own.iter().map(|&t| (t, self.weight(t))).collect();
        let weight_of = |t: usize| {
            weights
                .iter()
                .find(|(tag, _)| *tag == t)
                .map_or(0.0, |(_, w)| *w)
        };
        best.into_iter()
            .map(|(score, _, candidate)| {
                let mut shared: Vec<usize> = self.entry_tags[candidate.index()]
                    .iter()
                    .copied()
                    .filter(|t| own.contains(t))
                    .collect();
                // Rarest shared tag first: it is the strongest reason.
                shared.sort_by(|&a, &b| weight_of(b).total_cmp(&weight_of(a)).then(a.cmp(&b)));
                Related {
                    id: candidate,
                    score,
                    shared,
                }
            })
            .collect()
    }

    /// Looks at the sets of `id`'s tags from the heaviest down; candidates sharing exactly
    /// one set come out of the shortest list holding them, in tie order.
    fn by_subsets(&self, id: EntryId, count: usize, min_score: f64) -> Vec<(f64, u32, EntryId)> {
        let own = &self.entry_tags[id.index()];
        let m = own.len();
        let bit_of = |t: usize| own.iter().position(|&o| o == t);
        // The list to walk for each tag and each pair of tags.
        let single: Vec<&[EntryId]> = own
            .iter()
            .map(|&t| self.tag_entries[t].as_slice())
            .collect();
        let mut pair: Vec<Vec<&[EntryId]>> = vec![vec![&[][..]; m]; m];
        for i in 0..m {
            for j in i + 1..m {
                let key = (own[i].min(own[j]), own[i].max(own[j]));
                pair[i][j] = self.pairs.get(&key).map_or(&[][..], Vec::as_slice);
            }
        }
        let mut sets: Vec<(f64, u32)> = (1..(1u32 << m))
            .map(|mask| {
                let mut tags: Vec<usize> = (0..m)
                    .filter(|b| mask & (1 << b) != 0)
                    .map(|b| own[b])
                    .collect();
                (self.score(&mut tags), mask)
            })
            .filter(|(score, _)| *score >= min_score)
            .collect();
        sets.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));

        let mut best: Vec<(f64, u32, EntryId)> = Vec::with_capacity(count);
        let mut i = 0;
        while i < sets.len() && best.len() < count {
            let score = sets[i].0;
            let group_end = sets[i..]
                .iter()
                .position(|s| s.0 != score)
                .map_or(sets.len(), |p| i + p);
            let need = count - best.len();
            let mut found: Vec<(u32, EntryId)> = Vec::new();
            for &(_, mask) in &sets[i..group_end] {
                let bits: Vec<usize> = (0..m).filter(|b| mask & (1 << b) != 0).collect();
                let list = if bits.len() == 1 {
                    single[bits[0]]
                } else {
                    let mut shortest: &[EntryId] = pair[bits[0]][bits[1]];
                    for (x, &a) in bits.iter().enumerate() {
                        for &b in &bits[x + 1..] {
                            if pair[a][b].len() < shortest.len() {
                                shortest = pair[a][b];
                            }
                        }
                    }
                    shortest
                };
                let mut taken = 0;
                for &candidate in list {
                    if candidate == id {
                        continue;
                    }
                    let shared = self.entry_tags[candidate.index()]
                        .iter()
                        .filter_map(|&t| bit_of(t))
                        .fold(0u32, |acc, b| acc | (1 << b));
                    if shared == mask {
                        found.push((self.rank[candidate.index()], candidate));
                        taken += 1;
                        if taken == need {
                            break;
                        }
                    }
                }
            }
            found.sort_unstable();
            best.extend(
                found
                    .into_iter()
                    .take(need)
                    .map(|(rank, c)| (score, rank, c)),
            );
            i = group_end;
        }
        best
    }

    /// Walks the entry lists of `id`'s tags in tie order, merged, keeping the best; lists
    /// whose tags together weigh less than the weakest kept score are dropped (MaxScore).
    fn by_walking(&self, id: EntryId, count: usize, min_score: f64) -> Vec<(f64, u32, EntryId)> {
        let own = &self.entry_tags[id.index()];
        // The entry's tags, commonest (lightest) first, with running totals of weight.
        let mut tags: Vec<(usize, f64)> = own.iter().map(|&t| (t, self.weight(t))).collect();
        tags.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
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
            let mut shared: Vec<usize> = self.entry_tags[candidate.index()]
                .iter()
                .copied()
                .filter(|t| own.contains(t))
                .collect();
            let score = self.score(&mut shared);
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
        best
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
                let mut shared: Vec<usize> = g.entry_tags[c.index()]
                    .iter()
                    .copied()
                    .filter(|t| own.contains(t))
                    .collect();
                if shared.is_empty() {
                    return None;
                }
                // Summed in tag order, as the definition says.
                shared.sort_unstable();
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
    fn both_walks_match_scoring_every_pair() {
        let (entry_tags, tag_entries, rank) = corpus(600, 40);
        let g = TagGraph::new(&entry_tags, &tag_entries, &rank);
        for (count, min_score) in [(5, 0.0), (10, 0.0), (3, 4.0)] {
            for e in 0..600 {
                let id = EntryId(e);
                let slow = brute_force(&g, id, count, min_score);
                let subsets: Vec<(EntryId, f64)> = g
                    .by_subsets(id, count, min_score)
                    .into_iter()
                    .map(|(s, _, c)| (c, s))
                    .collect();
                let walking: Vec<(EntryId, f64)> = g
                    .by_walking(id, count, min_score)
                    .into_iter()
                    .map(|(s, _, c)| (c, s))
                    .collect();
                assert_eq!(subsets, slow, "by subsets, entry {e}");
                assert_eq!(walking, slow, "by walking, entry {e}");
            }
        }
    }

    #[test]
    fn entries_with_many_tags_walk_their_lists() {
        // Entry 0 carries more tags than the subsets are made for.
        let many: Vec<usize> = (0..SUBSET_TAGS + 2).collect();
        let mut entry_tags = vec![many.clone()];
        for i in 0..30 {
            entry_tags.push(vec![i % many.len(), (i * 7) % many.len()]);
        }
        let mut tag_entries = vec![Vec::new(); many.len()];
        for (e, tags) in entry_tags.iter().enumerate() {
            for &t in tags {
                if !tag_entries[t].contains(&EntryId(e as u32)) {
                    tag_entries[t].push(EntryId(e as u32));
                }
            }
        }
        let rank: Vec<u32> = (0..entry_tags.len() as u32).collect();
        let g = TagGraph::new(&entry_tags, &tag_entries, &rank);
        let fast: Vec<(EntryId, f64)> = g
            .related(EntryId(0), 5, 0.0)
            .into_iter()
            .map(|r| (r.id, r.score))
            .collect();
        assert_eq!(fast, brute_force(&g, EntryId(0), 5, 0.0));
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
        let g = TagGraph::new(&entry_tags, &tag_entries, &rank);
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
