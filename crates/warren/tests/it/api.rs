//! The HTTP API: auth on TCP, the instar routes with seed 000's exact requests, SSE, OpenAPI.

use crate::http::{tcp, uds};
use crate::{T, warren};
use warren_testkit::Warren;

fn with_tcp(w: &Warren) -> String {
    w.ok(&["daemon", "--tcp", "127.0.0.1:0"]);
    w.json(&["daemon", "status"])["tcp"]
        .as_str()
        .expect("tcp address")
        .to_string()
}

#[test]
fn tcp_needs_the_token_and_a_loopback_host() {
    let w = warren();
    let addr = with_tcp(&w);
    let token = w.ok(&["token"]).trim().to_string();
    let bearer = format!("Bearer {token}");
    assert_eq!(
        tcp(&addr, "GET", "/health", &[], b"").status,
        200,
        "/health alone is open"
    );
    let none = tcp(&addr, "GET", "/v1/sessions", &[], b"");
    assert_eq!(none.status, 401);
    assert!(
        none.headers
            .to_ascii_lowercase()
            .contains("www-authenticate: bearer"),
        "{}",
        none.headers
    );
    assert_eq!(
        tcp(
            &addr,
            "GET",
            "/v1/sessions",
            &[("Authorization", "Bearer wrong")],
            b""
        )
        .status,
        401
    );
    let wrong_len = format!("Bearer {}x", token);
    assert_eq!(
        tcp(
            &addr,
            "GET",
            "/v1/sessions",
            &[("Authorization", &wrong_len)],
            b""
        )
        .status,
        401
    );
    assert_eq!(
        tcp(
            &addr,
            "GET",
            "/v1/sessions",
            &[("Authorization", &bearer), ("Host", "evil.example:4040")],
            b""
        )
        .status,
        403
    );
    assert_eq!(
        tcp(
            &addr,
            "GET",
            "/v1/sessions",
            &[("Authorization", &bearer), ("Host", "127.0.0.1:4040")],
            b""
        )
        .status,
        200
    );
    assert_eq!(
        tcp(
            &addr,
            "GET",
            "/v1/sessions",
            &[("Authorization", &bearer), ("Host", "[::1]:9")],
            b""
        )
        .status,
        200
    );
    let log = std::fs::read_to_string(w.home().join("daemon.log")).unwrap_or_default();
    assert!(!log.contains(&token), "the token never reaches the log");
}

