//! The import's progress on stderr: a bar (rows, rate, ETA, failures) on a terminal, a
//! plain line every few seconds otherwise (a CI log, a file).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use truto_ticketing::bulk::Progress;

/// How often a plain line is printed when stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(5);

pub(crate) enum Reporter {
    Bar(ProgressBar),
    Lines {
        total: u64,
        skipped: u64,
        last: Instant,
    },
}

impl Reporter {
    /// `total`: the rows in the file; `skipped`: those the journal already has.
    pub(crate) fn new(total: u64, skipped: u64) -> Reporter {
        if !std::io::stderr().is_terminal() {
            return Reporter::Lines {
                total,
                skipped,
                last: Instant::now(),
            };
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{bar:30.cyan/blue} {pos}/{len} rows  {per_sec:>10}  ETA {eta:>4}  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_position(skipped);
        bar.set_message(format!("{skipped} skipped, 0 failed"));
        bar.enable_steady_tick(Duration::from_millis(200));
        Reporter::Bar(bar)
    }

    /// Rows skipped without a call are now `skipped` in all (the journal's, the account's).
    pub(crate) fn skip_to(&mut self, skipped: u64) {
        match self {
            Reporter::Bar(bar) => {
                let current = bar.position();
                bar.set_position(current.max(skipped));
            }
            Reporter::Lines { skipped: known, .. } => *known = (*known).max(skipped),
        }
    }

    pub(crate) fn update(&mut self, progress: &Progress) {
        match self {
            Reporter::Bar(bar) => {
                bar.inc(1);
                let skipped = bar.position().saturating_sub(progress.rows);
                bar.set_message(format!(
                    "{skipped} skipped, {} failed, {} rate-limited",
                    progress.failed, progress.rate_limited_responses
                ));
            }
            Reporter::Lines {
                total,
                skipped,
                last,
            } => {
                if last.elapsed() >= LINE_EVERY {
                    *last = Instant::now();
                    eprintln!("{}", line(*total, *skipped, progress));
                }
            }
        }
    }

    pub(crate) fn finish(&self, progress: &Progress) {
        match self {
            Reporter::Bar(bar) => bar.finish(),
            Reporter::Lines { total, skipped, .. } => {
                eprintln!("{}", line(*total, *skipped, progress))
            }
        }
    }
}

fn line(total: u64, skipped: u64, progress: &Progress) -> String {
    let done = skipped + progress.rows;
    let rate = progress.rows as f64 / progress.elapsed_s.max(0.001);
    let eta = if rate > 0.0 {
        format_duration(total.saturating_sub(done) as f64 / rate)
    } else {
        "?".to_owned()
    };
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    format!(
        "import: {done}/{total} rows ({percent}%), {rate:.1} rows/s, {} failed, ETA {eta}",
        progress.failed
    )
}

fn format_duration(seconds: f64) -> String {
    let seconds = seconds.round() as u64;
    if seconds >= 60 {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{seconds}s")
    }
}

/// A count of items done (a listing's users) with their rate, for work of unknown size: a
/// spinner on a terminal, a plain line every few seconds otherwise.
pub(crate) enum Counter {
    Spinner(ProgressBar),
    Lines {
        what: &'static str,
        unit: &'static str,
        started: Instant,
        last: Instant,
    },
}

impl Counter {
    pub(crate) fn new(what: &'static str, unit: &'static str) -> Counter {
        if !std::io::stderr().is_terminal() {
            let now = Instant::now();
            return Counter::Lines {
                what,
                unit,
                started: now,
                last: now,
            };
        }
        let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let template = format!("{{spinner}} {what}: {{pos}} {unit}  {{per_sec}}  {{elapsed}}");
        spinner.set_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        spinner.enable_steady_tick(Duration::from_millis(200));
        Counter::Spinner(spinner)
    }

    pub(crate) fn update(&mut self, done: u64) {
        match self {
            Counter::Spinner(spinner) => spinner.set_position(done),
            Counter::Lines {
                what,
                unit,
                started,
                last,
            } => {
                if last.elapsed() >= LINE_EVERY {
                    *last = Instant::now();
                    eprintln!("{}", count_line(what, unit, *started, done));
                }
            }
        }
    }

    pub(crate) fn finish(&self, done: u64) {
        match self {
            Counter::Spinner(spinner) => {
                spinner.set_position(done);
                spinner.finish();
            }
            Counter::Lines {
                what,
                unit,
                started,
                ..
            } => {
                eprintln!("{}", count_line(what, unit, *started, done))
            }
        }
    }
}

fn count_line(what: &str, unit: &str, started: Instant, done: u64) -> String {
    let elapsed = started.elapsed().as_secs_f64();
    let rate = done as f64 / elapsed.max(0.001);
    format!(
        "{what}: {done} {unit}, {rate:.1} {unit}/s, {}",
        format_duration(elapsed)
    )
}
