//! A replica's log: segments of records, a sparse offset index per segment, and the offsets
//! Kafka's `UnifiedLog` keeps (log start offset, LEO, HW, recovery point).
//!
//! Invariant (I6): `0 <= log_start_offset <= high_watermark <= log_end_offset`, and the
//! segments hold exactly the offsets `[log_start_offset, log_end_offset)`, contiguously —
//! except in a compacted log, where the cleaner's rounds (and a follower's fetches from a
//! cleaned leader) leave holes below the LEO (PROTOCOL-LOG CC9, CC14, L-I5).
//! Invariant: `recovery_point <= log_end_offset` (the flushed prefix, B1).

use crate::ids::{LeaderEpoch, Offset, TimeMs};
use serde::Serialize;

/// One record. Followers copy the leader's epoch unchanged (PROTOCOL §0).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Record {
    /// Its position in the partition.
    pub offset: Offset,
    /// The leader epoch of the leader that appended it (P3).
    pub epoch: LeaderEpoch,
    /// The key the producer gave, if any.
    pub key: Option<String>,
    /// The value, or none: a tombstone.
    pub value: Value,
    /// When the leader appended it.
    pub timestamp_ms: TimeMs,
}

/// A record's value: bytes (a string here), or null — a **tombstone**, which compaction keeps
/// for `delete.retention.ms` after the first round that kept it, then removes with the key
/// (PROTOCOL-LOG CC9, CC10). With one record per batch (PROTOCOL-LOG §5 S2) the batch's
/// `deleteHorizonMs` (KIP-534) is the tombstone's own: set by the first round that keeps it, copied
/// by followers that fetch the rewritten batch. It is batch metadata, not content: two values
/// compare (and hash) equal whatever their horizons (L-I4).
#[derive(Clone)]
pub enum Value {
    /// A value.
    Bytes(String),
    /// Null: the key is deleted once compaction removes the tombstone.
    Tombstone {
        /// `deleteHorizonMs`, once a cleaning round kept it (CC10).
        delete_horizon_ms: Option<TimeMs>,
    },
}

impl Value {
    /// A tombstone no round has kept yet.
    pub const TOMBSTONE: Value = Value::Tombstone { delete_horizon_ms: None };

    /// The value's text, none for a tombstone.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Bytes(s) => Some(s),
            Value::Tombstone { .. } => None,
        }
    }
    /// A tombstone's `deleteHorizonMs`, once a round set it (CC10).
    pub fn delete_horizon_ms(&self) -> Option<TimeMs> {
        match self {
            Value::Tombstone { delete_horizon_ms } => *delete_horizon_ms,
            Value::Bytes(_) => None,
        }
    }
    /// Null (CC9 c).
    pub fn is_tombstone(&self) -> bool {
        matches!(self, Value::Tombstone { .. })
    }
    /// The bytes it adds to a record.
    fn len(&self) -> u64 {
        self.as_str().map_or(0, |s| s.len() as u64)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Bytes(s)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Bytes(s.into())
    }
}
impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}
impl Eq for Value {}
impl PartialEq<String> for Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}
impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}
/// As a `String` hashes, so that traces without tombstones keep their hashes.
impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self.as_str() {
            Some(s) => s.hash(state),
            None => state.write(&[0xfe, 0xff]),
        }
    }
}
/// As a `String` prints (`"v1"`), a tombstone as `null` (traces print values this way).
impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Bytes(s) => write!(f, "{s:?}"),
            Value::Tombstone { delete_horizon_ms: None } => f.write_str("null"),
            Value::Tombstone { delete_horizon_ms: Some(h) } => write!(f, "null (delete horizon {h})"),
        }
    }
}

/// The text, or `∅` for a tombstone (PROTOCOL-LOG §0's `k=∅`).
impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str().unwrap_or("∅"))
    }
}
/// A string, or null for a tombstone (so traces of logs without tombstones are unchanged).
impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_str() {
            Some(v) => s.serialize_str(v),
            None => s.serialize_none(),
        }
    }
}

