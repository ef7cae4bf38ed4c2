//! The CLI verbs against real tmux.

use crate::{T, full_raw, status, warren};

const FACTORIAL_100: &str = "93326215443944152681699238856266700490715968264381621468592963895217599993229915608941463976156518286253697920827223758251185210916864000000000000000000000000";

#[test]
fn python_session_new_send_wait_output_status_kill() {
    let w = warren();
    let created = w.json(&["new", "calc", "--python"]);
    assert_eq!(
        created["state"], "idle",
        "new waits until python shows its prompt: {created}"
    );
    assert_eq!(created["signal"], "screen:ready");
    let sent = w.json(&[
        "send",
        "calc",
        "import math; print(math.factorial(100))",
        "--wait",
        "^>>> ",
        "-T",
        "20",
    ]);
    assert_eq!(sent["ack"], "acked", "{sent}");
    assert_eq!(sent["matched"], true, "{sent}");
    let screen = w.ok(&["output", "calc", "-n", "20"]);
    assert!(
        screen.contains(FACTORIAL_100),
        "the answer is on the screen:\n{screen}"
    );
    let s = status(&w, "calc");
    for field in [
        "id",
        "name",
        "kind",
        "profile",
        "state",
        "signal",
        "since",
        "detail",
        "created_at",
        "pid",
        "cwd",
    ] {
        assert!(!s[field].is_null(), "status has {field}: {s}");
    }
    assert_eq!(s["kind"], "tmux");
    assert!(
        s["transitions"].as_array().is_some_and(|t| t.len() >= 2),
        "transitions are recorded: {s}"
    );
    let ls = w.json(&["ls"]);
    assert_eq!(ls.as_array().map(Vec::len), Some(1), "{ls}");
    w.wait_state("calc", "idle", T);
    let table = w.ok(&["ls"]);
    assert!(
        table
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("calc ") && l.contains(" idle ")),
        "the table: {table}"
    );
    let r = crate::http::uds(w.home(), "GET", "/v1/sessions?view=nope", &[], b"");
    assert_eq!(r.status, 400, "{}", r.text());
    let killed = w.json(&["kill", "calc"]);
    assert_eq!(
        (killed["state"].as_str(), killed["signal"].as_str()),
        (Some("killed"), Some("warren:kill"))
    );
    // Killing a session that already ended succeeds.
    assert_eq!(w.code(&["kill", "calc"]), 0);
}

#[test]
fn a_program_that_writes_on_its_first_instruction_loses_nothing() {
    let w = warren();
    w.ok(&[
        "new",
        "early",
        "--no-wait",
        "--",
        "printf",
        "first\\nsecond\\n",
    ]);
    w.wait_state("early", "completed", T);
    w.wait_until("both lines are recorded", T, || {
        full_raw(&w, "early").contains("second")
    });
    let raw = full_raw(&w, "early");
    assert!(
        raw.starts_with("first\r\nsecond\r\n"),
        "the very first bytes are recorded: {raw:?}"
    );
    let s = status(&w, "early");
    assert_eq!(
        (s["signal"].as_str(), s["exit_code"].as_i64()),
        (Some("process:exit"), Some(0)),
        "{s}"
    );
}

#[test]
fn exit_status_is_recorded_and_health_says_dead() {
    let w = warren();
    w.ok(&["new", "seven", "--no-wait", "--", "sh", "-c", "exit 7"]);
    w.wait_state("seven", "failed", T);
    let s = status(&w, "seven");
    assert_eq!(
        (s["exit_code"].as_i64(), s["detail"].as_str()),
        (Some(7), Some("exit status 7")),
        "{s}"
    );
    assert_eq!(w.code(&["health", "seven"]), 1);
    assert_eq!(w.code(&["health", "nobody"]), 2);
}

