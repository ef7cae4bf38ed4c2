//! Attention: a session that needs a person (waiting for input, stuck, failed, or killed by a
//! limit) gets one `needs_attention` event per episode, and the actions `[attention]` names
//! (a command, `notify-send`, an http webhook) run for it in the background.
//!
//! An episode opens when a session enters one of those states and none is open. It stays open
//! while the session is in them and for `rearm_secs` after it left them, so a session that
//! flaps (waiting_input → running → waiting_input) announces itself once. A session that ends
//! any other way (completed, killed by a person, lost) closes its episode without an event.
//! No timers: the time the session left is recorded and compared on the next entry, and
//! `ls`/`status` compare it with the clock when they show the reason.

use crate::daemon::Daemon;
use crate::session::SessionHandle;
use crate::store::{now_ms, rfc3339};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use warren_proto::{EventKind, SessionState, Signal};

/// `[attention]` in the config file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttentionConfig {
    /// A command to run (argv, never a shell string) with `WARREN_SESSION`,
    /// `WARREN_SESSION_ID`, `WARREN_REASON` and `WARREN_STATE` in its environment.
    pub command: Vec<String>,
    /// Also show a desktop notification with `notify-send`.
    pub notify_send: bool,
    /// POST a JSON notice to this `http://` URL.
    pub webhook: Option<String>,
    /// Each action is ended (the command killed, the request dropped) after this long.
    pub timeout_ms: u64,
    /// An episode stays open this long after the session left the states that need a person.
    pub rearm_secs: u64,
}

impl Default for AttentionConfig {
    fn default() -> Self {
        Self {
            command: Vec::new(),
            notify_send: false,
            webhook: None,
            timeout_ms: 5_000,
            rearm_secs: 10,
        }
    }
}

impl AttentionConfig {
    /// Refuses what cannot work, at config load rather than at the first episode.
    pub fn check(&self) -> Result<(), String> {
        if let Some(url) = &self.webhook {
            Target::parse(url)?;
        }
        if self.command.first().is_some_and(String::is_empty) {
            return Err("attention.command: the program (first element) is empty".into());
        }
        Ok(())
    }

    fn has_actions(&self) -> bool {
        !self.command.is_empty() || self.notify_send || self.webhook.is_some()
    }
}

/// A session's attention episode, kept in memory on its handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attention {
    /// Why it needs a person (the latest state of the episode).
    pub reason: String,
    /// When it left the states that need a person (ms); `None` while it is in one.
    pub left_ms: Option<i64>,
    /// How long after leaving the episode stays open (ms).
    pub rearm_ms: i64,
}

impl Attention {
    /// Whether the episode still lasts at `now_ms`.
    pub fn open_at(&self, now_ms: i64) -> bool {
        self.left_ms
            .is_none_or(|left| now_ms - left < self.rearm_ms)
    }
}

/// Why a session that just entered `to` needs a person, if it does.
pub fn reason(to: SessionState, signal: &Signal, detail: &str) -> Option<String> {
    let what = match to {
        SessionState::WaitingInput => "waiting for input",
        SessionState::Stuck => "stuck",
        SessionState::Failed => "failed",
        SessionState::Killed if *signal == Signal::Warren("limit".into()) => "limit",
        _ => return None,
    };
    Some(if detail.is_empty() {
        what.to_string()
    } else {
        format!("{what}: {detail}")
    })
}

/// The episode after a transition into `to` at `now`, and the reason to announce when the
/// transition starts a new one.
pub fn step(
    cur: Option<Attention>,
    to: SessionState,
    signal: &Signal,
    detail: &str,
    now: i64,
    rearm_ms: i64,
) -> (Option<Attention>, Option<String>) {
    let open = cur.filter(|a| a.open_at(now));
    match reason(to, signal, detail) {
        // Still the same episode: it shows the latest reason, and nothing is announced.
        Some(reason) if open.is_some() => (
            Some(Attention {
                reason,
                left_ms: None,
                rearm_ms,
            }),
            None,
        ),
        Some(reason) => (
            Some(Attention {
                reason: reason.clone(),
                left_ms: None,
                rearm_ms,
            }),
            Some(reason),
        ),
        // Ended in a way that needs nobody: nothing left to attend to.
        None if to.is_terminal() => (None, None),
        // Out of the attention states: the rearm clock starts at the first step out, and
        // keeps running through further steps outside (running → idle).
        None => (
            open.map(|a| Attention {
                left_ms: Some(a.left_ms.unwrap_or(now)),
                ..a
            }),
            None,
        ),
    }
}

