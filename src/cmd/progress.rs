//! Progress of a long run on standard error: an indicatif bar (done, rate,
//! time left) on a terminal, about 20 plain lines otherwise, nothing with
//! `--quiet`. Used by `sweep` and `simulate`.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::terminal;

pub enum Progress {
    Nothing,
    Bar(ProgressBar),
    /// Plain lines, at most about 20 per run.
    Lines {
        start: Instant,
        every: usize,
        total: usize,
        lock: Mutex<()>,
        /// `simulate`
        command: &'static str,
        /// `samples`
        noun: &'static str,
    },
}

impl Progress {
    pub fn new(total: usize, quiet: bool, command: &'static str, noun: &'static str) -> Progress {
        if quiet {
            return Progress::Nothing;
        }
        if std::io::stderr().is_terminal() {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{bar:30}} {{pos}}/{{len}} {noun}  {{per_sec}}  {{eta}} left"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            return Progress::Bar(bar);
        }
        Progress::Lines {
            start: Instant::now(),
            every: total.div_ceil(20).max(1),
            total,
            lock: Mutex::new(()),
            command,
            noun,
        }
    }

    /// `count` items are done.
    pub fn done(&self, count: usize) {
        match self {
            Progress::Nothing => {}
            Progress::Bar(bar) => bar.inc(1),
            Progress::Lines {
                start,
                every,
                total,
                lock,
                command,
                noun,
            } => {
                if !count.is_multiple_of(*every) && count != *total {
                    return;
                }
                let _guard = lock.lock();
                let seconds = start.elapsed().as_secs_f64();
                let rate = count as f64 / seconds.max(1e-9);
                let left = (*total - count) as f64 / rate.max(1e-9);
                terminal::eprint_line(&format!(
                    "{command}: {count} of {total} {noun} done ({rate:.1} {noun}/s, about {left:.0} s left)"
                ));
            }
        }
    }

    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
