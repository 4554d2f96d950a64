//! Retention (`../shared/PROTOCOL-LOG.md` §2.2, RT1–RT7): every broker, on its own clock and
//! with its own HW, deletes whole segments from the front of each replica's log — leaders and
//! followers alike, with no coordination (RT1). The walks themselves are the log's
//! ([`crate::log::Log::retention_pass`], as Kafka's `UnifiedLog.deleteOldSegments`); this module
//! runs a pass on a replica and says what it did.
//!
//! ```text
//!  {0:0,1,2 | 3:3,4,5 | 6*:6,7}  retention.ms 1000, now 1501, HW 8
//!   s0 largestTs 200: 1301 > 1000 ✓   s3 500: 1001 > 1000 ✓   s6 700: ✗ stop
//!  {6*:6,7}  ls 6, epoch cache from 6 (RT6)   a follower learns ls 6 from its next fetch (LF1)
//! ```

use crate::event::Event;
use crate::ids::TimeMs;
use crate::outbox::Outbox;
use crate::replica::Replica;

/// RT1–RT6 on one replica at `now`: deletes what the three walks allow and, when the log start
/// moved, truncates the epoch cache from it (RT6, C4). One event per walk that deleted.
pub fn run_pass(r: &mut Replica, now: TimeMs, out: &mut Outbox) {
    let (hw, before) = (r.log.high_watermark(), r.log.log_start_offset());
    for (reason, bases) in r.log.retention_pass(now) {
        out.event(Event::SegmentsDeleted { broker: r.broker, tp: r.tp.clone(), reason, bases, log_start: r.log.log_start_offset(), high_watermark: hw });
    }
    if r.log.log_start_offset() > before {
        r.epoch_cache.truncate_from_start(r.log.log_start_offset());
    }
}
