//! The page's URL parameters, one typed list: `?lesson=kip-101-scenario-1&stop=3&lang=ko`.
//! A parameter that is unknown or malformed is named in a message, with what was expected;
//! the page opens with the others applied.

use crate::i18n::Lang;
use kplay_core::config::TruncationMode;

/// Every parameter the page reads (what each takes is in `docs/embed.md` and in the messages).
pub const KNOWN: &[&str] = &["lesson", "stop", "step", "lang", "speed", "autoplay", "embed", "panels", "compare", "seed", "brokers", "partitions", "minIsr", "unclean", "mode", "origin"];

/// The side panels, as `panels=` names them.
pub const PANELS: [&str; 6] = ["produce", "consumer", "invariants", "events", "inspector", "settings"];

/// The speeds the toolbar offers, as written and as numbers (matched as text: parsing floats
/// would link Rust's float parser, ~10 KB of wasm).
pub const SPEEDS: [(&str, f64); 7] = [("0.1", 0.1), ("0.25", 0.25), ("0.5", 0.5), ("1", 1.0), ("2", 2.0), ("4", 4.0), ("10", 10.0)];

/// The parameters, typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    /// A lesson to open.
    pub lesson: Option<String>,
    /// Its stop (1-based).
    pub stop: Option<usize>,
    /// A step to go to.
    pub step: Option<u64>,
    /// The page's language (not remembered: a link does not change the user's choice).
    pub lang: Option<Lang>,
    /// Simulated ms per real ms.
    pub speed: Option<f64>,
    /// Play from the opening moment.
    pub autoplay: bool,
    /// The compact layout for an iframe.
    pub embed: bool,
    /// Which side panels show (all when absent).
    pub panels: Option<Vec<&'static str>>,
    /// Open the lesson's comparison.
    pub compare: bool,
    /// A sandbox pinned by the link: seed and cluster settings (absent: the page's own).
    pub cluster: Pinned,
    /// Origins whose postMessage requests are answered (any when empty).
    pub origins: Vec<String>,
}

/// Cluster settings a link pins (each absent one keeps the page's default).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pinned {
    /// The seed.
    pub seed: Option<u64>,
    /// Brokers.
    pub brokers: Option<u32>,
    /// Partitions of the `orders` topic.
    pub partitions: Option<u32>,
    /// min.insync.replicas.
    pub min_isr: Option<u32>,
    /// unclean.leader.election.enable.
    pub unclean: Option<bool>,
    /// The truncation mode.
    pub mode: Option<TruncationMode>,
}

impl Pinned {
    /// True when the link pins anything.
    pub fn any(&self) -> bool {
        *self != Pinned::default()
    }

    /// The page's configuration with these settings; the replication factor is min(brokers, 3)
    /// as in the settings panel. The error is the configuration's own check.
    pub fn session(&self) -> Result<crate::session::Session, String> {
        let mut c = crate::session::page_config();
        if let Some(b) = self.brokers {
            c.brokers = b;
        }
        for t in &mut c.topics {
            t.replication_factor = c.brokers.min(3);
            if let Some(p) = self.partitions {
                t.partitions = p;
            }
        }
        if let Some(m) = self.min_isr {
            c.min_insync_replicas = m;
        }
        if let Some(u) = self.unclean {
            c.unclean_leader_election = u;
        }
        if let Some(m) = self.mode {
            c.truncation_mode = m;
        }
        crate::session::Session::new(c, self.seed.unwrap_or(crate::session::DEFAULT_SEED)).map_err(|e| format!("URL parameters: {e}"))
    }
}

