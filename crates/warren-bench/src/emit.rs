//! The writer run inside a measured session: after a line on stdin, it prints
//! `MARK <i> <CLOCK_MONOTONIC ns>` lines at pseudo-random 10-30 ms gaps, flushing each.

use std::io::{BufRead as _, Write as _};

/// `emit --count N`.
pub fn run(args: &[String]) {
    let count: u64 = crate::flag(args, "--count")
        .and_then(|c| c.parse().ok())
        .unwrap_or(200);
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    let mut out = std::io::stdout().lock();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..count {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        pause(std::time::Duration::from_millis(10 + seed % 21));
        let _ = writeln!(out, "MARK {i} {}", crate::stats::mono_ns());
        let _ = out.flush();
    }
    let _ = writeln!(out, "EMIT DONE");
    let _ = out.flush();
    // Stay alive so the session is live while measured.
    pause(std::time::Duration::from_secs(3600));
}

#[allow(
    clippy::disallowed_methods,
    reason = "the writer's gaps are the workload, not a wait"
)]
fn pause(d: std::time::Duration) {
    std::thread::sleep(d);
}
