//! The two parts of the stage that change on most frames, drawn as markup strings: a
//! replica's log row (cells, a truncation's cut cells, the HW and LEO markers) and the
//! messages in flight.
//!
//! Why strings: while playing, a step changes a row (a record appended, the HW moved) and
//! every frame moves the messages. The page sets a row's or the strip's inner HTML, one DOM
//! write, and only when the string changed (tachys compares it with the last one). Drawn as
//! reactive elements, every changed element had all its attributes removed and set again
//! (that is how `erase_components` rebuilds an element), hundreds of DOM writes a frame; and
//! keyed lists (`<For>`) cost 3 KB of bundle each.

use crate::layout::{message_xy, progress, CELL_PX};
use crate::view::{MessageView, ReplicaView};
use std::fmt::Write;

/// Colour-blind-safe colours (Okabe–Ito) for leader epochs; the epoch number is always
/// printed on the cell too.
const EPOCH_COLOURS: [&str; 8] = ["#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#999999"];

/// Cells drawn per row; older offsets are summarised ("… N earlier offsets").
pub const WINDOW: i64 = 32;

/// The first offset drawn, for a partition whose longest log ends at `max_leo`.
pub fn window_start(max_leo: i64) -> i64 {
    (max_leo - WINDOW).max(0)
}

fn epoch_colour(epoch: i32) -> &'static str {
    EPOCH_COLOURS[epoch.rem_euclid(EPOCH_COLOURS.len() as i32) as usize]
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

/// The row's HTML. `testid` prefixes each cell's `data-testid` (`log-cell-{topic}-{p}-{broker}`,
/// then `-{offset}`); `hw` and `leo` are the markers' labels in the page's language.
pub fn track_html(testid: &str, r: &ReplicaView, window_start: i64, hw: &str, leo: &str) -> String {
    let mut h = String::new();
    for c in r.cells.iter().filter(|c| c.offset >= window_start) {
        let class = match (c.offset >= r.hw, c.segment_start) {
            (false, false) => "cell",
            (true, false) => "cell uncommitted",
            (false, true) => "cell segment-start",
            (true, true) => "cell uncommitted segment-start",
        };
        let key = c.key.as_ref().map_or(String::new(), |k| format!("{}=", escape(k)));
        let short: String = c.value.chars().take(3).collect();
        let _ = write!(
            h,
            r#"<span class="{class}" data-testid="{testid}-{o}" data-epoch="{e}" title="offset {o} · epoch {e} · {key}{value}" style="left:{x}px;background-color:{colour}"><span class="v">{short}</span><span class="e">{e}</span></span>"#,
            o = c.offset,
            e = c.epoch,
            value = escape(&c.value),
            x = c.offset * CELL_PX,
            colour = epoch_colour(c.epoch),
            short = escape(&short),
        );
    }
    // A recent truncation: the removed offsets not yet refilled, drawn cut in place.
    if let Some(x) = r.truncation {
        for o in x.to.0.max(r.leo).max(window_start)..x.from.0 {
            let _ = write!(h, r#"<span class="cell cut" style="left:{}px" title="offset {o}">✂</span>"#, o * CELL_PX);
        }
    }
    // A marker's line sits in the 2 px gap before the cell of its offset.
    let left = |o: i64| o.max(window_start) * CELL_PX - 2;
    let _ = write!(h, r#"<span class="marker hw" style="left:{}px" title="high watermark">{hw} {}</span>"#, left(r.hw), r.hw);
    let _ = write!(h, r#"<span class="marker leo" style="left:{}px" title="log end offset">{leo} {}</span>"#, left(r.leo), r.leo);
    h
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
    use crate::layout::node_x;
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
        let h = track_html("log-cell-t-0-1", &r, 0, "HW", "LEO");
        assert!(h.contains(r#"<span class="cell" data-testid="log-cell-t-0-1-0" data-epoch="0" title="offset 0 · epoch 0 · a""#), "{h}");
        assert!(h.contains(r#"class="cell uncommitted" data-testid="log-cell-t-0-1-1" data-epoch="1""#), "{h}");
        assert!(h.contains("title=\"offset 1 · epoch 1 · k&lt;=&lt;b&gt;&amp;&quot;x&#39;\""), "{h}");
        assert!(h.contains(r#"<span class="v">&lt;b&gt;</span>"#), "{h}");
        assert!(!h.contains("<b>"), "{h}");
        assert!(h.contains(r#"<span class="marker hw" style="left:28px" title="high watermark">HW 1</span>"#), "{h}");
        assert!(h.contains(r#"<span class="marker leo" style="left:58px" title="log end offset">LEO 2</span>"#), "{h}");
    }

    #[test]
    fn only_the_window_is_drawn_and_a_truncated_tail_is_cut_in_place() {
        let cells: Vec<CellView> = (0..40).map(|o| cell(o, 0, "v")).collect();
        let r = ReplicaView { leo: 40, hw: 40, cells, ..ReplicaView::default() };
        let start = window_start(40);
        assert_eq!(start, 8);
        let h = track_html("c", &r, start, "HW", "LEO");
        assert!(!h.contains(r#""c-7""#) && h.contains(r#""c-8""#) && h.contains(r#""c-39""#));
        let truncation = TruncationView {
            step: 3,
            from: Offset(4),
            to: Offset(2),
            rule: TruncationRule::T5,
            leader_epoch: LeaderEpoch(0),
            leader_end_offset: Offset(2),
        };
        let r = ReplicaView { leo: 2, hw: 2, cells: vec![cell(0, 0, "a"), cell(1, 0, "b")], truncation: Some(truncation), ..ReplicaView::default() };
        let h = track_html("c", &r, 0, "HW", "LEO");
        assert_eq!(h.matches("cell cut").count(), 2, "offsets 2 and 3: {h}");
        assert!(h.contains(r#"style="left:60px" title="offset 2">✂"#), "{h}");
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
}