/// `%41` and `+` decoded; malformed escapes kept as written.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads a query string (with or without its `?`). Returns the parameters and one message per
/// problem, naming the parameter and what it takes.
pub fn parse(query: &str) -> (Params, Vec<String>) {
    let mut p = Params::default();
    let mut errors = Vec::new();
    for pair in query.trim_start_matches('?').split('&').filter(|s| !s.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode(k), decode(v));
        let expected = |what: &str| format!("URL parameter `{k}`: expected {what}, found `{}`", v.chars().take(40).collect::<String>());
        match k.as_str() {
            "lesson" if !v.is_empty() && v.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') => p.lesson = Some(v),
            "stop" => match v.parse::<usize>() {
                Ok(n) if n >= 1 => p.stop = Some(n),
                _ => errors.push(expected("a stop number from 1")),
            },
            "step" => match v.parse::<u64>() {
                Ok(n) => p.step = Some(n),
                _ => errors.push(expected("a step number (0 or more)")),
            },
            "lang" => match v.as_str() {
                "en" => p.lang = Some(Lang::En),
                "ko" => p.lang = Some(Lang::Ko),
                _ => errors.push(expected("en or ko")),
            },
            "speed" => match SPEEDS.iter().find(|(label, _)| *label == v) {
                Some((_, s)) => p.speed = Some(*s),
                None => errors.push(expected("one of 0.1, 0.25, 0.5, 1, 2, 4, 10")),
            },
            "autoplay" | "embed" | "compare" | "unclean" => {
                let flag = match v.as_str() {
                    "1" | "true" | "" => true,
                    "0" | "false" => false,
                    _ => {
                        errors.push(expected("1 or 0"));
                        continue;
                    }
                };
                match k.as_str() {
                    "embed" => p.embed = flag,
                    "autoplay" => p.autoplay = flag,
                    "compare" => p.compare = flag,
                    _ => p.cluster.unclean = Some(flag),
                }
            }
            "panels" => {
                let mut list = Vec::new();
                for name in v.split(',').map(str::trim).filter(|n| !n.is_empty() && *n != "none") {
                    match PANELS.iter().find(|p| **p == name) {
                        Some(p) => list.push(*p),
                        None => errors.push(format!("URL parameter `panels`: `{}` is not a panel (the panels are {})", name.chars().take(40).collect::<String>(), PANELS.join(", "))),
                    }
                }
                p.panels = Some(list);
            }
            "seed" => match v.parse::<u64>() {
                Ok(n) => p.cluster.seed = Some(n),
                _ => errors.push(expected("a whole number")),
            },
            "brokers" | "partitions" | "minIsr" => {
                let max = if k == "partitions" { 50 } else { 12 };
                match v.parse::<u32>() {
                    Ok(n) if (1..=max).contains(&n) => match k.as_str() {
                        "brokers" => p.cluster.brokers = Some(n),
                        "partitions" => p.cluster.partitions = Some(n),
                        _ => p.cluster.min_isr = Some(n),
                    },
                    _ => errors.push(expected(&format!("a number from 1 to {max}"))),
                }
            }
            "mode" => match v.to_ascii_lowercase().as_str() {
                "fetch" => p.cluster.mode = Some(TruncationMode::Fetch),
                "kip279" | "kip-279" => p.cluster.mode = Some(TruncationMode::Kip279),
                "kip101" | "kip-101" => p.cluster.mode = Some(TruncationMode::Kip101),
                "hw" => p.cluster.mode = Some(TruncationMode::Hw),
                _ => errors.push(expected("fetch, kip279, kip101 or hw")),
            },
            "origin" => {
                for o in v.split(',').map(str::trim).filter(|o| !o.is_empty()) {
                    let scheme = o.starts_with("https://") || o.starts_with("http://");
                    let host = o.split_once("://").map_or("", |(_, h)| h);
                    if scheme && !host.is_empty() && !host.contains('/') {
                        p.origins.push(o.to_string());
                    } else {
                        errors.push(format!("URL parameter `origin`: expected an origin like https://course.example (no path), found `{}`", o.chars().take(40).collect::<String>()));
                    }
                }
            }
            "lesson" => errors.push(expected("a lesson id (a-z, 0-9 and -)")),
            _ => {
                errors.push(format!("unknown URL parameter `{}`: the page reads {}", k.chars().take(40).collect::<String>(), KNOWN.join(", ")));
            }
        }
    }
    if p.stop.is_some() && p.lesson.is_none() {
        errors.push("URL parameter `stop`: needs a `lesson`".into());
        p.stop = None;
    }
    if p.compare && p.lesson.is_none() {
        errors.push("URL parameter `compare`: needs a `lesson` (one with a comparison)".into());
        p.compare = false;
    }
    if p.cluster.any() && p.lesson.is_some() {
        errors.push("URL parameters `seed`, `brokers`, `partitions`, `minIsr`, `unclean`, `mode` pin a sandbox: a lesson sets its own cluster, so they were not applied".into());
        p.cluster = Pinned::default();
    }
    (p, errors)
}

/// The page's URL for the full playground: the same parameters without `embed`.
pub fn full_page_url(href: &str) -> String {
    let (base, query) = href.split_once('?').unwrap_or((href, ""));
    let query = query.split('#').next().unwrap_or("");
    let kept: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("embed=") && *p != "embed").collect();
    if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// The page's own query string.
