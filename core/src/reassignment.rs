//! Partition reassignment (KIP-455, as KRaft's controller does it: `../shared/PROTOCOL-KRAFT.md`
//! §2.8, RA1–RA7). Pure functions over a partition's registration; the controller validates
//! the request against its brokers, writes what these return, and checks RA5 on every change
//! it builds ([`crate::controller`]).
//!
//! ```text
//!  [1,2,3] → [3,4,5]   RA2: removing [1,2], adding [4,5], replicas [3,4,5,1,2] (target first)
//!  4, 5 follow from empty logs, join the ISR one AlterPartition at a time (RA4)
//!  ISR ⊇ [3,4,5]       RA5: replicas [3,4,5], ISR − [1,2], leader kept or re-elected, epoch + 1
//!  cancel instead      RA7: replicas − adding (the union's order): [3,1,2], ISR − adding, epoch + 1
//! ```

use crate::ids::BrokerId;
use crate::message::{KafkaError, PartitionState};

fn minus(a: &[BrokerId], b: &[BrokerId]) -> Vec<BrokerId> {
    a.iter().copied().filter(|x| !b.contains(x)).collect()
}

fn sorted(mut v: Vec<BrokerId>) -> Vec<BrokerId> {
    v.sort();
    v
}

/// RA1: a target is a non-empty list of distinct brokers, each registered (`registered`).
pub fn check_target(target: &[BrokerId], registered: impl Fn(BrokerId) -> bool) -> Result<(), KafkaError> {
    let distinct = target.iter().enumerate().all(|(i, b)| !target[..i].contains(b));
    if target.is_empty() || !distinct || !target.iter().all(|b| registered(*b)) {
        return Err(KafkaError::InvalidReplicaAssignment);
    }
    Ok(())
}

/// RA2 + RA3: the first record of a move of `st` to `target`. `cur` is the current replica
/// list (during a move: the union, target first). Leader and ISR are unchanged; the caller
/// bumps only the partition epoch (no replica left yet), and RA5 may complete the move in
/// this same record when the ISR already covers the target. A pure reorder sets `replicas`
/// only.
///
/// As Kafka's controller builds it (ReplicationControlManager.changePartitionReassignment),
/// a set that comes out empty is not written: a move in progress keeps its earlier adding or
/// removing replicas (re-requesting the same target changes nothing; going back to the
/// original replicas keeps the adding ones until RA5 or RA7 drops them).
pub fn start(st: &PartitionState, target: &[BrokerId]) -> PartitionState {
    let cur = &st.replicas;
    let removing = sorted(minus(cur, target));
    let adding = sorted(minus(target, cur));
    let mut replicas = target.to_vec();
    replicas.extend(&removing);
    PartitionState {
        replicas,
        adding_replicas: if adding.is_empty() { st.adding_replicas.clone() } else { adding },
        removing_replicas: if removing.is_empty() { st.removing_replicas.clone() } else { removing },
        ..st.clone()
    }
}

/// RA5: whether `next` (a change the controller is about to write) completes its move, and if
/// so the completed registration: `isr' = isr − removing`, `replicas' = replicas − removing`,
/// complete iff `isr'` is non-empty and covers `replicas'`. The leader is kept when it is in
/// `isr'` and `valid`, else the first valid replica of `replicas'` in `isr'` (normally
/// `target[0]`), else none. The caller bumps the leader epoch (replicas left: K-I17).
pub fn complete(next: &PartitionState, valid: impl Fn(BrokerId) -> bool) -> Option<PartitionState> {
    if !next.reassigning() {
        return None;
    }
    let isr = minus(&next.isr, &next.removing_replicas);
    let replicas = minus(&next.replicas, &next.removing_replicas);
    if isr.is_empty() || !replicas.iter().all(|b| isr.contains(b)) {
        return None;
    }
    let leader = next
        .leader
        .filter(|l| isr.contains(l) && valid(*l))
        .or_else(|| replicas.iter().copied().find(|b| isr.contains(b) && valid(*b)));
    Some(PartitionState { leader, isr, replicas, adding_replicas: Vec::new(), removing_replicas: Vec::new(), ..next.clone() })
}

