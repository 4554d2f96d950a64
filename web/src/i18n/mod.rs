//! Every user-visible string, one catalogue per language ([`en`], [`ko`]). The core's events
//! carry data; the page words them here. The Korean uses the terms of the study notes the
//! page is for (리더, 팔로워, ISR, 하이 워터마크, 리더 에포크, 컨트롤러 …).

pub mod en;
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

/// A UI string's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Ui {
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
}

/// One event in plain language.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Narration {
    /// What happened.
    pub text: String,
    /// The PROTOCOL.md rule it follows (e.g. "L4").
    pub rule: &'static str,
    /// Why, in one sentence (may be empty).
    pub why: String,
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

/// A UI string.
pub fn t(lang: Lang, k: Ui) -> &'static str {
    match lang {
        Lang::En => en::ui(k),
        Lang::Ko => ko::ui(k),
    }
}

/// A UI string that follows the page's language. Every label shares this one closure type, so
/// the wasm bundle holds one render effect for all of them instead of one per label.
pub fn tr(lang: leptos::prelude::RwSignal<Lang>, k: Ui) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    use leptos::prelude::Get;
    move || t(lang.get(), k)
}

/// An event in plain language, or `None` for chatter the log leaves out (sends, deliveries,
/// heartbeats) unless `messages` is set.
#[inline(never)] // two call sites (the log, truncation notes): one copy in the bundle
pub fn narrate(lang: Lang, e: &Event, messages: bool) -> Option<Narration> {
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
    Some(match lang {
        Lang::En => en::narrate(e),
        Lang::Ko => ko::narrate(e),
    })
}

/// `{1,2,3}`.
pub fn set(v: &[kplay_core::ids::BrokerId]) -> String {
    kplay_core::message::ids(v.iter().copied())
}

#[cfg(test)]
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

    #[test]
    fn every_ui_key_has_text_in_both_languages() {
        use Ui::*;
        for k in [Title, Hint, Play, Pause, Step, StepBack, Reset, Produce, Crash, Events, Invariants, HelpText, Lessons, Sandbox, LibraryIntro, TourNext, TourBack, TourFork, FreePlay, ShowAnswer, Loading, TourEnd] {
            assert!(!t(Lang::En, k).is_empty() && !t(Lang::Ko, k).is_empty(), "{k:?}");
            assert_ne!(t(Lang::En, k), t(Lang::Ko, k), "{k:?} is not translated");
        }
    }
}