#[test]
fn health_codes_healthy_and_zombie() {
    let w = warren();
    w.ok(&["new", "cat", "--", "cat"]);
    assert_eq!(w.code(&["health", "cat"]), 0);
    let json = w.json(&["health", "cat"]);
    assert_eq!(json["health"], "healthy");
    // Someone kills its tmux session behind warren's back.
    let out = w.tmux(&["kill-session", "-t", "=cat"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    w.wait_state("cat", "lost", T);
    assert_eq!(w.code(&["health", "cat"]), 3);
    assert!(
        status(&w, "cat")["detail"]
            .as_str()
            .unwrap_or("")
            .contains("vanished")
    );
}

#[test]
fn send_delivers_key_names_and_shell_characters_literally() {
    let w = warren();
    w.ok(&["new", "echo", "--", "cat"]);
    let text = r#"C-c Enter $HOME ~ ; echo 'q' "dq" #{pane_id} \\ %1 é ✓"#;
    let sent = w.json(&["send", "echo", text, "--wait", "pane_id.*✓$"]);
    assert_eq!(sent["matched"], true, "{sent}");
    w.wait_until(
        "cat printed the text back after the tty echoed it",
        T,
        || full_raw(&w, "echo").matches(text).count() >= 2,
    );
    let raw = full_raw(&w, "echo");
    assert_eq!(
        raw.matches(text).count(),
        2,
        "echoed by the tty and printed by cat, byte for byte: {raw:?}"
    );
    // Multi-line text goes through a paste buffer; every line arrives.
    let sent = w.json(&["send", "echo", "line one\nline two", "--wait", "^line two$"]);
    assert_eq!(sent["matched"], true, "{sent}");
}

#[test]
fn send_wait_matches_only_output_after_the_send() {
    let w = warren();
    w.ok(&["new", "w", "--", "cat"]);
    w.ok(&["send", "w", "alpha", "--wait", "alpha"]);
    // The tty echoes it and cat prints it: let both copies land before the next send.
    w.wait_until("cat printed alpha back", T, || {
        full_raw(&w, "w").matches("alpha").count() == 2
    });
    let out = w.run(&["send", "w", "beta", "--wait", "alpha", "--timeout", "1"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "old output must not match: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    // `wait` looks at the current screen first.
    assert_eq!(w.code(&["wait", "w", "beta", "--timeout", "5"]), 0);
    assert_eq!(
        w.code(&["wait", "w", "never-printed", "--timeout", "300ms"]),
        1
    );
}

#[test]
fn keys_and_states() {
    let w = warren();
    w.ok(&["new", "sl", "--python"]);
    w.ok(&["send", "sl", "import time; time.sleep(600)"]);
    w.wait_state("sl", "running", T);
    w.ok(&["keys", "sl", "C-c"]);
    assert_eq!(
        w.code(&["wait", "sl", "KeyboardInterrupt", "--timeout", "10"]),
        0
    );
    w.wait_state("sl", "idle", T);
}

#[test]
fn tail_follow_writes_output_as_it_arrives_and_ends_with_the_session() {
    let w = warren();
    w.ok(&["new", "t", "--", "cat"]);
    let mut child = w
        .command()
        .args(["tail", "t", "-f"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::Read as _;
        let mut s = String::new();
        let _ = std::io::BufReader::new(stdout).read_to_string(&mut s);
        s
    });
    w.ok(&["send", "t", "hello-tail"]);
    w.ok(&["wait", "t", "hello-tail"]);
    w.ok(&["kill", "t"]);
    let status = child.wait().unwrap();
    assert!(status.success());
    let seen = reader.join().unwrap();
    assert!(
        seen.contains("hello-tail"),
        "tail -f printed the output: {seen:?}"
    );
}

#[test]
fn cleanup_dry_run_older_than_and_all() {
    let w = warren();
    w.ok(&["new", "done", "--no-wait", "--", "true"]);
    w.ok(&["new", "live", "--", "cat"]);
    w.wait_state("done", "completed", T);
    let dry = w.json(&["cleanup", "--dry-run"]);
    assert_eq!(dry["removed"].as_array().map(|r| r.len()), Some(1), "{dry}");
    assert_eq!(
        w.json(&["ls"]).as_array().map(Vec::len),
        Some(2),
        "dry run removes nothing"
    );
    let none = w.json(&["cleanup", "--older-than", "1h"]);
    assert_eq!(none["removed"].as_array().map(Vec::len), Some(0), "{none}");
    let removed = w.json(&["cleanup"]);
    assert_eq!(removed["removed"][0]["name"], "done", "{removed}");
    assert_eq!(w.code(&["status", "done"]), 2, "its record is gone");
    let refused = w.run(&["cleanup", "--all"]);
    assert_eq!(
        refused.status.code(),
        Some(64),
        "--all off a terminal needs --yes"
    );
    let all = w.json(&["cleanup", "--all", "--yes"]);
    assert_eq!(all["removed"][0]["name"], "live", "{all}");
    assert_eq!(w.json(&["ls"]).as_array().map(Vec::len), Some(0));
}

#[test]
fn find_and_adopt_a_session_started_on_warrens_server() {
    let w = warren();
    w.ok(&["new", "anchor", "--", "cat"]);
    let out = w.tmux(&["new-session", "-d", "-s", "stray", "cat"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = w.json(&["find"]);
    assert_eq!(
        found
            .as_array()
            .map(|f| f.iter().filter(|s| s["tmux_name"] == "stray").count()),
        Some(1),
        "{found}"
    );
    let adopted = w.json(&["adopt", "stray", "--as", "adopted"]);
    assert_eq!(adopted["name"], "adopted");
    w.ok(&["send", "adopted", "after-adopt", "--wait", "after-adopt"]);
    let found = w.json(&["find"]);
    assert_eq!(
        found.as_array().map(Vec::len),
        Some(0),
        "adopted sessions are registered: {found}"
    );
}

#[test]
fn daemon_status_stop_restart_and_sessions_survive() {
    let w = warren();
    assert_eq!(
        w.code(&["daemon", "status"]),
        69,
        "status never starts a daemon"
    );
    w.ok(&["daemon"]);
    let s = w.json(&["daemon", "status"]);
    for f in [
        "pid",
        "version",
        "protocol",
        "socket",
        "tcp",
        "uptime_secs",
        "sessions",
    ] {
        assert!(s.get(f).is_some(), "daemon status has {f}: {s}");
    }
    w.ok(&["new", "keep", "--", "cat"]);
    w.ok(&["daemon", "stop"]);
    assert_eq!(w.code(&["daemon", "status"]), 69);
    // Any other command brings it back, and the session kept running.
    let st = status(&w, "keep");
    assert_eq!(st["state"], "idle", "{st}");
    w.ok(&["send", "keep", "still-here", "--wait", "still-here"]);
    let old = w.json(&["daemon", "status"])["pid"].clone();
    w.ok(&["daemon", "restart"]);
    assert_ne!(w.json(&["daemon", "status"])["pid"], old);
    w.ok(&["daemon", "stop", "--kill-sessions"]);
    let panes = w.tmux(&["list-sessions"]);
    assert!(
        !panes.status.success(),
        "the private tmux server is gone: {}",
        String::from_utf8_lossy(&panes.stdout)
    );
}

#[test]
fn events_are_stored_with_ids_and_replayed() {
    let w = warren();
    w.ok(&["new", "ev", "--no-wait", "--", "true"]);
    w.wait_state("ev", "completed", T);
    let out = w.ok(&["events", "--since", "0"]);
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let types: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert!(
        types.contains(&"created") && types.contains(&"state_changed") && types.contains(&"exited"),
        "{types:?}"
    );
    let ids: Vec<i64> = events.iter().filter_map(|e| e["id"].as_i64()).collect();
    assert!(ids.windows(2).all(|p| p[0] < p[1]), "ids increase: {ids:?}");
    let after = w.ok(&["events", "--since", &ids[1].to_string()]);
    assert_eq!(
        after.lines().count(),
        events.len() - 2,
        "resume from a cursor"
    );
}

#[test]
fn completions_and_token() {
    let w = warren();
    assert!(w.ok(&["completions", "bash"]).contains("warren"));
    let token = w.ok(&["token"]);
    assert_eq!(token.trim().len(), 64);
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(w.home().join("token"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let sock = std::fs::metadata(w.home().join("warren.sock"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(sock & 0o777, 0o600);
}

#[test]
fn profiles_lists_what_drives_each_and_headless_needs_a_stream() {
    let w = warren();
    std::fs::write(
        w.home().join("config.toml"),
        "[profiles.mine]\ncommand = [\"mine-agent\"]\nstatus = \"claude-hooks\"\ninterrupt_key = \"C-g\"\n",
    )
    .unwrap();
    let all = w.json(&["profiles"]);
    let get = |name: &str| -> serde_json::Value {
        all.as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no profile {name} in {all}"))
            .clone()
    };
    let claude = get("claude");
    assert_eq!(
        (
            &claude["status"],
            &claude["stream"],
            &claude["interrupt_key"]
        ),
        (&"claude-hooks".into(), &"claude".into(), &"Escape".into()),
        "{claude}"
    );
    let shell = get("shell");
    assert_eq!(
        (
            &shell["status"],
            shell.get("stream"),
            &shell["interrupt_key"]
        ),
        (&"screen".into(), None, &"C-c".into()),
        "{shell}"
    );
    let mine = get("mine");
    assert_eq!(
        (&mine["status"], mine.get("stream"), &mine["interrupt_key"]),
        (&"claude-hooks".into(), None, &"C-g".into()),
        "{mine}"
    );
    let table = w.ok(&["profiles"]);
    assert!(table.starts_with("NAME"), "{table}");
    assert!(
        table.lines().any(|l| l.starts_with("mine ")
            && l.contains("claude-hooks")
            && l.ends_with("mine-agent")),
        "{table}"
    );
    // A profile that speaks no JSON stream cannot run headless: refused, nothing left behind.
    let out = w.run(&["spawn", "nostream", "--profile", "mine"]);
    assert_eq!(out.status.code(), Some(64), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("speaks no JSON stream"), "{err}");
    assert!(!w.ok(&["ls"]).contains("nostream"));
}

#[test]
fn demo_runs_end_to_end_and_cleans_up() {
    let w = warren();
    let out = w.ok(&["demo"]);
    assert!(
        out.contains(FACTORIAL_100),
        "the demo shows the answer: {out}"
    );
    assert!(out.contains("==> done."), "{out}");
    assert_eq!(
        w.json(&["ls"]).as_array().map(Vec::len),
        Some(0),
        "the demo cleaned up after itself"
    );
}

#[test]
fn python_multi_line_block_gets_the_blank_line_that_runs_it() {
    let w = warren();
    w.ok(&["new", "py", "--python"]);
    let sent = w.json(&[
        "send",
        "py",
        "def f(x):\n    return x * 6\n",
        "--wait",
        "^>>> $",
        "-T",
        "20",
    ]);
    assert_eq!(
        sent["matched"], true,
        "the block was closed and the prompt came back: {sent}"
    );
    let sent = w.json(&["send", "py", "print(f(7))", "--wait", "^42$", "-T", "20"]);
    assert_eq!(sent["matched"], true, "{sent}");
}

#[test]
fn stale_warning_and_stuck_follow_their_thresholds() {
    let w = warren();
    std::fs::write(
        w.home().join("config.toml"),
        "stale_after_secs = 0\nstuck_after_secs = 1\n",
    )
    .unwrap();
    w.ok(&["new", "busy", "--python"]);
    w.wait_until("the stale warning shows", T, || {
        status(&w, "busy")["stale_warning"]
            .as_str()
            .is_some_and(|s| s.contains("running for"))
    });
    // Busy with no output past the threshold: stuck, with the reason.
    w.ok(&["send", "busy", "import time; time.sleep(600)"]);
    w.wait_state("busy", "stuck", T);
    let s = status(&w, "busy");
    assert_eq!(s["signal"], "quiescence", "{s}");
    assert!(
        s["detail"]
            .as_str()
            .unwrap_or("")
            .contains("stuck threshold"),
        "{s}"
    );
}

#[test]
fn setup_instar_writes_the_token_where_the_skill_reads_it_and_listens_on_4040() {
    let w = warren();
    // Port 4040 is shared by every test home: only this test uses it.
    let project = w.home().join("project");
    std::fs::create_dir_all(project.join(".instar")).unwrap();
    std::fs::write(
        project.join(".instar/config.json"),
        r#"{"keep": 1, "auth": {"other": true}}"#,
    )
    .unwrap();
    let out = w
        .command()
        .args(["setup", "--instar"])
        .current_dir(&project)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cfg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(project.join(".instar/config.json")).unwrap())
            .unwrap();
    let token = w.ok(&["token"]).trim().to_string();
    assert_eq!(
        cfg["auth"]["token"],
        token.as_str(),
        "the skill's AUTH=$(python3 … ['auth']['token'])"
    );
    assert_eq!(
        (cfg["keep"].as_i64(), cfg["auth"]["other"].as_bool()),
        (Some(1), Some(true)),
        "other settings are kept"
    );
    assert_eq!(w.json(&["daemon", "status"])["tcp"], "127.0.0.1:4040");
    let health = crate::http::tcp("127.0.0.1:4040", "GET", "/health", &[], b"");
    assert_eq!(health.status, 200);
}

#[test]
fn attach_shows_the_session_in_a_terminal_and_detaching_leaves_it_running() {
    let w = warren();
    w.ok(&["new", "att", "--", "cat"]);
    w.ok(&[
        "send",
        "att",
        "seen-through-attach",
        "--wait",
        "seen-through-attach",
    ]);
    // A terminal for `warren attach`: a pane of a separate tmux server, ended on drop.
    struct Outer(std::path::PathBuf);
    impl Drop for Outer {
        fn drop(&mut self) {
            let _ = std::process::Command::new("tmux")
                .arg("-S")
                .arg(&self.0)
                .arg("kill-server")
                .output();
        }
    }
    let outer = Outer(w.home().join("outer.sock"));
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .arg("-S")
            .arg(&outer.0)
            .args(args)
            .output()
            .unwrap()
    };
    let bin = env!("CARGO_BIN_EXE_warren");
    let home = format!("WARREN_HOME={}", w.home().display());
    let started = tmux(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        "term",
        "-x",
        "120",
        "-y",
        "30",
        "-e",
        &home,
        bin,
        "attach",
        "att",
    ]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    w.wait_until(
        "the attached terminal shows the session's screen",
        T,
        || {
            String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", "=term:"]).stdout)
                .contains("seen-through-attach")
        },
    );
    assert!(
        !w.tmux(&["list-clients", "-t", "=att"]).stdout.is_empty(),
        "a client is attached to the session"
    );
    // Detach with the default prefix: warren attach exits, the session keeps running.
    tmux(&["send-keys", "-t", "=term:", "C-b", "d"]);
    w.wait_until("warren attach exited after the detach", T, || {
        !tmux(&["has-session", "-t", "=term"]).status.success()
    });
    assert_eq!(w.code(&["health", "att"]), 0, "detaching left it running");
    assert!(
        w.tmux(&["list-clients", "-t", "=att"]).stdout.is_empty(),
        "no client is left attached to the session"
    );
}

#[test]
fn logs_rotate_with_global_offsets_and_an_old_cursor_says_what_is_gone() {
    let w = warren();
    std::fs::write(
        w.home().join("config.toml"),
        "log_max_bytes = 4096\nlog_keep_segments = 1\n",
    )
    .unwrap();
    w.ok(&["new", "rot", "--no-wait", "--", "sh", "-c", "i=0; while [ $i -lt 1000 ]; do i=$((i+1)); echo line-$i; done; echo ALL-DONE; exec sleep 600"]);
    w.ok(&["wait", "rot", "ALL-DONE", "--timeout", "20"]);
    let st = status(&w, "rot");
    let end = st["output_offset"].as_u64().unwrap();
    assert!(end > 9_000, "about 10 KB were written: {st}");
    // Offsets stay global: the tail of the output is still at its offset.
    let tail = w.ok(&["output", "rot", "--since", &(end - 20).to_string(), "--raw"]);
    assert!(tail.contains("ALL-DONE"), "{tail:?}");
    // A read from 0 gets what is kept, and says how much was rotated away.
    let out = w.run(&["output", "rot", "--since", "0", "--raw"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rotated away"), "{err}");
    assert!(
        out.stdout.len() < 8192 && !String::from_utf8_lossy(&out.stdout).contains("line-1\r\n"),
        "only the kept segments"
    );
    let dir = std::fs::read_dir(w.home().join("sessions"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let segments = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("output.log."))
        .count();
    assert_eq!(segments, 1, "log_keep_segments = 1");
}

#[test]
fn a_name_resolves_to_its_newest_session_and_older_ones_by_id() {
    let w = warren();
    let old = w.json(&["new", "again", "--no-wait", "--", "true"]);
    w.wait_state("again", "completed", T);
    let new = w.json(&["new", "again", "--", "cat"]);
    assert_ne!(old["id"], new["id"]);
    assert_eq!(
        status(&w, "again")["id"],
        new["id"],
        "the name is the newest session"
    );
    let by_id = status(&w, old["id"].as_str().unwrap());
    assert_eq!(
        (by_id["id"].clone(), by_id["state"].as_str()),
        (old["id"].clone(), Some("completed"))
    );
}

#[test]
fn find_all_lists_other_tmux_servers_of_this_user_read_only() {
    let w = warren();
    let tmpdir = w.home().join("tmux-tmp");
    std::fs::create_dir_all(&tmpdir).unwrap();
    // The daemon reads TMUX_TMPDIR from the environment it was started with.
    let out = w
        .command()
        .env("TMUX_TMPDIR", &tmpdir)
        .arg("daemon")
        .output()
        .unwrap();
    assert!(out.status.success());
    let other = std::process::Command::new("tmux")
        .env("TMUX_TMPDIR", &tmpdir)
        .args([
            "-L",
            "elsewhere",
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "theirs",
            "cat",
        ])
        .output()
        .unwrap();
    assert!(
        other.status.success(),
        "{}",
        String::from_utf8_lossy(&other.stderr)
    );
    let found = w.json(&["find", "--all"]);
    let theirs = found
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["tmux_name"] == "theirs")
        .cloned();
    let _ = std::process::Command::new("tmux")
        .env("TMUX_TMPDIR", &tmpdir)
        .args(["-L", "elsewhere", "kill-server"])
        .output();
    let theirs = theirs.unwrap_or_else(|| panic!("the other server's session is listed: {found}"));
    assert_eq!(theirs["adoptable"], false, "other servers are read-only");
    assert_eq!(
        w.json(&["find"]).as_array().map(Vec::len),
        Some(0),
        "plain find lists only warren's server"
    );
}