/// RA7: cancel the move of `st`: `replicas − adding` in the union's order, `ISR − adding`.
/// An ISR left empty becomes `[replicas[0]]`, an unclean revert, allowed only when
/// `unclean_allowed` (else INVALID_REPLICA_ASSIGNMENT). The leader stays if it is still a
/// valid ISR member, else the first valid original replica in the ISR.
pub fn cancel(st: &PartitionState, unclean_allowed: bool, valid: impl Fn(BrokerId) -> bool) -> Result<PartitionState, KafkaError> {
    if !st.reassigning() {
        return Err(KafkaError::NoReassignmentInProgress);
    }
    let replicas = minus(&st.replicas, &st.adding_replicas);
    let mut isr = minus(&st.isr, &st.adding_replicas);
    let mut recovery = st.leader_recovery_state;
    if isr.is_empty() {
        if !unclean_allowed {
            return Err(KafkaError::InvalidReplicaAssignment);
        }
        isr = replicas.first().copied().into_iter().collect();
        recovery = crate::message::LeaderRecoveryState::Recovering;
    }
    let leader = st
        .leader
        .filter(|l| isr.contains(l) && valid(*l))
        .or_else(|| replicas.iter().copied().find(|b| isr.contains(b) && valid(*b)));
    Ok(PartitionState {
        leader,
        isr,
        replicas,
        adding_replicas: Vec::new(),
        removing_replicas: Vec::new(),
        leader_recovery_state: recovery,
        ..st.clone()
    })
}

