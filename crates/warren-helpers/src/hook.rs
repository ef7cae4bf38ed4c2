//! `warren hook EVENT` and `warren statusline`: the two commands Claude Code runs for warren.
//! Blocking std code with no runtime: a hook costs the agent its run time. It never starts a
//! daemon, gives up after `BUDGET` (200 ms), exits 0 (the only output is a decision the daemon
//! asks for), and when the daemon cannot be reached appends the event to the session's
//! `hooks.jsonl`, which the daemon replays when it starts ([`take_spool`]).

use crate::clock::now_us;
use crate::layout;
use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};
use warren_proto::{HookAnswer, HookReport};

/// How long a hook waits for the daemon, connection and answer together.
const BUDGET: Duration = Duration::from_millis(200);
/// The largest stdin a hook reads (a prompt can be large; 16 MiB is the API's own limit).
const MAX_INPUT: u64 = warren_proto::MAX_BODY_BYTES as u64;
/// Where hooks go when the daemon is unreachable.
const SPOOL: &str = "hooks.jsonl";
/// Where `warren statusline` finds the user's own status line command: `{"command": …}` in
/// the session directory, written by the daemon when it makes the session.
pub const USER_STATUSLINE: &str = "user-statusline.json";

/// Reads stdin (bounded), reports, and answers what to print on stdout.
pub fn run_hook(home: &Path, session: &str, event: &str) -> Option<String> {
    let at_us = now_us();
    let mut input = Vec::new();
    let _ = std::io::stdin().take(MAX_INPUT).read_to_end(&mut input);
    let payload: Value = serde_json::from_slice(&input).unwrap_or(Value::Null);
    let report = HookReport {
        event: event.to_string(),
        payload,
        at_us,
        replayed: false,
    };
    deliver(home, session, &report).and_then(|a| a.output.map(|o| o.to_string()))
}

/// Sends the report; on failure spools it. Answers the daemon's answer when it had one.
fn deliver(home: &Path, session: &str, report: &HookReport) -> Option<HookAnswer> {
    let body = serde_json::to_vec(report).ok()?;
    match post(&layout::api_socket(home), &body, Instant::now() + BUDGET) {
        Ok(answer) => Some(answer),
        Err(e) => {
            spool(&layout::session_dir(home, session), &body);
            if std::env::var_os("WARREN_HOOK_DEBUG").is_some() {
                eprintln!("warren hook: the daemon did not answer ({e}); spooled");
            }
            None
        }
    }
}

/// Appends one line to the spool: a single `write` of the whole line, so concurrent hooks do
/// not interleave.
fn spool(dir: &Path, body: &[u8]) {
    use std::os::unix::fs::OpenOptionsExt as _;
    if !dir.is_dir() {
        return;
    }
    let mut line = body.to_vec();
    line.push(b'\n');
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(dir.join(SPOOL))
    {
        let _ = f.write_all(&line);
    }
}

fn post(socket: &Path, body: &[u8], deadline: Instant) -> std::io::Result<HookAnswer> {
    let left = || {
        deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::TimedOut, "out of time"))
    };
    let mut s = UnixStream::connect(socket)?;
    s.set_write_timeout(Some(left()?))?;
    let token = std::env::var(warren_proto::SESSION_TOKEN_ENV).unwrap_or_default();
    if !token.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return Err(std::io::Error::other("malformed session token"));
    }
    let head = format!(
        "POST /v1/hook HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{}: {}\r\n{}: {token}\r\nconnection: close\r\n\r\n",
        body.len(),
        warren_proto::PROTOCOL_HEADER,
        warren_proto::PROTOCOL_VERSION,
        warren_proto::SESSION_TOKEN_HEADER,
    );
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        s.set_read_timeout(Some(left()?))?;
        let n = s.read(&mut buf)?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if answer.len() > 1 << 20 {
            return Err(std::io::Error::other("answer too large"));
        }
    }
    let text = String::from_utf8_lossy(&answer);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no HTTP answer"))?;
    let status = head.split(' ').nth(1).unwrap_or("");
    if !status.starts_with('2') {
        // The daemon answered and refused (an unknown token): nothing to spool for.
        return Ok(HookAnswer::default());
    }
    Ok(serde_json::from_str(body).unwrap_or_default())
}

