//! Every user-visible string, one catalogue per language ([`en`], [`ko`]). The core's events
//! carry data; the page words them here. The Korean uses the terms of the study notes the
//! page is for (리더, 팔로워, ISR, 하이 워터마크, 리더 에포크, 컨트롤러 …).

pub mod en;
// Korean is compiled only natively (tests, and writing `web/i18n/ko.json`); the page fetches it.
#[cfg(not(target_arch = "wasm32"))]
pub mod ko;

use kplay_core::event::Event;

/// The page's languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// 한국어.
    Ko,
}

impl Lang {
    /// The code stored in localStorage and used for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }
    /// From a stored code.
    pub fn from_code(code: &str) -> Lang {
        if code == "ko" {
            Lang::Ko
        } else {
            Lang::En
        }
    }
}

/// A catalogue key: a UI string, a narration template or a reason. Each language's catalogue
/// is a table over [`Ui::ALL`] (English compiled in, Korean fetched on demand: [`load`]).
/// The keys after `;` exist only in the extended page's build (kplay-web's `compaction`
/// feature, which `kraft` brings along), after all the others: its Korean catalogue is `i18n/ko-full.json` ([`KO_FILE`]).
macro_rules! keys {
    ($($k:ident),* ; $($x:ident),* $(,)?) => {
        /// A catalogue key.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Ui { $($k,)* $(#[cfg(feature = "compaction")] $x,)* }
        impl Ui {
            /// Every key, in the order of the catalogue files (`web/i18n/*.json`).
            #[cfg(not(feature = "compaction"))]
            pub const ALL: &'static [Ui] = &[$(Ui::$k),*];
            /// Every key, in the order of the catalogue files (`web/i18n/*.json`).
            #[cfg(feature = "compaction")]
            pub const ALL: &'static [Ui] = &[$(Ui::$k,)* $(Ui::$x,)*];
        }
    };
}

keys! {
    Title,
    Hint,
    Play,
    Pause,
    Step,
    StepBack,
    Reset,
    Speed,
    Produce,
    Key,
    Value,
    Acks,
    Count,
    Crash,
    CrashClean,
    CrashUnclean,
    CrashLossy,
    Restart,
    Isolate,
    Heal,
    Slow,
    Fast,
    Slowed,
    KillController,
    Settings,
    MinIsr,
    UncleanElection,
    TruncationMode,
    LagTime,
    Brokers,
    Partitions,
    Partition,
    ApplySettings,
    Events,
    Invariants,
    Inspector,
    Help,
    Export,
    Import,
    Consume,
    Consumer,
    HideHeartbeats,
    Controller,
    ControllerEpoch,
    Leader,
    Follower,
    Offline,
    NoRole,
    LeaderEpoch,
    Isr,
    Hw,
    Leo,
    NoViolations,
    Jump,
    Time,
    StepN,
    InspectorEmpty,
    Segments,
    EpochCache,
    FetchState,
    LeaderView,
    Close,
    Alive,
    Crashed,
    Paused,
    Fenced,
    Isolated,
    Recovering,
    OutOfSync,
    Position,
    Producer,
    ShowMessages,
    HelpText,
    Stale,
    Clients,
    EarlierOffsets,
    ViolationExplained,
    ViolationFault,
    ViolationLegacy,
    OffsetWord,
    EpochWord,
    HighWatermark,
    LogEndOffset,
    NoLeader,
    Unknown,
    Never,
    AnyPartition,
    Lessons,
    Sandbox,
    LibraryIntro,
    Search,
    StartHere,
    LevelIntro,
    LevelIntermediate,
    LevelAdvanced,
    StopsWord,
    TourNext,
    TourBack,
    TourRestart,
    TourFork,
    TourResume,
    FreePlay,
    Question,
    ShowAnswer,
    LookAt,
    Loading,
    NoMatch,
    Learn,
    Moving,
    TourEnd,
    BackToLesson,
    TopicProduceFetch,
    TopicPartitionsKeys,
    TopicSegments,
    TopicHighWatermark,
    TopicIsr,
    TopicAcks,
    TopicMinIsr,
    TopicLeaderEpoch,
    TopicFailover,
    TopicTruncation,
    TopicUnclean,
    TopicController,
    TopicCrashRecovery,
    SpaceTime,
    Compare,
    CompareLeave,
    CompareSame,
    CompareDiff,
    OpenFull,
    PanelsToggle,
    Share,
    CopyLink,
    CopyEmbed,
    Copied,
    ShareNote,
    LinkSession,
    KeepSession,
    OwnSession,
    SessionNotRestored,
    LessonNotReopened,
    AutoRebalance, RetentionMs, LogStartOffset, Reassign, BadTarget, CancelReassign, AddBroker, PreferredElection, TargetReplicas, AddingTag, RemovingTag, MoveHint,
    TopicConsumerGroups, GroupsTitle, GroupsOpen, GroupsOpenHint, GroupsNote, GroupsBack, ConsumerName, GroupId, Assignors, CommitMode, CommitAuto, CommitAfter, CommitBefore, StartConsumer, NoConsumers, CoordinatorBroker, Generation, CommittedOffsets, Duplicates, ConsumerClose, Lag,
    // Narration: templates whose `{0}`, `{1}` … are filled by `narrate` (the order of the
    // arguments is the template's to choose, so each language words it its own way).
    NSent, NSentHeld, NDelivered, NDropped, NProduceSent, NAppended, NAcked, NAckedAt, NProduceFailed,
    NRolled, NReplicated, NDivergence, NLostUnflushed, NTruncHw, NTruncR2, NTrunc, NHwLeader, NHwFollower,
    NIsrProposed, NIsrChanged, NAlterRejected, NElected, NNoLeader, NBecameLeader, NBecameFollower,
    NStaleIgnored, NCrashClean, NCrashUnclean, NCrashLossy, NRestarted, NRecovered, NRegistered, NFenced,
    NUnfenced, NPaused, NWoke, NRebalance, NControllerElected, NZombieController, NStaleController,
    NFetchRead, NListOffsets, NNetwork, NFlushed, NViolated, NViolatedOn,
    NOffsetsTopic, NCoordLoading, NCoordActive, NCoordClosed, NCoordFound, NGroupRetry, NCommitted, NFetchedOffsets,
    NGroupFailed, NGroupState, NMemberRemoved,
    NConsStarted, NConsRestarted, NConsCrashed, NConsJoined, NConsJoinedLeader, NConsAssigned, NConsRevoked, NConsLost,
    NConsPositioned, NConsReset, NConsNoOffset, NConsCommitting, NConsCommitted, NConsCommitFailed, NConsHbError,
    NConsPollTimeout, NConsPollTimeoutStatic, NConsCoordUnknown, NConsFatal, NConsClosed, NConsSlow, NConsFast, NConsumed, NConsumedDup,
    NReassignStarted, NReassignCompleted, NReassignCancelled, NReassignRefused, NCancelRefused, NReplicaCreated, NReplicaDeleted, NBrokerAdded, NPreferredDone, NPreferredRefused, NSegmentsDeleted, NLogStartRaised,
    // Narration: the one-sentence reasons (the rule's why).
    WP1, WP3, WP5, WNotEnough, WNotEnoughAfter, WTimedOut, WNotLeader, WG1, WR4, WL4, WLossy, WB4, WR2,
    WTrunc, WH2, WHwFollower, WOutOfSync, WCaughtUp, WFenced, WFellBehind, WFollowerCaughtUp, WElectionIsr,
    WClean, WPreferred, WUnclean, WNoLeader, WEpochBump, WC2, WF2, WB2, WPL4, WK1, WStaleEpoch, WQ1,
    WExplained, WFault, WCP2, WCP3, WCP4, WCP5, WCP6, WOC5,
    WCL5, WCL11Eager, WCL13Coop, WCL14, WCL15, WCL16, WOC6, WOC8, WOC10,
    WRA1, WRA2, WRA4, WRA5, WRA6, WRA7, WReassignIsr, WBrokerAdded, WPL2, WRTLogStart, WRTSize, WRTTime, WLF1;
    // The extended page only: the log cleaner.
    CleanerRun, HelpCompaction, CleanerCheckpoint, Ckpt, Tombstone, CleanupPolicy, NCleaned, NTombstonesKept, NCleanerSkipped, NCleanerOther, WCC9, WCC6,
    // The extended page only: Eligible Leader Replicas (PROTOCOL-KRAFT §2.6).
    ElrTag, LastKnownLeader, ElrSetting, HelpElr, NElr, NElrCleared, NLastKnown, NUncleanShutdown, WEL3, WEL3Clear, WEL5, WEL7, WFromElr, WLastKnown, WFencedElr,
    // The extended page only: racks (PROTOCOL-KRAFT §2.9).
    Rack, RacksSetting, HelpRacks,
}

