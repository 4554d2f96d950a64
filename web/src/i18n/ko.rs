//! 한국어 카탈로그. 용어는 학습 노트(shared/seeds)를 따른다: 브로커, 파티션, 리더, 팔로워, ISR,
//! 하이 워터마크(HW), 리더 에포크, 컨트롤러, 오프셋, 프로듀서, 컨슈머, 세그먼트, 커밋.

use super::{set, Narration, Ui};
use kplay_core::event::{CrashKind, ElectionKind, Event, IsrChangeReason, ReadKind, TruncationRule};

/// A UI string.
pub fn ui(k: Ui) -> &'static str {
    use Ui::*;
    match k {
        Title => "카프카 복제 플레이그라운드",
        Hint => "이렇게 해 보세요: 레코드를 몇 개 프로듀스하고, 팔로워가 페치하며 하이 워터마크가 올라가는 것을 본 뒤 리더를 장애 내 보세요.",
        Play => "재생",
        Pause => "일시정지",
        Step => "한 단계",
        StepBack => "뒤로",
        Reset => "초기화",
        Speed => "속도",
        Produce => "프로듀스",
        Key => "키",
        Value => "값",
        Acks => "acks",
        Count => "개수",
        Crash => "장애",
        CrashClean => "정상 종료",
        CrashUnclean => "비정상 종료",
        CrashLossy => "비정상 종료 (페이지 캐시 유실)",
        Restart => "재시작",
        Isolate => "네트워크 격리",
        Heal => "격리 해제",
        Slow => "느리게",
        Fast => "정상 속도",
        Slowed => "느려짐",
        KillController => "컨트롤러 종료",
        Settings => "설정",
        MinIsr => "min.insync.replicas",
        UncleanElection => "unclean.leader.election.enable",
        TruncationMode => "트렁케이션 방식",
        LagTime => "replica.lag.time.max.ms",
        Brokers => "브로커 수",
        Partitions => "파티션 수",
        Partition => "파티션",
        ApplySettings => "이 설정으로 다시 시작",
        Events => "이벤트",
        Invariants => "불변식",
        Inspector => "상세 보기",
        Help => "도움말",
        Export => "내보내기",
        Import => "불러오기",
        Consume => "컨슘",
        Consumer => "컨슈머",
        HideHeartbeats => "하트비트 숨기기",
        Controller => "컨트롤러",
        ControllerEpoch => "컨트롤러 에포크",
        Leader => "리더",
        Follower => "팔로워",
        Offline => "오프라인",
        NoRole => "역할 없음",
        LeaderEpoch => "리더 에포크",
        Isr => "ISR",
        Hw => "HW",
        Leo => "LEO",
        NoViolations => "모든 불변식이 지켜지고 있습니다.",
        Jump => "이 단계로 이동",
        Time => "시간",
        StepN => "단계",
        InspectorEmpty => "레플리카 이름이나 파티션 제목을 누르면 자세히 볼 수 있습니다.",
        Segments => "세그먼트 (베이스 오프셋 · 레코드 · 바이트 · 희소 인덱스)",
        EpochCache => "리더 에포크 캐시",
        FetchState => "페치 상태",
        LeaderView => "리더 상태",
        Close => "닫기",
        Alive => "정상",
        Crashed => "다운",
        Paused => "멈춤",
        Fenced => "펜싱됨",
        Isolated => "격리됨",
        Recovering => "RECOVERING",
        OutOfSync => "동기화 안 됨",
        Position => "위치",
        Producer => "프로듀서",
        ShowMessages => "모든 메시지 보기",
        Stale => "오래된 리더",
        Clients => "클라이언트",
        EarlierOffsets => "개의 이전 오프셋",
        ViolationExplained => "언클린 선출 또는 페이지 캐시 유실 장애로 설명됨",
        ViolationFault => "프로토콜 결함",
        OffsetWord => "오프셋",
        EpochWord => "에포크",
        HighWatermark => "하이 워터마크",
        LogEndOffset => "로그 끝 오프셋",
        NoLeader => "없음",
        Unknown => "알 수 없음",
        Never => "없음",
        AnyPartition => "키 / 라운드 로빈",
        Lessons => "레슨",
        Sandbox => "샌드박스",
        LibraryIntro => "레슨을 골라 보세요. 각 레슨은 실제 장애를 한 단계씩 재생하고, 중요한 순간에 멈춰서 카프카 프로토콜의 어떤 규칙이 작동하는지 알려 줍니다.",
        Search => "레슨 검색",
        StartHere => "여기서 시작하세요",
        LevelIntro => "입문",
        LevelIntermediate => "중급",
        LevelAdvanced => "고급",
        StopsWord => "정지점 {}개",
        TourNext => "다음",
        TourBack => "이전",
        TourRestart => "처음부터",
        TourFork => "직접 해 보기",
        TourResume => "투어로 돌아가기",
        FreePlay => "자유 실행: 지금 이 순간부터 모든 컨트롤을 쓸 수 있습니다. 투어는 기다립니다.",
        Question => "예측해 보세요",
        ShowAnswer => "정답 보기",
        LookAt => "주목할 곳",
        Loading => "레슨을 불러오는 중…",
        NoMatch => "맞는 레슨이 없습니다.",
        Learn => "배울 내용",
        Moving => "다음 정지점까지 재생 중…",
        TourEnd => "투어가 끝났습니다. 직접 해 보거나 다른 레슨을 골라 보세요.",
        BackToLesson => "레슨으로 돌아가기",
        TopicProduceFetch => "프로듀스와 페치",
        TopicPartitionsKeys => "파티션과 키",
        TopicSegments => "세그먼트와 인덱스",
        TopicHighWatermark => "하이 워터마크",
        TopicIsr => "ISR(동기화된 레플리카)",
        TopicAcks => "acks 설정",
        TopicMinIsr => "min.insync.replicas 설정",
        TopicLeaderEpoch => "리더 에포크",
        TopicFailover => "리더 장애 조치",
        TopicTruncation => "트렁케이션",
        TopicUnclean => "언클린 리더 선출",
        TopicController => "컨트롤러",
        TopicCrashRecovery => "장애와 복구",
        SpaceTime => "시공간 다이어그램 (브로커마다 한 줄, 표시를 누르면 그 단계로 이동)",
        Compare => "나란히 비교하기",
        CompareLeave => "비교 끝내기",
        CompareSame => "지금은 양쪽의 레코드, 리더, 불변식이 모두 같습니다.",
        CompareDiff => "다른 점",
        OpenFull => "전체 플레이그라운드 열기",
        PanelsToggle => "패널",
        Share => "공유",
        CopyLink => "링크 복사",
        CopyEmbed => "임베드 코드 복사",
        Copied => "복사했습니다(브라우저가 허용한 경우). 위 칸에도 있습니다.",
        ShareNote => "링크의 # 뒤에 세션 전체(설정, 시드, 모든 동작, 현재 단계)가 담깁니다. 브라우저는 이 부분을 서버로 보내지 않습니다.",
        LinkSession => "링크로 연 세션입니다. 저장되지 않으며, 내 세션은 그대로입니다.",
        KeepSession => "내 세션으로 저장",
        OwnSession => "내 세션 열기",
        SessionNotRestored => "저장된 세션을 복원하지 못해 새 세션을 시작했습니다.",
        LessonNotReopened => "저장된 레슨을 다시 열지 못했습니다.",
        HelpText => "이 페이지는 카프카 파티션 복제 프로토콜을 결정적으로 시뮬레이션합니다 (KRaft 시대 규칙 + \
주키퍼 방식의 컨트롤러 에포크). 따르는 규칙마다 PROTOCOL.md의 이름(P1, L4, T5 …)을 붙였습니다. 단순화한 점: \
파티션마다 따로 페치합니다(페치 세션으로 묶지 않음). 레코드 크기는 근사값입니다. 컨트롤러는 한 브로커의 역할이며 \
메타데이터 저장소는 장애가 나지 않습니다. 컨슈머는 직접 읽습니다(컨슈머 그룹·오프셋 커밋 없음). HW 체크포인트는 \
장애 순간에 기록됩니다. 몇 초 안에 일이 일어나도록 타임아웃을 줄였습니다. 페치 응답을 잃으면 팔로워의 연결이 \
곧바로 끊긴 것으로 보고 백오프 뒤 다시 페치합니다(카프카는 소켓 타임아웃으로 알아챕니다). 장애는 머신이 \
응답을 멈추는 것이라, 그 브로커를 기다리던 프로듀서는 타임아웃됩니다(카프카 프로세스를 강제 종료하면 소켓이 닫혀 \
클라이언트가 곧바로 실패합니다). 실제 카프카 4.4 클러스터와 비교한 결과: docs/fidelity.md. 레슨은 기록된 실행을 \
재생합니다. 레슨 중에 직접 명령을 내리면 그 순간부터 자유 실행이 됩니다. 같은 시드 + 같은 조작 = 언제나 같은 실행: \
자유롭게 앞뒤로 이동해 보세요.",
    }
}

