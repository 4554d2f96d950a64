//! The English catalogue.

use super::{set, Narration, Ui};
use kplay_core::event::{CrashKind, ElectionKind, Event, IsrChangeReason, ReadKind, TruncationRule};

/// A UI string.
pub fn ui(k: Ui) -> &'static str {
    use Ui::*;
    match k {
        Title => "Kafka Replication Playground",
        Hint => "Try this: produce a few records, watch the followers fetch and the high watermark rise — then crash the leader.",
        Play => "Play",
        Pause => "Pause",
        Step => "Step",
        StepBack => "Back",
        Reset => "Reset",
        Speed => "Speed",
        Produce => "Produce",
        Key => "Key",
        Value => "Value",
        Acks => "acks",
        Count => "Count",
        Crash => "Crash",
        CrashClean => "Clean shutdown",
        CrashUnclean => "Crash (unclean)",
        CrashLossy => "Crash, lose page cache",
        Restart => "Restart",
        Isolate => "Isolate",
        Heal => "Heal",
        Slow => "Slow down",
        Fast => "Full speed",
        Slowed => "slowed",
        KillController => "Kill the controller",
        Settings => "Settings",
        MinIsr => "min.insync.replicas",
        UncleanElection => "unclean.leader.election.enable",
        TruncationMode => "Truncation mode",
        LagTime => "replica.lag.time.max.ms",
        Brokers => "Brokers",
        Partitions => "Partitions",
        Partition => "Partition",
        ApplySettings => "Restart with these settings",
        Events => "Events",
        Invariants => "Invariants",
        Inspector => "Inspector",
        Help => "Help",
        Export => "Export",
        Import => "Import",
        Consume => "Consume",
        Consumer => "Consumer",
        HideHeartbeats => "Hide heartbeats",
        Controller => "controller",
        ControllerEpoch => "controller epoch",
        Leader => "leader",
        Follower => "follower",
        Offline => "offline",
        NoRole => "no role",
        LeaderEpoch => "leader epoch",
        Isr => "ISR",
        Hw => "HW",
        Leo => "LEO",
        NoViolations => "All invariants hold.",
        Jump => "Jump to step",
        Time => "time",
        StepN => "step",
        InspectorEmpty => "Click a replica's name or a partition's title to inspect it.",
        Segments => "Segments (base offset · records · bytes · sparse index)",
        EpochCache => "Leader-epoch cache",
        FetchState => "Fetch state",
        LeaderView => "Leader state",
        Close => "Close",
        Alive => "alive",
        Crashed => "down",
        Paused => "paused",
        Fenced => "fenced",
        Isolated => "isolated",
        Recovering => "RECOVERING",
        OutOfSync => "out of sync",
        Position => "position",
        Producer => "Producer",
        ShowMessages => "Show every message",
        Stale => "stale leader",
        Clients => "clients",
        EarlierOffsets => "earlier offsets",
        ViolationExplained => "explained by an unclean election or a lossy crash",
        ViolationFault => "protocol fault",
        OffsetWord => "offset",
        EpochWord => "epoch",
        HighWatermark => "high watermark",
        LogEndOffset => "log end offset",
        NoLeader => "none",
        Unknown => "unknown",
        Never => "never",
        AnyPartition => "key / round-robin",
        Lessons => "Lessons",
        Sandbox => "Sandbox",
        LibraryIntro => "Pick a lesson: each one plays a real failure step by step, pauses where it matters, and says which rule of Kafka's protocol is at work.",
        Search => "Search lessons",
        StartHere => "Start here",
        LevelIntro => "Intro",
        LevelIntermediate => "Intermediate",
        LevelAdvanced => "Advanced",
        StopsWord => "{} stops",
        TourNext => "Next",
        TourBack => "Back",
        TourRestart => "Restart",
        TourFork => "Try it yourself",
        TourResume => "Back to the tour",
        FreePlay => "Free play: every control works from this moment on; the tour waits.",
        Question => "Predict",
        ShowAnswer => "Show the answer",
        LookAt => "Look at",
        Loading => "Loading the lessons…",
        NoMatch => "No lesson matches.",
        Learn => "You will learn",
        Moving => "Playing to the next stop…",
        TourEnd => "End of the tour. Try it yourself, or pick another lesson.",
        BackToLesson => "Back to the lesson",
        TopicProduceFetch => "Produce and fetch",
        TopicPartitionsKeys => "Partitions and keys",
        TopicSegments => "Segments and the index",
        TopicHighWatermark => "The high watermark",
        TopicIsr => "The ISR",
        TopicAcks => "acks",
        TopicMinIsr => "min.insync.replicas",
        TopicLeaderEpoch => "Leader epochs",
        TopicFailover => "Leader failover",
        TopicTruncation => "Truncation",
        TopicUnclean => "Unclean election",
        TopicController => "The controller",
        TopicCrashRecovery => "Crashes and recovery",
        SpaceTime => "Space-time diagram (one lane per broker; click a mark to jump there)",
        Compare => "Compare side by side",
        CompareLeave => "Leave the comparison",
        CompareSame => "Both sides hold the same records, leaders and invariants here.",
        CompareDiff => "What differs",
        OpenFull => "Open the full playground",
        PanelsToggle => "Panels",
        Share => "Share",
        CopyLink => "Copy link",
        CopyEmbed => "Copy embed code",
        Copied => "Copied (if the browser allows it); the text is also in the box above.",
        ShareNote => "The link holds the whole session (settings, seed, every action, the current step) after #, which browsers never send to a server.",
        LinkSession => "This session was opened from a link. It is not saved, and your own session is untouched.",
        KeepSession => "Keep it as my session",
        OwnSession => "Open my own session",
        SessionNotRestored => "The saved session could not be restored; a fresh one was started.",
        LessonNotReopened => "The saved lesson could not be reopened.",
        HelpText => "This page runs a deterministic simulation of Kafka's partition replication protocol \
(KRaft-era rules with a ZooKeeper-style controller epoch). Each rule it follows is named (P1, L4, T5 …) after \
PROTOCOL.md. What it simplifies: one fetch per partition instead of batched fetch sessions; record sizes are \
approximate; the controller is a role of one broker and its metadata store never fails; consumers read \
directly (no consumer groups or offset commits); the HW checkpoint is written at the moment of a crash; \
timeouts are shortened so that things happen within seconds; a lost fetch answer breaks the follower's connection at \
once (Kafka notices it by a socket timeout) and the follower retries after its back-off; a crash is a machine going \
silent, so a producer waiting on it times out (a killed Kafka process closes its sockets and its client fails at once). \
Checked against a real Kafka 4.4 cluster: docs/fidelity.md. Lessons play a recorded run: a \
command of yours there starts free play from that moment. Same seed + same actions = the same run, \
every time: step back and forward freely.",
    }
}

