//! Share links: the whole session in the URL's fragment (`#s=v1.…`, which browsers never send
//! to a server).
//!
//! The link's text is `v1.` followed by base64url (RFC 4648 §5, no padding) of an LZ4 block
//! (the `lz4_flex` crate; its size, 4 bytes little-endian, first) of compact JSON:
//!
//! ```json
//! {"step": 42, "lesson": "unclean-election", "forked": false, "compare": false, "session": {…}}
//! ```
//!
//! `session` is the session as a scenario document (configuration, seed, every recorded
//! input), absent for a lesson that is only being toured (the library's file is fetched by its
//! id: the link stays short). `lesson`, `forked` and `compare` are absent when false.
//!
//! Why LZ4 rather than DEFLATE: it adds ~3 KB to the gzipped page against ~12 KB for
//! `miniz_oxide`, and a 500-action session still fits in a link of a few kilobytes
//! (`a_long_session_makes_a_usable_link` measures it). A later format is a new prefix (`v2.`);
//! this page names a prefix it does not know rather than guessing.

use serde_json::{Map, Value};

/// The version prefix this page writes and reads.
pub const PREFIX: &str = "v1.";

/// The largest decompressed payload a link may claim (a hostile size must not allocate).
const MAX_PAYLOAD: usize = 4 << 20;

/// What a share link holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The step the link opens at.
    pub step: u64,
    /// The open lesson's id, if any.
    pub lesson: Option<String>,
    /// The lesson's free play (its session is then `session`).
    pub forked: bool,
    /// The lesson's comparison was open.
    pub compare: bool,
    /// The session as scenario JSON text (absent for a lesson being toured).
    pub session: Option<String>,
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn from_base64url(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for (i, ch) in text.chars().enumerate() {
        let v = ALPHABET.iter().position(|a| u32::from(*a) == u32::from(ch)).ok_or_else(|| format!("share link: character {} (`{ch}`) is not base64url", i + 1 + PREFIX.len()))?;
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err("share link: cut short (its last character is incomplete)".into());
    }
    Ok(out)
}

impl Shared {
    /// The fragment's value: `v1.…`.
    pub fn encode(&self) -> String {
        let mut m = Map::new();
        m.insert("step".into(), self.step.into());
        if let Some(l) = &self.lesson {
            m.insert("lesson".into(), l.as_str().into());
        }
        if self.forked {
            m.insert("forked".into(), true.into());
        }
        if self.compare {
            m.insert("compare".into(), true.into());
        }
        if let Some(s) = &self.session {
            // Compact: a scenario file is pretty-printed, a link need not be.
            let v: Value = serde_json::from_str(s).unwrap_or(Value::Null);
            m.insert("session".into(), v);
        }
        let text = Value::Object(m).to_string();
        format!("{PREFIX}{}", base64url(&lz4_flex::block::compress_prepend_size(text.as_bytes())))
    }

