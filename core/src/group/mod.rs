//! Consumer groups (`../shared/PROTOCOL-GROUPS.md`): where a group's coordinator lives, and the
//! assignors, the classic group's state machine. Each rule is named where it is implemented
//! (CP…, CL…, ST…, AS…).
//!
//! What is here so far: coordinator placement (CP1, [`partition_for`]) and every built-in
//! assignor ([`assignor`]: AS1–AS7, ST1 order), and the classic group's coordinator state
//! machine ([`classic`]: CL1–CL9, ST2, CP7's replay). The KIP-848 machine, the consumers as
//! clients and `__consumer_offsets` as a topic of the cluster come next (issue 12); the hub will route group requests to this module, not grow them.

pub mod assignor;
pub mod classic;
pub mod client;
pub mod consumer;
pub mod coordinator;
pub mod member;
#[cfg(feature = "groups")]
pub mod invariants;

/// The group coordinator's error codes (§2.7), by Kafka's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum GroupError {
    /// COORDINATOR_LOAD_IN_PROGRESS (14): the coordinator is still replaying the log (CP4).
    CoordinatorLoadInProgress,
    /// COORDINATOR_NOT_AVAILABLE (15).
    CoordinatorNotAvailable,
    /// NOT_COORDINATOR (16).
    NotCoordinator,
    /// ILLEGAL_GENERATION (22).
    IllegalGeneration,
    /// INCONSISTENT_GROUP_PROTOCOL (23).
    InconsistentGroupProtocol,
    /// UNKNOWN_MEMBER_ID (25).
    UnknownMemberId,
    /// INVALID_SESSION_TIMEOUT (26).
    InvalidSessionTimeout,
    /// REBALANCE_IN_PROGRESS (27).
    RebalanceInProgress,
    /// MEMBER_ID_REQUIRED (79).
    MemberIdRequired,
    /// FENCED_INSTANCE_ID (82).
    FencedInstanceId,
    /// INVALID_REQUEST (42): a malformed KIP-848 heartbeat (KC1).
    InvalidRequest,
    /// GROUP_MAX_SIZE_REACHED (81).
    GroupMaxSizeReached,
    /// FENCED_MEMBER_EPOCH (110): the member's epoch is not the coordinator's (KC2).
    FencedMemberEpoch,
    /// UNRELEASED_INSTANCE_ID (111): the instance id is still held by an active member (ST5).
    UnreleasedInstanceId,
    /// UNSUPPORTED_ASSIGNOR (112): a server assignor the coordinator does not have (KC1).
    UnsupportedAssignor,
    /// STALE_MEMBER_EPOCH (113): an OffsetCommit with an epoch that is not current (OC3).
    StaleMemberEpoch,
    /// REQUEST_TIMED_OUT (7): a client gave up after `default.api.timeout.ms` ([`client`]).
    RequestTimedOut,
}

impl GroupError {
    /// Kafka's name and code.
    pub fn name(self) -> &'static str {
        match self {
            GroupError::CoordinatorLoadInProgress => "COORDINATOR_LOAD_IN_PROGRESS",
            GroupError::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            GroupError::NotCoordinator => "NOT_COORDINATOR",
            GroupError::IllegalGeneration => "ILLEGAL_GENERATION",
            GroupError::InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL",
            GroupError::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            GroupError::InvalidSessionTimeout => "INVALID_SESSION_TIMEOUT",
            GroupError::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            GroupError::MemberIdRequired => "MEMBER_ID_REQUIRED",
            GroupError::FencedInstanceId => "FENCED_INSTANCE_ID",
            GroupError::InvalidRequest => "INVALID_REQUEST",
            GroupError::GroupMaxSizeReached => "GROUP_MAX_SIZE_REACHED",
            GroupError::FencedMemberEpoch => "FENCED_MEMBER_EPOCH",
            GroupError::UnreleasedInstanceId => "UNRELEASED_INSTANCE_ID",
            GroupError::UnsupportedAssignor => "UNSUPPORTED_ASSIGNOR",
            GroupError::StaleMemberEpoch => "STALE_MEMBER_EPOCH",
            GroupError::RequestTimedOut => "REQUEST_TIMED_OUT",
        }
    }
}

/// The internal topic that holds every group's metadata and committed offsets.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

/// Java's `String.hashCode`: `h = 31·h + c` over the UTF-16 code units, wrapping at 32 bits.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// CP1: `partitionFor(group) = Utils.abs(group.hashCode()) % offsets.topic.num.partitions`.
/// Kafka's `Utils.abs` maps `Integer.MIN_VALUE` to 0 (plain `abs` would stay negative).
pub fn partition_for(group_id: &str, offsets_partitions: u32) -> u32 {
    let h = java_string_hash(group_id);
    let abs = if h == i32::MIN { 0 } else { h.unsigned_abs() };
    abs % offsets_partitions.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CP1's examples, with 50 partitions (Kafka's default `offsets.topic.num.partitions`).
    #[test]
    fn cp1_placement_matches_kafka() {
        assert_eq!(java_string_hash("test"), 3_556_498);
        assert_eq!(java_string_hash("orders"), -1_008_770_331);
        assert_eq!(java_string_hash("my-group"), -1_906_497_762);
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
        assert_eq!(partition_for("test", 50), 48);
        assert_eq!(partition_for("orders", 50), 31);
        assert_eq!(partition_for("my-group", 50), 12);
        assert_eq!(partition_for("polygenelubricants", 50), 0);
    }

    /// UTF-16, not bytes: a character outside the BMP counts as two code units.
    #[test]
    fn cp1_hashes_utf16_units() {
        assert_eq!(java_string_hash("a"), 97);
        // "한" is U+D55C, one unit; "😀" is the surrogate pair D83D DE00.
        assert_eq!(java_string_hash("한"), 0xD55C);
        assert_eq!(java_string_hash("😀"), 0xD83D * 31 + 0xDE00);
    }
}
