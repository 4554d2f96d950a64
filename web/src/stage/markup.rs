//! The stage drawn as markup strings: the broker cards, the partition cards (each replica's
//! log as cells, a truncation's cut cells, the HW and LEO markers) and the messages in flight;
//! and what every markup-drawn panel shares: [`escape`] for the user's text, [`clicked`] for
//! its buttons.
//!
//! Why strings: while playing, a step changes a partition (a record appended, the HW moved)
//! and every frame moves the messages. The page sets a row's or the strip's inner HTML, one
//! DOM write, and only when the string changed (tachys compares it with the last one). Drawn
//! as reactive elements, every changed element had all its attributes removed and set again
//! (that is how `erase_components` rebuilds an element), hundreds of DOM writes a frame; and
//! the views cost three times the bundle the strings do. Buttons inside carry `data-select`
//! or `data-action` and are handled by one listener on their section.

use crate::i18n::{narrate, role, t, Lang, Ui};
use crate::stage::layout::{message_xy, progress, CELL_PX};
use crate::view::{BrokerView, MessageView, PartitionView, ReplicaView};
use kplay_core::ids::TopicPartition;
use std::fmt::Write;

/// Cells drawn per row; older offsets are summarised ("… N earlier offsets"). A row is then
/// `LOG_WIDTH_PX` wide, which fits beside the side panels at 1280 px: the newest records and
/// the HW and LEO markers stay in view without scrolling.
pub const WINDOW: i64 = 18;

/// A log row's width: the window and room for the LEO label after its last cell.
const LOG_WIDTH_PX: i64 = WINDOW * CELL_PX + 40;

/// The first offset drawn, for a partition whose longest log ends at `max_leo`.
pub fn window_start(max_leo: i64) -> i64 {
    (max_leo - WINDOW).max(0)
}

/// The element a click on markup hit: the nearest one, from the click's target up, that has
/// `attr` (`data-action`, `data-select`, `data-jump`).
pub fn clicked(ev: &web_sys::MouseEvent, attr: &str) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    ev.target()?.dyn_into::<web_sys::Element>().ok()?.closest(&format!("[{attr}]")).ok()?
}

/// The `data-testid` of the element a click on markup hit (the buttons of markup-drawn
/// panels are told apart by it).
pub fn clicked_testid(ev: &web_sys::MouseEvent) -> Option<String> {
    clicked(ev, "data-testid")?.get_attribute("data-testid")
}