    /// Reads a fragment's value (`v1.…`, with or without `#s=`). The error says what is wrong:
    /// an unknown version, a character that is not base64url and where, damaged data, a field.
    pub fn decode(link: &str) -> Result<Shared, String> {
        let link = link.trim().trim_start_matches('#').trim_start_matches("s=");
        let Some(body) = link.strip_prefix(PREFIX) else {
            let version = link.split('.').next().unwrap_or("").chars().take(12).collect::<String>();
            return Err(if version.starts_with('v') && link.contains('.') {
                format!("share link: version `{version}` is not one this page reads (it reads {})", PREFIX.trim_end_matches('.'))
            } else {
                format!("share link: expected it to start with `{PREFIX}`")
            });
        };
        let bytes = from_base64url(body)?;
        let (size, data) = match bytes.split_first_chunk::<4>() {
            Some((size, data)) => (u32::from_le_bytes(*size) as usize, data),
            None => return Err("share link: cut short (no data)".into()),
        };
        if size > MAX_PAYLOAD {
            return Err(format!("share link: claims {size} bytes, more than a session can be ({MAX_PAYLOAD})"));
        }
        let mut text = vec![0; size];
        match lz4_flex::block::decompress_into(data, &mut text) {
            Ok(n) if n == size => {}
            _ => return Err("share link: the data is damaged (it does not decompress)".into()),
        }
        let text = String::from_utf8(text).map_err(|_| "share link: the data is damaged (not UTF-8 text)".to_string())?;
        let v: Value = serde_json::from_str(&text).map_err(|e| format!("share link: the data is damaged ({e})"))?;
        let field = |k: &str, what: &str| format!("share link: `{k}` should be {what}");
        let step = v.get("step").and_then(Value::as_u64).ok_or_else(|| field("step", "a step number"))?;
        let lesson = match v.get("lesson") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') => Some(s.clone()),
            Some(_) => return Err(field("lesson", "a lesson id")),
        };
        let flag = |k: &str| match v.get(k) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(field(k, "true or false")),
        };
        let (forked, compare) = (flag("forked")?, flag("compare")?);
        let session = match v.get("session") {
            None => None,
            Some(s @ Value::Object(_)) => Some(s.to_string()),
            Some(_) => return Err(field("session", "a scenario document")),
        };
        if session.is_none() && lesson.is_none() {
            return Err("share link: it holds neither a session nor a lesson".into());
        }
        if forked && session.is_none() {
            return Err(field("session", "present for a lesson's free play"));
        }
        Ok(Shared { step, lesson, forked, compare, session })
    }
}

/// What an embed snippet points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Embedded<'a> {
    /// A lesson being toured: its id and title, the current stop when the step is exactly one
    /// (else the step), and whether the comparison is open.
    Lesson { id: &'a str, title: &'a str, stop: Option<usize>, step: u64, compare: bool },
    /// Anything else: the share link's fragment value.
    Session(&'a str),
}