pub fn from_location() -> (Params, Vec<String>) {
    let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    parse(&query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_is_read_and_a_bad_one_is_named_with_what_it_takes() {
        let (p, e) = parse("?lesson=kip-101-scenario-1&stop=3&lang=ko&speed=0.5&autoplay=1&step=12");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(p, Params { lesson: Some("kip-101-scenario-1".into()), stop: Some(3), step: Some(12), lang: Some(Lang::Ko), speed: Some(0.5), autoplay: true, ..Params::default() });
        assert!(parse("embed=1").0.embed && !parse("embed=0").0.embed);
        let (p, e) = parse("lesson=first-record&stop=zero&lang=fr&speed=3&colour=red&autoplay=yes");
        assert_eq!(p.lesson.as_deref(), Some("first-record"), "the others still apply");
        assert_eq!(e.len(), 5, "{e:?}");
        assert!(e[0].contains("`stop`: expected a stop number from 1, found `zero`"), "{e:?}");
        assert!(e[1].contains("`lang`: expected en or ko, found `fr`"));
        assert!(e[2].contains("`speed`: expected one of 0.1"));
        assert!(e[3].starts_with("unknown URL parameter `colour`: the page reads lesson, stop, step, lang, speed, autoplay, embed, panels"));
        assert!(e[4].contains("`autoplay`: expected 1 or 0"));
        let (_, e) = parse("lesson=%3Cscript%3E");
        assert!(e[0].contains("`lesson`: expected a lesson id") && e[0].contains("`<script>`"), "{e:?}");
        let (p, e) = parse("stop=2");
        assert!(p.stop.is_none() && e[0].contains("needs a `lesson`"));
        assert_eq!(parse("").0, Params::default());
        assert_eq!(decode("a%20b+c%zz%4"), "a b c%zz%4");
        assert_eq!(full_page_url("http://h/p/?lesson=x&embed=1&stop=2"), "http://h/p/?lesson=x&stop=2");
        assert_eq!(full_page_url("http://h/p/?embed=1"), "http://h/p/");
    }

    #[test]
    fn a_link_pins_a_sandbox_and_the_panels() {
        let (p, e) = parse("seed=42&brokers=5&partitions=2&minIsr=2&unclean=1&mode=KIP101&panels=produce,events&origin=https://course.example,http://localhost:9000");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(p.cluster, Pinned { seed: Some(42), brokers: Some(5), partitions: Some(2), min_isr: Some(2), unclean: Some(true), mode: Some(TruncationMode::Kip101) });
        assert_eq!(p.panels, Some(vec!["produce", "events"]));
        assert_eq!(p.origins, vec!["https://course.example".to_string(), "http://localhost:9000".into()]);
        let s = p.cluster.session().unwrap();
        let c = &s.origin.config;
        assert_eq!((s.origin.seed, c.brokers, c.topics[0].partitions, c.topics[0].replication_factor, c.min_insync_replicas, c.unclean_leader_election), (42, 5, 2, 3, 2, true));
        assert_eq!(parse("panels=none").0.panels, Some(vec![]));
        let (p, e) = parse("brokers=13&partitions=0&minIsr=x&mode=raft&panels=produce,chat&origin=course.example/x&seed=-1");
        assert_eq!(e.len(), 7, "{e:?}");
        assert!(e[0].contains("`brokers`: expected a number from 1 to 12, found `13`"));
        assert!(e[1].contains("`partitions`: expected a number from 1 to 50"));
        assert!(e[3].contains("`mode`: expected fetch, kip279, kip101 or hw"));
        assert!(e[4].contains("`chat` is not a panel"));
        assert!(e[5].contains("`origin`: expected an origin"));
        assert_eq!(p.panels, Some(vec!["produce"]), "the good names still apply");
        // minIsr above the brokers is the configuration's own error, named.
        let (p, _) = parse("brokers=2&minIsr=3");
        assert!(p.cluster.session().is_ok(), "min ISR above the replicas is allowed, as in Kafka (produces fail)");
        let (p, e) = parse("lesson=first-record&brokers=4");
        assert!(!p.cluster.any() && e[0].contains("a lesson sets its own cluster"), "{e:?}");
        assert!(parse("compare=1").1[0].contains("`compare`: needs a `lesson`"));
    }
}