/// Called by [`Daemon::transition`] once the state-changed event is published: opens, keeps or
/// closes the session's episode; a new one is published and its actions start in the
/// background (never blocking the transition).
pub fn after_transition(
    d: &Daemon,
    h: &SessionHandle,
    to: SessionState,
    signal: &Signal,
    detail: &str,
) {
    let cfg = &d.config.attention;
    let rearm_ms = i64::try_from(cfg.rearm_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let now = now_ms();
    let started = h.update_attention(|a| {
        let (next, started) = step(a.take(), to, signal, detail, now, rearm_ms);
        *a = next;
        started
    });
    let Some(reason) = started else {
        return;
    };
    tracing::info!(session = %h.name, "needs attention: {reason}");
    let kind = EventKind::NeedsAttention {
        reason: reason.clone(),
        state: to,
    };
    let at = match d.bus.publish(&h.id, h.name.as_str(), kind) {
        Ok(ev) => ev.at.clone(),
        Err(e) => {
            tracing::error!("storing event: {e}");
            rfc3339(now)
        }
    };
    if cfg.has_actions() {
        let notice = Notice {
            session: h.name.to_string(),
            session_id: h.id.clone(),
            state: to,
            reason,
            at,
        };
        run_actions(cfg, notice);
    }
}

/// What the actions are told.
#[derive(Debug, Clone, Serialize)]
struct Notice {
    session: String,
    session_id: String,
    state: SessionState,
    reason: String,
    at: String,
}

impl Notice {
    fn env(&self) -> [(&'static str, String); 4] {
        [
            ("WARREN_SESSION", self.session.clone()),
            ("WARREN_SESSION_ID", self.session_id.clone()),
            ("WARREN_REASON", self.reason.clone()),
            ("WARREN_STATE", self.state.as_str().to_string()),
        ]
    }
}

/// Starts each configured action as its own task.
fn run_actions(cfg: &AttentionConfig, notice: Notice) {
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        tracing::warn!(session = %notice.session, "attention actions need the daemon's runtime; skipped");
        return;
    };
    let timeout = Duration::from_millis(cfg.timeout_ms);
    let notice = Arc::new(notice);
    if !cfg.command.is_empty() {
        let (argv, n) = (cfg.command.clone(), notice.clone());
        rt.spawn(async move {
            match run(&argv, &n.env(), timeout).await {
                Ok(Some(st)) if st.success() => {}
                Ok(Some(st)) => {
                    tracing::warn!(session = %n.session, "attention command {:?}: {st}", argv[0]);
                }
                Ok(None) => tracing::warn!(
                    session = %n.session,
                    "attention command {:?}: killed after {timeout:?}", argv[0]
                ),
                Err(e) => {
                    tracing::warn!(session = %n.session, "attention command {:?}: {e}", argv[0])
                }
            }
        });
    }
    if cfg.notify_send {
        let n = notice.clone();
        rt.spawn(async move {
            let argv = [
                "notify-send".to_string(),
                format!("warren: {}", n.session),
                n.reason.clone(),
            ];
            match run(&argv, &n.env(), timeout).await {
                Ok(Some(st)) if st.success() => {}
                Ok(Some(st)) => tracing::warn!(session = %n.session, "notify-send: {st}"),
                Ok(None) => {
                    tracing::warn!(session = %n.session, "notify-send: killed after {timeout:?}");
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    // Said once: a machine without a desktop keeps its log readable.
                    static SAID: AtomicBool = AtomicBool::new(false);
                    if !SAID.swap(true, Ordering::Relaxed) {
                        tracing::warn!(
                            "attention.notify_send is on but notify-send is not installed; no desktop notifications"
                        );
                    }
                }
                Err(e) => tracing::warn!(session = %n.session, "notify-send: {e}"),
            }
        });
    }
    if let Some(url) = cfg.webhook.clone() {
        let n = notice;
        rt.spawn(async move {
            let body = match serde_json::to_string(&*n) {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!("attention webhook: {e}");
                    return;
                }
            };
            match tokio::time::timeout(timeout, post(&url, body)).await {
                Ok(Ok(status)) if status.is_success() => {}
                Ok(Ok(status)) => {
                    tracing::warn!(session = %n.session, "attention webhook {url}: answered {status}");
                }
                Ok(Err(e)) => tracing::warn!(session = %n.session, "attention webhook {url}: {e}"),
                Err(_) => tracing::warn!(
                    session = %n.session,
                    "attention webhook {url}: no answer within {timeout:?}"
                ),
            }
        });
    }
}