/// `text` made safe inside a double-quoted HTML attribute.
pub fn attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The `<iframe>` snippet for an LMS page or a slide: `base` is the page's address without
/// query or fragment.
pub fn embed_code(base: &str, what: &Embedded<'_>) -> String {
    let (src, title) = match what {
        Embedded::Lesson { id, title, stop, step, compare } => {
            let at = match stop {
                Some(n) => format!("stop={n}"),
                None => format!("step={step}"),
            };
            (format!("{base}?embed=1&lesson={id}&{at}{}", if *compare { "&compare=1" } else { "" }), format!("Kafka Replication Playground: {title}"))
        }
        Embedded::Session(link) => (format!("{base}?embed=1#s={link}"), "Kafka Replication Playground".to_string()),
    };
    format!(r#"<iframe src="{}" title="{}" width="800" height="500" loading="lazy" style="border:0"></iframe>"#, attribute(&src), attribute(&title))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;
    use kplay_core::event::CrashKind;
    use kplay_core::ids::BrokerId;
    use kplay_core::message::Acks;
    use kplay_core::Command;

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..50u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            assert_eq!(from_base64url(&base64url(&bytes)).unwrap(), bytes, "{n} bytes");
        }
        assert!(from_base64url("ab+c").unwrap_err().contains("character 6 (`+`)"));
        assert!(from_base64url("A").unwrap_err().contains("cut short"));
    }

    fn session_of(actions: usize) -> Session {
        let mut s = Session::fresh();
        for i in 0..actions {
            let cmd = match i % 5 {
                0 | 1 => Command::Produce { topic: "orders".into(), partition: None, key: None, value: format!("v{i}").into(), acks: Acks::All, to: None },
                2 => Command::Crash { broker: BrokerId(1 + (i as u32 / 5) % 3), kind: CrashKind::Clean, keep: None },
                3 => Command::Restart { broker: BrokerId(1 + (i as u32 / 5) % 3) },
                _ => Command::Advance { ms: 700 },
            };
            let _ = s.apply(cmd);
            for _ in 0..3 {
                s.timeline.step_next();
            }
        }
        s
    }

    /// A link opens the same session at the same step: the same trace hash.
    #[test]
    fn a_link_reopens_the_same_trace() {
        let mut s = session_of(30);
        s.timeline.jump_to(s.timeline.last_step() - 7);
        let link = Shared { step: s.timeline.step(), lesson: None, forked: false, compare: false, session: Some(s.to_json()) }.encode();
        assert!(link.starts_with("v1.") && link.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)), "{link}");
        let back = Shared::decode(&format!("#s={link}")).unwrap();
        let mut t = Session::from_json(back.session.as_deref().unwrap()).unwrap();
        t.timeline.jump_to(back.step);
        assert_eq!(t.timeline.cluster().trace_hash(), s.timeline.cluster().trace_hash());
        assert_eq!(t.timeline.step(), s.timeline.step());
        assert_eq!(t.timeline.last_step(), s.timeline.last_step());
    }

    /// The issue's measure: 500 user actions → the link's length (printed; the figure is in
    /// the session's note). Browsers take fragments of megabytes; chat tools and LMS editors
    /// keep links of tens of kilobytes; 16 KB is the bound held here.
    #[test]
    fn a_long_session_makes_a_usable_link() {
        let s = session_of(500);
        let json = s.to_json();
        let link = Shared { step: s.timeline.step(), lesson: None, forked: false, compare: false, session: Some(json.clone()) }.encode();
        println!("500 actions: scenario {} B pretty, link {} chars", json.len(), link.len());
        assert!(link.len() < 16_000, "{}", link.len());
        assert_eq!(Shared::decode(&link).unwrap().step, s.timeline.step());
    }

    #[test]
    fn a_bad_link_says_what_is_wrong() {
        let good = Shared { step: 3, lesson: Some("first-record".into()), forked: false, compare: true, session: None }.encode();
        assert_eq!(Shared::decode(&good).unwrap(), Shared { step: 3, lesson: Some("first-record".into()), forked: false, compare: true, session: None });
        assert!(Shared::decode("v2.AAAA").unwrap_err().contains("version `v2` is not one this page reads (it reads v1)"));
        assert!(Shared::decode("hello").unwrap_err().contains("start with `v1.`"));
        assert!(Shared::decode("v1.AA*A").unwrap_err().contains("character 6 (`*`)"));
        assert!(Shared::decode(&good[..good.len() - 4]).unwrap_err().contains("damaged"));
        assert!(Shared::decode("v1.").unwrap_err().contains("cut short"));
        // A hostile size is refused before anything is allocated.
        assert!(Shared::decode(&format!("v1.{}", base64url(&[255, 255, 255, 127, 0]))).unwrap_err().contains("more than a session can be"));
        let no_step = format!("v1.{}", base64url(&lz4_flex::block::compress_prepend_size(br#"{"lesson":"a"}"#)));
        assert!(Shared::decode(&no_step).unwrap_err().contains("`step` should be a step number"));
        let nothing = format!("v1.{}", base64url(&lz4_flex::block::compress_prepend_size(br#"{"step":1}"#)));
        assert!(Shared::decode(&nothing).unwrap_err().contains("neither a session nor a lesson"));
    }

    #[test]
    fn the_embed_code_points_at_the_moment() {
        let code = embed_code("https://c.example/kplay/", &Embedded::Lesson { id: "first-record", title: "The \"first\" <record>", stop: Some(2), step: 40, compare: false });
        assert_eq!(code, r#"<iframe src="https://c.example/kplay/?embed=1&amp;lesson=first-record&amp;stop=2" title="Kafka Replication Playground: The &quot;first&quot; &lt;record&gt;" width="800" height="500" loading="lazy" style="border:0"></iframe>"#);
        assert!(embed_code("b", &Embedded::Lesson { id: "x", title: "t", stop: None, step: 7, compare: true }).contains("lesson=x&amp;step=7&amp;compare=1"));
        assert!(embed_code("https://c.example/", &Embedded::Session("v1.abc")).contains(r#"src="https://c.example/?embed=1#s=v1.abc""#));
    }
}
