//! Everything warren knows about Claude Code, in one place:
//!
//! - in tmux: its screens (`screen`), the first-start dialogs pre-seeded away (`seed`), the
//!   settings file that adds warren's hooks and status line (`settings`; the hook and status
//!   line programs themselves are [`warren_helpers::hook`]), what the status line left (`meta`), the status engine driven by hooks with the screen as confirmation
//!   (`engine`) and acknowledged, queued input (`inputs`);
//! - headless: a spawn request as `claude -p` argv (`spec`) and its stream-json output as
//!   typed events (`stream`), the input lines it takes (`user_line`, `interrupt_line`);
//! - its files: the config dir and where a conversation's transcript lives.
//!
//! A new agent with its own hooks or stream is a sibling folder of this one and a profile
//! (docs/ARCHITECTURE.md, "Where does a new agent go").

pub(crate) mod engine;
pub(crate) mod inputs;
pub(crate) mod meta;
pub(crate) mod screen;
pub(crate) mod seed;
pub(crate) mod settings;
pub(crate) mod spec;
pub(crate) mod stream;

/// The user line for a message, as stream-json input wants it.
pub(crate) fn user_line(text: &str) -> String {
    serde_json::json!({
        "type": "user",
        "message": {"role": "user", "content": [{"type": "text", "text": text}]}
    })
    .to_string()
}

/// The control request that interrupts the current turn.
pub(crate) fn interrupt_line(id: u64) -> String {
    serde_json::json!({
        "type": "control_request",
        "request_id": format!("warren-interrupt-{id}"),
        "request": {"subtype": "interrupt"}
    })
    .to_string()
}

/// Claude Code's config dir for an environment: `CLAUDE_CONFIG_DIR`, else `$HOME/.claude`.
pub(crate) fn config_dir(env: &std::collections::BTreeMap<String, String>) -> Option<String> {
    env.get("CLAUDE_CONFIG_DIR")
        .filter(|s| !s.is_empty())
        .cloned()
        .or_else(|| env.get("HOME").map(|h| format!("{h}/.claude")))
}

/// Where Claude Code keeps a conversation: `<config>/projects/<cwd, non-alphanumerics as
/// '-'>/<id>.jsonl`.
pub(crate) fn transcript_path(config_dir: &str, cwd: &str, id: &str) -> std::path::PathBuf {
    let mangled: String = cwd
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    std::path::Path::new(config_dir)
        .join("projects")
        .join(mangled)
        .join(format!("{id}.jsonl"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn transcript_paths_follow_the_cli() {
        assert_eq!(
            super::transcript_path("/h/.claude", "/tmp/ccprobe/work", "abc"),
            std::path::PathBuf::from("/h/.claude/projects/-tmp-ccprobe-work/abc.jsonl")
        );
    }

    #[test]
    fn lines_written_to_the_agent_are_single_json_objects() {
        let l = super::user_line("two\nlines \"quoted\"");
        assert!(!l.contains('\n'));
        assert!(warren_helpers::holder::frame::validate_line(&l).is_ok());
        assert!(warren_helpers::holder::frame::validate_line(&super::interrupt_line(3)).is_ok());
    }
}
