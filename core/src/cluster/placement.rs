//! Where the replicas of a new topic go: Kafka's rack-unaware assignment
//! (`AdminUtils.assignReplicasToBrokersRackUnaware`), its random start and shift drawn from the
//! seed.

use crate::ids::BrokerId;
use rand_core::RngCore;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Kafka's rack-unaware replica assignment: start index and shift drawn from the seed.
pub(super) fn assign_replicas(brokers: &[BrokerId], partitions: u32, rf: u32, rng: &mut Xoshiro256PlusPlus) -> Vec<Vec<BrokerId>> {
    let n = brokers.len();
    let start = (rng.next_u64() % n as u64) as usize;
    let mut shift = (rng.next_u64() % n as u64) as usize;
    (0..partitions as usize)
        .map(|p| {
            if p > 0 && p % n == 0 {
                shift += 1;
            }
            let first = (p + start) % n;
            let mut replicas = vec![brokers[first]];
            for j in 0..(rf as usize).saturating_sub(1) {
                let idx = (first + 1 + (shift + j) % (n - 1).max(1)) % n;
                replicas.push(brokers[idx]);
            }
            replicas
        })
        .collect()
}

/// A broker as KRaft's placer sees it (RK2: registered and not in controlled shutdown).
#[cfg(feature = "kraft")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usable {
    /// Its id.
    pub id: BrokerId,
    /// Its `broker.rack`, if any.
    pub rack: Option<String>,
    /// Fenced brokers are placed only when a rack has no unfenced one left (RK5).
    pub fenced: bool,
}

/// Where the placer's draws come from (RK6): the seed's stream, or none at all (every
/// `rand(n)` is 0 and shuffles keep their order: the reference's zero-offset mode).
#[cfg(feature = "kraft")]
pub enum Draws<'a> {
    /// One draw of the seeded PRNG per `rand(n)`.
    Seeded(&'a mut Xoshiro256PlusPlus),
    /// Zero-offset mode.
    Zero,
}

#[cfg(feature = "kraft")]
impl Draws<'_> {
    fn below(&mut self, n: usize) -> usize {
        match self {
            Draws::Seeded(rng) => (rng.next_u64() % n.max(1) as u64) as usize,
            Draws::Zero => 0,
        }
    }
    /// Fisher–Yates, as `Collections.shuffle` (identity in zero-offset mode).
    fn shuffle<T>(&mut self, v: &mut [T]) {
        if matches!(self, Draws::Zero) {
            return;
        }
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// RK4: one rack's fenced or unfenced brokers, ascending, walked from a rotating offset: each
/// placement epoch starts one further along.
#[cfg(feature = "kraft")]
#[derive(Default)]
struct BrokerList {
    brokers: Vec<BrokerId>,
    index: usize,
    offset: usize,
    epoch: u32,
}

#[cfg(feature = "kraft")]
impl BrokerList {
    fn initialize(&mut self, draws: &mut Draws<'_>) {
        if !self.brokers.is_empty() {
            self.brokers.sort_unstable();
            self.offset = draws.below(self.brokers.len());
        }
    }
    fn next(&mut self, epoch: u32) -> Option<BrokerId> {
        if self.brokers.is_empty() {
            return None;
        }
        if self.epoch != epoch {
            self.epoch = epoch;
            self.index = 0;
            self.offset = (self.offset + 1) % self.brokers.len();
        }
        if self.index >= self.brokers.len() {
            return None;
        }
        let b = self.brokers[(self.index + self.offset) % self.brokers.len()];
        self.index += 1;
        Some(b)
    }
}

/// RK3: a rack's two lists.
#[cfg(feature = "kraft")]
#[derive(Default)]
struct Rack {
    fenced: BrokerList,
    unfenced: BrokerList,
}

#[cfg(feature = "kraft")]
impl Rack {
    /// An unfenced broker, else a fenced one (RK5).
    fn next(&mut self, epoch: u32) -> Option<BrokerId> {
        self.unfenced.next(epoch).or_else(|| self.fenced.next(epoch))
    }
}

/// Why the controller refuses to place a topic (RK2), as Kafka words it.
#[cfg(feature = "kraft")]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlacementError {
    /// INVALID_REPLICATION_FACTOR: not positive.
    #[error("Invalid replication factor {0}: the replication factor must be positive.")]
    NotPositive(u32),
    /// INVALID_REPLICATION_FACTOR: more replicas than registered brokers.
    #[error("The target replication factor of {rf} cannot be reached because only {brokers} broker(s) are registered.")]
    TooFewBrokers {
        /// The factor asked.
        rf: u32,
        /// The usable brokers.
        brokers: usize,
    },
    /// INVALID_REPLICATION_FACTOR: every usable broker is fenced.
    #[error("All brokers are currently fenced.")]
    AllFenced,
}