/// Runs `argv` with stdin null and output discarded, in its own process group; after
/// `timeout` the group is killed and `None` returned. The child is always reaped.
async fn run(
    argv: &[String],
    env: &[(&'static str, String)],
    timeout: Duration,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    use std::process::Stdio;
    let Some((program, args)) = argv.split_first() else {
        return Err(std::io::Error::other("empty command"));
    };
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()?;
    match tokio::time::timeout(timeout, child.wait()).await {
        Ok(status) => status.map(Some),
        Err(_) => {
            if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
                let _ = nix::sys::signal::killpg(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
            // Kills the leader if the group kill missed it, and reaps it.
            let _ = child.kill().await;
            Ok(None)
        }
    }
}

/// Where a webhook goes: `http://host[:port]/path`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    host: String,
    port: u16,
    authority: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, String> {
        let uri: hyper::Uri = url
            .parse()
            .map_err(|e| format!("attention.webhook {url:?}: not a URL ({e})"))?;
        match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("http") => {}
            Some(s) if s.eq_ignore_ascii_case("https") => {
                return Err(format!(
                    "attention.webhook {url:?}: only http:// URLs are supported, not https (send it to a local relay that forwards over TLS)"
                ));
            }
            _ => {
                return Err(format!(
                    "attention.webhook {url:?}: only http:// URLs are supported"
                ));
            }
        }
        let Some(auth) = uri.authority() else {
            return Err(format!("attention.webhook {url:?}: no host"));
        };
        if auth.as_str().contains('@') {
            return Err(format!(
                "attention.webhook {url:?}: credentials in the URL are not supported"
            ));
        }
        let host = auth.host().trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("attention.webhook {url:?}: no host"));
        }
        Ok(Self {
            host: host.to_string(),
            port: auth.port_u16().unwrap_or(80),
            authority: auth.as_str().to_string(),
            path: uri.path_and_query().map_or("/", |p| p.as_str()).to_string(),
        })
    }
}

