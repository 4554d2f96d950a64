//! Newtypes for the numbers Kafka keeps apart: broker ids, offsets, epochs, time.
//!
//! An epoch passed where an offset is expected is a compile error, not a subtle bug.
//! Offsets and epochs are signed because Kafka uses `-1` for UNKNOWN / UNDEFINED.

use serde::Serialize;
use std::fmt;

macro_rules! newtype {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

newtype!(
    /// A broker's id. PROTOCOL.md's letters map to ids: A = 1, B = 2, C = 3.
    BrokerId(u32)
);
newtype!(
    /// A position in a partition's log. Log end offsets and high watermarks are exclusive.
    Offset(i64)
);
newtype!(
    /// The partition leader epoch stamped on every record (PROTOCOL §0).
    LeaderEpoch(i32)
);
newtype!(
    /// Bumped on every committed change of a partition's registration (E3).
    PartitionEpoch(i32)
);
newtype!(
    /// Assigned to a broker at each registration, monotonic across the cluster (E1).
    BrokerEpoch(i64)
);
newtype!(
    /// Bumped whenever a new controller takes over (K1).
    ControllerEpoch(i32)
);
newtype!(
    /// Identifies one message on the simulated network.
    MessageId(u64)
);
newtype!(
    /// Identifies one produce request, for the produce results and the checker.
    ProduceId(u64)
);

impl Offset {
    /// Kafka's `-1`: a follower LEO the leader does not know yet (H4).
    pub const UNKNOWN: Offset = Offset(-1);
    /// The offset `n` places further on.
    pub fn plus(self, n: i64) -> Offset {
        Offset(self.0 + n)
    }
}

impl LeaderEpoch {
    /// Kafka's `-1`: no epoch (an empty epoch cache, an undefined answer).
    pub const UNDEFINED: LeaderEpoch = LeaderEpoch(-1);
    /// The next epoch.
    pub fn next(self) -> LeaderEpoch {
        LeaderEpoch(self.0 + 1)
    }
}

/// Simulated time in milliseconds since the start of the run. The core has no other clock.
pub type TimeMs = u64;

/// A topic partition, e.g. `orders-0`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TopicPartition {
    /// The topic's name.
    pub topic: String,
    /// The partition number, from 0.
    pub partition: u32,
}

impl TopicPartition {
    /// A topic partition.
    pub fn new(topic: impl Into<String>, partition: u32) -> Self {
        TopicPartition { topic: topic.into(), partition }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// A broker's letter in PROTOCOL.md's scenarios (1 → A); ids past Z print as numbers.
pub fn broker_letter(id: BrokerId) -> String {
    match id.0 {
        1..=26 => ((b'A' + (id.0 - 1) as u8) as char).to_string(),
        n => n.to_string(),
    }
}