/// One event in plain language.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Narration {
    /// What happened.
    pub text: String,
    /// The PROTOCOL.md rule it follows (e.g. "L4").
    pub rule: &'static str,
    /// Why, in one sentence (may be empty).
    pub why: &'static str,
    /// `normal`, `important` (elections, truncations, commits) or `bad` (errors, loss).
    pub tone: &'static str,
}

/// The word for a replica's role (`leader`, `follower`, `offline`, or none).
pub fn role(name: &str) -> Ui {
    match name {
        "leader" => Ui::Leader,
        "follower" => Ui::Follower,
        "offline" => Ui::Offline,
        _ => Ui::NoRole,
    }
}

/// A seed-note topic's name (`kplay_core::lesson::TOPICS`).
pub fn topic(id: &str) -> Ui {
    use Ui::*;
    match id {
        "produce-fetch" => TopicProduceFetch,
        "partitions-keys" => TopicPartitionsKeys,
        "segments" => TopicSegments,
        "high-watermark" => TopicHighWatermark,
        "isr" => TopicIsr,
        "acks" => TopicAcks,
        "min-isr" => TopicMinIsr,
        "leader-epoch" => TopicLeaderEpoch,
        "failover" => TopicFailover,
        "truncation" => TopicTruncation,
        "unclean-election" => TopicUnclean,
        "controller" => TopicController,
        "consumer-groups" => TopicConsumerGroups,
        _ => TopicCrashRecovery,
    }
}

/// A lesson level's name.
pub fn level(name: &str) -> Ui {
    match name {
        "intro" => Ui::LevelIntro,
        "intermediate" => Ui::LevelIntermediate,
        _ => Ui::LevelAdvanced,
    }
}

/// A catalogue string. Korean before its catalogue has arrived (never shown: [`load`] sets
/// the page's language only once it has) falls back to English.
pub fn t(lang: Lang, k: Ui) -> &'static str {
    match lang {
        Lang::En => en::ui(k),
        #[cfg(not(target_arch = "wasm32"))]
        Lang::Ko => ko::ui(k),
        #[cfg(target_arch = "wasm32")]
        Lang::Ko => KO.get().map_or_else(|| en::ui(k), |c| c[k as usize]),
    }
}

/// The Korean catalogue once fetched (`i18n/ko.json`): the page's first load carries only the
/// English one, which keeps ~7 KB of Korean out of every English reader's download.
#[cfg(target_arch = "wasm32")]
static KO: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();

