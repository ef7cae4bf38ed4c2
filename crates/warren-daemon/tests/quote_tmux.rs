//! The quoting function against real tmux: any text, quoted with `quote::arg`, arrives
//! byte for byte through a control-mode command line; with `quote::format_arg`, a
//! format-expanding command prints it unchanged.
#![allow(
    clippy::unwrap_used,
    reason = "a failed unwrap in a test is a failed test"
)]

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use warren_daemon::tmux::control::ControlClient;
use warren_daemon::tmux::quote::{arg, format_arg};

struct Server {
    dir: tempfile::TempDir,
}

impl Server {
    fn socket(&self) -> PathBuf {
        self.dir.path().join("q.sock")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(self.socket())
            .arg("kill-server")
            .output();
    }
}

fn start() -> (Server, tokio::runtime::Runtime, ControlClient) {
    let server = Server {
        dir: tempfile::Builder::new()
            .prefix("wq")
            .tempdir_in("/tmp")
            .unwrap(),
    };
    let out = Command::new("tmux")
        .arg("-S")
        .arg(server.socket())
        .args(["-f", "/dev/null", "new-session", "-d", "-s", "q", "cat"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let client = rt
        .block_on(async { ControlClient::start(Path::new("tmux"), &server.socket(), "q", tx) })
        .unwrap();
    (server, rt, client)
}

/// Every awkward character: tmux syntax, shell syntax, quotes, escapes, control characters,
/// non-ASCII, and plain text around them.
fn awkward() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(";".to_string()),
        Just("\\;".to_string()),
        Just("$".to_string()),
        Just("$HOME".to_string()),
        Just("${x}".to_string()),
        Just("~".to_string()),
        Just("#".to_string()),
        Just("#{pane_id}".to_string()),
        Just("##".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("\\n".to_string()),
        Just("\n".to_string()),
        Just("\r".to_string()),
        Just("\t".to_string()),
        Just("\x01".to_string()),
        Just("\x1b[31m".to_string()),
        Just("\x7f".to_string()),
        Just(" ".to_string()),
        Just("%1".to_string()),
        Just("-t".to_string()),
        Just("é✓❯\u{a0}".to_string()),
        Just("C-c".to_string()),
        Just("Enter".to_string()),
        "[a-z0-9 ]{0,6}",
    ];
    prop::collection::vec(piece, 1..12)
        .prop_map(|v| v.concat())
        // tmux keeps the old buffer for empty data: nothing to do with quoting.
        .prop_filter("non-empty", |s| !s.is_empty())
}

#[test]
fn any_text_arrives_byte_for_byte_and_formats_print_literally() {
    let (server, rt, client) = start();
    let case = std::sync::atomic::AtomicU32::new(0);
    let config = ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let fail = |what: &str, e: &dyn std::fmt::Display| TestCaseError::fail(format!("{what}: {e}"));
    runner
        .run(&awkward(), |text| {
            rt.block_on(async {
                // A fresh file per case: a late write of the previous case must not be read.
                let n = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let file = server.dir.path().join(format!("buffer-{n}"));
                let set = format!("set-buffer -b t -- {}", arg(&text));
                client.run(set).await.map_err(|e| fail("set-buffer", &e))?;
                let save = format!("save-buffer -b t {}", arg(&file.to_string_lossy()));
                client
                    .run(save)
                    .await
                    .map_err(|e| fail("save-buffer", &e))?;
                // tmux (3.2+) writes the file through its client, after the command's %end:
                // wait, bounded, until it holds as many bytes as were sent.
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
                let got = loop {
                    match std::fs::read(&file) {
                        Ok(b) if b.len() >= text.len() => break b,
                        _ if std::time::Instant::now() > deadline => {
                            return Err(fail("save-buffer", &"no complete file after 5 s"));
                        }
                        _ => tokio::time::sleep(std::time::Duration::from_millis(2)).await,
                    }
                };
                prop_assert_eq!(
                    String::from_utf8_lossy(&got),
                    text.as_str(),
                    "arg() changed the text"
                );
                // `set-option -F` expands formats as pipe-pane and `-c` do (display-message
                // would also apply strftime to its template, which warren never relies on).
                if !text.chars().any(char::is_control) {
                    let set = format!("set-option -g -F -- @v {}", format_arg(&text));
                    client
                        .run(set)
                        .await
                        .map_err(|e| fail("set-option -F", &e))?;
                    let out = client
                        .run("display-message -p \"#{@v}\"".into())
                        .await
                        .map_err(|e| fail("display", &e))?;
                    prop_assert_eq!(
                        out.join("\n"),
                        text.as_str(),
                        "format_arg() let tmux expand something"
                    );
                }
                Ok(())
            })
        })
        .unwrap();
}