/// RK3–RK5: KRaft's `StripedReplicaPlacer` for one request of `partitions` partitions with `rf`
/// replicas each: one rack list for the request; each partition's leader from the next rack in
/// turn that has an unfenced broker, its followers striped over the racks after it, so that
/// `rf <= #racks` puts every replica on its own rack (K-I20). Racks are walked by name, "no
/// rack" first; the initial offsets are drawn in that order (Kafka draws them in its HashMap's
/// order, which is the same for one-letter names a–o only; the draws are the seed's anyway,
/// RK6).
#[cfg(feature = "kraft")]
pub fn striped(usable: &[Usable], partitions: u32, rf: u32, mut draws: Draws<'_>) -> Result<Vec<Vec<BrokerId>>, PlacementError> {
    let mut names: Vec<Option<String>> = usable.iter().map(|b| b.rack.clone()).collect();
    names.sort();
    names.dedup();
    let mut racks: Vec<Rack> = names.iter().map(|_| Rack::default()).collect();
    for b in usable {
        let r = &mut racks[names.binary_search(&b.rack).expect("named above")];
        if b.fenced { &mut r.fenced } else { &mut r.unfenced }.brokers.push(b.id);
    }
    for r in &mut racks {
        r.fenced.initialize(&mut draws);
        r.unfenced.initialize(&mut draws);
    }
    let unfenced = usable.iter().filter(|b| !b.fenced).count();
    if rf == 0 {
        return Err(PlacementError::NotPositive(rf));
    }
    if unfenced == 0 {
        return Err(PlacementError::AllFenced);
    }
    if rf as usize > usable.len() {
        return Err(PlacementError::TooFewBrokers { rf, brokers: usable.len() });
    }
    // The walk order of the racks (shuffled when every unfenced broker has led once).
    let mut order: Vec<usize> = (0..racks.len()).collect();
    let mut offset = draws.below(racks.len());
    let mut epoch = 0u32;
    let mut out = Vec::with_capacity(partitions as usize);
    for _ in 0..partitions {
        if epoch as usize == unfenced && unfenced > 1 {
            draws.shuffle(&mut order);
            for r in &mut racks {
                draws.shuffle(&mut r.fenced.brokers);
                draws.shuffle(&mut r.unfenced.brokers);
            }
            epoch = 0;
        }
        if offset == order.len() {
            offset = 0;
        }
        // The leader: the first rack from `offset` on with an unfenced broker this epoch.
        let mut replicas = Vec::with_capacity(rf as usize);
        let mut at = offset;
        let leader = loop {
            if let Some(b) = racks[order[at]].unfenced.next(epoch) {
                break b;
            }
            at = (at + 1) % order.len();
        };
        replicas.push(leader);
        let mut first = Some(at);
        // The followers: racks from `offset` on, skipping the leader's rack once.
        let mut i = offset;
        for _ in 1..rf {
            let b = loop {
                let got = if first == Some(i) {
                    first = None;
                    None
                } else {
                    racks[order[i]].next(epoch)
                };
                i = (i + 1) % order.len();
                if let Some(b) = got {
                    break b;
                }
            };
            replicas.push(b);
        }
        epoch += 1;
        offset += 1;
        out.push(replicas);
    }
    Ok(out)
}

#[cfg(all(test, feature = "kraft"))]
mod tests {
    use super::*;

    fn usable(spec: &[(u32, Option<&str>, bool)]) -> Vec<Usable> {
        spec.iter().map(|(b, r, f)| Usable { id: BrokerId(*b), rack: r.map(str::to_string), fenced: *f }).collect()
    }
    fn ids(v: &[Vec<BrokerId>]) -> Vec<Vec<u32>> {
        v.iter().map(|p| p.iter().map(|b| b.0).collect()).collect()
    }

