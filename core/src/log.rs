//! A replica's log: segments of records, a sparse offset index per segment, and the offsets
//! Kafka's `UnifiedLog` keeps (log start offset, LEO, HW, recovery point).
//!
//! Invariant (I6): `0 <= log_start_offset <= high_watermark <= log_end_offset`, and the
//! segments hold exactly the offsets `[log_start_offset, log_end_offset)`, contiguously.
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
    /// The value.
    pub value: String,
    /// When the leader appended it.
    pub timestamp_ms: TimeMs,
}

impl Record {
    /// The bytes it takes in a segment: a fixed batch overhead plus key and value.
    /// (Kafka's record-batch format is not modelled byte for byte.)
    pub fn size_bytes(&self) -> u64 {
        const OVERHEAD_BYTES: u64 = 24;
        OVERHEAD_BYTES + self.key.as_ref().map_or(0, |k| k.len() as u64) + self.value.len() as u64
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
}

impl Segment {
    fn new(base_offset: Offset) -> Self {
        Segment { base_offset, records: Vec::new(), size_bytes: 0, index: Vec::new(), bytes_since_index: 0 }
    }

    fn push(&mut self, record: Record, index_interval_bytes: u64) {
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

/// When a log rolls a new segment (G1, by size and by record count).
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
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { segment_bytes: 1024, segment_records: 8, index_interval_bytes: 128 }
    }
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
            generation: 0,
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
        seg.records.get((offset.0 - first.0) as usize).filter(|r| r.offset == offset)
    }
    /// The epoch of the last record, or UNDEFINED for an empty log.
    pub fn last_record_epoch(&self) -> LeaderEpoch {
        self.segments.iter().rev().find_map(|s| s.records.last()).map_or(LeaderEpoch::UNDEFINED, |r| r.epoch)
    }

    /// Appends one record at the LEO; rolls a new segment first when G1 says so.
    /// Panics if the record's offset is not the LEO: a follower must only append at its LEO (R4).
    pub fn append(&mut self, record: Record) {
        assert_eq!(record.offset, self.log_end_offset, "R4: records are appended at the LEO");
        let size = record.size_bytes();
        let active = self.segments.last().expect("a log always has an active segment");
        let full = !active.records.is_empty()
            && (active.size_bytes + size > self.config.segment_bytes
                || active.records.len() as u32 >= self.config.segment_records);
        if full {
            self.segments.push(Segment::new(record.offset));
        }
        self.log_end_offset = record.offset.plus(1);
        let interval = self.config.index_interval_bytes;
        self.segments.last_mut().expect("active segment").push(record, interval);
    }

    /// True when the next append will roll a new segment (for the roll event).
    pub fn rolls_before(&self, record: &Record) -> bool {
        let active = self.segments.last().expect("active segment");
        !active.records.is_empty()
            && (active.size_bytes + record.size_bytes() > self.config.segment_bytes
                || active.records.len() as u32 >= self.config.segment_records)
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
        }
        self.segments.retain(|s| s.base_offset < offset || s.base_offset == self.log_start_offset);
        if self.segments.is_empty() {
            self.segments.push(Segment::new(offset));
        }
        self.log_end_offset = offset;
        self.high_watermark = self.high_watermark.min(offset);
        self.recovery_point = self.recovery_point.min(offset);
    }

    /// R2: the leader's log starts after ours ends: drop everything and start at `offset`.
    pub fn truncate_fully_and_start_at(&mut self, offset: Offset) {
        self.segments = vec![Segment::new(offset)];
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
        let active_base = self.segments.last().map(|s| s.base_offset);
        self.segments.retain(|s| !s.records.is_empty() || Some(s.base_offset) == active_base);
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
        let mut log = Log::new(LogConfig { segment_bytes: 60, segment_records: 100, index_interval_bytes: 1 });
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
}