impl Record {
    /// The bytes it takes in a segment: a fixed batch overhead plus key and value.
    /// (Kafka's record-batch format is not modelled byte for byte.)
    pub fn size_bytes(&self) -> u64 {
        const OVERHEAD_BYTES: u64 = 24;
        OVERHEAD_BYTES + self.key.as_ref().map_or(0, |k| k.len() as u64) + self.value.len()
    }
}

/// An entry of a segment's sparse offset index: `offset` starts at byte `position`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct IndexEntry {
    /// The record's offset.
    pub offset: Offset,
    /// Its byte position inside the segment.
    pub position: u64,
}

/// One segment file: its base offset, its records and its sparse index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// The offset of the first record the segment holds (its file name in Kafka).
    pub base_offset: Offset,
    /// The records, in offset order.
    pub records: Vec<Record>,
    /// Bytes written so far.
    pub size_bytes: u64,
    /// One entry each time `index_interval_bytes` more bytes were written.
    pub index: Vec<IndexEntry>,
    bytes_since_index: u64,
    /// The largest timestamp appended (SG1 `largestTs`): retention by time compares it (RT4).
    pub largest_ts: TimeMs,
    /// SG1 `rollTs`: the largest timestamp of the first append into the segment; the time roll
    /// (SG3 b) measures from it. `None` while empty.
    pub roll_ts: Option<TimeMs>,
}

impl Segment {
    fn new(base_offset: Offset) -> Self {
        Segment { base_offset, records: Vec::new(), size_bytes: 0, index: Vec::new(), bytes_since_index: 0, largest_ts: 0, roll_ts: None }
    }

    fn push(&mut self, record: Record, index_interval_bytes: u64) {
        self.largest_ts = self.largest_ts.max(record.timestamp_ms);
        if self.records.is_empty() || self.bytes_since_index >= index_interval_bytes {
            self.index.push(IndexEntry { offset: record.offset, position: self.size_bytes });
            self.bytes_since_index = 0;
        }
        let size = record.size_bytes();
        self.size_bytes += size;
        self.bytes_since_index += size;
        self.records.push(record);
    }
}

/// When a log rolls a new segment (SG3: by size, by record count, by time) and what its
/// retention deletes (RT1–RT7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `segment.bytes`: roll when the active segment would grow past this.
    pub segment_bytes: u64,
    /// Roll when the active segment holds this many records (a playground knob).
    pub segment_records: u32,
    /// `index.interval.bytes`: bytes between two sparse index entries.
    pub index_interval_bytes: u64,
    /// `segment.ms` (SG3 b): roll at an append whose largest timestamp is more than this past
    /// the active segment's `rollTs`. Kafka's default, 7 days.
    pub segment_ms: u64,
    /// `retention.ms` (RT4 3): a segment whose largest timestamp is older than this goes at the
    /// next retention pass; −1 keeps everything. Kafka's default, 7 days.
    pub retention_ms: i64,
    /// `retention.bytes` (RT4 2): the log is trimmed by whole segments towards this size
    /// (the same bytes `segment_bytes` counts); −1, Kafka's default, means no limit.
    pub retention_bytes: i64,
    /// `log.retention.check.interval.ms` (RT1): how often each broker runs the retention pass
    /// over its replicas, when `auto.retention` is on. Kafka's default, 300 s.
    pub retention_check_interval_ms: u64,
    /// `log.initial.task.delay.ms` (RT1): the first pass after a broker starts. Kafka's default, 30 s.
    pub initial_task_delay_ms: u64,
    /// `cleanup.policy` (RT1, RT2, CC1, CC18): delete, compact, or both. Kafka's default, delete.
    pub cleanup_policy: CleanupPolicy,
    /// `min.cleanable.dirty.ratio` (CC6): a log is cleaned when its dirty ratio is above this.
    /// Kafka's default, 0.5.
    pub min_cleanable_dirty_ratio: DirtyRatio,
    /// `min.compaction.lag.ms` (CC4): a segment with a record newer than this is not cleaned yet.
    /// Kafka's default, 0.
    pub min_compaction_lag_ms: u64,
    /// `max.compaction.lag.ms` (CC6): a log whose oldest dirty segment rolled longer ago than this
    /// is cleaned whatever its ratio. Kafka's default, `Long.MAX_VALUE`.
    pub max_compaction_lag_ms: u64,
    /// `delete.retention.ms` (CC10): how long a tombstone outlives the first round that kept it.
    /// Kafka's default, 1 day.
    pub delete_retention_ms: u64,
    /// `log.cleaner.backoff.ms` (CC2): the cleaner's sleep after an iteration that cleaned nothing,
    /// when `auto.cleaner` is on. Kafka's default, 15 s.
    pub cleaner_backoff_ms: u64,
}

