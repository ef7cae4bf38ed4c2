//! Interactive Claude Code: status latency and acknowledged send. The real CLI runs in tmux
//! against the stub Messages API (`stub-anthropic`), with warren's hooks (`warren hook …`,
//! which POST to the daemon). warren: from a hook's start (`hook_at` of its `hook` event) to
//! the arrival at this process of the `state_changed` event it caused on `/v1/events`, and
//! `POST /v1/sessions/{name}/send` until it answers `acked`. Baseline, in the same run on a
//! second session: a user-level hook that only appends `date +%s%N` to a file, seen here
//! through `tail -f` (inotify), and the text typed with raw `tmux send-keys`. Both clocks are
//! the wall clock of this machine, in microseconds. The two sessions alternate turn by turn.

use crate::env::Bench;
use crate::stats::{ms, pct};
use anyhow::Context as _;
use http_body_util::BodyExt as _;
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use warren_client::api::EventsQuery;
use warren_proto::{Ack, SendRequest, SessionState};
use warren_testkit::{StubApi, claude_cli};

/// Untimed turns on each session first (the CLI's first turn loads more).
const WARM_UP: usize = 2;
/// The target: a transition visible within this long of the agent's event (ms).
const TARGET_MS: f64 = 500.0;
/// No turn against the stub takes long; one that does is a failure, not a measurement.
const TURN_TIMEOUT: Duration = Duration::from_secs(60);
/// The `claude` profile's settle delay between the text and Enter (what warren's send waits).
const SETTLE: Duration = Duration::from_millis(300);
/// The session measured through warren, and the baseline's.
const WARREN: &str = "hw";
const RAW: &str = "hb";

/// Microseconds since the Unix epoch (the clock `warren hook` stamps `hook_at` with).
fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

/// Microseconds since the Unix epoch of an RFC 3339 UTC time (`2026-11-22T10:11:12.123456Z`).
fn rfc3339_us(s: &str) -> Option<i64> {
    let s = s.strip_suffix('Z').or_else(|| s.strip_suffix("+00:00"))?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut t = hms.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, min, sec) = (t.next()??, t.next()??, t.next()??);
    let frac_us = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().chain("000000".chars()).take(6).collect();
        digits.parse::<i64>().ok()?
    };
    // Days from the civil date (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + min * 60 + sec) * 1_000_000) + frac_us)
}

