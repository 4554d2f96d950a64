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
