//! The page's URL parameters, one typed list: `?lesson=kip-101-scenario-1&stop=3&lang=ko`.
//! A parameter that is unknown or malformed is named in a message, with what was expected;
//! the page opens with the others applied.

use crate::i18n::Lang;

/// Every parameter the page reads, with what it takes (for the messages and `docs/embed.md`).
pub const KNOWN: &[(&str, &str)] = &[
    ("lesson", "a lesson id from the library, e.g. kip-101-scenario-1"),
    ("stop", "a stop of the lesson's tour, from 1"),
    ("step", "a step number (0 or more)"),
    ("lang", "en or ko"),
    ("speed", "one of 0.1, 0.25, 0.5, 1, 2, 4, 10"),
    ("autoplay", "1 (play from the opening moment) or 0"),
    ("embed", "1 (the compact layout for an iframe, which never touches the reader's storage) or 0"),
];

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
            "autoplay" | "embed" => {
                let flag = if k == "embed" { &mut p.embed } else { &mut p.autoplay };
                match v.as_str() {
                    "1" | "true" | "" => *flag = true,
                    "0" | "false" => *flag = false,
                    _ => errors.push(expected("1 or 0")),
                }
            }
            "lesson" => errors.push(expected("a lesson id (a-z, 0-9 and -)")),
            _ => {
                let names: Vec<&str> = KNOWN.iter().map(|(n, _)| *n).collect();
                errors.push(format!("unknown URL parameter `{}`: the page reads {}", k.chars().take(40).collect::<String>(), names.join(", ")));
            }
        }
    }
    if p.stop.is_some() && p.lesson.is_none() {
        errors.push("URL parameter `stop`: needs a `lesson`".into());
        p.stop = None;
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
        assert_eq!(p, Params { lesson: Some("kip-101-scenario-1".into()), stop: Some(3), step: Some(12), lang: Some(Lang::Ko), speed: Some(0.5), autoplay: true, embed: false });
        assert!(parse("embed=1").0.embed && !parse("embed=0").0.embed);
        let (p, e) = parse("lesson=first-record&stop=zero&lang=fr&speed=3&colour=red&autoplay=yes");
        assert_eq!(p.lesson.as_deref(), Some("first-record"), "the others still apply");
        assert_eq!(e.len(), 5, "{e:?}");
        assert!(e[0].contains("`stop`: expected a stop number from 1, found `zero`"), "{e:?}");
        assert!(e[1].contains("`lang`: expected en or ko, found `fr`"));
        assert!(e[2].contains("`speed`: expected one of 0.1"));
        assert!(e[3].starts_with("unknown URL parameter `colour`: the page reads lesson, stop, step, lang, speed, autoplay, embed"));
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
}
