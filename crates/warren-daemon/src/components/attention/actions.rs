//! The attention actions: a command, `notify-send` and an http webhook, each in its own task
//! with a timeout, never blocking the component.

use crate::config::{AttentionConfig, WebhookTarget};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use warren_proto::SessionState;

/// What the actions are told.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Notice {
    pub session: String,
    pub session_id: String,
    pub state: SessionState,
    pub reason: String,
    pub at: String,
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
pub(super) fn run_actions(cfg: &AttentionConfig, notice: Notice) {
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

/// POSTs `body` (JSON) to `url` over a fresh connection; the answer's status.
async fn post(url: &str, body: String) -> anyhow::Result<hyper::StatusCode> {
    let t = WebhookTarget::parse(url).map_err(anyhow::Error::msg)?;
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