fn crash(k: CrashKind) -> &'static str {
    match k {
        CrashKind::Clean => "shuts down cleanly",
        CrashKind::Unclean => "crashes",
        CrashKind::Lossy => "crashes and loses its page cache",
    }
}

fn n(text: String, rule: &'static str, why: &str, tone: &'static str) -> Narration {
    Narration { text, rule, why: why.to_string(), tone }
}

/// An event in plain English.
pub fn narrate(e: &Event) -> Narration {
    match e {
        Event::Sent { from, to, message, deliver_at, .. } => n(
            format!("{from} sends {message} to {to}{}", if deliver_at.is_none() { " (held)" } else { "" }),
            "",
            "",
            "normal",
        ),
        Event::Delivered { from, to, kind, .. } => n(format!("{kind} from {from} reaches {to}"), "", "", "normal"),
        Event::Dropped { reason, .. } => n(format!("A message is lost: {reason}"), "", "", "bad"),
        Event::ProduceSent { tp, to, acks, value, .. } => n(
            format!("The producer sends {value:?} to {tp} (leader: broker {to}) with acks={acks}"),
            "P1",
            "Only the leader accepts writes.",
            "normal",
        ),
        Event::Appended { broker, tp, offset, epoch, value, .. } => n(
            format!("Leader {broker} appends {value:?} to {tp} at offset {offset}, stamped with leader epoch {epoch}"),
            "P3",
            "Every record carries the epoch of the leader that wrote it.",
            "normal",
        ),
        Event::ProduceCompleted { tp, error: None, offset, .. } => n(
            format!("The producer's write to {tp} is acknowledged{}", offset.map_or(String::new(), |o| format!(" (offset {o})"))),
            "P5",
            "acks=1 answers after the leader's append; acks=all once the HW passes the record.",
            "normal",
        ),
        Event::ProduceCompleted { tp, error: Some(e), .. } => n(
            format!("The producer's write to {tp} fails: {e}"),
            "P5",
            match e.name() {
                "NOT_ENOUGH_REPLICAS" => "The ISR is smaller than min.insync.replicas, so acks=all is refused before the append.",
                "NOT_ENOUGH_REPLICAS_AFTER_APPEND" => "The record was appended, but the ISR shrank below min.insync.replicas.",
                "REQUEST_TIMED_OUT" => "The HW did not reach the record within request.timeout.ms. The record may still be in the log.",
                "NOT_LEADER_OR_FOLLOWER" => "The broker is no longer the leader.",
                _ => "",
            },
            "bad",
        ),
        Event::SegmentRolled { broker, tp, base_offset } => n(
            format!("Broker {broker} rolls a new segment of {tp} starting at offset {base_offset}"),
            "G1",
            "The active segment is full (segment.bytes or its record limit).",
            "normal",
        ),
        Event::Replicated { broker, tp, from, to } => n(
            format!("Follower {broker} copies offsets {from}..{} of {tp}; its LEO is now {to}", to.0 - 1),
            "R4",
            "Followers keep the leader's epochs unchanged.",
            "normal",
        ),
        Event::DivergenceDetected { leader, follower, tp, epoch, end_offset } => n(
            format!("Leader {leader} sees that follower {follower}'s log of {tp} diverges: epoch {epoch} ends at offset {end_offset}"),
            "L4",
            "The follower's last epoch ends earlier on the leader than the follower's log does.",
            "important",
        ),
        Event::Truncated { broker, tp, from, to, rule, leader_epoch, leader_end_offset } => match rule {
            TruncationRule::LossyCrash => n(
                format!("Broker {broker} lost offsets {to}..{} of {tp}: they were never flushed", from.0 - 1),
                "B1",
                "A lossy crash reverts the log to its recovery point.",
                "bad",
            ),
            TruncationRule::HwTruncation => n(
                format!("Broker {broker} truncates {tp} to its high watermark {to} (legacy HW mode)"),
                "B4",
                "Before KIP-101 a follower truncated to its HW: this can lose committed data.",
                "bad",
            ),
            TruncationRule::R2 => n(
                format!("Broker {broker} truncates {tp} from {from} to {to}: the leader's log ends at {leader_end_offset}"),
                "R2",
                "OFFSET_OUT_OF_RANGE: the follower's log is longer than the leader's.",
                "important",
            ),
            _ => n(
                format!(
                    "Broker {broker} truncates {tp}: leader says epoch {leader_epoch} ends at offset {leader_end_offset} → truncate to {to} (its divergent tail {to}..{} is removed)",
                    from.0 - 1
                ),
                rule.id(),
                "The follower keeps only the prefix it shares with the leader.",
                "important",
            ),
        },
        Event::HighWatermark { broker, tp, from, to, leader: true } => n(
            format!("Leader {broker} moves the high watermark of {tp} from {from} to {to}: offsets below {to} are committed"),
            "H2",
            "HW = the smallest LEO over the leader and the (maximal) ISR.",
            "important",
        ),
        Event::HighWatermark { broker, tp, from, to, leader: false } => n(
            format!("Follower {broker} learns HW {to} for {tp} (was {from})"),
            "R4",
            "A follower takes the HW from the fetch response; it lags one round trip.",
            "normal",
        ),
        Event::IsrProposed { broker, tp, from, to, reason } => n(
            format!("Leader {broker} asks the controller to change the ISR of {tp} from {} to {}", set(from), set(to)),
            "S3",
            match reason {
                IsrChangeReason::OutOfSync => "A follower has not caught up within replica.lag.time.max.ms.",
                IsrChangeReason::CaughtUp => "A follower reached the HW and the leader's epoch start: it is in sync again.",
                _ => "",
            },
            "normal",
        ),
        Event::IsrChanged { tp, from, to, partition_epoch, reason } => n(
            format!("The controller commits ISR {} → {} for {tp} (partition epoch {partition_epoch})", set(from), set(to)),
            if *reason == IsrChangeReason::Fenced { "S6" } else { "S4" },
            match reason {
                IsrChangeReason::Fenced => "A fenced broker leaves every ISR (never emptying one).",
                IsrChangeReason::OutOfSync => "The follower fell behind.",
                IsrChangeReason::CaughtUp => "The follower caught up.",
                IsrChangeReason::Election => "An election set the ISR.",
            },
            "important",
        ),
        Event::AlterPartitionRejected { tp, error } => {
            n(format!("The controller rejects the ISR change for {tp}: {error}"), "S4", "", "bad")
        }
        Event::LeaderElected { tp, leader, leader_epoch, kind, isr, .. } => n(
            match leader {
                Some(l) => format!("The controller elects broker {l} leader of {tp} with leader epoch {leader_epoch}, ISR {}", set(isr)),
                None => format!("{tp} has no leader (epoch {leader_epoch}): no replica in the ISR is available"),
            },
            "E2",
            match kind {
                ElectionKind::Clean => "Clean election: the first live replica of the ISR in assignment order.",
                ElectionKind::Preferred => "Preferred election: the first replica of the assignment.",
                ElectionKind::Unclean => "UNCLEAN election from outside the ISR: committed data may be lost.",
                ElectionKind::NoLeader => "Without unclean election, the partition waits for an ISR member.",
                ElectionKind::EpochBump => "The leader epoch moves without a new leader.",
            },
            if *kind == ElectionKind::Unclean || leader.is_none() { "bad" } else { "important" },
        ),
        Event::BecameLeader { broker, tp, leader_epoch, leso } => n(
            format!("Broker {broker} becomes leader of {tp} in epoch {leader_epoch}; the epoch starts at offset {leso}"),
            "C2",
            "A new leader records its epoch's start offset even before it writes anything.",
            "important",
        ),
        Event::BecameFollower { broker, tp, leader, leader_epoch } => n(
            format!("Broker {broker} follows broker {leader} for {tp} (epoch {leader_epoch})"),
            "F2",
            "A new leader epoch restarts the follower's fetcher.",
            "normal",
        ),
        Event::StaleStateIgnored { broker, tp, .. } => {
            n(format!("Broker {broker} ignores outdated partition state for {tp}"), "E4", "", "normal")
        }
        Event::BrokerCrashed { broker, kind } => n(format!("Broker {broker} {}", crash(*kind)), "B1", "", "bad"),
        Event::BrokerRestarted { broker } => n(
            format!("Broker {broker} restarts and recovers its logs"),
            "B2",
            "After a restart every replica is an out-of-sync follower.",
            "important",
        ),
        Event::LogRecovered { broker, tp, log_end_offset, high_watermark } => n(
            format!("Broker {broker} recovered {tp}: LEO {log_end_offset}, HW {high_watermark}"),
            "B2",
            "",
            "normal",
        ),
        Event::BrokerRegistered { broker, broker_epoch } => n(
            format!("Broker {broker} registers with the controller (broker epoch {broker_epoch})"),
            "E1",
            "",
            "normal",
        ),
        Event::BrokerFenced { broker, reason } => {
            n(format!("The controller fences broker {broker}: {reason}"), "E1", "", "important")
        }
        Event::BrokerUnfenced { broker } => n(format!("The controller unfences broker {broker}"), "E1", "", "normal"),
        Event::BrokerPaused { broker, paused: true } => n(format!("Broker {broker} freezes in a long GC pause"), "", "", "bad"),
        Event::BrokerPaused { broker, paused: false } => n(format!("Broker {broker} wakes up"), "", "", "normal"),
        Event::LeaderRebalance { controller, imbalanced } => n(
            format!("Controller {controller} rebalances leadership: a preferred election for {}", imbalanced.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
            "PL4",
            "auto.leader.rebalance.enable: every leader.imbalance.check.interval (300 s) the controller hands each partition back to its first replica, if that replica is in the ISR.",
            "important",
        ),
        Event::ControllerElected { broker, controller_epoch } => n(
            format!("Broker {broker} becomes the controller with controller epoch {controller_epoch}"),
            "K1",
            "A new controller bumps the epoch, so requests from the old one are rejected.",
            "important",
        ),
        Event::ZombieControllerFenced { broker, controller_epoch } => n(
            format!("Old controller {broker} (epoch {controller_epoch}) tries to act; its write fails and it resigns"),
            "K1",
            "",
            "bad",
        ),
        Event::StaleControllerRejected { broker, from, request_epoch, known_epoch } => n(
            format!("Broker {broker} rejects controller {from}'s request: epoch {request_epoch} < {known_epoch}"),
            "K1",
            "STALE_CONTROLLER_EPOCH",
            "important",
        ),
        Event::ConsumerRead { broker, tp, kind, offset, result } => n(
            match kind {
                ReadKind::Fetch => format!("The consumer reads {tp} from offset {offset} on broker {broker}: {result}"),
                ReadKind::ListOffsets => format!("The consumer asks broker {broker} for the latest offset of {tp}: {result}"),
            },
            if *kind == ReadKind::Fetch { "Q1" } else { "Q2" },
            "Consumers only see offsets below the high watermark.",
            "normal",
        ),
        Event::NetworkChanged { description } => n(format!("Network: {description}"), "", "", "important"),
        Event::Flushed { broker } => n(format!("Broker {broker} flushes its logs to disk"), "B1", "", "normal"),
        Event::InvariantViolated { invariant, tp, explained, detail } => n(
            format!("{invariant} violated{}: {detail}", tp.as_ref().map_or(String::new(), |tp| format!(" on {tp}"))),
            "§3",
            if *explained { "Explained by an unclean election or a lossy crash." } else { "A protocol fault." },
            "bad",
        ),
    }
}
