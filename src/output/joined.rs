//! Files that are their parts one after another: the search index and the open data, made
//! of one part per entry. A sink that keeps files in memory (`dossier serve`) keeps the
//! parts, shared with the next rebuild's, so that making such a file again after an edit
//! copies pointers, not the file's bytes.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

/// A sequence of byte strings, read by position.
pub trait Parts: Send + Sync {
    fn count(&self) -> usize;
    fn part(&self, i: usize) -> &[u8];
}

/// A file: `head`, the parts with `separator` between them, then `tail`.
#[derive(Clone)]
pub struct Joined {
    head: Arc<[u8]>,
    parts: Arc<dyn Parts>,
    separator: &'static [u8],
    tail: &'static [u8],
    len: usize,
}

impl Joined {
    pub fn new(
        head: Vec<u8>,
        parts: Arc<dyn Parts>,
        separator: &'static [u8],
        tail: &'static [u8],
    ) -> Joined {
        let n = parts.count();
        let len = head.len()
            + (0..n).map(|i| parts.part(i).len()).sum::<usize>()
            + separator.len() * n.saturating_sub(1)
            + tail.len();
        Joined {
            head: head.into(),
            parts,
            separator,
            tail,
            len,
        }
    }

    /// The length of the file in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.head)?;
        for i in 0..self.parts.count() {
            if i > 0 {
                out.write_all(self.separator)?;
            }
            out.write_all(self.parts.part(i))?;
        }
        out.write_all(self.tail)
    }

    /// Whether the file is `bytes`.
    pub fn is(&self, bytes: &[u8]) -> bool {
        bytes.len() == self.len && same_bytes(self.slices(), std::iter::once(bytes))
    }

    /// The file's bytes as slices: head, parts and separators, tail (the empty left out).
    fn slices(&self) -> impl Iterator<Item = &[u8]> {
        let parts = (0..self.parts.count()).flat_map(move |i| {
            let separator: &[u8] = if i == 0 { &[] } else { self.separator };
            [separator, self.parts.part(i)]
        });
        std::iter::once(&self.head[..])
            .chain(parts)
            .chain(std::iter::once(self.tail))
            .filter(|s| !s.is_empty())
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.len);
        // Writing to memory cannot fail.
        let _ = self.write_to(&mut bytes);
        bytes
    }

    /// Whether the two are the same file, byte for byte. Parts shared by both at the same
    /// place (most of them, after an edit) are known the same by their address, without
    /// reading them.
    pub fn same_as(&self, other: &Joined) -> bool {
        self.len == other.len && same_bytes(self.slices(), other.slices())
    }
}

/// A file held in memory (by `dossier serve`): its bytes, or the parts it is joined from;
/// cheap to clone either way.
#[derive(Clone, Debug)]
pub enum Held {
    Bytes(Arc<Vec<u8>>),
    Joined(Joined),
}

impl Held {
    pub fn len(&self) -> usize {
        match self {
            Held::Bytes(b) => b.len(),
            Held::Joined(j) => j.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, when they are held whole.
    pub fn whole(&self) -> Option<&[u8]> {
        match self {
            Held::Bytes(b) => Some(b),
            Held::Joined(_) => None,
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Held::Bytes(b) => b.to_vec(),
            Held::Joined(j) => j.to_vec(),
        }
    }

    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            Held::Bytes(b) => out.write_all(b),
            Held::Joined(j) => j.write_to(out),
        }
    }

    /// Whether the two are the same file, byte for byte.
    pub fn same_as(&self, other: &Held) -> bool {
        match (self, other) {
            (Held::Bytes(a), Held::Bytes(b)) => Arc::ptr_eq(a, b) || a == b,
            (Held::Joined(a), Held::Joined(b)) => a.same_as(b),
            (Held::Joined(j), Held::Bytes(b)) | (Held::Bytes(b), Held::Joined(j)) => j.is(b),
        }
    }
}

/// Whether two sequences of non-empty slices hold the same bytes, however they are cut. Two
/// slices met at the same point of both that are the very same memory are skipped unread.
fn same_bytes<'a>(
    mut a: impl Iterator<Item = &'a [u8]>,
    mut b: impl Iterator<Item = &'a [u8]>,
) -> bool {
    let (mut x, mut y): (&[u8], &[u8]) = (&[], &[]);
    loop {
        if x.is_empty() {
            match a.next() {
                Some(s) => x = s,
                None => return y.is_empty() && b.next().is_none(),
            }
        }
        if y.is_empty() {
            match b.next() {
                Some(s) => y = s,
                None => return false,
            }
        }
        if std::ptr::eq(x, y) {
            (x, y) = (&[], &[]);
            continue;
        }
        let n = x.len().min(y.len());
        if x[..n] != y[..n] {
            return false;
        }
        (x, y) = (&x[n..], &y[n..]);
    }
}

impl fmt::Debug for Joined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Joined")
            .field("parts", &self.parts.count())
            .field("len", &self.len)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Words(Vec<&'static str>);

    impl Parts for Words {
        fn count(&self) -> usize {
            self.0.len()
        }
        fn part(&self, i: usize) -> &[u8] {
            self.0[i].as_bytes()
        }
    }

    #[test]
    fn a_joined_file_is_its_head_parts_and_tail() {
        let words = Arc::new(Words(vec!["a", "bc", "d"]));
        let joined = Joined::new(b"[".to_vec(), words.clone(), b",", b"]\n");
        assert_eq!(joined.to_vec(), b"[a,bc,d]\n");
        assert_eq!(joined.len(), 9);
        assert!(joined.is(b"[a,bc,d]\n"));
        assert!(!joined.is(b"[a,bc,e]\n"));
        assert!(!joined.is(b"[a,bcd]\n"));
        let empty = Joined::new(b"[".to_vec(), Arc::new(Words(vec![])), b",", b"]");
        assert_eq!(empty.to_vec(), b"[]");
        assert_eq!(empty.len(), 2);
    }

    #[test]
    fn joined_files_are_compared_by_their_bytes() {
        let words: Arc<dyn Parts> = Arc::new(Words(vec!["a"]));
        let one = Joined::new(b"[".to_vec(), Arc::clone(&words), b",", b"]");
        let again = Joined::new(b"[".to_vec(), words, b",", b"]");
        let equal = Joined::new(b"[".to_vec(), Arc::new(Words(vec!["a"])), b",", b"]");
        let other = Joined::new(b"[".to_vec(), Arc::new(Words(vec!["b"])), b",", b"]");
        let split = Joined::new(b"[".to_vec(), Arc::new(Words(vec!["", "a"])), b"", b"]");
        assert!(one.same_as(&again));
        assert!(one.same_as(&equal), "equal bytes in other parts");
        assert!(!one.same_as(&other));
        assert!(one.same_as(&split), "the same bytes, parted otherwise");
        let longer = Joined::new(b"[".to_vec(), Arc::new(Words(vec!["a", ""])), b"", b"]");
        assert!(one.same_as(&longer), "an empty part more");
        let cut = Joined::new(b"[".to_vec(), Arc::new(Words(vec!["ab"])), b",", b"]");
        assert!(!cut.same_as(&split) && !split.same_as(&cut));
    }
}