/// `warren new NAME --claude --seed-config --cwd WORK`, its Claude config in `config_dir`;
/// then waits until the session is idle.
async fn new_session(
    b: &Bench,
    stub: &StubApi,
    name: &str,
    config_dir: &Path,
    work: &Path,
) -> anyhow::Result<()> {
    let mut c = tokio::process::Command::from(b.cmd());
    c.args(["new", name, "--claude", "--seed-config", "--json", "--cwd"])
        .arg(work)
        .envs(stub.claude_env(config_dir));
    let out = c.output().await?;
    anyhow::ensure!(
        out.status.success(),
        "warren new {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deadline = Instant::now() + TURN_TIMEOUT;
    loop {
        let s = b
            .client
            .status(name)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.into_api()))?;
        if s.state == SessionState::Idle {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{name} is not idle after {} s: {s:?}",
            TURN_TIMEOUT.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A raw tmux command on the warren's private server (never the default one).
async fn tmux(b: &Bench, args: &[&str]) -> anyhow::Result<()> {
    let out = tokio::process::Command::new("tmux")
        .arg("-S")
        .arg(b.path().join("tmux.sock"))
        .args(args)
        .env_remove("TMUX")
        .stdin(Stdio::null())
        .output()
        .await?;
    anyhow::ensure!(
        out.status.success(),
        "tmux {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// The pids of a session's pane processes (the CLI), from the private tmux server.
async fn pane_pids(b: &Bench, name: &str) -> anyhow::Result<Vec<i32>> {
    let out = tokio::process::Command::new("tmux")
        .arg("-S")
        .arg(b.path().join("tmux.sock"))
        .args([
            "list-panes",
            "-t",
            &format!("={name}:"),
            "-F",
            "#{pane_pid}",
        ])
        .env_remove("TMUX")
        .stdin(Stdio::null())
        .output()
        .await?;
    anyhow::ensure!(out.status.success(), "tmux list-panes for {name}");
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect())
}

/// The agents (Claude Code CLIs) this benchmark started, by pid. Dropped before the warren:
/// what still runs of them then is killed (an interrupted run), so none outlives the home.
struct Agents(Vec<i32>);

impl Agents {
    /// Whether `pid` is still one of them (not gone, not reused).
    fn alive(pid: i32) -> bool {
        std::fs::read(format!("/proc/{pid}/cmdline"))
            .is_ok_and(|c| String::from_utf8_lossy(&c).contains("claude"))
    }

    /// Ends the sessions (`warren daemon stop --kill-sessions`) and waits up to 5 s for the
    /// agents to exit, so none writes into the home while it is removed.
    async fn stop(&self, b: &Bench) {
        let _ = tokio::process::Command::from(b.cmd())
            .args(["daemon", "stop", "--kill-sessions"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await;
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.0.iter().any(|p| Self::alive(*p)) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Agents {
    fn drop(&mut self) {
        for pid in self.0.iter().filter(|p| Self::alive(**p)) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(*pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

/// The next item of `rx`, or an error naming `what` at `deadline`.
async fn next<T>(
    rx: &mut UnboundedReceiver<T>,
    deadline: Instant,
    what: &str,
) -> anyhow::Result<T> {
    let left = deadline.saturating_duration_since(Instant::now());
    match tokio::time::timeout(left, rx.recv()).await {
        Ok(Some(v)) => Ok(v),
        Ok(None) => anyhow::bail!("the stream ended while waiting for {what}"),
        Err(_) => anyhow::bail!("{what} did not come within {} s", TURN_TIMEOUT.as_secs()),
    }
}

/// What the turns measured, in ms.
#[derive(Default)]
struct Samples {
    ups: Vec<f64>,
    stop: Vec<f64>,
    ups_hook_event: Vec<f64>,
    stop_hook_event: Vec<f64>,
    acked: Vec<f64>,
    raw_ups: Vec<f64>,
    raw_stop: Vec<f64>,
    raw_send: Vec<f64>,
}

pub async fn run(turns: usize) -> anyhow::Result<()> {
    let turns = turns.max(1);
    // The same CLI and stub the tests use (warren-testkit).
    let claude = std::fs::canonicalize(claude_cli())?;
    let b = Bench::start_with(&[("WARREN_CLAUDE", &claude)]).await?;
    let stub = StubApi::start(
        b.me.parent()
            .ok_or_else(|| anyhow::anyhow!("this binary has no directory"))?,
    );
    let raw_log = b.path().join("raw-hooks.log");
    std::fs::write(&raw_log, "")?;
    let (cc_w, cc_b) = (b.path().join("cc-w"), b.path().join("cc-b"));
    let (work_w, work_b) = (b.path().join("work-w"), b.path().join("work-b"));
    for d in [&cc_w, &cc_b, &work_w, &work_b] {
        std::fs::create_dir_all(d)?;
    }
    // The baseline's user-level hooks, merged by Claude Code with warren's `--settings` ones.
    let raw_hook = |event: &str| {
        serde_json::json!([{"hooks": [{
            "type": "command",
            "command": format!("date '+{event} %s%N' >> '{}'", raw_log.display()),
        }]}])
    };
    std::fs::write(
        cc_b.join("settings.json"),
        serde_json::to_string_pretty(&serde_json::json!({"hooks": {
            "UserPromptSubmit": raw_hook("UserPromptSubmit"),
            "Stop": raw_hook("Stop"),
        }}))?,
    )?;
    let mut agents = Agents(Vec::new());
    for (name, cc, work) in [(WARREN, &cc_w, &work_w), (RAW, &cc_b, &work_b)] {
        new_session(&b, &stub, name, cc, work).await?;
        agents.0.extend(pane_pids(&b, name).await?);
    }

    // warren's events, stamped on arrival.
    let body = b
        .client
        .events(&EventsQuery {
            types: Some("hook,state_changed".into()),
            ..EventsQuery::default()
        })
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.into_api()))?;
    let (tx, mut events) = unbounded_channel::<(i64, Value)>();
    let sse = tokio::spawn(async move {
        let mut body = body;
        let mut buf = Vec::new();
        while let Some(Ok(frame)) = body.frame().await {
            let at = now_us();
            let Ok(data) = frame.into_data() else {
                continue;
            };
            buf.extend_from_slice(&data);
            while let Some(pos) = buf.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = buf.drain(..pos + 2).collect();
                for l in String::from_utf8_lossy(&block).lines() {
                    if let Some(json) = l.strip_prefix("data:") {
                        if let Ok(v) = serde_json::from_str::<Value>(json.trim()) {
                            let _ = tx.send((at, v));
                        }
                    }
                }
            }
        }
    });
    // The raw hook's lines, stamped on arrival; GNU `tail -f` waits on inotify, not a timer.
    let mut tail = tokio::process::Command::new("tail")
        .args(["-n", "+1", "-f"])
        .arg(&raw_log)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting tail -f")?;
    let tail_out = tail
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("tail has no stdout"))?;
    let (rtx, mut raw_lines) = unbounded_channel::<(i64, String)>();
    let tail_reader = tokio::spawn(async move {
        let mut lines = BufReader::new(tail_out).lines();
        while let Ok(Some(l)) = lines.next_line().await {
            let _ = rtx.send((now_us(), l));
        }
    });

    let mut s = Samples::default();
    let load_before = load();
    let result = async {
        for i in 0..WARM_UP + turns {
            let keep = i >= WARM_UP;
            let text = format!("hello {i}");
            warren_turn(&b, &mut events, &text, keep, &mut s)
                .await
                .with_context(|| format!("warren turn {i}"))?;
            raw_turn(&b, &mut events, &mut raw_lines, &text, keep, &mut s)
                .await
                .with_context(|| format!("baseline turn {i}"))?;
        }
        anyhow::Ok(())
    }
    .await;
    sse.abort();
    tail_reader.abort();
    let _ = tail.kill().await;
    agents.stop(&b).await;
    drop(agents);
    drop(stub);
    result?;
    print(turns, &s, (load_before, load()));
    // `b` drops here: `warren daemon stop --kill-sessions` again, then its processes by pid.
    Ok(())
}

/// One turn through warren: send until acked, then the events until the session is idle.
async fn warren_turn(
    b: &Bench,
    events: &mut UnboundedReceiver<(i64, Value)>,
    text: &str,
    keep: bool,
    s: &mut Samples,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let req = SendRequest {
        text: text.into(),
        ..SendRequest::default()
    };
    let a = b
        .client
        .send(WARREN, &req)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.into_api()))?;
    let took = t.elapsed().as_secs_f64() * 1e3;
    anyhow::ensure!(
        a.ack == Ack::Acked && a.signal == "hook:UserPromptSubmit",
        "send was not acked by its hook: {a:?}"
    );
    let deadline = Instant::now() + TURN_TIMEOUT;
    let (mut ups_at, mut stop_at, mut ran) = (None, None, false);
    let (mut ups, mut stop, mut ups_ev, mut stop_ev) = (None, None, None, None);
    loop {
        let (at, e) = next(events, deadline, "the session's return to idle").await?;
        if e["session"] != WARREN {
            continue;
        }
        match e["type"].as_str() {
            Some("hook") => {
                let hook_at = e["hook_at"].as_str().and_then(rfc3339_us);
                let seen = hook_at.map(|h| (at - h) as f64 / 1e3);
                match e["event"].as_str() {
                    Some("UserPromptSubmit") => (ups_at, ups_ev) = (hook_at, seen),
                    Some("Stop") => (stop_at, stop_ev) = (hook_at, seen),
                    _ => {}
                }
            }
            Some("state_changed") => {
                let lat = |h: Option<i64>| h.map(|h| (at - h) as f64 / 1e3);
                match e["signal"].as_str() {
                    Some("hook:UserPromptSubmit") => ups = lat(ups_at),
                    Some("hook:Stop") => stop = lat(stop_at),
                    _ => {}
                }
                ran |= e["to"] == "running";
                if ran && e["to"] == "idle" {
                    break;
                }
            }
            _ => {}
        }
    }
    if keep {
        s.acked.push(took);
        s.ups.extend(ups);
        s.stop.extend(stop);
        s.ups_hook_event.extend(ups_ev);
        s.stop_hook_event.extend(stop_ev);
    }
    Ok(())
}

/// One baseline turn: the text and Enter typed with raw tmux, the raw hook's lines read back;
/// then warren's word that the session is idle again (pacing only).
async fn raw_turn(
    b: &Bench,
    events: &mut UnboundedReceiver<(i64, Value)>,
    raw_lines: &mut UnboundedReceiver<(i64, String)>,
    text: &str,
    keep: bool,
    s: &mut Samples,
) -> anyhow::Result<()> {
    let target = format!("={RAW}:");
    let sent = now_us();
    tmux(b, &["send-keys", "-t", &target, "-l", text]).await?;
    tokio::time::sleep(SETTLE).await;
    tmux(b, &["send-keys", "-t", &target, "Enter"]).await?;
    let deadline = Instant::now() + TURN_TIMEOUT;
    let (mut ups, mut stop, mut send) = (None, None, None);
    while stop.is_none() {
        let (at, line) = next(raw_lines, deadline, "the raw Stop hook's line").await?;
        let Some((event, ns)) = line.split_once(' ') else {
            continue;
        };
        let Ok(ns) = ns.trim().parse::<i64>() else {
            continue;
        };
        let lat = (at - ns / 1000) as f64 / 1e3;
        match event {
            "UserPromptSubmit" => {
                ups = Some(lat);
                send = Some((at - sent) as f64 / 1e3);
            }
            "Stop" => stop = Some(lat),
            _ => {}
        }
    }
    let mut ran = false;
    loop {
        let (_, e) = next(events, deadline, "the baseline session's return to idle").await?;
        if e["session"] != RAW || e["type"] != "state_changed" {
            continue;
        }
        ran |= e["to"] == "running";
        if ran && e["to"] == "idle" {
            break;
        }
    }
    anyhow::ensure!(ups.is_some(), "the raw UserPromptSubmit hook never wrote");
    if keep {
        s.raw_ups.extend(ups);
        s.raw_stop.extend(stop);
        s.raw_send.extend(send);
    }
    Ok(())
}

/// The 1-minute load average.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn print(turns: usize, s: &Samples, loads: (String, String)) {
    println!(
        "\n### Interactive Claude Code: status latency and acknowledged send ({turns} turns \
         after {WARM_UP} warm-up, on two sessions, alternating)\n"
    );
    println!("| measure | p50 | p99 | max | n | target |");
    println!("|---|---:|---:|---:|---:|---|");
    let verdict = |v: &[f64]| {
        let p99 = pct(v, 99.0);
        if v.len() == turns && p99 <= TARGET_MS {
            format!("<= {} (p99): PASS", ms(TARGET_MS))
        } else {
            format!("<= {} (p99): FAIL", ms(TARGET_MS))
        }
    };
    let rows: [(&str, &[f64], String); 8] = [
        (
            "warren: hook → state change (UserPromptSubmit)",
            &s.ups,
            verdict(&s.ups),
        ),
        (
            "warren: hook → state change (Stop)",
            &s.stop,
            verdict(&s.stop),
        ),
        (
            "(of which) hook → its `hook` event seen (UserPromptSubmit)",
            &s.ups_hook_event,
            String::new(),
        ),
        (
            "(of which) hook → its `hook` event seen (Stop)",
            &s.stop_hook_event,
            String::new(),
        ),
        (
            "warren: send → acked (`POST …/send`: text, 300 ms settle, Enter, until the hook reports it)",
            &s.acked,
            String::new(),
        ),
        (
            "baseline: raw hook spawn → file append seen (UserPromptSubmit)",
            &s.raw_ups,
            String::new(),
        ),
        (
            "baseline: raw hook spawn → file append seen (Stop)",
            &s.raw_stop,
            String::new(),
        ),
        (
            "baseline: raw send (`tmux send-keys` text, 300 ms, Enter) → raw UserPromptSubmit line seen",
            &s.raw_send,
            String::new(),
        ),
    ];
    for (what, v, target) in rows {
        println!(
            "| {what} | {} | {} | {} | {}/{turns} | {target} |",
            ms(pct(v, 50.0)),
            ms(pct(v, 99.0)),
            ms(pct(v, 100.0)),
            v.len()
        );
    }
    println!(
        "\nwarren: from `hook_at` (stamped by `warren hook` as it starts) to the arrival here of the \
         `state_changed` event with that hook's signal on `GET /v1/events`. Baseline: a user-level \
         hook `date '+EVENT %s%N' >> FILE` on a second session, from its `date` to the arrival here \
         of its line through GNU `tail -f` (inotify, no polling). Wall clock in µs on both sides, one \
         machine. Load average (1 min) before / after the turns: {} / {}.",
        loads.0, loads.1
    );
}

#[cfg(test)]
mod tests {
    use super::rfc3339_us;

    #[test]
    fn parses_rfc3339_microseconds() {
        assert_eq!(rfc3339_us("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            rfc3339_us("2024-06-19T15:22:45.123456Z"),
            Some(1_718_810_565_123_456)
        );
        assert_eq!(
            rfc3339_us("2024-06-19T15:22:45.1Z"),
            Some(1_718_810_565_100_000)
        );
        assert_eq!(rfc3339_us("2024-06-19 15:22:45Z"), None);
    }
}
