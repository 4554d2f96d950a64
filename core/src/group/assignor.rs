//! Kafka's built-in partition assignors as pure functions (PROTOCOL-GROUPS.md §2.5).
//!
//! * Client side (classic groups; the leader runs them, CL12), [`assign`]: `range` (AS1),
//!   `roundrobin` (AS2), `sticky` and `cooperative-sticky` (AS3, AS4).
//!   [`sticky_with_transfers`] also returns the transferring partitions (AS3 step 6).
//! * Server side (KIP-848 groups; the coordinator runs them), [`assign_server`]: `uniform`
//!   (AS5, the 4.1+ KAFKA-18688 variant) and `range` (AS6).
//! * Every result covers each subscribed partition exactly once (AS7). `cooperative-sticky`
//!   then leaves out its transferring partitions (AS3 step 7).
//!
//! **Order.** `range` and `roundrobin` (both sides) sort members by ST1. Where Kafka iterates a
//! `HashMap` (sticky's owned pass, uniform's members and topics), this module uses ascending
//! member id and topic name (§0 "Canonical order"). Balance and stickiness are Kafka's; which
//! member gets which partition may differ from a real run (§5.1). Strings compare by bytes. That
//! is Java's `compareTo` for ASCII; the two differ only between characters above U+FFFF and
//! U+E000..=U+FFFF.
//!
//! **Not implemented** (§5): racks, so no rack-aware branch; regex subscriptions.
//! *Unequal subscriptions*: there Kafka's sticky assignors use GeneralAssignmentBuilder, and
//! `uniform` uses its heterogeneous builder. Neither is specified (§5.5). Both fall back here to
//! a deterministic stand-in that is **not** Kafka's algorithm (`keep_then_fill`):
//! * every member keeps its valid previous partitions;
//! * each other partition (topics ascending, then partitions ascending) goes to its
//!   least-loaded subscriber, ties to the lowest member id.
//!
//! The stand-in satisfies AS7 but not balance. On that path `cooperative-sticky` computes its
//! transfers as Kafka does (`CooperativeStickyAssignor.computePartitionsTransferringOwnership`).
//!
//! **Inputs.** Member ids are unique. A topic missing from the metadata gets no assignment. So
//! does a partition number at or above its topic's count. Such entries in `owned`/`assigned`
//! are ignored, and so are partitions of topics the member no longer subscribes to.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ops::Range;

use crate::ids::TopicPartition;

/// Member id → its partitions, sorted. Every member is present, possibly with none.
pub type Assignment = BTreeMap<String, Vec<TopicPartition>>;

/// A classic-group member as the leader's assignor sees it (its JoinGroup subscription).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberSpec {
    /// The member id the coordinator gave it.
    pub member_id: String,
    /// `group.instance.id`: `Some` for a static member (ST1).
    pub instance_id: Option<String>,
    /// The subscribed topics.
    pub topics: Vec<String>,
    /// What it owned: `ownedPartitions` (cooperative) or its userData (eager `sticky`).
    /// Only the sticky assignors read it (AS3 step 1).
    pub owned: Vec<TopicPartition>,
    /// The generation `owned` is from; -1 if none (AS3 step 1).
    pub generation: i32,
}

/// A KIP-848 member as the coordinator's assignor sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerMemberSpec {
    /// The member id (chosen by the client, KIP-1082).
    pub member_id: String,
    /// `group.instance.id`: `Some` for a static member (AS6 order).
    pub instance_id: Option<String>,
    /// The subscribed topics.
    pub topics: Vec<String>,
    /// Its partitions in the current target assignment; only `uniform` reads it (AS5).
    pub assigned: Vec<TopicPartition>,
}

/// A client-side assignor of the classic protocol (`partition.assignment.strategy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Assignor {
    /// `range` (AS1): contiguous ranges per topic. EAGER only.
    Range,
    /// `roundrobin` (AS2): all partitions dealt in a circle. EAGER only.
    RoundRobin,
    /// `sticky` (AS3 steps 1–6): balanced, keeps owned partitions. EAGER only.
    Sticky,
    /// `cooperative-sticky` (AS3 steps 1–7): `sticky` without the transferring partitions.
    /// Supports COOPERATIVE and EAGER.
    CooperativeSticky,
}

impl Assignor {
    /// Every client assignor.
    pub const ALL: [Assignor; 4] = [
        Assignor::Range,
        Assignor::RoundRobin,
        Assignor::Sticky,
        Assignor::CooperativeSticky,
    ];

    /// Kafka's protocol name, as voted on in JoinGroup (CL5).
    pub fn name(self) -> &'static str {
        match self {
            Assignor::Range => "range",
            Assignor::RoundRobin => "roundrobin",
            Assignor::Sticky => "sticky",
            Assignor::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// The assignor with that protocol name, if it is a built-in one.
    pub fn from_name(name: &str) -> Option<Assignor> {
        Assignor::ALL.into_iter().find(|a| a.name() == name)
    }

    /// CL10: only `cooperative-sticky` supports COOPERATIVE. `range` and `roundrobin` are
    /// EAGER-only, and so is `sticky`: StickyAssignor keeps the interface's EAGER-only default of
    /// `supportedProtocols()`.
    pub fn supports_cooperative(self) -> bool {
        matches!(self, Assignor::CooperativeSticky)
    }
}

/// A server-side assignor of KIP-848 groups (`group.consumer.assignors`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ServerAssignor {
    /// `uniform` (AS5): balanced and sticky.
    Uniform,
    /// `range` (AS6): contiguous ranges per topic, not sticky.
    Range,
}

impl ServerAssignor {
    /// Every server assignor.
    pub const ALL: [ServerAssignor; 2] = [ServerAssignor::Uniform, ServerAssignor::Range];

    /// Kafka's assignor name.
    pub fn name(self) -> &'static str {
        match self {
            ServerAssignor::Uniform => "uniform",
            ServerAssignor::Range => "range",
        }
    }

    /// The assignor with that name, if it is a built-in one.
    pub fn from_name(name: &str) -> Option<ServerAssignor> {
        ServerAssignor::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// The sticky assignors' result before AS3 step 7.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StickyOutcome {
    /// Every member's partitions after AS3 steps 1–6: the `sticky` result.
    pub assignment: Assignment,
    /// AS3 step 6: each transferring partition, with its new owner.
    pub transferring: BTreeMap<TopicPartition, String>,
}

