//! Geometry of the network strip and the log rows, kept out of the components so it is
//! unit-tested natively.

/// Width of the network strip's coordinate system.
pub const STRIP_WIDTH: i32 = 1000;
/// Height of the network strip.
pub const STRIP_HEIGHT: i32 = 120;
/// Width of one log cell, px.
pub const CELL_PX: i64 = 30;

// Coordinates are whole numbers: the strip is 1000 units wide, so a unit is under 2 px, and
// integers keep float formatting out of the bundle.

/// The x of node `id` (0 = the clients, then brokers 1..=n) in the strip.
pub fn node_x(id: u32, brokers: u32) -> i32 {
    let slots = 2 * (brokers as i32 + 1);
    STRIP_WIDTH * (2 * id as i32 + 1) / slots
}

/// How far along its way a message is at `now` (0 at send, 1 at delivery). Held messages
/// wait just outside their sender. With reduced motion, messages sit at the middle.
pub fn progress(sent_at: u64, deliver_at: Option<u64>, now: f64, reduced_motion: bool) -> f64 {
    let Some(deliver_at) = deliver_at else { return 0.12 };
    if reduced_motion {
        return 0.5;
    }
    let span = (deliver_at.saturating_sub(sent_at)) as f64;
    if span <= 0.0 {
        return 1.0;
    }
    ((now - sent_at as f64) / span).clamp(0.0, 1.0)
}

/// A message's position: along the line from sender to receiver, in a lane that keeps
/// messages on one link apart, and arcing (a parabola) up for requests and down for
/// responses.
pub fn message_xy(from: u32, to: u32, id: u64, t: f64, brokers: u32) -> (i32, i32) {
    let (x0, x1) = (node_x(from, brokers), node_x(to, brokers));
    let lane = (id % 4) as f64;
    let dir = if to > from { -1.0 } else { 1.0 };
    let arc = 4.0 * t * (1.0 - t) * (18.0 + 6.0 * lane) * dir;
    (x0 + (f64::from(x1 - x0) * t).round() as i32, STRIP_HEIGHT / 2 + arc.round() as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_are_evenly_spread_with_the_clients_first() {
        assert_eq!(node_x(0, 3), 125);
        assert_eq!(node_x(3, 3), 875);
    }

    #[test]
    fn progress_runs_from_send_to_delivery() {
        assert_eq!(progress(100, Some(300), 100.0, false), 0.0);
        assert_eq!(progress(100, Some(300), 200.0, false), 0.5);
        assert_eq!(progress(100, Some(300), 900.0, false), 1.0);
        assert_eq!(progress(100, None, 900.0, false), 0.12);
        assert_eq!(progress(100, Some(300), 120.0, true), 0.5);
    }

    #[test]
    fn messages_start_at_the_sender_and_end_at_the_receiver() {
        let (x, y) = message_xy(1, 3, 7, 0.0, 3);
        assert_eq!((x, y), (node_x(1, 3), STRIP_HEIGHT / 2));
        let (x, _) = message_xy(1, 3, 7, 1.0, 3);
        assert_eq!(x, node_x(3, 3));
    }
}
