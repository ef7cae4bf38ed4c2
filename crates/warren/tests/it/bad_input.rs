//! Bad input gets a clear error and loses nothing.

use crate::http::uds;
use crate::{T, warren};

#[test]
fn invalid_names_are_refused_with_the_rule() {
    let w = warren();
    for bad in [
        "a:b",
        "a.b",
        "..",
        "Upper",
        "a b",
        "a;rm",
        "$(x)",
        "é",
        &"x".repeat(65),
    ] {
        let out = w.run(&["new", bad, "--", "true"]);
        assert_eq!(out.status.code(), Some(64), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(
                "1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit"
            ),
            "{bad:?}: {err}"
        );
    }
    // A leading dash never gets past clap on the command line; through the API it meets the rule.
    w.ok(&["daemon"]);
    let r = crate::http::uds(
        w.home(),
        "POST",
        "/v1/sessions",
        &[],
        br#"{"name": "-x", "command": ["true"]}"#,
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("starting with a letter or digit"),
        "{}",
        r.text()
    );
    assert_eq!(
        w.json(&["ls"]).as_array().map(Vec::len),
        Some(0),
        "nothing was created"
    );
}

#[test]
fn unknown_session_is_404_and_exit_2() {
    let w = warren();
    let out = w.run(&["send", "ghost", "hi"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no session named ghost (see `warren ls`)")
            || String::from_utf8_lossy(&out.stderr).contains("see `warren ls`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = uds(w.home(), "GET", "/v1/sessions/ghost", &[], b"");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["code"], "not_found");
}

#[test]
fn malformed_json_names_the_field_and_oversized_bodies_are_413() {
    let w = warren();
    w.ok(&["new", "j", "--", "cat"]);
    let r = uds(
        w.home(),
        "POST",
        "/v1/sessions/j/send",
        &[("Content-Type", "application/json")],
        br#"{"text": 42}"#,
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["message"].as_str().unwrap().contains("`text`"),
        "{}",
        r.text()
    );
    let r = uds(w.home(), "POST", "/v1/sessions", &[], b"{\"name\": ");
    assert_eq!(r.status, 400);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON"),
        "{}",
        r.text()
    );
    let r = uds(
        w.home(),
        "POST",
        "/v1/sessions",
        &[],
        br#"{"name": "Bad:Name"}"#,
    );
    assert_eq!(r.status, 400);
    assert!(r.json()["message"].as_str().unwrap().contains("`name`"));
    let big = format!("{{\"text\": \"{}\"}}", "x".repeat(16 * 1024 * 1024 + 1));
    let r = uds(w.home(), "POST", "/v1/sessions/j/send", &[], big.as_bytes());
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.json()["code"], "too_large");
    // The session is untouched.
    w.ok(&["send", "j", "still-fine", "--wait", "still-fine"]);
}

#[test]
fn names_taken_bad_cwd_and_bad_profile() {
    let w = warren();
    w.ok(&["new", "dup", "--", "cat"]);
    let out = w.run(&["new", "dup", "--", "cat"]);
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a live session is named dup"));
    let out = w.run(&[
        "new",
        "nowhere",
        "--cwd",
        "/definitely/not/here",
        "--",
        "true",
    ]);
    assert_eq!(out.status.code(), Some(64));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`cwd`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = w.run(&["new", "np", "--profile", "nope"]);
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown profile"));
    let out = w.run(&["send", "dup", "x", "--wait", "("]);
    assert_eq!(out.status.code(), Some(64), "a bad regex is a usage error");
}

#[test]
fn tmux_missing_says_how_to_install_it() {
    let w = warren();
    std::fs::write(
        w.home().join("config.toml"),
        "tmux = \"/nonexistent/tmux\"\n",
    )
    .unwrap();
    let out = w.run(&["new", "x", "--", "true"]);
    assert_eq!(out.status.code(), Some(69));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("apt-get install tmux"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(w.code(&["ls"]), 0, "the daemon keeps serving");
}

#[test]
fn tmux_server_killed_under_the_daemon_marks_sessions_lost_and_serving_goes_on() {
    let w = warren();
    w.ok(&["new", "a", "--", "cat"]);
    w.ok(&["send", "a", "recorded-before", "--wait", "recorded-before"]);
    assert!(w.tmux(&["kill-server"]).status.success());
    w.wait_state("a", "lost", T);
    assert!(
        crate::full_raw(&w, "a").contains("recorded-before"),
        "recorded output survives"
    );
    w.ok(&["new", "b", "--", "cat"]);
    w.ok(&["send", "b", "new-server", "--wait", "new-server"]);
}

#[test]
fn a_child_that_prints_garbage_or_hangs() {
    let w = warren();
    w.ok(&[
        "new",
        "garbage",
        "--no-wait",
        "--",
        "head",
        "-c",
        "200000",
        "/dev/urandom",
    ]);
    w.wait_state("garbage", "completed", T);
    let raw = w.run(&["output", "garbage", "--full", "--raw"]);
    assert!(
        raw.stdout.len() >= 200_000,
        "every byte recorded ({} bytes)",
        raw.stdout.len()
    );
    w.ok(&["new", "hang", "--", "sleep", "1000"]);
    w.ok(&["kill", "hang"]);
    assert_eq!(w.json(&["status", "hang"])["state"], "killed");
}

/// Unmounts (lazily) what a test mounted, even when it fails.
struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn a_full_disk_marks_the_session_and_the_daemon_keeps_serving() {
    if !nix::unistd::getuid().is_root() {
        eprintln!("SKIPPED: mounting a small tmpfs as a full disk needs root (CI runs as root)");
        return;
    }
    let w = warren();
    let sessions = w.home().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=128k", "tmpfs"])
        .arg(&sessions)
        .status()
        .unwrap();
    assert!(
        mounted.success(),
        "mount a 128 KiB tmpfs over the sessions directory"
    );
    let _unmount = Unmount(sessions);
    w.ok(&[
        "new",
        "big",
        "--no-wait",
        "--",
        "sh",
        "-c",
        "head -c 2000000 /dev/zero | tr '\\0' x; echo; exec sleep 600",
    ]);
    w.wait_until("the session is marked", T, || {
        crate::status(&w, "big")["warning"]
            .as_str()
            .is_some_and(|m| m.contains("No space left"))
    });
    // The daemon keeps serving, and what was recorded stays readable.
    assert_eq!(w.code(&["ls"]), 0);
    let raw = w.run(&["output", "big", "--full", "--raw"]);
    assert!(
        raw.status.success() && raw.stdout.len() > 64 * 1024,
        "recorded output before the disk filled: {} bytes",
        raw.stdout.len()
    );
    let events = w.ok(&["events", "--since", "0", "--types", "warning"]);
    assert!(
        events.contains("No space left"),
        "a stored warning event: {events}"
    );
    w.ok(&["kill", "big"]);
}