#[test]
fn a_non_loopback_tcp_address_is_refused() {
    let w = warren();
    let out = w.run(&["daemon", "--foreground", "--tcp", "0.0.0.0:0"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a loopback address"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The instar-session skill's requests, as seed 000 writes them, against a fake Claude Code.
#[test]
fn instar_routes_with_seed_000_requests() {
    let w = warren();
    std::fs::write(
        w.home().join("config.toml"),
        format!("claude = {:?}\n", w.fake_claude().display().to_string()),
    )
    .unwrap();
    let addr = with_tcp(&w);
    let auth = format!("Bearer {}", w.ok(&["token"]).trim());
    let h = [
        ("Content-Type", "application/json"),
        ("Authorization", auth.as_str()),
    ];
    let spawn = tcp(
        &addr,
        "POST",
        "/sessions/spawn",
        &h,
        br#"{"name": "research-task", "prompt": "Research the latest changes", "model": "sonnet"}"#,
    );
    assert_eq!(spawn.status, 201, "{}", spawn.text());
    assert_eq!(spawn.json()["name"], "research-task");
    // The prompt is pasted once the agent is ready; the fake echoes it.
    let screen = || {
        tcp(
            &addr,
            "GET",
            "/sessions/research-task/output?lines=100",
            &h,
            b"",
        )
        .text()
    };
    w.wait_until("the fake agent answered the prompt", T, || {
        screen().contains("ECHO: Research the latest changes")
    });
    let list = tcp(&addr, "GET", "/sessions", &h, b"").json();
    let s = &list.as_array().unwrap()[0];
    assert_eq!(s["name"], "research-task");
    assert!(
        ["running", "idle"].contains(&s["status"].as_str().unwrap()),
        "{s}"
    );
    assert!(s["startedAt"].is_string(), "{s}");
    w.wait_until("the session is idle for instar", T, || {
        tcp(&addr, "GET", "/sessions?status=idle", &h, b"")
            .json()
            .as_array()
            .is_some_and(|a| a.len() == 1)
    });
    assert_eq!(
        tcp(&addr, "GET", "/sessions?status=completed", &h, b"")
            .json()
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let tmux = tcp(&addr, "GET", "/sessions/tmux", &h, b"").json();
    assert!(
        tmux.as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "research-task"),
        "{tmux}"
    );
    let input = tcp(
        &addr,
        "POST",
        "/sessions/research-task/input",
        &h,
        br#"{"text": "Also check the Pages Router"}"#,
    );
    assert_eq!(input.status, 200, "{}", input.text());
    assert_eq!(input.json()["ack"], "acked");
    w.wait_until("the follow-up was answered", T, || {
        screen().contains("ECHO: Also check the Pages Router")
    });
    let killed = tcp(&addr, "DELETE", "/sessions/research-task", &h, b"");
    assert_eq!(killed.status, 200);
    assert_eq!(killed.json()["status"], "completed");
    let st = w.json(&["status", "research-task"]);
    assert_eq!(
        (st["profile"].as_str(), st["state"].as_str()),
        (Some("claude"), Some("killed"))
    );
    assert!(
        st["command"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "sonnet"),
        "model defaults to sonnet: {st}"
    );
    assert_eq!(
        tcp(&addr, "GET", "/health", &[], b"").json()["status"],
        "ok"
    );
}

#[test]
fn openapi_is_generated_and_lists_every_route() {
    let w = warren();
    w.ok(&["daemon"]);
    let spec = uds(w.home(), "GET", "/v1/openapi.json", &[], b"").json();
    assert!(
        spec["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        spec["openapi"]
    );
    for path in [
        "/v1/sessions",
        "/v1/sessions/{name}/send",
        "/v1/events",
        "/sessions/spawn",
        "/health",
    ] {
        assert!(spec["paths"].get(path).is_some(), "{path} is in the spec");
    }
}

#[test]
fn events_resume_with_last_event_id_and_old_cursors_get_410() {
    let w = warren();
    std::fs::write(w.home().join("config.toml"), "event_retention = 3\n").unwrap();
    for i in 0..4 {
        w.ok(&["new", &format!("e{i}"), "--no-wait", "--", "true"]);
    }
    w.wait_until("all four completed", T, || {
        w.json(&["ls", "--status", "completed"])
            .as_array()
            .is_some_and(|a| a.len() == 4)
    });
    let gone = uds(w.home(), "GET", "/v1/events?since=0&follow=false", &[], b"");
    assert_eq!(gone.status, 410, "{}", gone.text());
    assert!(
        gone.json()["hint"]
            .as_str()
            .unwrap_or("")
            .contains("resync"),
        "{}",
        gone.text()
    );
    assert_eq!(
        w.code(&["events", "--since", "0"]),
        64,
        "the CLI reports the 410 as a usage error"
    );
    // A kept cursor resumes exactly after itself, here through Last-Event-ID.
    let msg = gone.json()["message"].as_str().unwrap().to_string();
    let oldest: i64 = msg
        .rsplit("oldest ")
        .next()
        .unwrap()
        .trim_end_matches(')')
        .parse()
        .unwrap();
    let text = uds(
        w.home(),
        "GET",
        "/v1/events?follow=false",
        &[("Last-Event-ID", &oldest.to_string())],
        b"",
    )
    .text();
    let ids: Vec<i64> = text
        .lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .map(|i| i.parse().unwrap())
        .collect();
    assert!(
        !ids.is_empty() && ids.iter().all(|i| *i > oldest),
        "only events after the cursor {oldest}: {ids:?}"
    );
}