impl StickyOutcome {
    /// AS3 step 7: the `cooperative-sticky` result. Each transferring partition is removed from
    /// its new owner and assigned in the next rebalance (CL13).
    pub fn without_transferring(&self) -> Assignment {
        let mut out = self.assignment.clone();
        for (partition, owner) in &self.transferring {
            if let Some(list) = out.get_mut(owner) {
                list.retain(|p| p != partition);
            }
        }
        out
    }
}

/// Runs a client-side assignor (AS1–AS4, AS7).
pub fn assign(
    assignor: Assignor,
    members: &[MemberSpec],
    topics: &BTreeMap<String, u32>,
) -> Assignment {
    let views: Vec<Member<'_>> = members.iter().map(Member::client).collect();
    match assignor {
        Assignor::Range => range(&st1_sorted(views), topics),
        Assignor::RoundRobin => round_robin(&st1_sorted(views), topics),
        Assignor::Sticky => sticky_with_transfers(members, topics).assignment,
        Assignor::CooperativeSticky => {
            sticky_with_transfers(members, topics).without_transferring()
        }
    }
}

/// Runs a server-side assignor (AS5–AS7).
pub fn assign_server(
    assignor: ServerAssignor,
    members: &[ServerMemberSpec],
    topics: &BTreeMap<String, u32>,
) -> Assignment {
    match assignor {
        ServerAssignor::Uniform => uniform(members, topics),
        ServerAssignor::Range => range(
            &st1_sorted(members.iter().map(Member::server).collect()),
            topics,
        ),
    }
}

/// AS3 steps 1–6: the `sticky` assignment and its transferring partitions. With equal
/// subscriptions this is ConstrainedAssignmentBuilder; otherwise the stand-in (module doc).
pub fn sticky_with_transfers(
    members: &[MemberSpec],
    topics: &BTreeMap<String, u32>,
) -> StickyOutcome {
    let mut specs: Vec<&MemberSpec> = members.iter().collect();
    specs.sort_by(|a, b| a.member_id.cmp(&b.member_id)); // §0: canonical, not HashMap, order.
    let Some(first) = specs.first() else {
        return StickyOutcome::default();
    };
    let ownership = resolve_ownership(&specs, topics);
    if specs.iter().all(|m| same_topics(&m.topics, &first.topics)) {
        constrained(ownership, partitions_of(&first.topics, topics))
    } else {
        sticky_unequal(&specs, ownership, topics)
    }
}

/// What the assignors read of a member of either protocol.
#[derive(Clone, Copy, Debug)]
struct Member<'a> {
    id: &'a str,
    instance: Option<&'a str>,
    topics: &'a [String],
}

impl<'a> Member<'a> {
    fn client(spec: &'a MemberSpec) -> Self {
        Member {
            id: &spec.member_id,
            instance: spec.instance_id.as_deref(),
            topics: &spec.topics,
        }
    }

    fn server(spec: &'a ServerMemberSpec) -> Self {
        Member {
            id: &spec.member_id,
            instance: spec.instance_id.as_deref(),
            topics: &spec.topics,
        }
    }

    fn subscribes(&self, topic: &str) -> bool {
        self.topics.iter().any(|t| t.as_str() == topic)
    }

    /// ST1: static members first, compared by instance id; then dynamic ones by member id.
    fn st1_key(&self) -> (bool, &'a str, &'a str) {
        (
            self.instance.is_none(),
            self.instance.unwrap_or(""),
            self.id,
        )
    }
}

