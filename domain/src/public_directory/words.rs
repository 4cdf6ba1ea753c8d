//! Which entries' search text holds a word, answered from an inverted index of three-byte
//! fragments (trigrams) rather than by reading every text. A query word matches where the
//! database's `LIKE '%word%'` does — inside other words too ("casa" in "casalmaggiore") —
//! so whole words would not do: a word's candidates are the entries holding its rarest
//! trigram, confirmed with `contains`. Each word's answer is kept as a bit set for the
//! snapshot's life, so the words citizens type again and again cost one bit test per entry
//! considered.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How many bytes of remembered answers a snapshot keeps before it starts over.
const KNOWN_BYTES: usize = 8 * 1024 * 1024;

/// A set of entry indexes, one bit each.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Bits {
    blocks: Vec<u64>,
    count: usize,
}

impl Bits {
    fn empty(len: usize) -> Bits {
        Bits { blocks: vec![0; len.div_ceil(64)], count: 0 }
    }

    fn insert(&mut self, i: usize) {
        let (block, bit) = (i / 64, 1u64 << (i % 64));
        if self.blocks[block] & bit == 0 {
            self.blocks[block] |= bit;
            self.count += 1;
        }
    }

    pub(super) fn contains(&self, i: usize) -> bool {
        self.blocks.get(i / 64).is_some_and(|b| b & (1 << (i % 64)) != 0)
    }

    pub(super) fn count(&self) -> usize {
        self.count
    }

    /// The members in increasing order.
    pub(super) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.blocks.iter().enumerate().flat_map(|(n, &block)| {
            let mut rest = block;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    n * 64 + bit
                })
            })
        })
    }

    fn and(&self, other: &Bits) -> Bits {
        let blocks: Vec<u64> = self.blocks.iter().zip(&other.blocks).map(|(a, b)| a & b).collect();
        let count = blocks.iter().map(|b| b.count_ones() as usize).sum();
        Bits { blocks, count }
    }
}

pub(super) struct WordIndex {
    len: usize,
    /// Entries (increasing) whose text holds each trigram.
    postings: HashMap<[u8; 3], Vec<u32>>,
    known: Mutex<HashMap<String, Arc<Bits>>>,
}

impl WordIndex {
    /// The index of `texts`, entry `i` being the `i`-th.
    pub(super) fn build<'a>(texts: impl IntoIterator<Item = &'a str>) -> WordIndex {
        let mut postings: HashMap<[u8; 3], Vec<u32>> = HashMap::new();
        let mut len = 0;
        for (i, text) in texts.into_iter().enumerate() {
            // Entries are far fewer than 2³², the index of a directory in memory.
            let i = i as u32;
            for t in text.as_bytes().windows(3) {
                let list = postings.entry([t[0], t[1], t[2]]).or_default();
                // Texts are read in order: a trigram seen twice in one text is the last one.
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
            len += 1;
        }
        postings.values_mut().for_each(|l| l.shrink_to_fit());
        WordIndex { len, postings, known: Mutex::default() }
    }

    /// The entries whose text (`text(i)`) holds every one of `words`; `None` without words.
    pub(super) fn matching<'a>(&self, words: &[String], text: impl Fn(usize) -> &'a str) -> Option<Arc<Bits>> {
        let mut sets = words.iter().map(|w| self.word(w, &text));
        let first = sets.next()?;
        Some(sets.fold(first, |all, next| Arc::new(all.and(&next))))
    }

    fn word<'a>(&self, word: &str, text: &impl Fn(usize) -> &'a str) -> Arc<Bits> {
        if let Some(known) = self.known.lock().ok().and_then(|k| k.get(word).cloned()) {
            return known;
        }
        let mut bits = Bits::empty(self.len);
        let bytes = word.as_bytes();
        if bytes.len() < 3 {
            // Too short for a trigram: every text is read, once per snapshot.
            (0..self.len).filter(|&i| text(i).contains(word)).for_each(|i| bits.insert(i));
        } else {
            let rarest = bytes
                .windows(3)
                .map(|t| self.postings.get(t).map_or(&[][..], Vec::as_slice))
                .min_by_key(|list| list.len())
                .unwrap_or_default();
            for &i in rarest {
                if text(i as usize).contains(word) {
                    bits.insert(i as usize);
                }
            }
        }
        let bits = Arc::new(bits);
        if let Ok(mut known) = self.known.lock() {
            let each = self.len.div_ceil(8).max(1);
            if (known.len() + 1) * each > KNOWN_BYTES {
                // Bounded and simple: ever-new words would otherwise fill it.
                known.clear();
            }
            known.insert(word.to_owned(), bits.clone());
        }
        bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTS: &[&str] = &["casa di riposo", "centro diurno casalmaggiore", "rsa villa", "casa", "comunita alloggio"];

    fn scan(words: &[&str]) -> Vec<usize> {
        (0..TEXTS.len()).filter(|&i| words.iter().all(|w| TEXTS[i].contains(w))).collect()
    }

    #[test]
    fn finds_what_contains_finds() {
        let index = WordIndex::build(TEXTS.iter().copied());
        for words in [
            &["casa"][..],
            &["cas", "diurno"],
            &["a"],
            &["sa"],
            &["villa", "rsa"],
            &["riposo", "centro"],
            &["zzz"],
            &["o alloggio"],
            &["comunita"],
        ] {
            let owned: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            let found: Vec<usize> =
                index.matching(&owned, |i| TEXTS[i]).map(|b| b.iter().collect()).unwrap_or_default();
            assert_eq!(found, scan(words), "{words:?}");
            // Asked again, from what it remembered.
            let again: Vec<usize> =
                index.matching(&owned, |i| TEXTS[i]).map(|b| b.iter().collect()).unwrap_or_default();
            assert_eq!(again, found);
        }
        assert!(index.matching(&[], |i| TEXTS[i]).is_none());
    }

    #[test]
    fn bit_sets_count_and_list_their_members() {
        let mut bits = Bits::empty(200);
        for i in [0, 63, 64, 130, 199, 64] {
            bits.insert(i);
        }
        assert_eq!(bits.count(), 5);
        assert_eq!(bits.iter().collect::<Vec<_>>(), vec![0, 63, 64, 130, 199]);
        assert!(bits.contains(130) && !bits.contains(131) && !bits.contains(10_000));
        let mut other = Bits::empty(200);
        other.insert(64);
        other.insert(1);
        assert_eq!(bits.and(&other).iter().collect::<Vec<_>>(), vec![64]);
    }
}
