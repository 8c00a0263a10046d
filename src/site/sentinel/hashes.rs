//! The sentinel's set of hidden run hashes: a sorted list with a bit filter
//! in front, so the common answer (this run is not hidden) costs one memory
//! access.

use super::LEVEL_BITS;

/// A set of hashes with a bit filter in front: most runs of an output are
/// not hidden, and the filter says so without touching the sorted list.
pub(super) struct HashSetSorted {
    sorted: Vec<u64>,
    bits: Vec<u64>,
    mask: u64,
}

impl HashSetSorted {
    pub(super) fn new(sorted: Vec<u64>) -> Self {
        // About 16 bits an entry, both probes in one 64-bit word: one memory
        // access per looked-up run.
        let words = (sorted.len().max(1) / 4).next_power_of_two();
        let mut bits = vec![0u64; words];
        let mask = words as u64 - 1;
        for h in &sorted {
            bits[Self::slot(*h, mask)] |= Self::probe(*h);
        }
        HashSetSorted { sorted, bits, mask }
    }

    fn slot(h: u64, mask: u64) -> usize {
        ((h >> LEVEL_BITS) & mask) as usize
    }

    fn probe(h: u64) -> u64 {
        (1 << ((h >> 52) & 63)) | (1 << ((h >> 58) & 63))
    }

    pub(super) fn contains(&self, h: u64) -> bool {
        let p = Self::probe(h);
        self.bits[Self::slot(h, self.mask)] & p == p && self.sorted.binary_search(&h).is_ok()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }
}
