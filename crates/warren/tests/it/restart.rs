//! The daemon killed at any instant leaves nothing half-made and loses no output.

use crate::{T, full_raw, status, warren};
use warren_testkit::alive;

fn kill9_daemon(w: &warren_testkit::Warren) {
    let pid = w.daemon_pid().expect("a daemon pid");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    w.wait_until("the daemon is gone", T, || !alive(pid));
}

#[test]
fn kill9_while_a_session_writes_loses_no_line() {
    let w = warren();
    let script =
        "i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo line-$i; sleep 0.01; done; exec sleep 600";
    w.ok(&["new", "counter", "--no-wait", "--", "sh", "-c", script]);
    w.ok(&["wait", "counter", "line-20$"]);
    kill9_daemon(&w);
    // Any command brings it back; the session still runs and kept recording.
    let st = status(&w, "counter");
    assert!(
        !st["state"].as_str().unwrap().is_empty() && st["state"] != "lost",
        "{st}"
    );
    w.ok(&["wait", "counter", "line-300$", "--timeout", "30"]);
    let raw = full_raw(&w, "counter");
    let lines: Vec<&str> = raw.lines().map(|l| l.trim_end_matches('\r')).collect();
    for i in 1..=300 {
        assert!(
            lines.contains(&format!("line-{i}").as_str()),
            "line-{i} is missing"
        );
    }
    let pos: Vec<usize> = (1..=300)
        .map(|i| {
            lines
                .iter()
                .position(|l| *l == format!("line-{i}"))
                .unwrap()
        })
        .collect();
    assert!(pos.windows(2).all(|p| p[0] < p[1]), "in order");
}

fn arm(w: &warren_testkit::Warren, point: &str) {
    w.ok(&["daemon"]);
    std::fs::write(w.home().join(format!("fault.{point}")), b"").unwrap();
}

fn tmux_sessions(w: &warren_testkit::Warren) -> Vec<String> {
    let out = w.tmux(&["list-sessions", "-F", "#{session_name}"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| *l != "_warren")
        .map(str::to_owned)
        .collect()
}

#[test]
fn kill9_after_the_row_is_written_in_new() {
    let w = warren();
    arm(&w, "new-after-row");
    // The CLI's connection breaks; it restarts the daemon and retries with the same key.
    let info = w.json(&["new", "half", "--", "cat"]);
    assert_eq!(info["name"], "half");
    assert!(
        !w.home().join("fault.new-after-row").exists(),
        "the fault fired"
    );
    assert_eq!(
        tmux_sessions(&w),
        ["half"],
        "exactly one tmux session, no orphan"
    );
    assert_eq!(
        w.json(&["ls"]).as_array().map(Vec::len),
        Some(1),
        "exactly one record"
    );
    w.ok(&["send", "half", "works", "--wait", "works"]);
}

#[test]
fn kill9_after_tmux_made_the_session_in_new() {
    let w = warren();
    arm(&w, "new-after-tmux");
    let info = w.json(&["new", "gated", "--", "cat"]);
    assert_eq!(info["name"], "gated");
    assert!(
        !w.home().join("fault.new-after-tmux").exists(),
        "the fault fired"
    );
    assert_eq!(
        tmux_sessions(&w),
        ["gated"],
        "the half-made session was finished, not duplicated"
    );
    assert_eq!(w.json(&["ls"]).as_array().map(Vec::len), Some(1));
    // Its gate was opened and its pipe attached: it runs and is recorded.
    w.ok(&["send", "gated", "after-crash", "--wait", "after-crash"]);
    assert!(full_raw(&w, "gated").contains("after-crash"));
}

#[test]
fn kill9_in_the_middle_of_kill() {
    for point in ["kill-after-mark", "kill-after-tmux"] {
        let w = warren();
        w.ok(&["new", "victim", "--", "cat"]);
        arm(&w, point);
        let info = w.json(&["kill", "victim"]);
        assert_eq!(info["state"], "killed", "{point}: {info}");
        assert!(
            !w.home().join(format!("fault.{point}")).exists(),
            "{point}: the fault fired"
        );
        assert!(
            tmux_sessions(&w).is_empty(),
            "{point}: no orphan tmux session"
        );
    }
}

#[test]
fn the_recorder_killed_is_replaced_and_recording_goes_on() {
    let w = warren();
    w.ok(&["new", "rec", "--", "cat"]);
    w.ok(&[
        "send",
        "rec",
        "before-recorder-death",
        "--wait",
        "before-recorder-death",
    ]);
    let pid_of = || {
        std::fs::read_to_string(w.home().join("recorder.pid"))
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
    };
    let old = pid_of().expect("a recorder pid");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(old),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    w.wait_until("a new recorder runs", T, || {
        pid_of().is_some_and(|p| p != old && alive(p))
    });
    w.ok(&[
        "send",
        "rec",
        "after-recorder-death",
        "--wait",
        "after-recorder-death",
    ]);
    let raw = full_raw(&w, "rec");
    assert!(
        raw.contains("before-recorder-death") && raw.contains("after-recorder-death"),
        "{raw:?}"
    );
    // Still one recorder for all panes, no per-session copier left behind.
    let helpers = std::process::Command::new("pgrep")
        .args(["-f", &format!("warren pipe --dir {}", w.home().display())])
        .output()
        .unwrap();
    assert!(
        helpers.stdout.is_empty(),
        "no per-session helper: {}",
        String::from_utf8_lossy(&helpers.stdout)
    );
}
