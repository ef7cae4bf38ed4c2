//! Building this test makes cargo build `fake-claude`, which warren's integration tests run.

#[test]
fn fake_claude_reports_the_recorded_version() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fake-claude"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "2.1.197 (Claude Code)"
    );
}