/// K-I17: a change that drops a replica from the assignment bumps the leader epoch (the
/// dropped replica must not be able to act in the old epoch).
pub fn drops_replica(prev: &PartitionState, next: &PartitionState) -> bool {
    prev.replicas.iter().any(|b| !next.replicas.contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{LeaderEpoch, PartitionEpoch, TopicPartition};
    use crate::message::LeaderRecoveryState;

    fn ids(v: &[u32]) -> Vec<BrokerId> {
        v.iter().map(|b| BrokerId(*b)).collect()
    }

    fn state(replicas: &[u32], leader: u32, isr: &[u32]) -> PartitionState {
        PartitionState {
            tp: TopicPartition::new("P", 0),
            replicas: ids(replicas),
            leader: Some(BrokerId(leader)),
            leader_epoch: LeaderEpoch(5),
            partition_epoch: PartitionEpoch(7),
            isr: ids(isr),
            leader_recovery_state: LeaderRecoveryState::Recovered,
            adding_replicas: Vec::new(),
            removing_replicas: Vec::new(),
            elr: crate::message::Elr::default(),
        }
    }

    /// RA2's example: [1,2,3] → [4,5,6] gives [4,5,6,1,2,3], target first.
    #[test]
    fn ra2_target_comes_first() {
        let s = start(&state(&[1, 2, 3], 1, &[1, 2, 3]), &ids(&[4, 5, 6]));
        assert_eq!(s.replicas, ids(&[4, 5, 6, 1, 2, 3]));
        assert_eq!(s.adding_replicas, ids(&[4, 5, 6]));
        assert_eq!(s.removing_replicas, ids(&[1, 2, 3]));
        assert_eq!((s.leader, s.isr.clone()), (Some(BrokerId(1)), ids(&[1, 2, 3])), "RA3: leader and ISR unchanged");
        assert_eq!(complete(&s, |_| true), None, "nothing added is in the ISR yet");
    }

    /// RA2: adding and removing are sorted ascending, whatever the target's order.
    #[test]
    fn ra2_sets_are_sorted() {
        let s = start(&state(&[3, 1, 2], 3, &[1, 2, 3]), &ids(&[5, 2, 4]));
        assert_eq!(s.replicas, ids(&[5, 2, 4, 1, 3]));
        assert_eq!(s.adding_replicas, ids(&[4, 5]));
        assert_eq!(s.removing_replicas, ids(&[1, 3]));
    }

    /// RA3: a pure reorder rewrites `replicas` only, and is complete at once (nothing moves).
    #[test]
    fn ra3_pure_reorder() {
        let s = start(&state(&[1, 2, 3], 1, &[1, 2, 3]), &ids(&[3, 2, 1]));
        assert_eq!(s.replicas, ids(&[3, 2, 1]));
        assert!(!s.reassigning());
        assert_eq!(s.leader, Some(BrokerId(1)), "the leader stays, now imbalanced (PL1)");
    }

    /// RA3 + RA5: an ISR that already covers the target completes the move in the first record.
    #[test]
    fn ra3_completes_at_once_when_the_isr_covers_the_target() {
        let s = start(&state(&[1, 2, 3], 1, &[1, 2, 3]), &ids(&[2, 3]));
        let done = complete(&s, |_| true).expect("complete");
        assert_eq!(done.replicas, ids(&[2, 3]));
        assert_eq!(done.isr, ids(&[2, 3]));
        assert_eq!(done.leader, Some(BrokerId(2)), "the old leader left: the first valid replica of the target");
        assert!(drops_replica(&state(&[1, 2, 3], 1, &[1, 2, 3]), &done));
    }

    /// KS7 steps 1–4: the move [1,2,3] → [3,4,5], 4 joins the ISR (not complete), cancel.
    #[test]
    fn ks7_cancel_keeps_the_unions_order() {
        let s0 = state(&[1, 2, 3], 1, &[1, 2, 3]);
        let s1 = start(&s0, &ids(&[3, 4, 5]));
        assert_eq!(s1.replicas, ids(&[3, 4, 5, 1, 2]));
        assert_eq!((s1.adding_replicas.clone(), s1.removing_replicas.clone()), (ids(&[4, 5]), ids(&[1, 2])));
        let s2 = PartitionState { isr: ids(&[1, 2, 3, 4]), ..s1 };
        assert_eq!(complete(&s2, |_| true), None, "isr' [3,4] does not cover [3,4,5]");
        let s3 = cancel(&s2, false, |_| true).expect("cancel");
        assert_eq!(s3.replicas, ids(&[3, 1, 2]), "not [1,2,3]");
        assert_eq!(s3.isr, ids(&[1, 2, 3]));
        assert_eq!(s3.leader, Some(BrokerId(1)));
        assert!(!s3.reassigning());
        assert!(drops_replica(&s2, &s3), "the set shrank: leader epoch + 1");
        assert_eq!(cancel(&s3, false, |_| true), Err(KafkaError::NoReassignmentInProgress), "KS7 step 6");
    }

    /// KS7's variant: an ISR of only adding replicas reverts to `[replicas[0]]`, unclean.
    #[test]
    fn ra7_unclean_revert_needs_unclean_elections() {
        let s1 = start(&state(&[1, 2, 3], 1, &[1, 2, 3]), &ids(&[3, 4, 5]));
        let s2 = PartitionState { isr: ids(&[4]), leader: Some(BrokerId(4)), ..s1 };
        assert_eq!(cancel(&s2, false, |_| true), Err(KafkaError::InvalidReplicaAssignment));
        let s3 = cancel(&s2, true, |_| true).expect("allowed");
        assert_eq!(s3.isr, ids(&[3]));
        assert_eq!(s3.leader, Some(BrokerId(3)));
        assert_eq!(s3.leader_recovery_state, LeaderRecoveryState::Recovering);
    }

    /// RA5: completion keeps a valid leader that stays, and picks `target[0]`-first otherwise.
    #[test]
    fn ra5_completion_election() {
        let s1 = start(&state(&[1, 2, 3], 2, &[1, 2, 3]), &ids(&[4, 2]));
        let s2 = PartitionState { isr: ids(&[1, 2, 3, 4]), ..s1.clone() };
        let done = complete(&s2, |_| true).expect("complete");
        assert_eq!((done.leader, done.isr.clone(), done.replicas.clone()), (Some(BrokerId(2)), ids(&[2, 4]), ids(&[4, 2])));
        let done = complete(&s2, |b| b != BrokerId(2)).expect("complete");
        assert_eq!(done.leader, Some(BrokerId(4)), "2 is not valid: the first valid target replica");
    }

    /// Kafka keeps a move's sets when a new request computes empty ones: the same target again
    /// changes nothing, and a request back to the original replicas keeps the adding one.
    #[test]
    fn ra2_a_new_request_during_a_move_keeps_sets_that_come_out_empty() {
        let s1 = start(&state(&[1, 2, 3], 1, &[1, 2, 3]), &ids(&[4, 1]));
        assert_eq!((s1.replicas.clone(), s1.adding_replicas.clone(), s1.removing_replicas.clone()), (ids(&[4, 1, 2, 3]), ids(&[4]), ids(&[2, 3])));
        assert_eq!(start(&s1, &ids(&[4, 1])), s1, "the same target: nothing to write");
        let back = start(&s1, &ids(&[1, 2, 3]));
        assert_eq!((back.replicas.clone(), back.adding_replicas.clone(), back.removing_replicas.clone()), (ids(&[1, 2, 3, 4]), ids(&[4]), ids(&[4])));
        let done = complete(&back, |_| true).expect("the ISR covers [1,2,3]");
        assert_eq!((done.replicas, done.isr), (ids(&[1, 2, 3]), ids(&[1, 2, 3])));
    }

    /// RA1: empty, duplicate or unregistered targets are refused.
    #[test]
    fn ra1_bad_targets() {
        let reg = |b: BrokerId| b.0 <= 5;
        assert_eq!(check_target(&[], reg), Err(KafkaError::InvalidReplicaAssignment));
        assert_eq!(check_target(&ids(&[1, 1]), reg), Err(KafkaError::InvalidReplicaAssignment));
        assert_eq!(check_target(&ids(&[1, 6]), reg), Err(KafkaError::InvalidReplicaAssignment));
        assert_eq!(check_target(&ids(&[5, 1]), reg), Ok(()));
    }
}
