//! Stopwatch for the stages of a build: wall time, and the CPU time of the whole
//! process (every thread). CPU time shows how well a stage uses the cores, and
//! stays meaningful when other programs compete for them.

use std::time::{Duration, Instant};

/// How long one stage took.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub stage: &'static str,
    pub wall: Duration,
    /// `None` if the system gives no process CPU clock.
    pub cpu: Option<Duration>,
}

/// Times consecutive stages: each [`Laps::lap`] ends one and starts the next.
pub struct Laps {
    pub timings: Vec<Timing>,
    wall: Instant,
    cpu: Option<Duration>,
}

impl Laps {
    pub fn new() -> Self {
        Self::after(Vec::new())
    }

    /// Goes on timing after the stages already in `timings`.
    pub fn after(timings: Vec<Timing>) -> Self {
        Self {
            timings,
            wall: Instant::now(),
            cpu: process_cpu_time(),
        }
    }

    /// Records the stage that ends now as `stage`.
    pub fn lap(&mut self, stage: &'static str) {
        let cpu = process_cpu_time();
        self.timings.push(Timing {
            stage,
            wall: self.wall.elapsed(),
            cpu: cpu
                .zip(self.cpu)
                .map(|(now, then)| now.saturating_sub(then)),
        });
        self.wall = Instant::now();
        self.cpu = cpu;
    }
}

impl Default for Laps {
    fn default() -> Self {
        Self::new()
    }
}

fn process_cpu_time() -> Option<Duration> {
    cpu_time::ProcessTime::try_now()
        .ok()
        .map(|time| time.as_duration())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lap_counts_the_cpu_time_the_process_spent() {
        let mut laps = Laps::new();
        // 50 million dependent multiply-adds: well over 10 ms of CPU on any machine.
        let mut x = 0u64;
        for _ in 0..50_000_000 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        laps.lap("busy");
        std::thread::sleep(Duration::from_millis(20));
        laps.lap("asleep");
        let [busy, asleep] = laps.timings[..] else {
            panic!("two laps")
        };
        assert_eq!((busy.stage, asleep.stage), ("busy", "asleep"));
        assert!(asleep.wall >= Duration::from_millis(20));
        let cpu = busy.cpu.expect("a process CPU clock");
        assert!(cpu >= Duration::from_millis(10), "{cpu:?}");
    }
}