/// ST1 order (AS1, AS2; AS6's `sortMemberIds` is the same order).
fn st1_sorted(mut members: Vec<Member<'_>>) -> Vec<Member<'_>> {
    members.sort_by(|a, b| a.st1_key().cmp(&b.st1_key()));
    members
}

/// AS1 (client `range`) and AS6 (server `range`): take each topic's subscribers in ST1 order.
/// The first n mod m get ⌊n/m⌋+1 partitions, the rest ⌊n/m⌋, as contiguous ranges from 0.
/// Both ignore what members owned.
fn range(ordered: &[Member<'_>], topics: &BTreeMap<String, u32>) -> Assignment {
    let mut out = empty_assignment(ordered);
    for (topic, &count) in topics {
        let subscribers: Vec<&str> = ordered
            .iter()
            .filter(|m| m.subscribes(topic))
            .map(|m| m.id)
            .collect();
        for (member, partitions) in subscribers
            .iter()
            .zip(contiguous_ranges(count, subscribers.len()))
        {
            if let Some(list) = out.get_mut(*member) {
                list.extend(partitions.map(|p| TopicPartition::new(topic.as_str(), p)));
            }
        }
    }
    sorted(out)
}

/// AS1/AS6: `n` partitions split into `m` contiguous ranges, the first n mod m one longer.
fn contiguous_ranges(n: u32, m: usize) -> Vec<Range<u32>> {
    if m == 0 {
        return Vec::new();
    }
    let m = u32::try_from(m).expect("fewer than 2^32 members");
    let (q, r) = (n / m, n % m);
    let mut start = 0;
    (0..m)
        .map(|i| {
            let end = start + q + u32::from(i < r);
            let range = start..end;
            start = end;
            range
        })
        .collect()
}

/// AS2: all partitions, with topics in name order and partitions ascending. They are dealt in a
/// circle over the members in ST1 order, skipping members not subscribed to the partition's
/// topic (RoundRobinAssignor's CircularIterator).
fn round_robin(ordered: &[Member<'_>], topics: &BTreeMap<String, u32>) -> Assignment {
    let mut out = empty_assignment(ordered);
    let mut next = 0;
    for (topic, &count) in topics {
        if !ordered.iter().any(|m| m.subscribes(topic)) {
            continue; // Also guarantees the skip loop below ends.
        }
        for partition in 0..count {
            while !ordered[next].subscribes(topic) {
                next = (next + 1) % ordered.len();
            }
            if let Some(list) = out.get_mut(ordered[next].id) {
                list.push(TopicPartition::new(topic.as_str(), partition));
            }
            next = (next + 1) % ordered.len();
        }
    }
    sorted(out)
}

/// AS3 step 1: each member's valid owned partitions, and the double claims.
struct Ownership<'a> {
    /// Every member, in member-id order, with the partitions it may keep.
    owned: BTreeMap<&'a str, BTreeSet<TopicPartition>>,
    /// Partitions claimed twice in the same generation: nobody keeps them.
    doubly_claimed: BTreeSet<TopicPartition>,
}

/// AS3 step 1 (`AbstractStickyAssignor.allSubscriptionsEqual`, in member-id order). A partition
/// claimed in two generations goes to the higher one. One claimed twice in the same generation
/// is dropped from both. A member's own repeats are deduplicated first: Kafka would count a
/// repeat as a double claim and drop the partition.
fn resolve_ownership<'a>(
    specs: &[&'a MemberSpec],
    topics: &BTreeMap<String, u32>,
) -> Ownership<'a> {
    let mut owned: BTreeMap<&'a str, BTreeSet<TopicPartition>> = specs
        .iter()
        .map(|&m| (m.member_id.as_str(), BTreeSet::new()))
        .collect();
    let mut claims: BTreeMap<TopicPartition, (&'a str, i32)> = BTreeMap::new();
    let mut doubly_claimed = BTreeSet::new();
    for &m in specs {
        let me = m.member_id.as_str();
        let mine: BTreeSet<&TopicPartition> = m
            .owned
            .iter()
            .filter(|p| is_valid(&m.topics, p, topics))
            .collect();
        for p in mine {
            match claims.get(p).copied() {
                None => {}
                Some((other, generation)) if generation == m.generation => {
                    doubly_claimed.insert(p.clone());
                    if let Some(set) = owned.get_mut(other) {
                        set.remove(p);
                    }
                    claims.insert(p.clone(), (me, m.generation));
                    continue;
                }
                Some((other, generation)) if m.generation > generation => {
                    if let Some(set) = owned.get_mut(other) {
                        set.remove(p);
                    }
                }
                Some(_) => continue, // The earlier claim is from a higher generation.
            }
            if let Some(set) = owned.get_mut(me) {
                set.insert(p.clone());
            }
            claims.insert(p.clone(), (me, m.generation));
        }
    }
    Ownership {
        owned,
        doubly_claimed,
    }
}

/// AS3 steps 2–6: Kafka's ConstrainedAssignmentBuilder, without its rack-aware pass.
struct Constrained<'a> {
    min_q: usize,
    max_q: usize,
    expected_over: usize,
    over: usize,
    assignment: BTreeMap<&'a str, Vec<TopicPartition>>,
    /// Partitions a member owned but did not keep (step 3), with that member.
    maybe_revoked: BTreeMap<TopicPartition, &'a str>,
    doubly_claimed: BTreeSet<TopicPartition>,
    /// Members below minQ, and the round-robin cursor over them (step 5).
    under_min: Vec<&'a str>,
    cursor: usize,
    /// Members at exactly minQ that may still take one more (FIFO).
    exact_min: VecDeque<&'a str>,
    transferring: BTreeMap<TopicPartition, String>,
}

/// AS3 steps 2–6 for equal subscriptions; `all` is every subscribed partition, topics ascending.
fn constrained(ownership: Ownership<'_>, all: Vec<TopicPartition>) -> StickyOutcome {
    let Ownership {
        owned,
        doubly_claimed,
    } = ownership;
    let (n, m) = (all.len(), owned.len());
    // Step 2.
    let mut builder = Constrained {
        min_q: n / m,
        max_q: n.div_ceil(m),
        expected_over: n % m,
        over: 0,
        assignment: BTreeMap::new(),
        maybe_revoked: BTreeMap::new(),
        doubly_claimed,
        under_min: Vec::new(),
        cursor: 0,
        exact_min: VecDeque::new(),
        transferring: BTreeMap::new(),
    };
    for (member, claims) in owned {
        builder.keep_owned(member, claims);
    }
    let unassigned = builder.unassigned(all);
    builder.under_min.sort_unstable();
    builder.exact_min.make_contiguous().sort_unstable();
    for partition in unassigned {
        builder.assign_next(partition);
    }
    builder.finish()
}

impl<'a> Constrained<'a> {
    /// AS3 step 3: keep all (under minQ), maxQ (while `over < expectedOver`) or minQ owned
    /// partitions, sorted by (partition number, topic). The rest are "maybe revoked".
    fn keep_owned(&mut self, member: &'a str, claims: BTreeSet<TopicPartition>) {
        let mut owned: Vec<TopicPartition> = claims
            .into_iter()
            .filter(|p| !self.doubly_claimed.contains(p))
            .collect();
        owned.sort_by(|a, b| (a.partition, &a.topic).cmp(&(b.partition, &b.topic)));
        let keep = if owned.len() < self.min_q {
            self.under_min.push(member);
            owned.len()
        } else if owned.len() >= self.max_q && self.over < self.expected_over {
            self.over += 1;
            if self.over == self.expected_over {
                self.exact_min.clear();
            }
            self.max_q
        } else {
            if self.over < self.expected_over {
                self.exact_min.push_back(member);
            }
            self.min_q
        };
        for p in owned.split_off(keep) {
            self.maybe_revoked.insert(p, member);
        }
        self.assignment.insert(member, owned);
    }

    /// AS3 step 4: every partition not kept, topics ascending, then partitions ascending.
    fn unassigned(&self, all: Vec<TopicPartition>) -> Vec<TopicPartition> {
        let kept: BTreeSet<&TopicPartition> = self.assignment.values().flatten().collect();
        all.into_iter().filter(|p| !kept.contains(p)).collect()
    }

    /// AS3 step 5. Reaching minQ moves an under-min member to the tail of exact-min; reaching
    /// maxQ (≠ minQ) counts one more member over minQ.
    fn assign_next(&mut self, partition: TopicPartition) {
        let (member, from_under_min) = self.next_member();
        let count = self.give(partition, member);
        if from_under_min && count == self.min_q {
            self.cursor -= 1;
            self.under_min.remove(self.cursor);
            self.exact_min.push_back(member);
        } else if count == self.max_q {
            self.over += 1;
        }
    }

    /// AS3 step 5: the next under-min member, cycling; when none is left, the head of exact-min.
    fn next_member(&mut self) -> (&'a str, bool) {
        if self.cursor >= self.under_min.len() {
            self.cursor = 0;
        }
        if let Some(&member) = self.under_min.get(self.cursor) {
            self.cursor += 1;
            return (member, true);
        }
        // Unreachable: the quotas add up to N exactly (Kafka throws IllegalStateException).
        let member = self
            .exact_min
            .pop_front()
            .expect("AS3: quotas cover every partition");
        (member, false)
    }

    /// AS3 step 6: a partition taken from another member, or double-claimed, is transferring.
    fn give(&mut self, partition: TopicPartition, member: &'a str) -> usize {
        let moved = self
            .maybe_revoked
            .get(&partition)
            .is_some_and(|&from| from != member);
        if moved || self.doubly_claimed.contains(&partition) {
            self.transferring
                .insert(partition.clone(), member.to_string());
        }
        let list = self.assignment.entry(member).or_default();
        list.push(partition);
        list.len()
    }

    fn finish(self) -> StickyOutcome {
        let assignment = self
            .assignment
            .into_iter()
            .map(|(m, list)| (m.to_string(), list))
            .collect();
        StickyOutcome {
            assignment: sorted(assignment),
            transferring: self.transferring,
        }
    }
}

/// Not AS3: the stand-in for GeneralAssignmentBuilder (module doc). Transfers are what Kafka's
/// `computePartitionsTransferringOwnership` finds: partitions added to one member and revoked
/// from another.
fn sticky_unequal(
    specs: &[&MemberSpec],
    ownership: Ownership<'_>,
    topics: &BTreeMap<String, u32>,
) -> StickyOutcome {
    let Ownership {
        owned,
        doubly_claimed,
    } = ownership;
    let kept: BTreeMap<&str, Vec<TopicPartition>> = owned
        .into_iter()
        .map(|(member, claims)| {
            (
                member,
                claims
                    .into_iter()
                    .filter(|p| !doubly_claimed.contains(p))
                    .collect(),
            )
        })
        .collect();
    let views: Vec<Member<'_>> = specs.iter().map(|&m| Member::client(m)).collect();
    let assignment = keep_then_fill(&views, &kept, topics);
    let transferring = added_and_revoked(specs, &assignment);
    StickyOutcome {
        assignment,
        transferring,
    }
}

/// CooperativeStickyAssignor.computePartitionsTransferringOwnership: a partition new to its
/// owner that some member had in `owned` and lost.
fn added_and_revoked(
    specs: &[&MemberSpec],
    assignment: &Assignment,
) -> BTreeMap<TopicPartition, String> {
    let empty: Vec<TopicPartition> = Vec::new();
    let mut added = BTreeMap::new();
    let mut revoked = BTreeSet::new();
    for &m in specs {
        let got = assignment.get(&m.member_id).unwrap_or(&empty);
        for p in got {
            if !m.owned.contains(p) {
                added.insert(p.clone(), m.member_id.clone());
            }
        }
        for p in &m.owned {
            if !got.contains(p) {
                revoked.insert(p.clone());
            }
        }
    }
    added.retain(|p, _| revoked.contains(p));
    added
}

/// AS5: `uniform`. Homogeneous subscriptions use UniformHomogeneousAssignmentBuilder. Others
/// use the stand-in (module doc).
fn uniform(members: &[ServerMemberSpec], topics: &BTreeMap<String, u32>) -> Assignment {
    let mut specs: Vec<&ServerMemberSpec> = members.iter().collect();
    specs.sort_by(|a, b| a.member_id.cmp(&b.member_id)); // §0: canonical, not HashMap, order.
    let Some(first) = specs.first() else {
        return Assignment::new();
    };
    let previous = resolve_previous(&specs, topics);
    let subscription = existing_topics(first, topics);
    if specs
        .iter()
        .all(|&m| same_topics(&existing_topics(m, topics), &subscription))
    {
        uniform_homogeneous(previous, partitions_of(&subscription, topics))
    } else {
        let views: Vec<Member<'_>> = specs.iter().map(|&m| Member::server(m)).collect();
        keep_then_fill(&views, &previous, topics)
    }
}

/// The subscribed topics that exist. KIP-848 compares subscriptions as topic ids, so a topic
/// without metadata does not make a group heterogeneous.
fn existing_topics(member: &ServerMemberSpec, topics: &BTreeMap<String, u32>) -> Vec<String> {
    member
        .topics
        .iter()
        .filter(|t| topics.contains_key(*t))
        .cloned()
        .collect()
}

/// Each member's valid previous partitions, ascending. If a partition is listed twice (never in
/// a real target assignment), the first member in id order keeps it, so that AS7 holds.
fn resolve_previous<'a>(
    specs: &[&'a ServerMemberSpec],
    topics: &BTreeMap<String, u32>,
) -> BTreeMap<&'a str, Vec<TopicPartition>> {
    let mut taken: BTreeSet<&TopicPartition> = BTreeSet::new();
    let mut previous = BTreeMap::new();
    for &m in specs {
        let mine: BTreeSet<&'a TopicPartition> = m
            .assigned
            .iter()
            .filter(|p| is_valid(&m.topics, p, topics))
            .collect();
        let mut kept = Vec::new();
        for p in mine {
            if taken.insert(p) {
                kept.push(p.clone());
            }
        }
        previous.insert(m.member_id.as_str(), kept);
    }
    previous
}

