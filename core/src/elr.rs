//! Eligible Leader Replicas (KIP-966 Part 1; PROTOCOL-KRAFT.md §2.6, EL1–EL9), as KRaft's
//! controller builds every partition change (`PartitionChangeBuilder`): pure functions over a
//! partition's registration that [`crate::controller`] calls when `eligible_leader_replicas`
//! is on. With ELR a replica that leaves an ISR already below `min.insync.replicas` stays
//! eligible: the HW could not advance without it (EL2), so it holds every committed offset and
//! may lead cleanly once the ISR is empty (EL4).
//!
//! The checks of §3 that concern the ELR (K-I14, K-I15) are [`findings`].

use crate::ids::BrokerId;
use crate::message::PartitionState;

/// EL3 `effectiveMinIsr`: `min(min.insync.replicas, |replicas of partition 0|)`.
pub fn effective_min_isr(min_insync_replicas: u32, partition0_replicas: usize) -> usize {
    (min_insync_replicas as usize).min(partition0_replicas)
}

/// EL3 (`maybePopulateTargetElr`): the ELR members of a change to `target_isr`. An ISR at or
/// above the effective min ISR has none; below it, every member of the current ISR or ELR that
/// leaves the ISR is eligible, except a broker whose shutdown was unclean (EL7). Ascending
/// (Kafka's HashSet order for ids below 16: §0).
pub fn target(st: &PartitionState, target_isr: &[BrokerId], effective_min_isr: usize, unclean_shutdown: Option<BrokerId>) -> Vec<BrokerId> {
    if target_isr.len() >= effective_min_isr {
        return Vec::new();
    }
    let mut elr: Vec<BrokerId> = st
        .elr
        .members()
        .into_iter()
        .chain(st.isr.iter().copied())
        .filter(|b| !target_isr.contains(b) && Some(*b) != unclean_shutdown)
        .collect();
    elr.sort_unstable();
    elr.dedup();
    elr
}

/// EL5 (`maybeUpdateLastKnownLeader`): `lastKnownElr` after the change `prev` → `next`. The
/// ISR written empty records the leader it had; any change that gives or keeps a leader
/// clears it. (Kafka writes `[-1]` when an ISR empties under no leader; the simulator keeps
/// the field as it was then: docs/fidelity.md.)
pub fn last_known(prev: &PartitionState, next: &PartitionState) -> Option<BrokerId> {
    if next.isr.is_empty() && !prev.isr.is_empty() {
        if let Some(l) = prev.leader {
            return Some(l);
        }
    }
    if next.leader.is_some() {
        return None;
    }
    prev.elr.last_known()
}

/// K-I14 and K-I15 (PROTOCOL-KRAFT.md §3) on a registration `st` the controller wrote after
/// `prev` (the last one the checker saw), with ELR `enabled` and the partition's effective
/// min ISR. `isr_seen` is every broker that was in the ISR of `prev` or of a change in
/// between (a step may write several). (The ELR is a set of ids, ascending by construction;
/// the last known leader is at most one.)
pub fn findings(enabled: bool, effective_min_isr: usize, prev: Option<&PartitionState>, isr_seen: &[BrokerId], st: &PartitionState) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let list = |v: &[BrokerId]| crate::message::ids(v.iter().copied());
    let (elr, last_known) = (st.elr.members(), st.elr.last_known());
    let lk = last_known.map_or("none".to_string(), |b| b.to_string());
    if !enabled {
        if !st.elr.is_empty() {
            out.push(("K-I14", format!("ELR {} / last known {lk} without ELR", list(&elr))));
        }
        return out;
    }
    if let Some(b) = elr.iter().find(|b| st.isr.contains(b)) {
        out.push(("K-I14", format!("broker {b} is in both ISR {} and ELR {}", list(&st.isr), list(&elr))));
    }
    // RA8: a change that completes or cancels a move runs EL3 with the replicas it had, so a
    // removed replica may stay in the ELR and the effective min ISR may drop with it (Kafka's
    // builder does the same): those two checks wait for the next change.
    let moved = prev.is_some_and(|p| p.replicas != st.replicas);
    if let Some(b) = elr.iter().find(|b| !st.replicas.contains(b) && !st.reassigning() && !moved) {
        out.push(("K-I14", format!("ELR member {b} is not a replica of {}", list(&st.replicas))));
    }
    if st.isr.len() >= effective_min_isr && !st.elr.is_empty() && !moved {
        out.push(("K-I14", format!("ISR {} is at min ISR {effective_min_isr}, yet ELR {} / last known {lk}", list(&st.isr), list(&elr))));
    }
    if last_known.is_some() && (st.leader.is_some() || !st.isr.is_empty()) {
        out.push(("K-I14", format!("last known leader {lk} with leader {:?} and ISR {}", st.leader.map(|l| l.0), list(&st.isr))));
    }
    // K-I15: a replica joins the ELR only from the previous ISR or ELR, in a change that
    // leaves the ISR below min ISR.
    if let Some(prev) = prev {
        for b in elr.iter().filter(|b| !prev.elr.contains(**b)) {
            if !isr_seen.contains(b) {
                out.push(("K-I15", format!("broker {b} joined the ELR {} without having been in the ISR", list(&elr))));
            }
        }
    }
    out
}
