//! The headless runtime: an agent speaking line-delimited JSON (Claude Code's stream-json),
//! its stdin and stdout owned by a `warren holder` process so it outlives the daemon.
//!
//! - [`spec`]: spawn request → argv (flag mapping, presets).
//! - [`parse`]: stdout line → typed [`warren_proto::AgentEvent`]s.
//! - Protected paths, and the guard hook, are [`warren_helpers::protect`]: `warren guard` runs
//!   as a process of its own.
//! - [`turn`]: one interaction's accounting and its verdict.
//! - [`actor`]: the task that drives one session: forwards input one turn at a time, parses
//!   the stream, keeps the limits and the watchdog, and turns the agent's exit into a state.
//! - [`launch`]: starting a holder for a session (spawn, resume, fork).

pub mod actor;
pub mod launch;
pub mod parse;
pub mod spec;
pub mod turn;

use warren_helpers::protect;

/// The user line for a message, as stream-json input wants it.
pub fn user_line(text: &str) -> String {
    serde_json::json!({
        "type": "user",
        "message": {"role": "user", "content": [{"type": "text", "text": text}]}
    })
    .to_string()
}

/// The control request that interrupts the current turn.
pub fn interrupt_line(id: u64) -> String {
    serde_json::json!({
        "type": "control_request",
        "request_id": format!("warren-interrupt-{id}"),
        "request": {"subtype": "interrupt"}
    })
    .to_string()
}

/// Claude Code's config dir for an environment: `CLAUDE_CONFIG_DIR`, else `$HOME/.claude`.
pub fn config_dir(env: &std::collections::BTreeMap<String, String>) -> Option<String> {
    env.get("CLAUDE_CONFIG_DIR")
        .filter(|s| !s.is_empty())
        .cloned()
        .or_else(|| env.get("HOME").map(|h| format!("{h}/.claude")))
}

/// Where Claude Code keeps a conversation: `<config>/projects/<cwd, non-alphanumerics as
/// '-'>/<id>.jsonl`.
pub fn transcript_path(config_dir: &str, cwd: &str, id: &str) -> std::path::PathBuf {
    let mangled: String = cwd
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    std::path::Path::new(config_dir)
        .join("projects")
        .join(mangled)
        .join(format!("{id}.jsonl"))
}

/// Every protected pattern of a session: the defaults, warren's home and socket, Claude
/// Code's settings files, and the session's own.
pub fn protected_patterns(
    d: &crate::Daemon,
    limits: &warren_proto::Limits,
    config_dir: Option<&str>,
) -> Vec<String> {
    let mut p: Vec<String> = protect::DEFAULT_PROTECTED
        .iter()
        .map(|s| s.to_string())
        .collect();
    p.push(d.paths.home.to_string_lossy().into_owned());
    p.push(d.paths.socket.to_string_lossy().into_owned());
    if let Some(c) = config_dir {
        p.push(format!("{c}/settings.json"));
        p.push(format!("{c}/settings.local.json"));
    }
    p.extend(limits.protect.iter().cloned());
    p
}

/// The cost of every session below `id` (children, grandchildren…).
pub fn descendants_cost(d: &crate::Daemon, id: &str) -> f64 {
    let mut total = 0.0;
    let mut frontier = vec![id.to_string()];
    let all = d.registry.all();
    while let Some(parent) = frontier.pop() {
        for h in &all {
            if h.headless().and_then(|r| r.parent_id).as_deref() == Some(parent.as_str()) {
                total += h.row().cost.unwrap_or(0.0);
                frontier.push(h.id.clone());
            }
        }
    }
    total
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