/// Where the Korean catalogue is fetched from (relative, so a sub-path deploy finds it).
#[cfg(not(feature = "compaction"))]
pub const KO_FILE: &str = "i18n/ko.json";
/// Where the Korean catalogue is fetched from: the extended page's has its extra keys.
#[cfg(feature = "compaction")]
pub const KO_FILE: &str = "i18n/ko-full.json";

/// Reads a catalogue file: `{"v": 1, "lang": "ko", "keys": N, "text": [...]}` with one string
/// per key of [`Ui::ALL`], in that order. A file of another version or length (a page and a
/// catalogue from different releases) is refused by name rather than shown shifted.
pub fn parse_catalogue(json: &str) -> Result<Vec<String>, String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("{KO_FILE}: {e}"))?;
    if v["v"] != 1 {
        return Err(format!("{KO_FILE}: version {} is not 1", v["v"]));
    }
    let text = v["text"].as_array().ok_or_else(|| format!("{KO_FILE}: `text` is not a list"))?;
    if text.len() != Ui::ALL.len() {
        return Err(format!("{KO_FILE}: {} strings, this page has {} keys (a different release?)", text.len(), Ui::ALL.len()));
    }
    text.iter()
        .enumerate()
        .map(|(i, s)| s.as_str().map(str::to_string).ok_or_else(|| format!("{KO_FILE}: text[{i}] is not a string")))
        .collect()
}

/// Whether `lang`'s catalogue is at hand (English always is).
pub fn ready(lang: Lang) -> bool {
    #[cfg(target_arch = "wasm32")]
    let ko = KO.get().is_some();
    #[cfg(not(target_arch = "wasm32"))]
    let ko = true; // natively (tests) Korean is compiled in
    lang == Lang::En || ko
}

/// Makes `lang`'s catalogue ready, fetching it the first time.
pub async fn load(lang: Lang) -> Result<(), String> {
    if ready(lang) {
        return Ok(());
    }
    #[cfg(target_arch = "wasm32")]
    {
        let text = crate::lessons::fetch_text(KO_FILE).await?;
        let strings = parse_catalogue(&text)?;
        let _ = KO.set(strings.into_iter().map(|s| &*Box::leak(s.into_boxed_str())).collect());
    }
    Ok(())
}

/// A UI string that follows the page's language. Every label shares this one closure type, so
/// the wasm bundle holds one render effect for all of them instead of one per label.
pub fn tr(lang: leptos::prelude::RwSignal<Lang>, k: Ui) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    use leptos::prelude::Get;
    move || t(lang.get(), k)
}