/// POSTs `body` (JSON) to `url` over a fresh connection; the answer's status.
async fn post(url: &str, body: String) -> anyhow::Result<hyper::StatusCode> {
    let t = Target::parse(url).map_err(anyhow::Error::msg)?;
    let stream = tokio::net::TcpStream::connect((t.host.as_str(), t.port)).await?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    let req = hyper::Request::post(t.path.as_str())
        .header(hyper::header::HOST, t.authority.as_str())
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(hyper::header::CONTENT_LENGTH, body.len())
        .header(hyper::header::CONNECTION, "close")
        .body(axum::body::Body::from(body))?;
    let send = sender.send_request(req);
    tokio::pin!(send, conn);
    let resp = tokio::select! {
        biased;
        r = &mut send => r?,
        // The connection can end in the same poll that delivered the answer: take it.
        c = &mut conn => {
            c?;
            send.await?
        }
    };
    Ok(resp.status())
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_proto::SessionState as S;

    const REARM: i64 = 10_000;

    /// Runs transitions `(state, signal, at_ms)` from no episode; the reasons announced.
    fn run_through(steps: &[(S, &str, i64)]) -> (Option<Attention>, Vec<String>) {
        let mut cur = None;
        let mut announced = Vec::new();
        for (to, sig, at) in steps {
            let signal = Signal::parse(sig).unwrap();
            let (next, started) = step(cur, *to, &signal, "why", *at, REARM);
            cur = next;
            announced.extend(started);
        }
        (cur, announced)
    }

    #[test]
    fn flapping_within_rearm_is_one_episode() {
        let (cur, announced) = run_through(&[
            (S::Running, "output", 0),
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
            (S::Idle, "quiescence", 5_000),
            (S::WaitingInput, "screen:waiting", 11_000),
            (S::Running, "warren:input", 12_000),
            (S::WaitingInput, "screen:waiting", 13_000),
        ]);
        assert_eq!(announced, vec!["waiting for input: why".to_string()]);
        assert_eq!(cur.map(|a| a.left_ms), Some(None), "in the set: open");
    }

    #[test]
    fn after_rearm_a_new_episode_is_announced_again() {
        let (cur, announced) = run_through(&[
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
            (S::WaitingInput, "screen:waiting", 2_000 + REARM),
            (S::Running, "output", 20_000),
            (S::Stuck, "quiescence", 40_000),
        ]);
        assert_eq!(
            announced,
            vec![
                "waiting for input: why".to_string(),
                "waiting for input: why".to_string(),
                "stuck: why".to_string()
            ]
        );
        assert_eq!(cur.map(|a| a.reason), Some("stuck: why".to_string()));
    }

    #[test]
    fn the_rearm_clock_runs_from_the_first_step_out() {
        // running then idle: still "continuously" out since 2 000.
        let (_, announced) = run_through(&[
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
            (S::Idle, "quiescence", 9_000),
            (S::WaitingInput, "screen:waiting", 12_500),
        ]);
        assert_eq!(announced.len(), 2, "{announced:?}");
    }

    #[test]
    fn a_state_change_inside_the_episode_updates_the_reason_silently() {
        let (cur, announced) = run_through(&[
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
            (S::Stuck, "quiescence", 3_000),
        ]);
        assert_eq!(announced.len(), 1);
        assert_eq!(cur.map(|a| a.reason), Some("stuck: why".to_string()));
    }

    #[test]
    fn terminal_states_failed_and_limit_announce_the_others_close() {
        let (cur, announced) = run_through(&[(S::Failed, "process:exit", 1_000)]);
        assert_eq!(announced, vec!["failed: why".to_string()]);
        assert!(
            cur.is_some_and(|a| a.open_at(i64::MAX)),
            "an end stays shown"
        );

        let (_, announced) = run_through(&[
            (S::Running, "output", 0),
            (S::Killed, "warren:limit", 1_000),
        ]);
        assert_eq!(announced, vec!["limit: why".to_string()]);

        for (to, sig) in [
            (S::Completed, "process:exit"),
            (S::Killed, "warren:kill"),
            (S::Lost, "reconcile"),
        ] {
            let (cur, announced) =
                run_through(&[(S::WaitingInput, "screen:waiting", 1_000), (to, sig, 1_500)]);
            assert_eq!(announced.len(), 1, "{to}");
            assert_eq!(cur, None, "{to} closes the episode without an event");
            let (cur, announced) = run_through(&[(to, sig, 1_000)]);
            assert_eq!((cur, announced.len()), (None, 0), "{to} alone needs nobody");
        }
    }

    #[test]
    fn a_failure_inside_an_open_episode_is_not_announced_twice() {
        let (cur, announced) = run_through(&[
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
            (S::Failed, "process:exit", 3_000),
        ]);
        assert_eq!(announced.len(), 1);
        assert_eq!(cur.map(|a| a.reason), Some("failed: why".to_string()));
    }

    #[test]
    fn the_reason_shows_until_rearm_after_leaving() {
        let (cur, _) = run_through(&[
            (S::WaitingInput, "screen:waiting", 1_000),
            (S::Running, "warren:input", 2_000),
        ]);
        let a = cur.unwrap();
        assert!(a.open_at(2_000 + REARM - 1));
        assert!(!a.open_at(2_000 + REARM));
    }

    #[test]
    fn reasons_name_the_state_and_the_detail() {
        let limit = Signal::Warren("limit".into());
        assert_eq!(
            reason(S::Killed, &limit, "safety net: cost").as_deref(),
            Some("limit: safety net: cost")
        );
        assert_eq!(
            reason(S::WaitingInput, &Signal::Output, "").as_deref(),
            Some("waiting for input")
        );
        assert_eq!(reason(S::Idle, &Signal::Quiescence, "x"), None);
        assert_eq!(reason(S::Paused, &Signal::Quiescence, "x"), None);
    }

    #[test]
    fn webhook_urls_http_only() {
        let t = Target::parse("http://127.0.0.1:8080/hook?x=1").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 8080, "/hook?x=1")
        );
        let t = Target::parse("http://[::1]/").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 80));
        assert_eq!(Target::parse("http://example.com").unwrap().path, "/");
        let err = Target::parse("https://example.com/hook").unwrap_err();
        assert!(err.contains("only http://"), "{err}");
        assert!(Target::parse("ftp://example.com").is_err());
        assert!(Target::parse("http://u:p@example.com/").is_err());
    }

    #[test]
    #[allow(
        clippy::result_large_err,
        reason = "figment's Jail API fixes the closure's error type"
    )]
    fn config_section_defaults_unknown_fields_and_https() {
        use crate::{Config, Paths};
        figment::Jail::expect_with(|jail| {
            let paths = Paths::for_home(jail.directory());
            let cfg = Config::load(&paths).map_err(|e| e.to_string())?;
            assert_eq!(cfg.attention, AttentionConfig::default());
            assert_eq!(
                (cfg.attention.timeout_ms, cfg.attention.rearm_secs),
                (5000, 10)
            );

            jail.create_file(
                &paths.config_file,
                "[attention]\ncommand = [\"true\"]\nnotify_send = true\nwebhook = \"http://127.0.0.1:9/x\"\nrearm_secs = 3\n",
            )?;
            let cfg = Config::load(&paths).map_err(|e| e.to_string())?;
            assert_eq!(cfg.attention.command, vec!["true".to_string()]);
            assert_eq!(cfg.attention.rearm_secs, 3);

            jail.create_file(&paths.config_file, "[attention]\nwebhok = \"x\"\n")?;
            let err = Config::load(&paths).expect_err("typo must fail");
            assert!(err.to_string().contains("webhok"), "{err}");

            jail.create_file(
                &paths.config_file,
                "[attention]\nwebhook = \"https://example.com/hook\"\n",
            )?;
            let err = Config::load(&paths).expect_err("https is refused");
            assert!(err.to_string().contains("only http://"), "{err}");
            Ok(())
        });
    }

    #[tokio::test]
    async fn a_command_past_its_timeout_is_killed_and_reaped() {
        let argv: Vec<String> = ["sh", "-c", "sleep 30"].map(String::from).to_vec();
        let started = std::time::Instant::now();
        let r = run(&argv, &[], Duration::from_millis(100)).await.unwrap();
        assert_eq!(r, None);
        assert!(started.elapsed() < Duration::from_secs(10));
        let missing = vec!["warren-no-such-binary".to_string()];
        let e = run(&missing, &[], Duration::from_secs(1))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn the_webhook_posts_json() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", l.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (mut s, _) = l.accept().await.unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = s.read(&mut buf).await.unwrap();
                got.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&got);
                if n == 0 || text.ends_with('}') {
                    break;
                }
            }
            s.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            String::from_utf8(got).unwrap()
        });
        let status = post(&url, r#"{"reason":"x"}"#.to_string()).await.unwrap();
        assert_eq!(status, hyper::StatusCode::NO_CONTENT);
        let req = server.await.unwrap();
        assert!(req.starts_with("POST /hook HTTP/1.1\r\n"), "{req}");
        assert!(
            req.to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{req}"
        );
        assert!(req.ends_with(r#"{"reason":"x"}"#), "{req}");
    }
}