/// `cleanup.policy` (PROTOCOL-LOG RT1, CC1, CC18).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum CleanupPolicy {
    /// `delete`: retention by time and size (RT).
    #[default]
    #[serde(rename = "delete")]
    Delete,
    /// `compact`: the cleaner keeps the latest record per key (CC); retention walks only the log start.
    #[serde(rename = "compact")]
    Compact,
    /// `compact,delete`: both, retention on the cleaner thread (CC18).
    #[serde(rename = "compact,delete")]
    CompactDelete,
}

impl CleanupPolicy {
    /// The policy contains `compact` (CC1).
    pub fn compacts(self) -> bool {
        self != CleanupPolicy::Delete
    }
    /// The policy contains `delete` (RT2).
    pub fn deletes(self) -> bool {
        self != CleanupPolicy::Compact
    }
    /// Kafka's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CleanupPolicy::Delete => "delete",
            CleanupPolicy::Compact => "compact",
            CleanupPolicy::CompactDelete => "compact,delete",
        }
    }
    /// Kafka's spellings ("delete,compact" too: Kafka's list is unordered).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "delete" => Some(CleanupPolicy::Delete),
            "compact" => Some(CleanupPolicy::Compact),
            "compact,delete" | "delete,compact" => Some(CleanupPolicy::CompactDelete),
            _ => None,
        }
    }
}

/// `min.cleanable.dirty.ratio`, a number in [0, 1] (never NaN: the reader checks it).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DirtyRatio(pub f64);
impl Eq for DirtyRatio {}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            segment_bytes: 1024,
            segment_records: 8,
            index_interval_bytes: 128,
            segment_ms: 604_800_000,
            retention_ms: 604_800_000,
            retention_bytes: -1,
            retention_check_interval_ms: 300_000,
            initial_task_delay_ms: 30_000,
            cleanup_policy: CleanupPolicy::Delete,
            min_cleanable_dirty_ratio: DirtyRatio(0.5),
            min_compaction_lag_ms: 0,
            max_compaction_lag_ms: i64::MAX as u64,
            delete_retention_ms: 86_400_000,
            cleaner_backoff_ms: 15_000,
        }
    }
}

/// Which walk of the retention pass deleted a segment (RT2's order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionReason {
    /// RT4 1: the next segment starts at or below the log start offset.
    LogStart,
    /// RT4 2: the log is over `retention.bytes`.
    Size,
    /// RT4 3: the segment's largest timestamp is older than `retention.ms`.
    Time,
}

/// A replica's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Log {
    config: LogConfig,
    segments: Vec<Segment>,
    log_start_offset: Offset,
    log_end_offset: Offset,
    high_watermark: Offset,
    recovery_point: Offset,
    /// The cleaner checkpoint (PROTOCOL-LOG §1 `ckpt`, the first dirty offset): none before the
    /// first round. Kafka keeps it per log directory in `cleaner-offset-checkpoint`.
    cleaner_checkpoint: Option<Offset>,
    /// Bumped whenever records leave the log (truncation, log start advance): a prefix
    /// compared at one generation is unchanged while the generation is.
    generation: u64,
}

impl Log {
    /// An empty log: LEO = HW = 0.
    pub fn new(config: LogConfig) -> Self {
        Log {
            config,
            segments: vec![Segment::new(Offset(0))],
            log_start_offset: Offset(0),
            log_end_offset: Offset(0),
            high_watermark: Offset(0),
            recovery_point: Offset(0),
            cleaner_checkpoint: None,
            generation: 0,
        }
    }

