//! Attention: a session that needs a person gets one `needs_attention` event, the configured
//! command and webhook run for it, and `ls` marks it.

use crate::{T, status, warren, work_dir};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// The requests a sink received: head and body of each.
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// A tiny HTTP server on 127.0.0.1 that keeps each request's head and body and answers 200.
fn webhook_sink() -> (String, Received) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = got.clone();
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut conn) = conn else { continue };
            let _ = conn.set_read_timeout(Some(T));
            let mut r = BufReader::new(conn.try_clone().unwrap());
            let mut head = String::new();
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
                head.push_str(&line);
            }
            let mut body = vec![0u8; len];
            let _ = r.read_exact(&mut body);
            keep.lock()
                .unwrap()
                .push((head, String::from_utf8_lossy(&body).into_owned()));
            let _ = conn
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, got)
}

/// The stored events of one type, of one session.
fn events(w: &warren_testkit::Warren, name: &str, types: &str) -> Vec<serde_json::Value> {
    w.ok(&[
        "events",
        "--since",
        "0",
        "--session",
        name,
        "--types",
        types,
    ])
    .lines()
    .map(|l| serde_json::from_str(l).unwrap())
    .collect()
}

#[test]
fn a_failed_session_needs_attention_once_runs_the_actions_and_is_marked_in_ls() {
    let (url, hooks) = webhook_sink();
    let dir = work_dir();
    let ran = dir.path().join("ran.txt");
    let w = warren();
    let config = format!(
        "[attention]\ncommand = [\"sh\", \"-c\", \"echo \\\"$WARREN_SESSION|$WARREN_STATE|$WARREN_REASON\\\" >> {}\"]\nwebhook = \"{url}\"\ntimeout_ms = 5000\n",
        ran.display()
    );
    std::fs::write(w.home().join("config.toml"), config).unwrap();

    w.ok(&["new", "fine", "--no-wait", "--", "true"]);
    w.ok(&["new", "three", "--no-wait", "--", "sh", "-c", "exit 3"]);
    w.wait_state("fine", "completed", T);
    w.wait_state("three", "failed", T);

    w.wait_until("the attention command ran", T, || {
        std::fs::read_to_string(&ran).is_ok_and(|s| s.ends_with('\n'))
    });
    w.wait_until("the webhook was posted", T, || {
        !hooks.lock().unwrap().is_empty()
    });

    let evs = events(&w, "three", "needs_attention");
    assert_eq!(evs.len(), 1, "one needs_attention event: {evs:?}");
    assert_eq!(evs[0]["reason"], "failed: exit status 3", "{}", evs[0]);
    assert_eq!(evs[0]["state"], "failed", "{}", evs[0]);
    assert!(
        events(&w, "fine", "needs_attention").is_empty(),
        "a completed session needs nobody"
    );

    let lines = std::fs::read_to_string(&ran).unwrap();
    assert_eq!(
        lines, "three|failed|failed: exit status 3\n",
        "the command ran once, with the session and the reason in its environment"
    );

    let (head, body) = hooks.lock().unwrap()[0].clone();
    assert!(head.starts_with("POST /hook HTTP/1.1\r\n"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    let notice: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = status(&w, "three")["id"].as_str().unwrap().to_string();
    assert_eq!(notice["session"], "three", "{notice}");
    assert_eq!(notice["session_id"], id.as_str(), "{notice}");
    assert_eq!(notice["state"], "failed", "{notice}");
    assert_eq!(notice["reason"], "failed: exit status 3", "{notice}");
    assert!(
        notice["at"].as_str().is_some_and(|a| a.contains('T')),
        "{notice}"
    );
    assert_eq!(hooks.lock().unwrap().len(), 1, "one POST");

    let table = w.ok(&["ls"]);
    let row = |name: &str| {
        table
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} in the table: {table}"))
            .to_string()
    };
    assert!(
        row("three").contains(" !failed ") && row("three").ends_with("! failed: exit status 3"),
        "the table marks it with its reason: {table}"
    );
    assert!(!row("fine").contains('!'), "{table}");

    let ls = w.json(&["ls"]);
    let three = ls
        .as_array()
        .and_then(|a| a.iter().find(|s| s["name"] == "three"))
        .unwrap_or_else(|| panic!("{ls}"));
    assert_eq!(three["attention"], "failed: exit status 3", "{ls}");
    assert!(status(&w, "fine").get("attention").is_none());
    assert!(
        w.ok(&["status", "three"])
            .contains("needs attention: failed: exit status 3"),
        "status says it too"
    );
}

#[test]
fn an_https_webhook_is_refused_at_config_load() {
    let w = warren();
    std::fs::write(
        w.home().join("config.toml"),
        "[attention]\nwebhook = \"https://example.com/hook\"\n",
    )
    .unwrap();
    // In the foreground the config error ends the daemon at once; bounded in case it does not.
    let mut child = w
        .command()
        .args(["daemon", "--foreground"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut exited = None;
    w.wait_until("the daemon refuses to start", T, || {
        exited = child.try_wait().unwrap();
        exited.is_some()
    });
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(exited.is_some_and(|s| !s.success()), "{text}");
    assert!(
        text.contains("only http://") && text.contains("https"),
        "the error says why: {text}"
    );
}
