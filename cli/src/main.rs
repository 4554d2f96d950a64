//! `kplay`: runs a scenario file headlessly and prints the result as JSON.
//!
//! Exit codes: 0 the scenario ran (even if it ended in data loss — that is an outcome);
//! 1 `check` found unmet expectations; 2 the file is invalid (the message names the JSON path).

use clap::{Parser, Subcommand};
use kplay_core::report::Report;
use kplay_core::lesson::Tour;
use kplay_core::scenario::{check_expectations, Scenario};

/// `kplay run FILE --trace | head` closes the pipe early: stop quietly then, as Unix tools do,
/// instead of panicking inside `println!`.
macro_rules! println {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($t)*) {
            quit_on(e)
        }
    }};
}

macro_rules! print {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout().lock(), $($t)*) {
            quit_on(e)
        }
    }};
}

fn quit_on(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: writing the output: {e}");
    std::process::exit(2);
}

mod oracle;
mod tour;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "kplay", version, about = "Run Kafka Replication Playground scenarios")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a scenario and print its end state as JSON.
    Run {
        /// The scenario file.
        file: PathBuf,
        /// Print the one-line trace instead of the JSON report.
        #[arg(long)]
        trace: bool,
    },
    /// Run a scenario and compare the end state with its `expect` block.
    Check {
        /// The scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a lesson's tour as text, stop by stop, with the cluster's state at each stop.
    Tour {
        /// The lesson file (a scenario with a `lesson` block).
        file: PathBuf,
        /// `en` or `ko`.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Run a lesson's two compared configurations and print how their end states differ.
    Compare {
        /// The lesson file (with `lesson.compare`).
        file: PathBuf,
    },
    /// Print the library's index (what the page's library view lists) for lesson files.
    Library {
        /// The lesson files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the plan the real-Kafka oracle replays (tests/oracle/run.sh): reproducibility,
    /// topics, scaled timeouts, and the simulator's state after every step.
    OraclePlan {
        /// The scenario file.
        file: PathBuf,
    },
    /// Compare the simulator's end state with what the oracle read from a real Kafka cluster;
    /// exit 1 when a field differs without an explanation.
    OracleDiff {
        /// The scenario file.
        file: PathBuf,
        /// The harness's `<name>.real.json`.
        real: PathBuf,
        /// Explained differences: `[{scenario, field, why}]` (`*` matches any run of characters).
        #[arg(long)]
        explained: Option<PathBuf>,
        /// Print every compared field, not only the differences.
        #[arg(long)]
        all: bool,
    },
    /// Print the JSON Schema of the scenario format.
    Schema,
}

fn load(path: &PathBuf) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Scenario::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Prints a command's text, or its error (exit 2: the file cannot be read, run or toured).
fn print_text(file: &std::path::Path, text: Result<String, String>) -> ExitCode {
    match text {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Schema => {
            let schema = schemars::schema_for!(Scenario);
            println!("{}", serde_json::to_string_pretty(&schema).expect("schema serializes"));
            ExitCode::SUCCESS
        }
        Cmd::Run { file, trace } => {
            let result = load(&file).and_then(|s| s.run().map_err(|e| format!("{}: {e}", file.display())));
            match result {
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
                Ok((cluster, events)) => {
                    if trace {
                        for e in &events {
                            println!("{e}");
                        }
                    } else {
                        let report = Report::of(&cluster);
                        println!("{}", serde_json::to_string_pretty(&report).expect("report serializes"));
                    }
                    ExitCode::SUCCESS
                }
            }
        }
        Cmd::OraclePlan { file } => {
            let result = load(&file).and_then(|s| {
                let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
                let raw: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
                oracle::plan(&s, &raw)
            });
            print_text(&file, result.map(|v| format!("{}\n", serde_json::to_string_pretty(&v).expect("plan serializes"))))
        }
        Cmd::OracleDiff { file, real, explained, all } => {
            let read_json = |p: &PathBuf| -> Result<serde_json::Value, String> {
                let t = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
                serde_json::from_str(&t).map_err(|e| format!("{}: {e}", p.display()))
            };
            let result = load(&file).and_then(|s| {
                let cluster = oracle::settled_end(&s)?;
                let real = read_json(&real)?;
                let explained = explained.as_ref().map(read_json).transpose()?.unwrap_or(serde_json::Value::Null);
                Ok((s.name.clone(), oracle::diff(&s.name, &Report::of(&cluster), &real, &explained)))
            });
            match result {
                Err(e) => {
                    eprintln!("error: {}: {e}", file.display());
                    ExitCode::from(2)
                }
                Ok((name, rows)) => {
                    let (mut agree, mut explained, mut differ) = (0, 0, 0);
                    for r in &rows {
                        let verdict = match (&r.explained, r.sim == r.real) {
                            (_, true) => {
                                agree += 1;
                                "agree".to_string()
                            }
                            (Some(why), false) => {
                                explained += 1;
                                format!("explained: {why}")
                            }
                            (None, false) => {
                                differ += 1;
                                "DIFFER".to_string()
                            }
                        };
                        if all || r.sim != r.real {
                            println!("| {name} | {} | {} | {} | {verdict} |", r.field, r.sim, r.real);
                        }
                    }
                    println!("| {name} | (total) | {} fields | {agree} agree, {explained} explained | {differ} unexplained |", rows.len());
                    if differ == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
                }
            }
        }
        Cmd::Tour { file, lang } => print_text(&file, load(&file).and_then(|s| tour::text(&s, &lang))),
        Cmd::Compare { file } => print_text(&file, load(&file).and_then(|s| tour::compare_text(&s))),
        Cmd::Library { files } => {
            let mut lessons = Vec::new();
            for f in &files {
                match load(f) {
                    Ok(s) => lessons.push((f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), s)),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            match tour::index(&lessons) {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Cmd::Check { files } => {
            let mut code = ExitCode::SUCCESS;
            for file in &files {
                let result = load(file).and_then(|s| {
                    let (cluster, _) = s.run().map_err(|e| format!("{}: {e}", file.display()))?;
                    Ok((s, Report::of(&cluster)))
                });
                match result {
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                    Ok((s, report)) => {
                        if let Some(lesson) = &s.lesson {
                            match s.timeline().map_err(|e| ("steps".to_string(), e.to_string())).and_then(|t| Tour::resolve(lesson, &t)) {
                                Ok(t) => println!("{}: tour of {} stops at steps {:?}", file.display(), t.steps.len(), t.steps),
                                Err((path, m)) => {
                                    code = ExitCode::from(1);
                                    println!("{}: FAILED\n  {path}: {m}", file.display());
                                }
                            }
                        }
                        let Some(expect) = &s.expect else {
                            println!("{}: no expectations", file.display());
                            continue;
                        };
                        let bad = check_expectations(&report, expect);
                        if bad.is_empty() {
                            println!("{}: ok", file.display());
                        } else {
                            code = ExitCode::from(1);
                            println!("{}: FAILED", file.display());
                            for b in bad {
                                println!("  {b}");
                            }
                        }
                    }
                }
            }
            code
        }
    }
}