    /// The settings it rolls, retains and cleans by.
    pub fn config(&self) -> LogConfig {
        self.config
    }
    /// The cleaner checkpoint (`ckpt`, CC3), none before the first round.
    pub fn cleaner_checkpoint(&self) -> Option<Offset> {
        self.cleaner_checkpoint
    }

    /// CC12 + CC13: the first `count` segments replaced by the cleaned groups (`(base, records
    /// kept, the group's last segment's largest timestamp)`, in order; an empty result segment
    /// stays), and the checkpoint set to `end`. Each new segment's largest timestamp is the
    /// largest retained (an empty one's, its group's last segment's), its `rollTs` its first
    /// record's, its sparse index rebuilt.
    #[cfg(feature = "compaction")]
    pub(crate) fn replace_cleaned(&mut self, count: usize, groups: Vec<(Offset, Vec<Record>, TimeMs)>, end: Offset) {
        let interval = self.config.index_interval_bytes;
        let new: Vec<Segment> = groups
            .into_iter()
            .map(|(base, records, last_modified)| {
                let mut s = Segment::new(base);
                s.roll_ts = records.first().map(|r| r.timestamp_ms);
                // Kafka's largestTimestamp falls back to the file's lastModified, which the
                // cleaned file takes from the group's last segment (LogCleaner.cleanSegments).
                if records.is_empty() {
                    s.largest_ts = last_modified;
                }
                for r in records {
                    s.push(r, interval);
                }
                s
            })
            .collect();
        self.segments.splice(..count, new);
        self.cleaner_checkpoint = Some(end);
        self.generation += 1;
    }

    /// CC3: a checkpoint outside `[ls, LEO]` is rewritten to the log start (Kafka's
    /// `forceUpdateCheckpoint`). True when it was.
    #[cfg(feature = "compaction")]
    pub(crate) fn reset_invalid_checkpoint(&mut self) -> bool {
        match self.cleaner_checkpoint {
            Some(c) if c < self.log_start_offset || c > self.log_end_offset => {
                self.cleaner_checkpoint = Some(self.log_start_offset);
                true
            }
            _ => false,
        }
    }

    /// Changes whenever records are removed (see the field).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The index of the segment that holds `offset` (or would).
    fn segment_index(&self, offset: Offset) -> usize {
        self.segments.partition_point(|s| s.base_offset <= offset).saturating_sub(1)
    }

    /// Records from `offset` on, in order.
    pub fn records_from(&self, offset: Offset) -> impl Iterator<Item = &Record> {
        let first = self.segment_index(offset);
        self.segments[first..].iter().flat_map(|s| s.records.iter()).skip_while(move |r| r.offset < offset)
    }