/// `warren statusline`: reports the status line's JSON (cost) like a hook, then runs the
/// user's own status line command with the same stdin and answers its output.
pub fn run_statusline(home: &Path, session: &str) -> String {
    let at_us = now_us();
    let mut input = Vec::new();
    let _ = std::io::stdin().take(MAX_INPUT).read_to_end(&mut input);
    let payload: Value = serde_json::from_slice(&input).unwrap_or(Value::Null);
    let report = HookReport {
        event: "StatusLine".into(),
        payload,
        at_us,
        replayed: false,
    };
    let dir = layout::session_dir(home, session);
    let _ = deliver(home, session, &report);
    match read_user_statusline(&dir) {
        Some(cmd) => run_user(&cmd, &input),
        None => String::new(),
    }
}

/// Reads the user's own status line command from [`USER_STATUSLINE`] in `dir`.
pub fn read_user_statusline(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(USER_STATUSLINE)).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    v.get("command")?.as_str().map(String::from)
}

/// Runs the user's own status line command (their shell string, as Claude Code would run it)
/// with the same stdin, bounded to 5 s; answers its stdout.
fn run_user(cmd: &str, input: &[u8]) -> String {
    use std::process::{Command, Stdio};
    let child = Command::new("/bin/sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return String::new();
    };
    if let Some(mut stdin) = child.stdin.take() {
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let mut out = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = out.as_mut() {
            let _ = o.take(1 << 16).read_to_string(&mut s);
        }
        s
    });
    // Wait for it on a thread, bounded: a status line that hangs is killed after 5 s.
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    if rx.recv_timeout(Duration::from_secs(5)).is_err() {
        if let Ok(pid) = i32::try_from(pid) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
    reader.join().unwrap_or_default()
}

/// Reads and removes the spool: the reports in order (malformed lines are skipped).
pub fn take_spool(dir: &Path) -> Vec<HookReport> {
    let path = dir.join(SPOOL);
    let taken = dir.join(format!("{SPOOL}.replaying"));
    if std::fs::rename(&path, &taken).is_err() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(&taken).unwrap_or_default();
    let _ = std::fs::remove_file(&taken);
    text.lines()
        .filter_map(|l| serde_json::from_str::<HookReport>(l).ok())
        .map(|mut r| {
            r.replayed = true;
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_daemon_spools_within_the_budget_and_the_spool_replays_in_order() {
        let home = tempfile::tempdir().unwrap();
        let dir = layout::session_dir(home.path(), "s1");
        std::fs::create_dir_all(&dir).unwrap();
        for (i, e) in ["UserPromptSubmit", "Stop"].iter().enumerate() {
            let t = Instant::now();
            let r = HookReport {
                event: (*e).into(),
                payload: serde_json::json!({"n": i}),
                at_us: i as i64,
                replayed: false,
            };
            assert!(deliver(home.path(), "s1", &r).is_none());
            assert!(t.elapsed() < BUDGET, "gave up in {:?}", t.elapsed());
        }
        let got = take_spool(&dir);
        assert_eq!(
            got.iter().map(|r| r.event.as_str()).collect::<Vec<_>>(),
            ["UserPromptSubmit", "Stop"]
        );
        assert!(got.iter().all(|r| r.replayed));
        assert!(take_spool(&dir).is_empty(), "the spool is consumed once");
    }

    #[test]
    fn a_daemon_that_hangs_is_given_up_on_after_the_budget() {
        let home = tempfile::tempdir().unwrap();
        let socket = layout::api_socket(home.path());
        std::fs::create_dir_all(socket.parent().unwrap()).unwrap();
        std::fs::create_dir_all(layout::session_dir(home.path(), "s2")).unwrap();
        // Accepts (the kernel's backlog) and never answers.
        let _l = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let t = Instant::now();
        let r = HookReport {
            event: "Stop".into(),
            payload: Value::Null,
            at_us: 0,
            replayed: false,
        };
        assert!(deliver(home.path(), "s2", &r).is_none());
        let took = t.elapsed();
        assert!(took >= BUDGET && took < BUDGET * 3, "took {took:?}");
        assert_eq!(take_spool(&layout::session_dir(home.path(), "s2")).len(), 1);
    }

    #[test]
    fn the_users_status_line_gets_the_same_stdin() {
        let out = run_user("cat; echo done", b"{\"x\":1}");
        assert_eq!(out, "{\"x\":1}done\n");
        assert_eq!(run_user("exit 3", b""), "");
    }
}
