//! Work spread over plain scoped threads, for `sweep` and `simulate`.
//!
//! Not a rayon pool: loading a model reads its CSV files through polars,
//! which runs on its own rayon pool, and a rayon worker waiting for another
//! pool runs more of its own jobs meanwhile — one point inside another,
//! deep enough to overflow a worker's stack after a few dozen (seen at 500
//! flagship points with `--jobs 1`).

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::{anyhow, Context, Result};

/// Stack of a worker thread: HiGHS and the model loader in a debug build
/// need more than a default thread's 2 MiB.
const WORKER_STACK: usize = 64 << 20;

/// Calls `each` on every range, on `jobs` threads (at least 1, at most one
/// per range) that take the next range as they finish one; the results in
/// the ranges' order, whatever the threads' timing.
pub fn in_ranges<T: Send>(
    ranges: &[Range<usize>],
    jobs: usize,
    each: impl Fn(Range<usize>) -> T + Sync,
) -> Result<Vec<T>> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<T>>> = ranges.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| -> Result<()> {
        let mut handles = Vec::new();
        for _ in 0..jobs.clamp(1, ranges.len().max(1)) {
            let handle = std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, || loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(range) = ranges.get(index) else {
                        break;
                    };
                    let value = each(range.clone());
                    if let Ok(mut slot) = slots[index].lock() {
                        *slot = Some(value);
                    }
                })
                .context("cannot start the worker threads")?;
            handles.push(handle);
        }
        for handle in handles {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Ok(())
    })?;
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .ok()
                .flatten()
                .ok_or_else(|| anyhow!("internal error: a run of work was not done"))
        })
        .collect()
}

/// `points` cut into consecutive runs of `length` (the last may be shorter).
pub fn runs(points: Range<usize>, length: usize) -> Vec<Range<usize>> {
    let end = points.end;
    points
        .step_by(length.max(1))
        .map(|start| start..(start + length.max(1)).min(end))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_ranges_whatever_the_threads() {
        let ranges = runs(3..20, 4);
        assert_eq!(ranges, vec![3..7, 7..11, 11..15, 15..19, 19..20]);
        for jobs in [1, 2, 7] {
            let sums = in_ranges(&ranges, jobs, |range| range.sum::<usize>()).unwrap();
            assert_eq!(
                sums,
                vec![
                    3 + 4 + 5 + 6,
                    7 + 8 + 9 + 10,
                    11 + 12 + 13 + 14,
                    15 + 16 + 17 + 18,
                    19
                ]
            );
        }
        assert!(in_ranges(&[], 2, |range: Range<usize>| range.len())
            .unwrap()
            .is_empty());
    }
}