    /// RK4, RK5 in zero-offset mode (RK6), worked by hand: racks a {1,2}, b {3,4}, c {5,6};
    /// offsets 0. Partition 0 (epoch 0): leader from a at its initial offset, 1; followers from a
    /// (skipped once: the leader's rack), b → 3, c → 5. Partition 1 (epoch 1, rack offset 1):
    /// every list has moved one on (offset 1), leader from b → 4; followers b (skipped), c → 6,
    /// a → 2. Partition 2 (epoch 2, rack offset 2): offsets back to 0: leader c → 5; then c
    /// (skipped), a → 1, b → 3.
    #[test]
    fn rk5_zero_offsets_stripe_replicas_over_racks() {
        let u = usable(&[(1, Some("a"), false), (2, Some("a"), false), (3, Some("b"), false), (4, Some("b"), false), (5, Some("c"), false), (6, Some("c"), false)]);
        let got = striped(&u, 3, 3, Draws::Zero).unwrap();
        assert_eq!(ids(&got), vec![vec![1, 3, 5], vec![4, 6, 2], vec![5, 1, 3]]);
    }

    /// RK5: a fenced broker is used only when its rack's unfenced list is exhausted in that
    /// partition, and never leads; RK2's errors in Kafka's words.
    #[test]
    fn rk5_a_fenced_broker_never_leads_and_rk2_refuses() {
        let u = usable(&[(1, Some("a"), true), (2, Some("b"), false)]);
        for p in striped(&u, 4, 2, Draws::Zero).unwrap() {
            assert_eq!(p[0], BrokerId(2), "the leader is unfenced");
            assert_eq!(p.len(), 2);
        }
        assert_eq!(striped(&u, 1, 3, Draws::Zero).unwrap_err().to_string(), "The target replication factor of 3 cannot be reached because only 2 broker(s) are registered.");
        assert_eq!(striped(&usable(&[(1, None, true)]), 1, 1, Draws::Zero).unwrap_err(), PlacementError::AllFenced);
        assert_eq!(striped(&u, 1, 0, Draws::Zero).unwrap_err(), PlacementError::NotPositive(0));
    }

    /// K-I20 (RK5's properties) on seeded draws, over many seeds and shapes: distinct replicas,
    /// an unfenced leader, and distinct racks whenever rf <= #racks.
    #[test]
    fn k_i20_seeded_placements_keep_the_rk5_properties() {
        for seed in 0..300u64 {
            let mut rng = <Xoshiro256PlusPlus as rand_core::SeedableRng>::seed_from_u64(seed);
            let n = 1 + (rng.next_u64() % 9) as u32;
            let spec: Vec<(u32, Option<&str>, bool)> = (1..=n).map(|b| (b, [None, Some("a"), Some("b"), Some("c")][(rng.next_u64() % 4) as usize], rng.next_u64() % 5 == 0)).collect();
            let u = usable(&spec);
            let racks = { let mut r: Vec<_> = u.iter().map(|b| b.rack.clone()).collect(); r.sort(); r.dedup(); r.len() };
            let rf = 1 + (rng.next_u64() % u64::from(n)) as u32;
            let Ok(all) = striped(&u, 1 + (rng.next_u64() % 12) as u32, rf, Draws::Seeded(&mut rng)) else { continue };
            for p in all {
                let mut d = p.clone();
                d.sort();
                d.dedup();
                assert_eq!(d.len(), p.len(), "seed {seed}: distinct {p:?}");
                assert!(!u.iter().find(|b| b.id == p[0]).unwrap().fenced, "seed {seed}: leader {p:?} unfenced");
                if rf as usize <= racks {
                    let mut rs: Vec<_> = p.iter().map(|b| u.iter().find(|x| x.id == *b).unwrap().rack.clone()).collect();
                    rs.sort();
                    rs.dedup();
                    assert_eq!(rs.len(), p.len(), "seed {seed}: racks of {p:?} in {spec:?}");
                }
            }
        }
    }
}