/// AS5, homogeneous, 4.1+ (KAFKA-18688, PR #19677):
/// * minQ = ⌊N/M⌋, extra = N mod M. Unassigned starts as the partitions nobody held; the ones a
///   member cannot keep are appended.
/// * Per member, tentative quota minQ+1 while `extra > 0`; keep previous partitions up to it.
///   Keeping minQ+1 claims an extra (`extra -= 1`); otherwise the tentative extra is returned.
/// * Unfilled: quota left, or `extra > 0` and no extra claimed. The last `extra` unfilled members
///   (walking from the end) get +1, then the unfilled ones fill in forward order.
///
/// This equals the newer UHAB.maybeRevokePartitions: a member that does not fill gives up the
/// extra "unless it is one of the last remainingMembersToGetAnExtraPartition members". 4.0
/// differs: quota minQ+1 goes to the first `extra` members in order whatever they held. So a
/// balanced previous assignment could still move.
fn uniform_homogeneous(
    previous: BTreeMap<&str, Vec<TopicPartition>>,
    all: Vec<TopicPartition>,
) -> Assignment {
    let (n, m) = (all.len(), previous.len());
    let min_q = n / m;
    let mut extra = n % m;
    let mut unassigned: Vec<TopicPartition> = {
        let held: BTreeSet<&TopicPartition> = previous.values().flatten().collect();
        all.into_iter().filter(|p| !held.contains(p)).collect()
    };
    let mut out = Assignment::new();
    let mut unfilled: Vec<(&str, usize)> = Vec::new();
    for (member, mut kept) in previous {
        let tentative = min_q + usize::from(extra > 0);
        let keep = kept.len().min(tentative);
        unassigned.extend(kept.split_off(keep));
        let claimed = extra > 0 && kept.len() > min_q;
        if claimed {
            extra -= 1;
        }
        let left = min_q.saturating_sub(kept.len());
        if left > 0 || (extra > 0 && !claimed) {
            unfilled.push((member, left));
        }
        out.insert(member.to_string(), kept);
    }
    for slot in unfilled.iter_mut().rev().take(extra) {
        slot.1 += 1;
    }
    let mut rest = unassigned.into_iter();
    for (member, quota) in unfilled {
        if let Some(list) = out.get_mut(member) {
            list.extend(rest.by_ref().take(quota));
        }
    }
    let leftover = rest.count();
    debug_assert_eq!(leftover, 0, "AS7: UHAB's 'Partitions were left unassigned'");
    sorted(out)
}