    /// The log start offset.
    pub fn log_start_offset(&self) -> Offset {
        self.log_start_offset
    }
    /// The log end offset (LEO, exclusive).
    pub fn log_end_offset(&self) -> Offset {
        self.log_end_offset
    }
    /// The high watermark (HW, exclusive).
    pub fn high_watermark(&self) -> Offset {
        self.high_watermark
    }
    /// The flushed prefix: what survives a lossy crash (B1).
    pub fn recovery_point(&self) -> Offset {
        self.recovery_point
    }
    /// The segments, oldest first; the last is the active segment.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
    /// Every record, in offset order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.segments.iter().flat_map(|s| s.records.iter())
    }
    /// The record at `offset`, if the log holds it.
    pub fn record_at(&self, offset: Offset) -> Option<&Record> {
        if offset < self.log_start_offset || offset >= self.log_end_offset {
            return None;
        }
        let seg = &self.segments[self.segment_index(offset)];
        let first = seg.records.first()?.offset;
        match seg.records.get((offset.0 - first.0) as usize) {
            Some(r) if r.offset == offset => Some(r),
            // Offsets are contiguous unless the cleaner removed some (CC9): search.
            #[cfg(feature = "compaction")]
            _ => seg.records.binary_search_by_key(&offset, |r| r.offset).ok().map(|i| &seg.records[i]),
            #[cfg(not(feature = "compaction"))]
            _ => None,
        }
    }
    /// The epoch of the last record, or UNDEFINED for an empty log.
    pub fn last_record_epoch(&self) -> LeaderEpoch {
        self.segments.iter().rev().find_map(|s| s.records.last()).map_or(LeaderEpoch::UNDEFINED, |r| r.epoch)
    }

    /// Appends one record at the LEO, as one append (a produce on the leader); rolls a new
    /// segment first when SG3 says so. Panics if the record's offset is not the LEO: a
    /// follower must only append at its LEO (R4).
    pub fn append(&mut self, record: Record) {
        let ts = record.timestamp_ms;
        self.append_in(record, ts, true);
    }

    /// One record of an append whose largest timestamp is `max_ts` (a follower appends each
    /// fetch response as one append, SG2): the time roll is checked at the append's first
    /// record only, against `max_ts`, and a segment the append opens takes `max_ts` as its
    /// `rollTs` (SG1, SG6). The size and record-count rolls are checked per record.
    pub fn append_in(&mut self, record: Record, max_ts: TimeMs, first_of_append: bool) {
        // R4: at the LEO; a follower of a compacted leader may skip the offsets the leader's
        // cleaner removed (CC14: a read at a removed offset returns the next survivor).
        assert!(
            record.offset == self.log_end_offset || (record.offset > self.log_end_offset && self.config.cleanup_policy.compacts()),
            "R4: records are appended at the LEO ({} at {})",
            record.offset,
            self.log_end_offset
        );
        if self.rolls_before_in(&record, max_ts, first_of_append) {
            self.segments.push(Segment::new(record.offset));
        }
        self.log_end_offset = record.offset.plus(1);
        let interval = self.config.index_interval_bytes;
        let active = self.segments.last_mut().expect("active segment");
        if active.roll_ts.is_none() {
            active.roll_ts = Some(max_ts);
        }
        active.push(record, interval);
    }

    /// True when appending `record` alone would roll a new segment (for the roll event).
    pub fn rolls_before(&self, record: &Record) -> bool {
        self.rolls_before_in(record, record.timestamp_ms, true)
    }

    /// SG3: (a) by size, strictly over `segment.bytes`; the playground's record count; (b) by
    /// time, at the append's first record, when its largest timestamp is more than `segment.ms`
    /// past the active segment's `rollTs` (the producer's clock: no roll without an append).
    pub fn rolls_before_in(&self, record: &Record, max_ts: TimeMs, first_of_append: bool) -> bool {
        let active = self.segments.last().expect("active segment");
        if active.records.is_empty() {
            return false;
        }
        let by_size = active.size_bytes + record.size_bytes() > self.config.segment_bytes
            || active.records.len() as u32 >= self.config.segment_records;
        let by_time = first_of_append && active.roll_ts.is_some_and(|t| max_ts.saturating_sub(t) > self.config.segment_ms);
        by_size || by_time
    }

    /// RT2–RT5: one retention pass over this log at `now`: the log-start walk, then the size
    /// walk, then the time walk, each deleting a prefix of the segments, never one that ends
    /// above the HW (RT3, RT7). Returns what each walk deleted (segment bases) and leaves the
    /// log start at the first survivor's base (RT5, RT6; the caller truncates the epoch cache).
    pub fn retention_pass(&mut self, now: TimeMs) -> Vec<(RetentionReason, Vec<Offset>)> {
        let mut out = Vec::new();
        for reason in [RetentionReason::LogStart, RetentionReason::Size, RetentionReason::Time] {
            // RT2: a policy without `delete` runs the log-start walk only.
            if reason != RetentionReason::LogStart && !self.config.cleanup_policy.deletes() {
                continue;
            }
            let n = self.deletable(reason, now);
            if n == 0 {
                continue;
            }
            if n == self.segments.len() {
                // RT5: everything may go: roll first, so a log always has an active segment.
                self.segments.push(Segment::new(self.log_end_offset));
            }
            let gone: Vec<Segment> = self.segments.drain(..n).collect();
            self.generation += 1;
            let first = self.segments[0].base_offset;
            self.log_start_offset = self.log_start_offset.max(first);
            out.push((reason, gone.iter().map(|s| s.base_offset).collect()));
        }
        out
    }

    /// RT3 + RT4: how many segments, from the oldest, `reason`'s walk may delete.
    fn deletable(&self, reason: RetentionReason, now: TimeMs) -> usize {
        let cfg = self.config;
        let total: u64 = self.segments.iter().map(|s| s.size_bytes).sum();
        let mut excess = match reason {
            RetentionReason::Size if cfg.retention_bytes < 0 || total < cfg.retention_bytes as u64 => return 0,
            RetentionReason::Size => total - cfg.retention_bytes as u64,
            RetentionReason::Time if cfg.retention_ms < 0 => return 0,
            _ => 0,
        };
        let mut n = 0;
        for (i, s) in self.segments.iter().enumerate() {
            let next = self.segments.get(i + 1).map(|x| x.base_offset);
            let upper = next.unwrap_or(self.log_end_offset);
            // RT3: never at or above the HW; never the active segment while empty.
            if self.high_watermark < upper || (next.is_none() && s.records.is_empty()) {
                break;
            }
            let ok = match reason {
                RetentionReason::LogStart => next.is_some_and(|b| b <= self.log_start_offset),
                RetentionReason::Size => {
                    let fits = excess >= s.size_bytes;
                    if fits {
                        excess -= s.size_bytes;
                    }
                    fits
                }
                RetentionReason::Time => now.saturating_sub(s.largest_ts) > cfg.retention_ms as u64,
            };
            if !ok {
                break;
            }
            n += 1;
        }
        n
    }

    /// Records in `[from, to)`, at most `max_records`.
    pub fn read(&self, from: Offset, to: Offset, max_records: usize) -> Vec<Record> {
        self.records_from(from).take_while(|r| r.offset < to).take(max_records).cloned().collect()
    }

    /// Truncates to `offset` (R3): keeps records `< offset`, LEO := offset, HW := min(HW, offset).
    pub fn truncate_to(&mut self, offset: Offset) {
        if offset >= self.log_end_offset {
            return;
        }
        let offset = offset.max(self.log_start_offset);
        self.generation += 1;
        for seg in &mut self.segments {
            seg.records.retain(|r| r.offset < offset);
            seg.index.retain(|e| e.offset < offset);
            seg.size_bytes = seg.records.iter().map(Record::size_bytes).sum();
            seg.largest_ts = seg.records.iter().map(|r| r.timestamp_ms).max().unwrap_or(0);
            if seg.records.is_empty() {
                seg.roll_ts = None;
            }
        }
        self.segments.retain(|s| s.base_offset < offset || s.base_offset == self.log_start_offset);
        if self.segments.is_empty() {
            self.segments.push(Segment::new(offset));
        }
        self.log_end_offset = offset;
        self.high_watermark = self.high_watermark.min(offset);
        self.recovery_point = self.recovery_point.min(offset);
        // LF8: truncating below the active segment's base pulls the cleaner checkpoint back to it.
        let active_base = self.segments.last().expect("active segment").base_offset;
        if let Some(c) = self.cleaner_checkpoint.as_mut() {
            *c = (*c).min(active_base).min(offset);
        }
    }

    /// R2: the leader's log starts after ours ends: drop everything and start at `offset`.
    pub fn truncate_fully_and_start_at(&mut self, offset: Offset) {
        self.segments = vec![Segment::new(offset)];
        self.cleaner_checkpoint = self.cleaner_checkpoint.map(|c| c.min(offset)); // LF4 3
        self.generation += 1;
        self.log_start_offset = offset;
        self.log_end_offset = offset;
        self.high_watermark = offset;
        self.recovery_point = offset;
    }

    /// Sets the HW, clamped to `[log_start_offset, LEO]` (R4: a follower's HW may go down).
    pub fn set_high_watermark(&mut self, hw: Offset) {
        self.high_watermark = hw.max(self.log_start_offset).min(self.log_end_offset);
    }

    /// Flushes everything written so far: the recovery point becomes the LEO.
    pub fn flush(&mut self) {
        self.recovery_point = self.log_end_offset;
    }

    /// Sets the flushed prefix (scenario set-up), clamped to the LEO.
    pub fn set_recovery_point(&mut self, offset: Offset) {
        self.recovery_point = offset.min(self.log_end_offset);
    }

    /// Raises the log start offset (R4 "raise logStartOffset to the leader's"), dropping whole
    /// segments that end at or before it. Never past the HW (I24).
    pub fn advance_log_start_offset(&mut self, offset: Offset) {
        let offset = offset.min(self.high_watermark);
        if offset <= self.log_start_offset {
            return;
        }
        self.log_start_offset = offset;
        self.generation += 1;
        for seg in &mut self.segments {
            seg.records.retain(|r| r.offset >= offset);
        }
        // The segments wholly below the new log start go (the next one starts at or below it);
        // a segment the cleaner emptied above it stays (CC12).
        let next: Vec<Option<Offset>> = self.segments.iter().skip(1).map(|s| Some(s.base_offset)).chain([None]).collect();
        let mut i = 0;
        self.segments.retain(|_| {
            i += 1;
            next[i - 1].is_none_or(|b| b > offset)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(offset: i64, epoch: i32, value: &str) -> Record {
        Record { offset: Offset(offset), epoch: LeaderEpoch(epoch), key: None, value: value.into(), timestamp_ms: 0 }
    }

    #[test]
    fn g1_rolls_a_segment_by_record_count() {
        let mut log = Log::new(LogConfig { segment_records: 2, ..LogConfig::default() });
        for i in 0..5 {
            log.append(rec(i, 0, "v"));
        }
        let bases: Vec<i64> = log.segments().iter().map(|s| s.base_offset.0).collect();
        assert_eq!(bases, vec![0, 2, 4]);
        assert_eq!(log.log_end_offset(), Offset(5));
    }

    #[test]
    fn g1_rolls_a_segment_by_bytes() {
        let mut log = Log::new(LogConfig { segment_bytes: 60, segment_records: 100, index_interval_bytes: 1, ..LogConfig::default() });
        for i in 0..3 {
            log.append(rec(i, 0, "0123456789")); // 34 bytes each
        }
        assert_eq!(log.segments().len(), 3);
        assert_eq!(log.segments()[0].index.len(), 1);
    }

    #[test]
    fn r3_truncation_clamps_hw_and_drops_emptied_segments() {
        let mut log = Log::new(LogConfig { segment_records: 2, ..LogConfig::default() });
        for i in 0..5 {
            log.append(rec(i, 0, "v"));
        }
        log.set_high_watermark(Offset(4));
        log.truncate_to(Offset(2));
        assert_eq!(log.log_end_offset(), Offset(2));
        assert_eq!(log.high_watermark(), Offset(2));
        assert_eq!(log.segments().len(), 1);
        log.append(rec(2, 1, "w"));
        assert_eq!(log.segments().len(), 2, "the next append rolls: segment 0 is full");
    }

    #[test]
    fn i24_log_start_offset_never_passes_hw() {
        let mut log = Log::new(LogConfig::default());
        for i in 0..4 {
            log.append(rec(i, 0, "v"));
        }
        log.set_high_watermark(Offset(2));
        log.advance_log_start_offset(Offset(3));
        assert_eq!(log.log_start_offset(), Offset(2));
        assert_eq!(log.records().count(), 2);
    }

    fn rec_at(offset: i64, ts: u64) -> Record {
        Record { offset: Offset(offset), epoch: LeaderEpoch(0), key: None, value: "v".into(), timestamp_ms: ts }
    }

    fn bases(log: &Log) -> Vec<i64> {
        log.segments().iter().map(|s| s.base_offset.0).collect()
    }

    /// LS2: time rolls on the producer's timestamps, at appends only; a follower that got
    /// [r0, r1] in one append has rollTs 900 and rolls elsewhere (SG3 b, SG6).
    #[test]
    fn sg3_ls2_time_rolls_follow_each_replicas_appends() {
        let cfg = LogConfig { segment_ms: 1000, segment_records: 100, segment_bytes: 10_000, ..LogConfig::default() };
        let (mut leader, mut follower) = (Log::new(cfg), Log::new(cfg));
        for (o, ts) in [(0, 0), (1, 900), (2, 1001), (3, 1950), (4, 9000)] {
            leader.append(rec_at(o, ts));
        }
        assert_eq!(bases(&leader), [0, 2, 4], "B1 rolls at 2 (1001 − 0 > 1000) and at 4");
        // The follower's appends: [r0, r1], [r2], [r3], [r4].
        for batch in [&[(0, 0), (1, 900)][..], &[(2, 1001)], &[(3, 1950)], &[(4, 9000)]] {
            let max = batch.iter().map(|(_, t)| *t).max().unwrap();
            for (i, (o, ts)) in batch.iter().enumerate() {
                follower.append_in(rec_at(*o, *ts), max, i == 0);
            }
        }
        assert_eq!(follower.segments()[0].roll_ts, Some(900));
        assert_eq!(bases(&follower), [0, 3, 4], "B2: 1001 − 900 ≤ 1000 keeps r2; 1950 − 900 rolls at 3");
    }

    /// LS3's retention passes on B1: not yet at t=1200 (exactly 1000 is not older), two
    /// segments at t=1501, the walk stopping at the first young one (RT3, RT4 3).
    #[test]
    fn rt4_ls3_time_retention_deletes_a_prefix() {
        let cfg = LogConfig { segment_records: 3, retention_ms: 1000, ..LogConfig::default() };
        let mut log = Log::new(cfg);
        for i in 0..8 {
            log.append(rec_at(i, 100 * i as u64));
        }
        log.set_high_watermark(Offset(8));
        assert_eq!(bases(&log), [0, 3, 6]);
        assert!(log.retention_pass(1200).is_empty());
        assert_eq!(log.retention_pass(1501), vec![(RetentionReason::Time, vec![Offset(0), Offset(3)])]);
        assert_eq!((bases(&log), log.log_start_offset()), (vec![6], Offset(6)));
    }

    /// LS4 on B1: retention.bytes trims by whole segments, never above the HW, and may leave
    /// up to one segment over the limit (RT4 2, RT7).
    #[test]
    fn rt4_ls4_size_retention_stops_at_the_hw_and_one_segment_over() {
        let unit = rec_at(0, 0).size_bytes() as i64;
        let cfg = LogConfig { segment_records: 3, retention_ms: -1, retention_bytes: 5 * unit, ..LogConfig::default() };
        let mut log = Log::new(cfg);
        for i in 0..12 {
            log.append(rec_at(i, 0));
        }
        log.set_high_watermark(Offset(4));
        assert_eq!(log.retention_pass(0), vec![(RetentionReason::Size, vec![Offset(0)])], "s3 ends at 6 > HW 4: stop");
        assert_eq!(log.log_start_offset(), Offset(3));
        log.set_high_watermark(Offset(12));
        assert_eq!(log.retention_pass(0), vec![(RetentionReason::Size, vec![Offset(3)])], "excess 4: s3 goes, s6 would leave 1 − 3 < 0");
        assert_eq!((bases(&log), log.log_start_offset()), (vec![6, 9], Offset(6)), "6 units > 5 remain");
    }

    /// RT5: when every segment may go, the log rolls first, so an empty active segment at the
    /// LEO remains. (A log start raised from a fetch drops the segments below it at once here,
    /// where Kafka leaves them to the next pass's RT4 1: docs/fidelity.md.)
    #[test]
    fn rt5_everything_old_goes_and_an_empty_active_segment_stays() {
        let cfg = LogConfig { segment_records: 2, retention_ms: 10, ..LogConfig::default() };
        let mut log = Log::new(cfg);
        for i in 0..5 {
            log.append(rec_at(i, 0));
        }
        log.set_high_watermark(Offset(5));
        log.advance_log_start_offset(Offset(2));
        assert_eq!(bases(&log), [2, 4], "segment 0 went with the log start");
        let done = log.retention_pass(100);
        assert_eq!(done, vec![(RetentionReason::Time, vec![Offset(2), Offset(4)])]);
        assert_eq!(bases(&log), [5]);
        assert_eq!((log.log_start_offset(), log.log_end_offset()), (Offset(5), Offset(5)));
        assert!(log.retention_pass(1000).is_empty(), "an empty active segment is never deleted");
    }
}