/// `s` with the characters that mean something in HTML written as entities (values and keys
/// are the user's text).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The row's HTML, in window coordinates (offset `window_start` at x = 0): the cells in a
/// flex row (consecutive offsets sit side by side; a gap in the offsets gets a margin), then
/// the cut cells of a recent truncation, then the HW and LEO markers. Only the markers and
/// gaps carry inline styles: the cells' colours are classes (`ep0`…`ep7`, by leader epoch),
/// which keeps a redraw cheap. `testid` prefixes each cell's `data-testid`
/// (`log-cell-{topic}-{p}-{broker}`, then `-{offset}`); its words are in the page's language.
pub fn track_html(testid: &str, r: &ReplicaView, window_start: i64, l: Lang) -> String {
    let (offset, epoch) = (t(l, Ui::OffsetWord), t(l, Ui::EpochWord));
    let mut h = String::from(r#"<div class="cells">"#);
    let mut next = window_start;
    let mut gap = |h: &mut String, o: i64| {
        if o > next {
            let _ = write!(h, r#" style="margin-left:{}px""#, (o - next) * CELL_PX);
        }
        next = o + 1;
    };
    for c in r.cells.iter().filter(|c| c.offset >= window_start) {
        let (o, e) = (c.offset, c.epoch);
        let _ = write!(
            h,
            r#"<span class="cell ep{}{}{}" data-testid="{testid}-{o}" data-epoch="{e}" title="{offset} {o} · {epoch} {e} · {}{}""#,
            e.rem_euclid(8),
            if o >= r.hw { " uncommitted" } else { "" },
            if c.segment_start { " segment-start" } else { "" },
            c.key.as_ref().map_or(String::new(), |k| format!("{}=", escape(k))),
            escape(&c.value),
        );
        gap(&mut h, o);
        let short: String = c.value.chars().take(3).collect();
        h.push('>');
        // Compaction keeps the latest record per key: on the extended page a keyed cell shows its key.
        #[cfg(feature = "compaction")]
        if let Some(k) = &c.key {
            let _ = write!(h, r#"<span class="k">{}</span>"#, escape(&k.chars().take(4).collect::<String>()));
        }
        let _ = write!(h, r#"<span class="v">{}</span><span class="e">{e}</span></span>"#, escape(&short));
    }
    // A recent truncation: the removed offsets not yet refilled, drawn cut in place.
    if let Some(x) = r.truncation {
        for o in x.to.0.max(r.leo).max(window_start)..x.from.0 {
            h.push_str(r#"<span class="cell cut""#);
            gap(&mut h, o);
            let _ = write!(h, r#" title="{offset} {o}">✂</span>"#);
        }
    }
    h.push_str("</div>");
    // A marker's line sits in the 2 px gap before the cell of its offset.
    let left = |o: i64| (o.max(window_start) - window_start) * CELL_PX - 2;
    // `hw-{topic}-{p}-{broker}` and `leo-…`: what a lesson's stop can point at.
    let id = testid.strip_prefix("log-cell-").unwrap_or(testid);
    let _ = write!(h, r#"<span class="marker hw" data-testid="hw-{id}" style="left:{}px" title="{}">{} {}</span>"#, left(r.hw), t(l, Ui::HighWatermark), t(l, Ui::Hw), r.hw);
    let _ = write!(h, r#"<span class="marker leo" data-testid="leo-{id}" style="left:{}px" title="{}">{} {}</span>"#, left(r.leo), t(l, Ui::LogEndOffset), t(l, Ui::Leo), r.leo);
    // RT6, LF1: where the log starts once retention (or the leader's) moved it.
    if r.log_start > 0 && r.log_start >= window_start {
        let _ = write!(h, r#"<span class="marker ls" data-testid="ls-{id}" style="left:{}px" title="{}">LS {}</span>"#, left(r.log_start), t(l, Ui::LogStartOffset), r.log_start);
    }
    // CC13: where this replica's cleaner stopped; below it the log is clean, above it dirty.
    #[cfg(feature = "compaction")]
    if let Some(c) = r.cleaner_checkpoint.filter(|c| *c >= window_start) {
        let _ = write!(h, r#"<span class="marker ckpt" data-testid="ckpt-{id}" style="left:{}px" title="{}">{} {c}</span>"#, left(c), t(l, Ui::CleanerCheckpoint), t(l, Ui::Ckpt));
    }
    h
}

/// The broker cards: state (an icon and a word, not colour alone), the controller badge, and
/// the fault buttons (`data-action`, `data-broker`).
pub fn brokers_html(brokers: &[BrokerView], controller_epoch: i32, l: Lang) -> String {
    let mut h = String::new();
    for b in brokers {
        let id = b.id;
        let (icon, state) = match b.state {
            "crashed" => ("✖", Ui::Crashed),
            "paused" => ("❚❚", Ui::Paused),
            "fenced" => ("⊘", Ui::Fenced),
            "isolated" => ("◌", Ui::Isolated),
            _ => ("●", Ui::Alive),
        };
        let class = match (b.controller, b.slow) {
            (false, false) => "broker",
            (true, false) => "broker controller",
            (false, true) => "broker slow",
            (true, true) => "broker controller slow",
        };
        let slowed = if b.slow { format!(" · {}", t(l, Ui::Slowed)) } else { String::new() };
        let _ = write!(
            h,
            r#"<div class="{class}" data-testid="broker-{id}" data-state="{}"><div class="broker-head"><span class="broker-name">B{id}</span><span class="broker-state"><span aria-hidden="true">{icon}</span> {}{slowed}</span></div>"#,
            b.state,
            t(l, state)
        );
        if b.controller {
            let _ = write!(h, r#"<span class="badge" data-testid="controller-badge">{} · {} {controller_epoch}</span>"#, t(l, Ui::Controller), t(l, Ui::ControllerEpoch));
        }
        // RK: the broker's rack (the extended page).
        #[cfg(feature = "kraft")]
        if let Some(r) = &b.rack {
            let _ = write!(h, r#"<span class="badge rack" data-testid="rack-{id}">{} {}</span>"#, t(l, Ui::Rack), escape(r));
        }
        h.push_str(r#"<div class="broker-actions">"#);
        let button = |h: &mut String, action: &str, class: &str, label: Ui| {
            let _ = write!(h, r#"<button{class} data-testid="{action}-{id}" data-action="{action}" data-broker="{id}">{}</button>"#, t(l, label));
        };
        let down = b.state == "crashed";
        if down {
            button(&mut h, "restart", "", Ui::Restart);
        } else {
            let _ = write!(
                h,
                r#"<select data-testid="crash-kind-{id}" aria-label="crash kind"><option value="unclean">{}</option><option value="clean">{}</option><option value="lossy">{}</option></select>"#,
                t(l, Ui::CrashUnclean),
                t(l, Ui::CrashClean),
                t(l, Ui::CrashLossy)
            );
            button(&mut h, "crash", r#" class="danger""#, Ui::Crash);
        }
        if b.isolated {
            button(&mut h, "heal", "", Ui::Heal);
        } else {
            button(&mut h, "isolate", "", Ui::Isolate);
        }
        button(&mut h, "slow", "", if b.slow { Ui::Fast } else { Ui::Slow });
        // CC2 now, on this broker's replicas of compacted topics (the extended page).
        #[cfg(feature = "compaction")]
        if !down {
            button(&mut h, "clean", "", Ui::CleanerRun);
        }
        if b.controller && !down {
            let _ = write!(h, r#"<button class="danger" data-testid="kill-controller" data-action="kill-controller" data-broker="{id}">{}</button>"#, t(l, Ui::KillController));
        }
        h.push_str("</div></div>");
    }
    // Somewhere to move replicas to (up to the most the stage lays out).
    if brokers.len() < kplay_core::config::MAX_BROKERS as usize {
        let _ = write!(h, r#"<button class="add-broker" data-testid="add-broker" data-action="add-broker">＋ {}</button>"#, t(l, Ui::AddBroker));
    }
    h
}

/// A partition card's heading: its title (a button that selects it), leader, leader epoch
/// and ISR, the RECOVERING badge, and how many offsets the rows leave out. (The card element
/// itself, with its `data-` attributes, and one element per row are the page's.)
pub fn partition_head_html(p: &PartitionView, l: Lang) -> String {
    let title = escape(&p.tp().to_string());
    let leader = p.leader.map_or(t(l, Ui::NoLeader).to_string(), |b| b.to_string());
    let mut h = format!(
        r#"<h2><button class="link" data-select="{title}">{title}</button><small>{} {leader} · {} {} · {} {{{}}}</small>"#,
        t(l, Ui::Leader),
        t(l, Ui::LeaderEpoch),
        p.leader_epoch,
        t(l, Ui::Isr),
        p.isr
    );
    // EL3, EL5: the ELR beside the ISR, and the last known leader of an empty ISR.
    #[cfg(feature = "kraft")]
    if !p.elr.is_empty() || p.last_known_leader.is_some() {
        let elr: Vec<String> = p.elr.iter().map(ToString::to_string).collect();
        let _ = write!(h, r#"<small class="elr" data-testid="elr-{title}"> · ELR {{{}}}"#, elr.join(","));
        if let Some(b) = p.last_known_leader {
            let _ = write!(h, " · {} {b}", t(l, Ui::LastKnownLeader));
        }
        h.push_str("</small>");
    }
    if p.recovering {
        let _ = write!(h, r#"<span class="badge bad">{}</span>"#, t(l, Ui::Recovering));
    }
    h.push_str("</h2>");
    let start = window_start(max_leo(p));
    if start > 0 {
        let _ = write!(h, r#"<div class="earlier">… {start} {}</div>"#, t(l, Ui::EarlierOffsets));
    }
    h
}

fn max_leo(p: &PartitionView) -> i64 {
    p.replicas.iter().map(|r| r.leo).max().unwrap_or(0)
}

/// The row of the partition's `i`-th replica ("" if there is none).
pub fn replica_row_html(p: &PartitionView, i: usize, l: Lang) -> String {
    let Some(r) = p.replicas.get(i) else { return String::new() };
    let tp = p.tp();
    let max_leo = max_leo(p);
    let mut h = String::new();
    #[cfg(feature = "kraft")]
    let in_elr = p.elr.contains(&r.broker);
    #[cfg(not(feature = "kraft"))]
    let in_elr = false;
    replica_html(&mut h, &tp, &escape(&tp.to_string()), r, in_elr, (window_start(max_leo), max_leo), l);
    h
}

/// A replica's row. Its track shows offsets from `start`; where the row is narrower than the
/// window (small screens) it slides further left so that the partition's newest offset
/// (`max_leo`) and the markers stay in view. Rows of a partition slide together.
fn replica_html(h: &mut String, tp: &TopicPartition, title: &str, r: &ReplicaView, in_elr: bool, (start, max_leo): (i64, i64), l: Lang) {
    let class = match (r.in_isr, r.stale_leader) {
        (true, false) => "replica",
        (false, false) => "replica out-of-sync",
        (true, true) => "replica stale",
        (false, true) => "replica out-of-sync stale",
    };
    let role_word = t(l, role(r.role));
    // A leader of an older epoch (a zombie): the ⚠ (CSS) and the words on hover.
    let stale = if r.stale_leader { format!(r#" title="{}""#, t(l, Ui::Stale)) } else { String::new() };
    let (isr_class, isr) = if r.in_isr { ("isr-tag", Ui::Isr) } else { ("isr-tag out", Ui::OutOfSync) };
    // EL3: out of the ISR but eligible (the extended page).
    #[cfg(feature = "kraft")]
    let (isr_class, isr) = if in_elr { ("isr-tag", Ui::ElrTag) } else { (isr_class, isr) };
    #[cfg(not(feature = "kraft"))]
    let _ = in_elr;
    let id = format!("{title}-{}", r.broker);
    // RA2: a replica a move adds or removes says so next to its ISR tag.
    let moving = match r.moving {
        "adding" => format!(r#"<span class="move-tag adding" data-testid="moving-{id}">{}</span>"#, t(l, Ui::AddingTag)),
        "removing" => format!(r#"<span class="move-tag removing" data-testid="moving-{id}">{}</span>"#, t(l, Ui::RemovingTag)),
        _ => String::new(),
    };
    let _ = write!(
        h,
        r#"<div class="{class}" data-testid="replica-{id}" data-leo="{}" data-hw="{}" data-role="{}"><button class="replica-name link" data-select="{title}" data-broker="{}">B{}</button><span class="role {}"{stale}>{role_word}</span><span class="{isr_class}">{}{moving}</span><div class="log" style="width:{width}px"><div class="track" style="transform:translateX(min(0px, 100% - {end}px))">{track}</div></div>"#,
        r.leo,
        r.hw,
        r.role,
        r.broker,
        r.broker,
        r.role,
        t(l, isr),
        width = LOG_WIDTH_PX,
        end = (max_leo - start) * CELL_PX + 40,
        track = track_html(&format!("log-cell-{id}"), r, start, l),
    );
    // A recent truncation's reason, under the row.
    if let Some(x) = r.truncation {
        let reason = narrate(l, &x.event(r.broker, tp), true).map(|n| n.text).unwrap_or_default();
        let _ = write!(h, r#"<p class="truncation" data-testid="truncation-{id}">✂ #{} · {}</p>"#, x.step, escape(&reason));
    }
    h.push_str("</div>");
}

/// The messages in flight at animation time `now` as SVG: a dot and a label each, placed
/// along the way from sender to receiver (see [`progress`] and [`message_xy`]).
pub fn messages_svg(messages: &[MessageView], now: f64, brokers: u32, reduced_motion: bool, hide_heartbeats: bool) -> String {
    let mut h = String::new();
    for m in messages.iter().filter(|m| !(hide_heartbeats && m.heartbeat)) {
        let (x, y) = message_xy(m.from, m.to, m.id, progress(m.sent_at, m.deliver_at, now, reduced_motion), brokers);
        let (held, pause) = if m.deliver_at.is_none() { (" held", "❚❚ ") } else { ("", "") };
        let _ = write!(
            h,
            r#"<g class="msg {}{held}" data-kind="{}" transform="translate({x} {y})"><circle r="6"/><text y="-9" text-anchor="middle">{pause}{}</text></g>"#,
            m.class,
            m.kind,
            escape(&m.label)
        );
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stage::layout::node_x;
    use crate::view::{CellView, TruncationView};
    use kplay_core::event::TruncationRule;
    use kplay_core::ids::{LeaderEpoch, Offset};

    fn cell(offset: i64, epoch: i32, value: &str) -> CellView {
        CellView { offset, epoch, value: value.into(), key: None, segment_start: false }
    }

    #[test]
    fn cells_carry_offset_epoch_and_commit_state_and_user_text_is_escaped() {
        let mut r = ReplicaView { leo: 2, hw: 1, cells: vec![cell(0, 0, "a"), cell(1, 1, "<b>&\"x'")], ..ReplicaView::default() };
        r.cells[1].key = Some("k<".into());
        let h = track_html("log-cell-t-0-1", &r, 0, Lang::En);
        assert!(h.starts_with(r#"<div class="cells"><span class="cell ep0" data-testid="log-cell-t-0-1-0" data-epoch="0" title="offset 0 · epoch 0 · a">"#), "{h}");
        assert!(h.contains(r#"class="cell ep1 uncommitted" data-testid="log-cell-t-0-1-1" data-epoch="1""#), "{h}");
        assert!(h.contains("title=\"offset 1 · epoch 1 · k&lt;=&lt;b&gt;&amp;&quot;x&#39;\""), "{h}");
        assert!(h.contains(r#"<span class="v">&lt;b&gt;</span>"#), "{h}");
        assert!(!h.contains("<b>"), "{h}");
        assert!(h.contains(r#"<span class="marker hw" data-testid="hw-t-0-1" style="left:28px" title="high watermark">HW 1</span>"#), "{h}");
        assert!(h.contains(r#"<span class="marker leo" data-testid="leo-t-0-1" style="left:58px" title="log end offset">LEO 2</span>"#), "{h}");
    }

    #[test]
    fn only_the_window_is_drawn_and_a_truncated_tail_is_cut_in_place() {
        let cells: Vec<CellView> = (0..40).map(|o| cell(o, 0, "v")).collect();
        let r = ReplicaView { leo: 40, hw: 40, cells, ..ReplicaView::default() };
        let start = window_start(40);
        assert_eq!(start, 40 - WINDOW);
        let h = track_html("c", &r, start, Lang::En);
        let drawn = |o: i64| h.contains(&format!(r#""c-{o}""#));
        assert!(!drawn(start - 1) && drawn(start) && drawn(39));
        assert!(!h.contains("margin-left"), "consecutive offsets need no gap: {h}");
        assert!(h.contains(&format!(r#"<span class="marker leo" data-testid="leo-c" style="left:{}px""#, WINDOW * CELL_PX - 2)), "markers in window coordinates: {h}");
        // A gap in the offsets (say, compacted away) keeps the later cells at their offsets.
        let r = ReplicaView { leo: 5, hw: 5, cells: vec![cell(0, 0, "a"), cell(3, 0, "d"), cell(4, 1, "e")], ..ReplicaView::default() };
        let h = track_html("c", &r, 0, Lang::En);
        assert!(h.contains(r#"title="offset 3 · epoch 0 · d" style="margin-left:60px">"#), "{h}");
        assert_eq!(h.matches("margin-left").count(), 1, "{h}");
        let truncation = TruncationView {
            step: 3,
            from: Offset(4),
            to: Offset(2),
            rule: TruncationRule::T5,
            leader_epoch: LeaderEpoch(0),
            leader_end_offset: Offset(2),
        };
        let r = ReplicaView { leo: 2, hw: 2, cells: vec![cell(0, 0, "a"), cell(1, 0, "b")], truncation: Some(truncation), ..ReplicaView::default() };
        let h = track_html("c", &r, 0, Lang::En);
        assert_eq!(h.matches("cell cut").count(), 2, "offsets 2 and 3: {h}");
        assert!(h.contains(r#"</span><span class="cell cut" title="offset 2">✂</span><span class="cell cut" title="offset 3">✂</span></div>"#), "right after the kept cells: {h}");
    }

    #[test]
    fn messages_move_from_sender_to_receiver_and_heartbeats_can_be_hidden() {
        let m = |id, kind: &'static str, label: &str, deliver_at, heartbeat| MessageView {
            id,
            from: 1,
            to: 2,
            sent_at: 100,
            deliver_at,
            kind,
            label: label.into(),
            heartbeat,
            class: "fetch",
        };
        let ms = [m(1, "Fetch", "Fetch 3 ep0/1", Some(300), false), m(2, "Heartbeat", "Heartbeat", Some(300), true), m(3, "Produce", "Produce <v>", None, false)];
        let at = |now| messages_svg(&ms[..1], now, 3, false, true);
        assert!(at(100.0).contains(&format!("translate({} 60)", node_x(1, 3))), "{}", at(100.0));
        assert!(at(300.0).contains(&format!("translate({} 60)", node_x(2, 3))), "{}", at(300.0));
        assert_ne!(at(150.0), at(200.0), "it moves");
        let all = messages_svg(&ms, 200.0, 3, false, false);
        assert!(all.contains(r#"<g class="msg fetch" data-kind="Fetch""#) && all.contains(">Fetch 3 ep0/1</text>"), "{all}");
        assert!(all.contains(r#"data-kind="Heartbeat""#));
        assert!(all.contains(r#"<g class="msg fetch held" data-kind="Produce""#) && all.contains(">❚❚ Produce &lt;v&gt;</text>"), "{all}");
        assert!(!messages_svg(&ms, 200.0, 3, false, true).contains("Heartbeat"), "hidden");
    }

    /// A card carries what the tests and the inspector's clicks read, in the page's language.
    #[test]
    fn a_partition_card_has_its_leader_epoch_isr_and_selectable_rows() {
        let replica = |broker, role: &'static str, in_isr| ReplicaView { broker, role, in_isr, leo: 1, hw: 1, cells: vec![cell(0, 2, "v")], ..ReplicaView::default() };
        let mut p = PartitionView {
            topic: "orders".into(),
            partition: 1,
            leader: Some(2),
            leader_epoch: 2,
            partition_epoch: 5,
            isr: "2,1".into(),
            recovering: false,
            replicas: vec![replica(2, "leader", true), replica(1, "follower", true), replica(3, "offline", false)],
            #[cfg(feature = "kraft")]
            elr: Vec::new(),
            #[cfg(feature = "kraft")]
            last_known_leader: None,
        };
        let card = |p: &PartitionView, l| (0..3).fold(partition_head_html(p, l), |h, i| h + &replica_row_html(p, i, l));
        assert_eq!(replica_row_html(&p, 3, Lang::En), "");
        let h = card(&p, Lang::En);
        assert!(h.starts_with(r#"<h2><button class="link" data-select="orders-1">orders-1</button><small>leader 2 · leader epoch 2 · ISR {2,1}</small></h2>"#), "{h}");
        assert!(h.contains(r#"<div class="replica" data-testid="replica-orders-1-2" data-leo="1" data-hw="1" data-role="leader"><button class="replica-name link" data-select="orders-1" data-broker="2">B2</button><span class="role leader">leader</span><span class="isr-tag">ISR</span>"#), "{h}");
        assert!(h.contains(r#"<div class="replica out-of-sync" data-testid="replica-orders-1-3" data-leo="1" data-hw="1" data-role="offline">"#), "{h}");
        assert!(h.contains(r#"<span class="isr-tag out">out of sync</span>"#), "{h}");
        assert!(h.contains(r#"data-testid="log-cell-orders-1-2-0" data-epoch="2""#), "{h}");
        assert!(!h.contains("badge") && !h.contains("truncation"));
        p.leader = None;
        p.recovering = true;
        p.replicas[1].truncation = Some(TruncationView {
            step: 7,
            from: Offset(3),
            to: Offset(1),
            rule: TruncationRule::T5,
            leader_epoch: LeaderEpoch(1),
            leader_end_offset: Offset(1),
        });
        p.replicas[0].stale_leader = true;
        let h = card(&p, Lang::Ko);
        assert!(h.contains(r#"<div class="replica stale" data-testid="replica-orders-1-2""#) && h.contains(r#"<span class="role leader" title="오래된 리더">리더</span>"#), "{h}");
        assert!(h.contains(r#"<small>리더 없음 · "#) && h.contains(r#"<span class="badge bad">"#), "{h}");
        assert!(h.contains(r#"title="오프셋 0 · 에포크 2 · v""#) && h.contains(r#"title="하이 워터마크">HW 1</span>"#), "{h}");
        assert!(h.contains(r#"<p class="truncation" data-testid="truncation-orders-1-1">✂ #7 · 1번 브로커가 orders-1 파티션을 잘라냅니다"#), "{h}");
    }

    /// EL3, EL5: the extended page shows the ELR beside the ISR, tags an eligible replica, and
    /// names the last known leader of an empty ISR.
    #[cfg(feature = "kraft")]
    #[test]
    fn a_partition_card_shows_its_elr_and_last_known_leader() {
        let replica = |broker, in_isr| ReplicaView { broker, role: "follower", in_isr, ..ReplicaView::default() };
        let p = PartitionView {
            topic: "orders".into(),
            isr: String::new(),
            elr: vec![1, 3],
            last_known_leader: Some(1),
            replicas: vec![replica(1, false), replica(2, false), replica(3, false)],
            ..PartitionView::default()
        };
        let h = partition_head_html(&p, Lang::En);
        assert!(h.contains(r#"<small class="elr" data-testid="elr-orders-0"> · ELR {1,3} · last known leader 1</small>"#), "{h}");
        assert!(replica_row_html(&p, 0, Lang::En).contains(r#"<span class="isr-tag">ELR</span>"#));
        assert!(replica_row_html(&p, 1, Lang::En).contains(r#"<span class="isr-tag out">"#), "2 is neither in the ISR nor eligible");
        assert!(partition_head_html(&p, Lang::Ko).contains("마지막 리더 1"));
    }

    #[test]
    fn broker_cards_show_state_in_words_and_their_buttons() {
        let b = |id, state: &'static str, controller, slow, isolated| BrokerView {
            id,
            state,
            controller,
            slow,
            isolated,
            broker_epoch: 0,
            #[cfg(feature = "kraft")]
            rack: None,
        };
        let h = brokers_html(&[b(1, "alive", true, false, false), b(2, "crashed", false, false, false), b(3, "isolated", false, true, true)], 4, Lang::En);
        assert!(h.contains(r#"<div class="broker controller" data-testid="broker-1" data-state="alive">"#), "{h}");
        assert!(h.contains(r#"<span class="badge" data-testid="controller-badge">controller · controller epoch 4</span>"#), "{h}");
        assert!(h.contains(r#"data-testid="crash-kind-1""#) && h.contains(r#"data-testid="crash-1" data-action="crash" data-broker="1""#), "{h}");
        assert!(h.contains(r#"data-testid="kill-controller" data-action="kill-controller" data-broker="1""#), "{h}");
        assert!(h.contains(r#"data-state="crashed"><div class="broker-head"><span class="broker-name">B2</span><span class="broker-state"><span aria-hidden="true">✖</span> down</span>"#), "{h}");
        assert!(h.contains(r#"data-testid="restart-2""#) && !h.contains(r#"data-testid="crash-2""#), "a crashed broker restarts: {h}");
        assert!(h.contains(r#"<span aria-hidden="true">◌</span> isolated · slowed</span>"#), "{h}");
        assert!(h.contains(r#"data-testid="heal-3""#) && h.contains(r#"data-action="slow" data-broker="3">Full speed</button>"#), "{h}");
    }
}