/// Not a Kafka algorithm: the stand-in for unequal subscriptions (module doc). Members keep
/// `kept`. Each other partition goes to its least-loaded subscriber, ties to the first in
/// `order`.
fn keep_then_fill(
    order: &[Member<'_>],
    kept: &BTreeMap<&str, Vec<TopicPartition>>,
    topics: &BTreeMap<String, u32>,
) -> Assignment {
    let held: BTreeSet<&TopicPartition> = kept.values().flatten().collect();
    let mut out: Assignment = order
        .iter()
        .map(|m| {
            (
                m.id.to_string(),
                kept.get(m.id).cloned().unwrap_or_default(),
            )
        })
        .collect();
    for (topic, &count) in topics {
        for partition in 0..count {
            let p = TopicPartition::new(topic.as_str(), partition);
            if held.contains(&p) {
                continue;
            }
            let least = order
                .iter()
                .filter(|m| m.subscribes(topic))
                .min_by_key(|m| out.get(m.id).map_or(0, Vec::len));
            if let Some(list) = least.and_then(|m| out.get_mut(m.id)) {
                list.push(p);
            }
        }
    }
    sorted(out)
}

/// Whether a member may hold `p`: it subscribes to the topic, and the partition exists.
fn is_valid(subscription: &[String], p: &TopicPartition, topics: &BTreeMap<String, u32>) -> bool {
    subscription.contains(&p.topic) && topics.get(&p.topic).is_some_and(|&n| p.partition < n)
}

/// The partitions of the subscribed topics that exist: topics ascending, then partitions ascending.
fn partitions_of(subscription: &[String], topics: &BTreeMap<String, u32>) -> Vec<TopicPartition> {
    let mut all = Vec::new();
    for (topic, &count) in topics {
        if subscription.contains(topic) {
            all.extend((0..count).map(|p| TopicPartition::new(topic.as_str(), p)));
        }
    }
    all
}

fn same_topics(a: &[String], b: &[String]) -> bool {
    a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
}

fn empty_assignment(members: &[Member<'_>]) -> Assignment {
    members
        .iter()
        .map(|m| (m.id.to_string(), Vec::new()))
        .collect()
}

fn sorted(mut assignment: Assignment) -> Assignment {
    for list in assignment.values_mut() {
        list.sort();
    }
    assignment
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(topic: &str, partition: u32) -> TopicPartition {
        TopicPartition::new(topic, partition)
    }

    fn tps(topic: &str, partitions: &[u32]) -> Vec<TopicPartition> {
        partitions.iter().map(|&p| tp(topic, p)).collect()
    }

    fn metadata(list: &[(&str, u32)]) -> BTreeMap<String, u32> {
        list.iter().map(|&(t, n)| (t.to_string(), n)).collect()
    }

    fn member(id: &str, topics: &[&str]) -> MemberSpec {
        MemberSpec {
            member_id: id.to_string(),
            instance_id: None,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            owned: Vec::new(),
            generation: -1,
        }
    }

    fn owning(
        id: &str,
        topics: &[&str],
        owned: Vec<TopicPartition>,
        generation: i32,
    ) -> MemberSpec {
        MemberSpec {
            owned,
            generation,
            ..member(id, topics)
        }
    }

    fn static_member(id: &str, instance: &str, topics: &[&str]) -> MemberSpec {
        MemberSpec {
            instance_id: Some(instance.to_string()),
            ..member(id, topics)
        }
    }

    fn to_server(m: &MemberSpec) -> ServerMemberSpec {
        ServerMemberSpec {
            member_id: m.member_id.clone(),
            instance_id: m.instance_id.clone(),
            topics: m.topics.clone(),
            assigned: m.owned.clone(),
        }
    }

    fn server(id: &str, topics: &[&str], assigned: Vec<TopicPartition>) -> ServerMemberSpec {
        to_server(&owning(id, topics, assigned, 1))
    }

    fn expected(list: &[(&str, Vec<TopicPartition>)]) -> Assignment {
        list.iter()
            .map(|(id, partitions)| (id.to_string(), partitions.clone()))
            .collect()
    }

    #[test]
    fn names_round_trip_and_cl10_protocols() {
        assert_eq!(
            Assignor::ALL.map(Assignor::name),
            ["range", "roundrobin", "sticky", "cooperative-sticky"]
        );
        assert_eq!(
            ServerAssignor::ALL.map(ServerAssignor::name),
            ["uniform", "range"]
        );
        for a in Assignor::ALL {
            assert_eq!(Assignor::from_name(a.name()), Some(a));
        }
        for a in ServerAssignor::ALL {
            assert_eq!(ServerAssignor::from_name(a.name()), Some(a));
        }
        assert_eq!(Assignor::from_name("Range"), None);
        assert_eq!(
            Assignor::ALL.map(Assignor::supports_cooperative),
            [false, false, false, true]
        );
    }

    #[test]
    fn as1_range_example() {
        let members = [member("c0", &["t0", "t1"]), member("c1", &["t0", "t1"])];
        let got = assign(
            Assignor::Range,
            &members,
            &metadata(&[("t0", 3), ("t1", 3)]),
        );
        let c0 = [tps("t0", &[0, 1]), tps("t1", &[0, 1])].concat();
        assert_eq!(
            got,
            expected(&[("c0", c0), ("c1", vec![tp("t0", 2), tp("t1", 2)])])
        );
    }

    #[test]
    fn as2_roundrobin_example_and_skip() {
        let topics = metadata(&[("t0", 3), ("t1", 3)]);
        let members = [member("c0", &["t0", "t1"]), member("c1", &["t0", "t1"])];
        let got = assign(Assignor::RoundRobin, &members, &topics);
        let c0 = vec![tp("t0", 0), tp("t0", 2), tp("t1", 1)];
        let c1 = vec![tp("t0", 1), tp("t1", 0), tp("t1", 2)];
        assert_eq!(got, expected(&[("c0", c0), ("c1", c1)]));
        // c0 does not subscribe to t1, so the circle skips it there.
        let members = [member("c0", &["t0"]), member("c1", &["t0", "t1"])];
        let got = assign(
            Assignor::RoundRobin,
            &members,
            &metadata(&[("t0", 2), ("t1", 2)]),
        );
        let c1 = vec![tp("t0", 1), tp("t1", 0), tp("t1", 1)];
        assert_eq!(got, expected(&[("c0", tps("t0", &[0])), ("c1", c1)]));
    }

    #[test]
    fn st1_static_members_sort_first_by_instance_id() {
        let members = [
            member("a", &["t"]),
            static_member("b", "z", &["t"]),
            static_member("c", "y", &["t"]),
        ];
        let want = expected(&[
            ("a", tps("t", &[2])),
            ("b", tps("t", &[1])),
            ("c", tps("t", &[0])),
        ]);
        let topics = metadata(&[("t", 3)]);
        assert_eq!(assign(Assignor::Range, &members, &topics), want);
        assert_eq!(assign(Assignor::RoundRobin, &members, &topics), want);
        let servers: Vec<ServerMemberSpec> = members.iter().map(to_server).collect();
        assert_eq!(
            assign_server(ServerAssignor::Range, &servers, &topics),
            want
        );
    }

    #[test]
    fn as4_sticky_and_cooperative_sticky() {
        let topics = metadata(&[("t", 4)]);
        let members = [
            owning("c1", &["t"], tps("t", &[0, 1, 2, 3]), 1),
            member("c2", &["t"]),
        ];
        let outcome = sticky_with_transfers(&members, &topics);
        assert_eq!(
            outcome.assignment,
            expected(&[("c1", tps("t", &[0, 1])), ("c2", tps("t", &[2, 3]))])
        );
        let moving = [
            (tp("t", 2), "c2".to_string()),
            (tp("t", 3), "c2".to_string()),
        ];
        assert_eq!(outcome.transferring, BTreeMap::from(moving));
        assert_eq!(
            assign(Assignor::Sticky, &members, &topics),
            outcome.assignment
        );
        let cooperative = assign(Assignor::CooperativeSticky, &members, &topics);
        assert_eq!(
            cooperative,
            expected(&[("c1", tps("t", &[0, 1])), ("c2", vec![])])
        );
        // The next rebalance: c1 has revoked t-2 and t-3, so c2 gets them.
        let members = [
            owning("c1", &["t"], tps("t", &[0, 1]), 2),
            owning("c2", &["t"], vec![], 2),
        ];
        let outcome = sticky_with_transfers(&members, &topics);
        assert!(outcome.transferring.is_empty());
        assert_eq!(
            outcome.without_transferring(),
            expected(&[("c1", tps("t", &[0, 1])), ("c2", tps("t", &[2, 3]))])
        );
    }

    #[test]
    fn as3_step1_higher_generation_wins_and_same_generation_drops_both() {
        let topics = metadata(&[("t", 2)]);
        let members = [
            owning("c1", &["t"], tps("t", &[0, 1]), 2),
            owning("c2", &["t"], tps("t", &[0]), 1),
        ];
        let outcome = sticky_with_transfers(&members, &topics);
        assert_eq!(
            outcome.assignment,
            expected(&[("c1", tps("t", &[0])), ("c2", tps("t", &[1]))])
        );
        assert_eq!(
            outcome.transferring,
            BTreeMap::from([(tp("t", 1), "c2".to_string())])
        );
        // Same generation: t-0 is dropped from both and is transferring wherever it lands.
        let members = [
            owning("c1", &["t"], tps("t", &[0]), 1),
            owning("c2", &["t"], tps("t", &[0]), 1),
        ];
        let outcome = sticky_with_transfers(&members, &topics);
        assert_eq!(
            outcome.assignment,
            expected(&[("c1", tps("t", &[0])), ("c2", tps("t", &[1]))])
        );
        assert_eq!(
            outcome.transferring,
            BTreeMap::from([(tp("t", 0), "c1".to_string())])
        );
        assert_eq!(
            outcome.without_transferring(),
            expected(&[("c1", vec![]), ("c2", tps("t", &[1]))])
        );
    }

    #[test]
    fn as3_step3_keeps_lowest_partition_numbers_across_topics() {
        let topics = metadata(&[("t0", 2), ("t1", 2)]);
        let all = [tps("t0", &[0, 1]), tps("t1", &[0, 1])].concat();
        let members = [
            owning("c1", &["t0", "t1"], all, 1),
            member("c2", &["t0", "t1"]),
        ];
        let got = assign(Assignor::Sticky, &members, &topics);
        let want = expected(&[
            ("c1", vec![tp("t0", 0), tp("t1", 0)]),
            ("c2", vec![tp("t0", 1), tp("t1", 1)]),
        ]);
        assert_eq!(got, want);
    }

    #[test]
    fn as3_quotas_with_members_over_min() {
        let topics = metadata(&[("t", 5)]);
        // Fresh: under-min round robin, then the exact-min head takes the last one.
        let fresh = assign(
            Assignor::Sticky,
            &[member("c1", &["t"]), member("c2", &["t"])],
            &topics,
        );
        assert_eq!(
            fresh,
            expected(&[("c1", tps("t", &[0, 2, 4])), ("c2", tps("t", &[1, 3]))])
        );
        // minQ 1, maxQ 2, expectedOver 2: c1 and c2 keep two each; c3 gets c1's t-2.
        let members = [
            owning("c1", &["t"], tps("t", &[0, 1, 2]), 1),
            owning("c2", &["t"], tps("t", &[3, 4]), 1),
            member("c3", &["t"]),
        ];
        let outcome = sticky_with_transfers(&members, &topics);
        let want = expected(&[
            ("c1", tps("t", &[0, 1])),
            ("c2", tps("t", &[3, 4])),
            ("c3", tps("t", &[2])),
        ]);
        assert_eq!(outcome.assignment, want);
        assert_eq!(
            outcome.transferring,
            BTreeMap::from([(tp("t", 2), "c3".to_string())])
        );
    }

    #[test]
    fn gs1_gs3_gs7_classic_range() {
        let two = [member("m1", &["t"]), member("m2", &["t"])];
        let got = assign(Assignor::Range, &two, &metadata(&[("t", 4)]));
        assert_eq!(
            got,
            expected(&[("m1", tps("t", &[0, 1])), ("m2", tps("t", &[2, 3]))])
        );
        let got = assign(Assignor::Range, &two[..1], &metadata(&[("t", 4)]));
        assert_eq!(got, expected(&[("m1", tps("t", &[0, 1, 2, 3]))]));
        let got = assign(Assignor::Range, &two, &metadata(&[("t", 6)]));
        assert_eq!(
            got,
            expected(&[("m1", tps("t", &[0, 1, 2])), ("m2", tps("t", &[3, 4, 5]))])
        );
    }

    #[test]
    fn gs2_gs3_gs7_uniform() {
        let topics = metadata(&[("t", 4)]);
        let joined = [
            server("A", &["t"], tps("t", &[0, 1, 2, 3])),
            server("B", &["t"], vec![]),
        ];
        let got = assign_server(ServerAssignor::Uniform, &joined, &topics);
        assert_eq!(
            got,
            expected(&[("A", tps("t", &[0, 1])), ("B", tps("t", &[2, 3]))])
        );
        let alone = [server("A", &["t"], tps("t", &[0, 1]))];
        let got = assign_server(ServerAssignor::Uniform, &alone, &topics);
        assert_eq!(got, expected(&[("A", tps("t", &[0, 1, 2, 3]))]));
        let grown = [
            server("A", &["t"], tps("t", &[0, 1])),
            server("B", &["t"], tps("t", &[2, 3])),
        ];
        let got = assign_server(ServerAssignor::Uniform, &grown, &metadata(&[("t", 6)]));
        assert_eq!(
            got,
            expected(&[("A", tps("t", &[0, 1, 4])), ("B", tps("t", &[2, 3, 5]))])
        );
    }

    #[test]
    fn as5_balanced_previous_assignment_is_kept_whatever_the_order() {
        // 4.0 would give A (first) quota 3 and move t-4 from B to A.
        let members = [
            server("A", &["t"], tps("t", &[0, 1])),
            server("B", &["t"], tps("t", &[2, 3, 4])),
        ];
        let got = assign_server(ServerAssignor::Uniform, &members, &metadata(&[("t", 5)]));
        assert_eq!(
            got,
            expected(&[("A", tps("t", &[0, 1])), ("B", tps("t", &[2, 3, 4]))])
        );
    }

    #[test]
    fn as5_leftover_extra_goes_to_the_last_unfilled_member() {
        let members = [
            server("A", &["t"], vec![]),
            server("B", &["t"], tps("t", &[0])),
            server("C", &["t"], tps("t", &[1])),
        ];
        let got = assign_server(ServerAssignor::Uniform, &members, &metadata(&[("t", 4)]));
        assert_eq!(
            got,
            expected(&[
                ("A", tps("t", &[2])),
                ("B", tps("t", &[0])),
                ("C", tps("t", &[1, 3]))
            ])
        );
        // A member that keeps minQ+1 claims the extra; the excess goes to the newcomer.
        let members = [
            server("A", &["t"], tps("t", &[0, 1, 2, 3, 4])),
            server("B", &["t"], vec![]),
        ];
        let got = assign_server(ServerAssignor::Uniform, &members, &metadata(&[("t", 5)]));
        assert_eq!(
            got,
            expected(&[("A", tps("t", &[0, 1, 2])), ("B", tps("t", &[3, 4]))])
        );
    }

    #[test]
    fn as6_server_range_co_partitions_and_ignores_the_previous_assignment() {
        let all = [tps("t0", &[0, 1, 2]), tps("t1", &[0, 1, 2])].concat();
        let mut b = server("b", &["t0", "t1"], vec![]);
        b.instance_id = Some("i1".to_string());
        let members = [server("a", &["t0", "t1"], all), b];
        let got = assign_server(
            ServerAssignor::Range,
            &members,
            &metadata(&[("t0", 3), ("t1", 3)]),
        );
        let b_gets = [tps("t0", &[0, 1]), tps("t1", &[0, 1])].concat();
        assert_eq!(
            got,
            expected(&[("a", vec![tp("t0", 2), tp("t1", 2)]), ("b", b_gets)])
        );
    }

    /// Members m1..=mN; odd ones are static (instance `i{k}`), so ST1 mixes both kinds. Topic
    /// `t{k}` has `partitions + k` partitions; with `unequal`, even members skip t1.
    fn generated(
        n: usize,
        partitions: u32,
        topic_count: u32,
        unequal: bool,
    ) -> (Vec<MemberSpec>, BTreeMap<String, u32>) {
        let topics: BTreeMap<String, u32> = (0..topic_count)
            .map(|k| (format!("t{k}"), partitions + k))
            .collect();
        let members = (1..=n)
            .map(|k| MemberSpec {
                member_id: format!("m{k}"),
                instance_id: (k % 2 == 1).then(|| format!("i{k}")),
                topics: topics
                    .keys()
                    .filter(|t| !(unequal && k % 2 == 0 && t.as_str() == "t1"))
                    .cloned()
                    .collect(),
                owned: Vec::new(),
                generation: -1,
            })
            .collect();
        (members, topics)
    }

    /// The next generation: members report what they got (generation 1), `m0` joins, and with
    /// `leave` `m1` leaves.
    fn successor(members: &[MemberSpec], got: &Assignment, leave: bool) -> Vec<MemberSpec> {
        let mut next: Vec<MemberSpec> = members
            .iter()
            .filter(|m| !(leave && m.member_id == "m1"))
            .map(|m| MemberSpec {
                owned: got[&m.member_id].clone(),
                generation: 1,
                ..m.clone()
            })
            .collect();
        let mut newcomer = member("m0", &[]);
        newcomer.topics = members[0].topics.clone();
        next.push(newcomer);
        next
    }

    /// AS7: each subscribed partition exactly once, only to subscribers; lists sorted.
    fn assert_as7(
        label: &str,
        members: &[MemberSpec],
        topics: &BTreeMap<String, u32>,
        got: &Assignment,
    ) {
        let ids: BTreeSet<&String> = members.iter().map(|m| &m.member_id).collect();
        assert_eq!(
            got.keys().collect::<BTreeSet<_>>(),
            ids,
            "{label}: every member present"
        );
        let mut seen = BTreeSet::new();
        for m in members {
            let list = &got[&m.member_id];
            assert!(
                list.windows(2).all(|w| w[0] < w[1]),
                "{label}: {} sorted",
                m.member_id
            );
            for p in list {
                assert!(
                    m.topics.contains(&p.topic),
                    "{label}: {} got {p} unsubscribed",
                    m.member_id
                );
                assert!(seen.insert(p.clone()), "{label}: {p} assigned twice");
            }
        }
        let mut subscribed = BTreeSet::new();
        for (topic, &count) in topics {
            if members.iter().any(|m| m.topics.contains(topic)) {
                subscribed.extend((0..count).map(|p| tp(topic, p)));
            }
        }
        assert_eq!(seen, subscribed, "{label}: AS7");
    }

    fn assert_balanced(label: &str, got: &Assignment) {
        let min = got.values().map(Vec::len).min().unwrap_or(0);
        let max = got.values().map(Vec::len).max().unwrap_or(0);
        assert!(max - min <= 1, "{label}: sizes {min}..={max}");
    }

    /// Each member keeps at least min(|owned|, minQ) of what it owned.
    fn assert_sticky(label: &str, members: &[MemberSpec], got: &Assignment) {
        let total: usize = got.values().map(Vec::len).sum();
        let min_q = total / members.len();
        for m in members {
            let kept = m
                .owned
                .iter()
                .filter(|p| got[&m.member_id].contains(p))
                .count();
            assert!(
                kept >= m.owned.len().min(min_q),
                "{label}: {} kept {kept} of {}",
                m.member_id,
                m.owned.len()
            );
        }
    }

    /// The partitions whose owner (from `owned`) is present and is not their new owner.
    fn moved(members: &[MemberSpec], got: &Assignment) -> BTreeMap<TopicPartition, String> {
        let mut owner = BTreeMap::new();
        for (id, list) in got {
            for p in list {
                owner.insert(p, id);
            }
        }
        let mut moved = BTreeMap::new();
        for m in members {
            for p in &m.owned {
                if let Some(&new) = owner.get(p) {
                    if *new != m.member_id {
                        moved.insert(p.clone(), new.clone());
                    }
                }
            }
        }
        moved
    }

    fn check_client(
        assignor: Assignor,
        label: &str,
        members: &[MemberSpec],
        topics: &BTreeMap<String, u32>,
        equal: bool,
    ) -> Assignment {
        let got = assign(assignor, members, topics);
        if matches!(assignor, Assignor::Range | Assignor::RoundRobin) {
            assert_as7(label, members, topics, &got);
            return got;
        }
        let outcome = sticky_with_transfers(members, topics);
        assert_as7(label, members, topics, &outcome.assignment);
        assert_eq!(
            outcome.transferring,
            moved(members, &outcome.assignment),
            "{label}: AS3 step 6"
        );
        let want = if assignor == Assignor::Sticky {
            outcome.assignment.clone()
        } else {
            outcome.without_transferring()
        };
        assert_eq!(got, want, "{label}: AS3 step 7");
        if equal {
            assert_balanced(label, &outcome.assignment);
            assert_sticky(label, members, &outcome.assignment);
        }
        outcome.assignment
    }

    #[test]
    fn as7_balance_and_stickiness_over_generated_groups() {
        for n in 1..=5 {
            for partitions in 1..=12 {
                for topic_count in 1..=2 {
                    for unequal in [false, true] {
                        let (members, topics) = generated(n, partitions, topic_count, unequal);
                        let case =
                            format!("n={n} p={partitions} topics={topic_count} unequal={unequal}");
                        for assignor in Assignor::ALL {
                            let label = format!("{} {case}", assignor.name());
                            let first = check_client(assignor, &label, &members, &topics, !unequal);
                            for leave in [false, true] {
                                let next = successor(&members, &first, leave);
                                check_client(
                                    assignor,
                                    &format!("{label} leave={leave}"),
                                    &next,
                                    &topics,
                                    !unequal,
                                );
                            }
                        }
                        for assignor in ServerAssignor::ALL {
                            let label = format!("server {} {case}", assignor.name());
                            let servers: Vec<ServerMemberSpec> =
                                members.iter().map(to_server).collect();
                            let first = assign_server(assignor, &servers, &topics);
                            assert_as7(&label, &members, &topics, &first);
                            if assignor == ServerAssignor::Uniform && !unequal {
                                assert_balanced(&label, &first);
                            }
                            for leave in [false, true] {
                                let next = successor(&members, &first, leave);
                                let servers: Vec<ServerMemberSpec> =
                                    next.iter().map(to_server).collect();
                                let got = assign_server(assignor, &servers, &topics);
                                assert_as7(&label, &next, &topics, &got);
                                if assignor == ServerAssignor::Uniform && !unequal {
                                    assert_balanced(&label, &got);
                                    assert_sticky(&label, &next, &got);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