/// Fills a narration template: `{0}` … `{9}` are the arguments' texts.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let b = rest.as_bytes();
        match (b.get(i + 1), b.get(i + 2)) {
            (Some(d @ b'0'..=b'9'), Some(b'}')) if ((d - b'0') as usize) < args.len() => {
                let _ = write!(out, "{}", args[(d - b'0') as usize]);
                rest = &rest[i + 3..];
            }
            _ => {
                out.push('{');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A value as the narration quotes it (`"a\nb"`: Rust's debug form).
struct Quoted<'a>(&'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// An event in plain language, or `None` for chatter the log leaves out (sends, deliveries,
/// heartbeats) unless `messages` is set. The words are the catalogue's templates; which
/// template, its arguments, the rule and the tone are chosen here, once for every language.
#[inline(never)] // two call sites (the log, truncation notes): one copy in the bundle
pub fn narrate(lang: Lang, e: &Event, messages: bool) -> Option<Narration> {
    use kplay_core::event::{CrashKind, ElectionKind, IsrChangeReason, ReadKind, TruncationRule};
    use kplay_core::group::{client::Outcome, coordinator::ContextState};
    use Ui::*;
    if !messages && matches!(e, Event::Sent { .. } | Event::Delivered { .. } | Event::Flushed { .. }) {
        return None;
    }
    if let Event::Sent { message, .. } = e {
        if message.is_heartbeat() {
            return None;
        }
    }
    if let Event::Delivered { kind, .. } = e {
        if kind == "Heartbeat" {
            return None;
        }
    }
    let say = |k: Ui, args: &[&dyn std::fmt::Display]| fill(t(lang, k), args);
    let n = |text: String, rule: &'static str, why: Option<Ui>, tone: &'static str| Narration { text, rule, why: why.map_or("", |k| t(lang, k)), tone };
    Some(match e {
        Event::Sent { from, to, message, deliver_at, .. } => {
            n(say(if deliver_at.is_none() { NSentHeld } else { NSent }, &[from, to, message]), "", None, "normal")
        }
        Event::Delivered { from, to, kind, .. } => n(say(NDelivered, &[from, to, kind]), "", None, "normal"),
        Event::Dropped { reason, .. } => n(say(NDropped, &[reason]), "", None, "bad"),
        Event::ProduceSent { tp, to, acks, value, .. } => n(say(NProduceSent, &[&Quoted(&value.to_string()), tp, to, acks]), "P1", Some(WP1), "normal"),
        Event::Appended { broker, tp, offset, epoch, value, .. } => {
            n(say(NAppended, &[broker, &Quoted(&value.to_string()), tp, offset, epoch]), "P3", Some(WP3), "normal")
        }
        Event::ProduceCompleted { tp, error: None, offset, .. } => n(
            match offset {
                Some(o) => say(NAckedAt, &[tp, o]),
                None => say(NAcked, &[tp]),
            },
            "P5",
            Some(WP5),
            "normal",
        ),
        Event::ProduceCompleted { tp, error: Some(e), .. } => n(
            say(NProduceFailed, &[tp, e]),
            "P5",
            match e.name() {
                "NOT_ENOUGH_REPLICAS" => Some(WNotEnough),
                "NOT_ENOUGH_REPLICAS_AFTER_APPEND" => Some(WNotEnoughAfter),
                "REQUEST_TIMED_OUT" => Some(WTimedOut),
                "NOT_LEADER_OR_FOLLOWER" => Some(WNotLeader),
                _ => None,
            },
            "bad",
        ),
        Event::SegmentRolled { broker, tp, base_offset } => n(say(NRolled, &[broker, tp, base_offset]), "G1", Some(WG1), "normal"),
        Event::Replicated { broker, tp, from, to } => n(say(NReplicated, &[broker, tp, from, &(to.0 - 1), to]), "R4", Some(WR4), "normal"),
        Event::DivergenceDetected { leader, follower, tp, epoch, end_offset } => {
            n(say(NDivergence, &[leader, follower, tp, epoch, end_offset]), "L4", Some(WL4), "important")
        }
        Event::Truncated { broker, tp, from, to, rule, leader_epoch, leader_end_offset } => match rule {
            TruncationRule::LossyCrash => n(say(NLostUnflushed, &[broker, tp, to, &(from.0 - 1)]), "B1", Some(WLossy), "bad"),
            TruncationRule::HwTruncation => n(say(NTruncHw, &[broker, tp, to]), "B4", Some(WB4), "bad"),
            TruncationRule::R2 => n(say(NTruncR2, &[broker, tp, from, to, leader_end_offset]), "R2", Some(WR2), "important"),
            _ => n(say(NTrunc, &[broker, tp, leader_epoch, leader_end_offset, to, &(from.0 - 1)]), rule.id(), Some(WTrunc), "important"),
        },
        Event::HighWatermark { broker, tp, from, to, leader: true } => n(say(NHwLeader, &[broker, tp, from, to]), "H2", Some(WH2), "important"),
        Event::HighWatermark { broker, tp, from, to, leader: false } => n(say(NHwFollower, &[broker, tp, from, to]), "R4", Some(WHwFollower), "normal"),
        Event::IsrProposed { broker, tp, from, to, reason } => n(
            say(NIsrProposed, &[broker, tp, &set(from), &set(to)]),
            "S3",
            match reason {
                IsrChangeReason::OutOfSync => Some(WOutOfSync),
                IsrChangeReason::CaughtUp => Some(WCaughtUp),
                _ => None,
            },
            "normal",
        ),
        Event::IsrChanged { tp, from, to, partition_epoch, reason } => n(
            say(NIsrChanged, &[tp, &set(from), &set(to), partition_epoch]),
            match reason {
                IsrChangeReason::Fenced => "S6",
                #[cfg(feature = "kraft")]
                IsrChangeReason::UncleanShutdown => "EL7",
                IsrChangeReason::Reassignment => "RA5",
                _ => "S4",
            },
            Some(match reason {
                #[cfg(feature = "kraft")]
                IsrChangeReason::UncleanShutdown => WEL7,
                // With ELR the ISR may empty, or an ELR member take it over, in the same change.
                #[cfg(feature = "kraft")]
                IsrChangeReason::Fenced if to.is_empty() || to.iter().any(|b| !from.contains(b)) => WFencedElr,
                IsrChangeReason::Fenced => WFenced,
                IsrChangeReason::OutOfSync => WFellBehind,
                IsrChangeReason::CaughtUp => WFollowerCaughtUp,
                IsrChangeReason::Election => WElectionIsr,
                IsrChangeReason::Reassignment => WReassignIsr,
                // A workspace build may give kplay-core ELR without this page's (never reached).
                #[cfg(not(feature = "kraft"))]
                #[allow(unreachable_patterns)]
                _ => WFenced,
            }),
            "important",
        ),
        Event::AlterPartitionRejected { tp, error } => n(say(NAlterRejected, &[tp, error]), "S4", None, "bad"),
        Event::LeaderElected { tp, leader, leader_epoch, kind, isr, .. } => n(
            match leader {
                Some(l) => say(NElected, &[l, tp, leader_epoch, &set(isr)]),
                None => say(NNoLeader, &[tp, leader_epoch]),
            },
            "E2",
            Some(match kind {
                ElectionKind::Clean => WClean,
                ElectionKind::Preferred => WPreferred,
                ElectionKind::Unclean => WUnclean,
                ElectionKind::NoLeader => WNoLeader,
                ElectionKind::EpochBump => WEpochBump,
                #[cfg(feature = "kraft")]
                ElectionKind::FromElr => WFromElr,
                #[cfg(feature = "kraft")]
                ElectionKind::LastKnownLeader => WLastKnown,
                // A workspace build may give kplay-core ELR without this page's (never reached).
                #[cfg(not(feature = "kraft"))]
                #[allow(unreachable_patterns)]
                _ => WClean,
            }),
            if kind.is_unclean() || leader.is_none() { "bad" } else { "important" },
        ),
        Event::BecameLeader { broker, tp, leader_epoch, leso } => n(say(NBecameLeader, &[broker, tp, leader_epoch, leso]), "C2", Some(WC2), "important"),
        Event::BecameFollower { broker, tp, leader, leader_epoch } => {
            n(say(NBecameFollower, &[broker, tp, leader, leader_epoch]), "F2", Some(WF2), "normal")
        }
        Event::StaleStateIgnored { broker, tp, .. } => n(say(NStaleIgnored, &[broker, tp]), "E4", None, "normal"),
        Event::BrokerCrashed { broker, kind } => n(
            say(
                match kind {
                    CrashKind::Clean => NCrashClean,
                    CrashKind::Unclean => NCrashUnclean,
                    CrashKind::Lossy => NCrashLossy,
                },
                &[broker],
            ),
            "B1",
            None,
            "bad",
        ),
        Event::BrokerRestarted { broker } => n(say(NRestarted, &[broker]), "B2", Some(WB2), "important"),
        Event::LogRecovered { broker, tp, log_end_offset, high_watermark } => {
            n(say(NRecovered, &[broker, tp, log_end_offset, high_watermark]), "B2", None, "normal")
        }
        Event::BrokerRegistered { broker, broker_epoch } => n(say(NRegistered, &[broker, broker_epoch]), "E1", None, "normal"),
        Event::BrokerFenced { broker, reason } => n(say(NFenced, &[broker, reason]), "E1", None, "important"),
        Event::BrokerUnfenced { broker } => n(say(NUnfenced, &[broker]), "E1", None, "normal"),
        Event::BrokerPaused { broker, paused: true } => n(say(NPaused, &[broker]), "", None, "bad"),
        Event::BrokerPaused { broker, paused: false } => n(say(NWoke, &[broker]), "", None, "normal"),
        Event::OffsetsTopicCreated { broker, partitions, replication_factor } => {
            n(say(NOffsetsTopic, &[broker, partitions, replication_factor]), "CP2", Some(WCP2), "important")
        }
        Event::CoordinatorContext { broker, partition, leader_epoch, state, records } => match state {
            ContextState::Loading => n(say(NCoordLoading, &[broker, partition, leader_epoch]), "CP3", Some(WCP3), "important"),
            ContextState::Active => n(say(NCoordActive, &[broker, partition, records]), "CP3", Some(WCP3), "important"),
            ContextState::Closed => n(say(NCoordClosed, &[broker, partition]), "CP5", Some(WCP5), "important"),
        },
        Event::CoordinatorFound { client, group, broker } => n(say(NCoordFound, &[client, group, broker]), "CP2", Some(WCP2), "normal"),
        Event::GroupClientRetry { client, group, error } => n(say(NGroupRetry, &[client, &error.name(), group]), "CP4", Some(WCP4), "normal"),
        Event::GroupClientDone { client, group, outcome } => match outcome {
            Outcome::Committed => n(say(NCommitted, &[client, group]), "CP6", Some(WCP6), "important"),
            Outcome::Fetched(o) => n(say(NFetchedOffsets, &[client, group, &kplay_core::message::offsets_str(o)]), "OC5", Some(WOC5), "normal"),
            Outcome::Failed(e) => n(say(NGroupFailed, &[client, group, &e.name()]), "CP4", None, "bad"),
        },
        Event::GroupStateChanged { broker, group, from, to, .. } => n(say(NGroupState, &[group, broker, &from.name(), &to.name()]), "CL1", None, "normal"),
        Event::GroupMemberRemoved { group, member, reason, .. } => n(say(NMemberRemoved, &[group, member, reason]), "CL8", None, "important"),
        Event::ReassignmentStarted { tp, target, adding, removing, replicas } => {
            n(say(NReassignStarted, &[tp, &set(target), &set(adding), &set(removing), &set(replicas)]), "RA2", Some(WRA2), "important")
        }
        Event::ReassignmentCompleted { tp, replicas, removed } => n(say(NReassignCompleted, &[tp, &set(replicas), &set(removed)]), "RA5", Some(WRA5), "important"),
        Event::ReassignmentCancelled { tp, replicas, removed } => n(say(NReassignCancelled, &[tp, &set(replicas), &set(removed)]), "RA7", Some(WRA7), "important"),
        Event::ReassignmentRefused { tp, cancel, error } => {
            n(say(if *cancel { NCancelRefused } else { NReassignRefused }, &[tp, error]), if *cancel { "RA7" } else { "RA1" }, Some(WRA1), "bad")
        }
        Event::ReplicaCreated { broker, tp } => n(say(NReplicaCreated, &[broker, tp]), "RA4", Some(WRA4), "normal"),
        Event::ReplicaDeleted { broker, tp } => n(say(NReplicaDeleted, &[broker, tp]), "RA6", Some(WRA6), "important"),
        Event::BrokerAdded { broker } => n(say(NBrokerAdded, &[broker]), "E1", Some(WBrokerAdded), "important"),
        Event::SegmentsDeleted { broker, tp, reason, bases, log_start, .. } => {
            use kplay_core::log::RetentionReason as R;
            let (why, what) = match reason {
                R::LogStart => (WRTLogStart, "log start"),
                R::Size => (WRTSize, "retention.bytes"),
                R::Time => (WRTTime, "retention.ms"),
            };
            let bases = bases.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            n(say(NSegmentsDeleted, &[broker, &bases, tp, &what, log_start]), "RT4", Some(why), "important")
        }
        Event::LogStartRaised { broker, tp, from, to } => n(say(NLogStartRaised, &[broker, tp, from, to]), "LF1", Some(WLF1), "normal"),
        #[cfg(feature = "compaction")]
        Event::LogCleaned { broker, tp, round, .. } => {
            let removed = if round.removed.is_empty() { "-".to_string() } else { round.removed.iter().map(|r| r.offset.to_string()).collect::<Vec<_>>().join(", ") };
            let mut text = say(NCleaned, &[broker, tp, &round.end_offset, &round.map.len(), &round.removed.len(), &removed]);
            if !round.horizons.is_empty() {
                let at = round.horizons.iter().map(|(o, h)| format!("{o} → {h} ms")).collect::<Vec<_>>().join(", ");
                text = format!("{text}. {}", say(NTombstonesKept, &[&at]));
            }
            n(text, "CC9", Some(WCC9), "important")
        }
        #[cfg(feature = "compaction")]
        Event::CleanerSkipped { broker, tp, plan } => {
            let ratio = plan.ratio().map_or("-".into(), |r| format!("{r:.2}"));
            let key = if plan.eligible { NCleanerOther } else { NCleanerSkipped };
            n(say(key, &[broker, tp, &plan.cleanable, &(plan.cleanable + plan.clean), &ratio]), "CC6", Some(WCC6), "normal")
        }
        #[cfg(feature = "kraft")]
        Event::ElrChanged { tp, to, last_known_leader, isr, partition_epoch, .. } => {
            let mut text = if to.is_empty() { say(NElrCleared, &[tp, &set(isr), partition_epoch]) } else { say(NElr, &[tp, &set(to), &set(isr), partition_epoch]) };
            if let Some(b) = last_known_leader {
                text = format!("{text}. {}", say(NLastKnown, &[b]));
            }
            let why = if last_known_leader.is_some() { WEL5 } else if to.is_empty() { WEL3Clear } else { WEL3 };
            n(text, if last_known_leader.is_some() { "EL5" } else { "EL3" }, Some(why), "important")
        }
        #[cfg(feature = "kraft")]
        Event::UncleanShutdownDetected { broker } => n(say(NUncleanShutdown, &[broker]), "EL7", Some(WEL7), "bad"),
        Event::PreferredElectionResult { tp, error: None } => n(say(NPreferredDone, &[tp]), "PL2", Some(WPL2), "normal"),
        Event::PreferredElectionResult { tp, error: Some(e) } => n(say(NPreferredRefused, &[tp, e]), "PL2", Some(WPL2), "normal"),
        Event::LeaderRebalance { controller, imbalanced } => n(
            say(NRebalance, &[controller, &imbalanced.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")]),
            "PL4",
            Some(WPL4),
            "important",
        ),
        Event::ControllerElected { broker, controller_epoch } => {
            n(say(NControllerElected, &[broker, controller_epoch]), "K1", Some(WK1), "important")
        }
        Event::ZombieControllerFenced { broker, controller_epoch } => n(say(NZombieController, &[broker, controller_epoch]), "K1", None, "bad"),
        Event::StaleControllerRejected { broker, from, request_epoch, known_epoch } => {
            n(say(NStaleController, &[broker, from, request_epoch, known_epoch]), "K1", Some(WStaleEpoch), "important")
        }
        Event::ConsumerRead { broker, tp, kind, offset, result } => n(
            say(if *kind == ReadKind::Fetch { NFetchRead } else { NListOffsets }, &[tp, offset, broker, result]),
            if *kind == ReadKind::Fetch { "Q1" } else { "Q2" },
            Some(WQ1),
            "normal",
        ),
        Event::NetworkChanged { description } => n(say(NNetwork, &[description]), "", None, "important"),
        Event::Flushed { broker } => n(say(NFlushed, &[broker]), "B1", None, "normal"),
        #[cfg(feature = "groups")]
        Event::ConsumerMember { member, group, note } => {
            use kplay_core::group::member::Note as M;
            let list = |v: &[kplay_core::ids::TopicPartition]| v.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
            match note {
                M::Started { restarted: false } => n(say(NConsStarted, &[member, group]), "", None, "normal"),
                M::Started { restarted: true } => n(say(NConsRestarted, &[member, group]), "", None, "important"),
                M::Crashed => n(say(NConsCrashed, &[member]), "CL8", None, "bad"),
                M::Joined { member_id, generation, leader, protocol } => {
                    n(say(if *leader { NConsJoinedLeader } else { NConsJoined }, &[member, group, member_id, generation, protocol]), "CL5", Some(WCL5), "important")
                }
                M::Assigned { generation, partitions, added } => {
                    n(say(NConsAssigned, &[member, generation, &list(partitions), &list(added)]), "CL13", Some(WCL13Coop), "important")
                }
                M::Revoked { partitions } => n(say(NConsRevoked, &[member, &list(partitions)]), "CL11", Some(WCL11Eager), "important"),
                M::Lost { partitions } => n(say(NConsLost, &[member, &list(partitions)]), "CL14", Some(WCL14), "bad"),
                M::Positioned { tp, offset, reset: false } => n(say(NConsPositioned, &[member, tp, offset]), "OC6", Some(WOC6), "normal"),
                M::Positioned { tp, offset, reset: true } => n(say(NConsReset, &[member, tp, offset]), "OC6", Some(WOC6), "normal"),
                M::NoOffset { tp } => n(say(NConsNoOffset, &[member, tp]), "OC6", Some(WOC6), "bad"),
                M::Committing { offsets, generation } => n(say(NConsCommitting, &[member, &kplay_core::message::offsets_str(offsets), generation]), "OC8", Some(WOC8), "normal"),
                M::Committed { error: None } => n(say(NConsCommitted, &[member]), "CP6", Some(WCP6), "normal"),
                M::Committed { error: Some(e) } => n(say(NConsCommitFailed, &[member, &e.name()]), "OC2", Some(WOC10), "bad"),
                M::HeartbeatError { error } => n(say(NConsHbError, &[member, &error.name()]), "CL14", Some(WCL14), "important"),
                M::PollTimeout { left: true } => n(say(NConsPollTimeout, &[member]), "CL15", Some(WCL15), "bad"),
                M::PollTimeout { left: false } => n(say(NConsPollTimeoutStatic, &[member]), "CL15", Some(WCL15), "bad"),
                M::CoordinatorUnknown => n(say(NConsCoordUnknown, &[member]), "CL16", Some(WCL16), "bad"),
                M::Fatal { error } => n(say(NConsFatal, &[member, &error.name()]), "CL14", None, "bad"),
                M::Closed => n(say(NConsClosed, &[member]), "CL9", None, "important"),
                M::Slowed { slow: true } => n(say(NConsSlow, &[member]), "CL15", None, "important"),
                M::Slowed { slow: false } => n(say(NConsFast, &[member]), "", None, "normal"),
            }
        }
        #[cfg(feature = "groups")]
        Event::RecordsConsumed { member, tp, broker, first, last, duplicates, .. } => {
            if *duplicates > 0 {
                n(say(NConsumedDup, &[member, tp, first, last, broker, duplicates]), "OC10", Some(WOC10), "bad")
            } else {
                n(say(NConsumed, &[member, tp, first, last, broker]), "Q1", Some(WQ1), "normal")
            }
        }
        Event::InvariantViolated { invariant, tp, explained, detail } => n(
            match tp {
                Some(tp) => say(NViolatedOn, &[invariant, detail, tp]),
                None => say(NViolated, &[invariant, detail]),
            },
            "§3",
            Some(if *explained { WExplained } else { WFault }),
            "bad",
        ),
        // The page's build has no consumers yet (kplay-web's `groups` feature); a workspace
        // build may still turn the core's on.
        #[cfg(not(feature = "groups"))]
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

/// `{1,2,3}`.
pub fn set(v: &[kplay_core::ids::BrokerId]) -> String {
    kplay_core::message::ids(v.iter().copied())
}

// Natively only: the Korean catalogue (`ko.rs`) is not compiled into the page.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use kplay_core::event::TruncationRule;
    use kplay_core::ids::{BrokerId, LeaderEpoch, Offset, TopicPartition};

    #[test]
    fn truncation_is_narrated_with_its_reason_in_both_languages() {
        let e = Event::Truncated {
            broker: BrokerId(1),
            tp: TopicPartition::new("t", 0),
            from: Offset(2),
            to: Offset(1),
            rule: TruncationRule::T5,
            leader_epoch: LeaderEpoch(1),
            leader_end_offset: Offset(1),
        };
        let en = narrate(Lang::En, &e, false).unwrap();
        assert_eq!(en.rule, "T5");
        assert!(en.text.contains("epoch 1 ends at offset 1"), "{}", en.text);
        assert!(en.text.contains("truncate to 1"), "{}", en.text);
        let ko = narrate(Lang::Ko, &e, false).unwrap();
        assert!(ko.text.contains("에포크 1") && ko.text.contains("1"), "{}", ko.text);
    }

    /// The cleaner's round (with a tombstone kept) and its skipped logs are narrated in both
    /// languages, every placeholder filled, with the rule and its why (CC6, CC9).
    #[cfg(feature = "compaction")]
    #[test]
    fn the_cleaner_is_narrated_in_both_languages() {
        use kplay_core::cleaner::{Plan, Removed, Round};
        let tp = TopicPartition::new("prices", 0);
        let plan = Plan { first_dirty: Offset(0), bound: Offset(9), cleanable: 243, clean: 0, need_now: false, eligible: true };
        let removed = vec![Removed { offset: Offset(0), key: Some("apple".into()), timestamp_ms: 100, expired_tombstone: None }];
        let round = Round { plan: plan.clone(), end_offset: Offset(9), map: vec![("apple".into(), Offset(5))], removed, horizons: vec![(Offset(7), 62_500)], groups: vec![vec![Offset(0)]], before: kplay_core::cleaner::Before { log_start: Offset(0), high_watermark: Offset(10), log_end: Offset(10), checkpoint: None, segments: vec![] } };
        let events = [
            Event::LogCleaned { broker: BrokerId(1), tp: tp.clone(), high_watermark: Offset(10), round: Box::new(round) },
            Event::CleanerSkipped { broker: BrokerId(1), tp: tp.clone(), plan: Plan { eligible: false, cleanable: 81, clean: 108, ..plan.clone() } },
            Event::CleanerSkipped { broker: BrokerId(1), tp, plan },
        ];
        for e in &events {
            for lang in [Lang::En, Lang::Ko] {
                let n = narrate(lang, e, false).expect("narrated");
                assert!(!n.text.contains('{') && !n.why.is_empty(), "{lang:?}: {n:?}");
                assert!(n.rule == "CC9" || n.rule == "CC6");
            }
        }
        let en = narrate(Lang::En, &events[0], false).unwrap().text;
        assert!(en.contains("Broker 1's cleaner compacts prices-0 below offset 9") && en.contains("removes 1 older record(s) (0)") && en.contains("7 → 62500 ms"), "{en}");
        let ko = narrate(Lang::Ko, &events[1], false).unwrap().text;
        assert!(ko.contains("더티 81 / 189바이트 (비율 0.43)"), "{ko}");
    }

    /// Every consumer note and a poll with duplicates are narrated in both languages, every
    /// placeholder filled, with the rule and its why.
    #[cfg(feature = "groups")]
    #[test]
    fn consumers_are_narrated_in_both_languages() {
        use kplay_core::group::member::Note as M;
        use kplay_core::group::GroupError;
        let tp = TopicPartition::new("t", 2);
        let notes = vec![
            M::Started { restarted: false },
            M::Started { restarted: true },
            M::Crashed,
            M::Joined { member_id: "c1-1".into(), generation: 3, leader: true, protocol: "range".into() },
            M::Joined { member_id: "c1-1".into(), generation: 3, leader: false, protocol: "range".into() },
            M::Assigned { generation: 3, partitions: vec![tp.clone()], added: vec![tp.clone()] },
            M::Revoked { partitions: vec![tp.clone()] },
            M::Lost { partitions: vec![tp.clone()] },
            M::Positioned { tp: tp.clone(), offset: 80, reset: false },
            M::Positioned { tp: tp.clone(), offset: 80, reset: true },
            M::NoOffset { tp: tp.clone() },
            M::Committing { offsets: vec![(tp.clone(), 85)], generation: 3 },
            M::Committed { error: None },
            M::Committed { error: Some(GroupError::IllegalGeneration) },
            M::HeartbeatError { error: GroupError::RebalanceInProgress },
            M::PollTimeout { left: true },
            M::PollTimeout { left: false },
            M::CoordinatorUnknown,
            M::Fatal { error: GroupError::FencedInstanceId },
            M::Closed,
            M::Slowed { slow: true },
            M::Slowed { slow: false },
        ];
        let mut events: Vec<Event> = notes.into_iter().map(|note| Event::ConsumerMember { member: "c1".into(), group: "g".into(), note }).collect();
        events.push(Event::RecordsConsumed { member: "c1".into(), group: "g".into(), tp: tp.clone(), broker: BrokerId(3), first: Offset(80), last: Offset(84), duplicates: 5 });
        events.push(Event::RecordsConsumed { member: "c1".into(), group: "g".into(), tp, broker: BrokerId(3), first: Offset(85), last: Offset(85), duplicates: 0 });
        for e in &events {
            let en = narrate(Lang::En, e, false).expect("narrated");
            let ko = narrate(Lang::Ko, e, false).expect("narrated");
            for text in [&en.text, &ko.text] {
                assert!(text.contains("c1") && !text.contains('{'), "{e:?}: {text}");
            }
            assert_ne!(en.text, ko.text, "{e:?}");
        }
        let dup = narrate(Lang::Ko, &events[events.len() - 2], false).unwrap();
        assert!(dup.text.contains("5개") && dup.rule == "OC10" && !dup.why.is_empty(), "{}", dup.text);
    }

    #[test]
    fn every_topic_of_the_core_has_a_name_in_both_languages() {
        for (id, _) in kplay_core::lesson::TOPICS {
            let k = topic(id);
            assert_ne!(t(Lang::En, k), t(Lang::Ko, k), "{id}");
        }
        let names: Vec<&str> = kplay_core::lesson::TOPICS.iter().map(|(id, _)| t(Lang::En, topic(id))).collect();
        let mut distinct = names.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), names.len(), "two topics share a name: {names:?}");
    }

    /// The file the page fetches (`web/i18n/ko.json`, copied to `dist/i18n/`) is ko.rs's
    /// catalogue, key by key: `KPLAY_BLESS=1 cargo test -p kplay-web` rewrites it after an edit.
    #[test]
    fn the_korean_catalogue_file_is_the_korean_catalogue() {
        let text: Vec<&str> = Ui::ALL.iter().map(|&k| ko::ui(k)).collect();
        let json = serde_json::json!({ "v": 1, "lang": "ko", "keys": Ui::ALL.len(), "text": text });
        let want = format!("{}\n", serde_json::to_string_pretty(&json).unwrap());
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(KO_FILE);
        if std::env::var_os("KPLAY_BLESS").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let got = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(got == want, "web/{KO_FILE} is out of date: run KPLAY_BLESS=1 cargo test -p kplay-web (--features full for ko-full.json)");
        let parsed = parse_catalogue(&got).unwrap();
        for (i, &k) in Ui::ALL.iter().enumerate() {
            assert_eq!(parsed[i], ko::ui(k), "{k:?}");
        }
    }

    #[test]
    fn a_catalogue_from_another_release_is_refused_by_name() {
        let e = parse_catalogue(r#"{"v":1,"lang":"ko","text":["a"]}"#).unwrap_err();
        assert!(e.contains("1 strings") && e.contains(&Ui::ALL.len().to_string()), "{e}");
        assert!(parse_catalogue(r#"{"v":2,"text":[]}"#).unwrap_err().contains("version 2"));
        assert!(parse_catalogue("{").unwrap_err().starts_with(KO_FILE));
        let mut text: Vec<serde_json::Value> = Ui::ALL.iter().map(|_| "x".into()).collect();
        text[3] = 5.into();
        let e = parse_catalogue(&serde_json::json!({"v": 1, "text": text}).to_string()).unwrap_err();
        assert!(e.contains("text[3] is not a string"), "{e}");
    }

    /// Each language may order a template's arguments its own way, but must use every one
    /// the English uses (and no other): a Korean sentence never drops the offset it is about.
    #[test]
    fn both_languages_fill_the_same_arguments_of_every_template() {
        let used = |s: &str| (0..10).filter(|i| s.contains(&format!("{{{i}}}"))).collect::<Vec<_>>();
        for &k in Ui::ALL {
            assert_eq!(used(en::ui(k)), used(ko::ui(k)), "{k:?}: {:?} / {:?}", en::ui(k), ko::ui(k));
            assert!(!en::ui(k).is_empty() && !ko::ui(k).is_empty(), "{k:?}");
        }
    }

    #[test]
    fn a_template_is_filled_by_position_and_other_braces_stay() {
        assert_eq!(fill("{1} then {0}, {0} again; {x} {9} {", &[&"a", &2]), "2 then a, a again; {x} {9} {");
        assert_eq!(fill("quoted {0}", &[&Quoted("a\"b")]), "quoted \"a\\\"b\"");
    }

    #[test]
    fn every_ui_key_has_text_in_both_languages() {
        use Ui::*;
        for k in [Title, Hint, Play, Pause, Step, StepBack, Reset, Produce, Crash, Events, Invariants, HelpText, Lessons, Sandbox, LibraryIntro, TourNext, TourBack, TourFork, FreePlay, ShowAnswer, Loading, TourEnd] {
            assert!(!t(Lang::En, k).is_empty() && !t(Lang::Ko, k).is_empty(), "{k:?}");
            assert_ne!(t(Lang::En, k), t(Lang::Ko, k), "{k:?} is not translated");
        }
    }
}