fn crash(k: CrashKind) -> &'static str {
    match k {
        CrashKind::Clean => "정상 종료되었습니다",
        CrashKind::Unclean => "비정상 종료되었습니다",
        CrashKind::Lossy => "비정상 종료되며 페이지 캐시를 잃었습니다",
    }
}

fn n(text: String, rule: &'static str, why: &str, tone: &'static str) -> Narration {
    Narration { text, rule, why: why.to_string(), tone }
}

/// 이벤트를 한국어로.
pub fn narrate(e: &Event) -> Narration {
    match e {
        Event::Sent { from, to, message, .. } => n(format!("{from} → {to}: {message}"), "", "", "normal"),
        Event::Delivered { from, to, kind, .. } => n(format!("{from}의 {kind} 메시지가 {to}에 도착"), "", "", "normal"),
        Event::Dropped { reason, .. } => n(format!("메시지 유실: {reason}"), "", "", "bad"),
        Event::ProduceSent { tp, to, acks, value, .. } => n(
            format!("프로듀서가 {value:?} 레코드를 {tp} 파티션(리더: {to}번 브로커)에 보냅니다 (acks={acks})"),
            "P1",
            "쓰기는 리더만 받습니다.",
            "normal",
        ),
        Event::Appended { broker, tp, offset, epoch, value, .. } => n(
            format!("리더인 {broker}번 브로커가 {value:?} 레코드를 {tp}의 오프셋 {offset}에 추가합니다 (리더 에포크 {epoch})"),
            "P3",
            "모든 레코드에는 그것을 쓴 리더의 에포크가 찍힙니다.",
            "normal",
        ),
        Event::ProduceCompleted { tp, error: None, offset, .. } => n(
            format!("{tp}에 대한 쓰기가 승인되었습니다{}", offset.map_or(String::new(), |o| format!(" (오프셋 {o})"))),
            "P5",
            "acks=1은 리더가 추가한 직후, acks=all은 HW가 레코드를 넘은 뒤 응답합니다.",
            "normal",
        ),
        Event::ProduceCompleted { tp, error: Some(e), .. } => n(
            format!("{tp}에 대한 쓰기 실패: {e}"),
            "P5",
            match e.name() {
                "NOT_ENOUGH_REPLICAS" => "ISR이 min.insync.replicas보다 작아서 acks=all 쓰기를 추가 전에 거절합니다.",
                "NOT_ENOUGH_REPLICAS_AFTER_APPEND" => "레코드는 추가되었지만 ISR이 min.insync.replicas 아래로 줄었습니다.",
                "REQUEST_TIMED_OUT" => "request.timeout.ms 안에 HW가 레코드에 도달하지 못했습니다. 레코드는 로그에 남아 있을 수 있습니다.",
                "NOT_LEADER_OR_FOLLOWER" => "이 브로커는 더 이상 리더가 아닙니다.",
                _ => "",
            },
            "bad",
        ),
        Event::SegmentRolled { broker, tp, base_offset } => n(
            format!("{broker}번 브로커가 {tp}의 새 세그먼트를 오프셋 {base_offset}부터 시작합니다"),
            "G1",
            "활성 세그먼트가 가득 찼습니다 (segment.bytes 또는 레코드 수 한도).",
            "normal",
        ),
        Event::Replicated { broker, tp, from, to } => n(
            format!("팔로워인 {broker}번 브로커가 {tp}의 오프셋 {from}..{} 구간을 복제했습니다. LEO는 이제 {to}", to.0 - 1),
            "R4",
            "팔로워는 리더의 에포크를 그대로 유지합니다.",
            "normal",
        ),
        Event::DivergenceDetected { leader, follower, tp, epoch, end_offset } => n(
            format!("리더인 {leader}번 브로커가 팔로워인 {follower}번 브로커의 {tp} 로그가 갈라졌음을 발견: 리더 로그의 에포크 {epoch} 구간은 오프셋 {end_offset}에서 끝납니다"),
            "L4",
            "팔로워의 마지막 에포크가 리더에게서는 더 일찍 끝납니다.",
            "important",
        ),
        Event::Truncated { broker, tp, from, to, rule, leader_epoch, leader_end_offset } => match rule {
            TruncationRule::LossyCrash => n(
                format!("{broker}번 브로커가 {tp}의 오프셋 {to}..{} 구간을 잃었습니다: 플러시되지 않았던 데이터입니다", from.0 - 1),
                "B1",
                "페이지 캐시를 잃는 장애는 로그를 복구 지점까지 되돌립니다.",
                "bad",
            ),
            TruncationRule::HwTruncation => n(
                format!("{broker}번 브로커가 {tp} 파티션을 하이 워터마크 {to}까지 잘라냅니다 (구버전 HW 방식)"),
                "B4",
                "KIP-101 이전에는 팔로워가 HW까지 잘라냈고, 커밋된 데이터가 사라질 수 있었습니다.",
                "bad",
            ),
            TruncationRule::R2 => n(
                format!("{broker}번 브로커가 {tp} 파티션을 오프셋 {to}까지 잘라냅니다 (LEO {from} → {to}): 리더의 로그는 {leader_end_offset}에서 끝납니다"),
                "R2",
                "OFFSET_OUT_OF_RANGE: 팔로워의 로그가 리더보다 깁니다.",
                "important",
            ),
            _ => n(
                format!(
                    "{broker}번 브로커가 {tp} 파티션을 잘라냅니다: 리더에 따르면 에포크 {leader_epoch} 구간은 오프셋 {leader_end_offset}에서 끝남 → {to}까지 트렁케이트 (갈라진 꼬리 {to}..{} 삭제)",
                    from.0 - 1
                ),
                rule.id(),
                "팔로워는 리더와 공유하는 앞부분만 남깁니다.",
                "important",
            ),
        },
        Event::HighWatermark { broker, tp, from, to, leader: true } => n(
            format!("리더인 {broker}번 브로커가 {tp}의 하이 워터마크를 {from}에서 {to}까지 올립니다: {to} 미만의 오프셋이 커밋되었습니다"),
            "H2",
            "HW = 리더와 (최대) ISR의 LEO 중 가장 작은 값.",
            "important",
        ),
        Event::HighWatermark { broker, tp, from, to, leader: false } => n(
            format!("팔로워인 {broker}번 브로커가 {tp}의 HW를 받았습니다: {to} (이전 {from})"),
            "R4",
            "팔로워는 페치 응답으로 HW를 받으므로 한 왕복 늦습니다.",
            "normal",
        ),
        Event::IsrProposed { broker, tp, from, to, reason } => n(
            format!("리더인 {broker}번 브로커가 컨트롤러에 {tp}의 ISR 변경({} → {})을 요청합니다", set(from), set(to)),
            "S3",
            match reason {
                IsrChangeReason::OutOfSync => "팔로워가 replica.lag.time.max.ms 안에 따라잡지 못했습니다.",
                IsrChangeReason::CaughtUp => "팔로워가 HW와 리더 에포크 시작점에 도달해 다시 동기화되었습니다.",
                _ => "",
            },
            "normal",
        ),
        Event::IsrChanged { tp, from, to, partition_epoch, reason } => n(
            format!("컨트롤러가 {tp}의 ISR 변경({} → {})을 확정합니다 (파티션 에포크 {partition_epoch})", set(from), set(to)),
            if *reason == IsrChangeReason::Fenced { "S6" } else { "S4" },
            match reason {
                IsrChangeReason::Fenced => "펜싱된 브로커는 모든 ISR에서 빠집니다 (ISR을 비우지는 않음).",
                IsrChangeReason::OutOfSync => "팔로워가 뒤처졌습니다.",
                IsrChangeReason::CaughtUp => "팔로워가 따라잡았습니다.",
                IsrChangeReason::Election => "선출이 ISR을 정했습니다.",
            },
            "important",
        ),
        Event::AlterPartitionRejected { tp, error } => {
            n(format!("컨트롤러가 {tp}의 ISR 변경을 거절합니다: {error}"), "S4", "", "bad")
        }
        Event::LeaderElected { tp, leader, leader_epoch, kind, isr, .. } => n(
            match leader {
                Some(l) => format!("컨트롤러가 {l}번 브로커를 {tp}의 리더로 선출합니다. 리더 에포크 {leader_epoch}, ISR {}", set(isr)),
                None => format!("{tp}에 리더가 없습니다 (에포크 {leader_epoch}): 사용할 수 있는 ISR 멤버가 없습니다"),
            },
            "E2",
            match kind {
                ElectionKind::Clean => "깨끗한 선출: ISR 중 할당 순서상 첫 번째 살아 있는 레플리카.",
                ElectionKind::Preferred => "선호 리더 선출: 할당 목록의 첫 번째 레플리카.",
                ElectionKind::Unclean => "ISR 밖에서의 언클린 선출: 커밋된 데이터를 잃을 수 있습니다.",
                ElectionKind::NoLeader => "언클린 선출이 꺼져 있으면 ISR 멤버가 돌아올 때까지 기다립니다.",
                ElectionKind::EpochBump => "리더는 그대로이고 리더 에포크만 올라갑니다.",
            },
            if *kind == ElectionKind::Unclean || leader.is_none() { "bad" } else { "important" },
        ),
        Event::BecameLeader { broker, tp, leader_epoch, leso } => n(
            format!("{broker}번 브로커가 에포크 {leader_epoch}에서 {tp}의 리더가 됩니다. 이 에포크는 오프셋 {leso}에서 시작합니다"),
            "C2",
            "새 리더는 아무것도 쓰기 전에도 자기 에포크의 시작 오프셋을 기록합니다.",
            "important",
        ),
        Event::BecameFollower { broker, tp, leader, leader_epoch } => n(
            format!("{broker}번 브로커가 {tp}에서 {leader}번 브로커를 따릅니다 (에포크 {leader_epoch})"),
            "F2",
            "새 리더 에포크가 되면 팔로워의 페처가 다시 시작됩니다.",
            "normal",
        ),
        Event::StaleStateIgnored { broker, tp, .. } => {
            n(format!("{broker}번 브로커가 {tp}의 오래된 파티션 상태를 무시합니다"), "E4", "", "normal")
        }
        Event::BrokerCrashed { broker, kind } => n(format!("{broker}번 브로커가 {}", crash(*kind)), "B1", "", "bad"),
        Event::BrokerRestarted { broker } => n(
            format!("{broker}번 브로커가 재시작하며 로그를 복구합니다"),
            "B2",
            "재시작한 브로커의 레플리카는 모두 동기화되지 않은 팔로워로 시작합니다.",
            "important",
        ),
        Event::LogRecovered { broker, tp, log_end_offset, high_watermark } => n(
            format!("{broker}번 브로커가 {tp} 파티션을 복구했습니다: LEO {log_end_offset}, HW {high_watermark}"),
            "B2",
            "",
            "normal",
        ),
        Event::BrokerRegistered { broker, broker_epoch } => n(
            format!("{broker}번 브로커가 컨트롤러에 등록합니다 (브로커 에포크 {broker_epoch})"),
            "E1",
            "",
            "normal",
        ),
        Event::BrokerFenced { broker, reason } => {
            n(format!("컨트롤러가 {broker}번 브로커를 펜싱합니다: {reason}"), "E1", "", "important")
        }
        Event::BrokerUnfenced { broker } => n(format!("컨트롤러가 {broker}번 브로커의 펜싱을 풉니다"), "E1", "", "normal"),
        Event::BrokerPaused { broker, paused: true } => n(format!("{broker}번 브로커가 긴 GC 일시정지에 빠집니다"), "", "", "bad"),
        Event::BrokerPaused { broker, paused: false } => n(format!("{broker}번 브로커가 깨어납니다"), "", "", "normal"),
        Event::LeaderRebalance { controller, imbalanced } => n(
            format!("컨트롤러(브로커 {controller})의 리더 리밸런스: 선호 리더 선출 대상 파티션 {}", imbalanced.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
            "PL4",
            "auto.leader.rebalance.enable: 컨트롤러는 leader.imbalance.check.interval(300초)마다, 할당 목록의 첫 번째 레플리카가 ISR에 있으면 그 레플리카에게 리더를 돌려줍니다.",
            "important",
        ),
        Event::ControllerElected { broker, controller_epoch } => n(
            format!("{broker}번 브로커가 컨트롤러가 됩니다 (컨트롤러 에포크 {controller_epoch})"),
            "K1",
            "새 컨트롤러는 에포크를 올리므로 이전 컨트롤러의 요청은 거절됩니다.",
            "important",
        ),
        Event::ZombieControllerFenced { broker, controller_epoch } => n(
            format!("이전 컨트롤러인 {broker}번 브로커(에포크 {controller_epoch})가 움직이려 하지만 쓰기에 실패하고 물러납니다"),
            "K1",
            "",
            "bad",
        ),
        Event::StaleControllerRejected { broker, from, request_epoch, known_epoch } => n(
            format!("{broker}번 브로커가 이전 컨트롤러({from}번 브로커)의 요청을 거절합니다: 에포크 {request_epoch} < {known_epoch}"),
            "K1",
            "STALE_CONTROLLER_EPOCH",
            "important",
        ),
        Event::ConsumerRead { broker, tp, kind, offset, result } => n(
            match kind {
                ReadKind::Fetch => format!("컨슈머가 {broker}번 브로커에서 {tp} 파티션을 오프셋 {offset}부터 읽습니다: {result}"),
                ReadKind::ListOffsets => format!("컨슈머가 {broker}번 브로커에 {tp}의 최신 오프셋을 묻습니다: {result}"),
            },
            if *kind == ReadKind::Fetch { "Q1" } else { "Q2" },
            "컨슈머는 하이 워터마크 아래의 오프셋만 볼 수 있습니다.",
            "normal",
        ),
        Event::NetworkChanged { description } => n(format!("네트워크: {description}"), "", "", "important"),
        Event::Flushed { broker } => n(format!("{broker}번 브로커가 로그를 디스크에 플러시합니다"), "B1", "", "normal"),
        Event::InvariantViolated { invariant, tp, explained, detail } => n(
            format!("{invariant} 위반{}: {detail}", tp.as_ref().map_or(String::new(), |tp| format!(" ({tp})"))),
            "§3",
            if *explained { "언클린 선출 또는 페이지 캐시 유실 장애로 설명됩니다." } else { "프로토콜 결함입니다." },
            "bad",
        ),
    }
}
