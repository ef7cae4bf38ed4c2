//! From a spawn request to the agent's argv: claude-multi-session's flags mapped onto Claude
//! Code's, and the permission presets. Pure, so the mapping table is tested as a table.
//!
//! | claude-multi-session | Claude Code |
//! |---|---|
//! | `--model M` (default `sonnet`) | `--model M` |
//! | `--system-prompt X` (appends) | `--append-system-prompt X` |
//! | `--replace-system-prompt X` (warren) | `--system-prompt X` |
//! | `--allowed-tools a,b` (restricts) | `--tools a,b` |
//! | `--permission-mode M` | `--permission-mode M` (bypass sets `IS_SANDBOX=1`) |
//! | `--agent A` | `--agent A` |
//! | `--max-budget X` | warren's `--max-cost X` (not passed to the CLI) |

use std::collections::BTreeMap;
use warren_proto::{ApiError, SpawnRequest};

/// The model when none is asked for (claude-multi-session's default).
pub(crate) const DEFAULT_MODEL: &str = "sonnet";

/// The flags every headless Claude session runs with.
pub(crate) use warren_proto::CLAUDE_STREAM_FLAGS as STREAM_FLAGS;

/// Tools of the read-only presets: reading, and Bash whose writes default mode denies.
pub(crate) const READ_ONLY_TOOLS: &str = "Read,Bash,WebFetch,WebSearch";

/// A preset: permission mode and tool restriction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Preset {
    /// Claude's permission mode.
    pub mode: &'static str,
    /// `--tools` restriction, if any.
    pub tools: Option<&'static str>,
}

/// Looks a preset up.
pub(crate) fn preset(name: &str) -> Result<Preset, ApiError> {
    Ok(match name {
        "read-only" | "review" => Preset {
            mode: "default",
            tools: Some(READ_ONLY_TOOLS),
        },
        "edit" => Preset {
            mode: "acceptEdits",
            tools: None,
        },
        "full" => Preset {
            mode: "bypassPermissions",
            tools: None,
        },
        "plan" => Preset {
            mode: "plan",
            tools: None,
        },
        other => {
            return Err(ApiError::bad_field(
                "preset",
                format!("unknown preset {other:?}: use read-only, review, edit, full or plan"),
            ));
        }
    })
}

const MODES: [&str; 6] = [
    "default",
    "acceptEdits",
    "plan",
    "dontAsk",
    "bypassPermissions",
    "auto",
];

/// What to run, plus environment additions and notices for the caller.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Built {
    /// Program and flags (no resume flags).
    pub argv: Vec<String>,
    /// Variables to add to the agent's environment.
    pub env: BTreeMap<String, String>,
    /// Things the caller should be told.
    pub notices: Vec<String>,
}

/// Builds the argv of a headless Claude session.
pub(crate) fn build(
    req: &SpawnRequest,
    program: &str,
    settings: Option<&str>,
    is_root: bool,
) -> Result<Built, ApiError> {
    let mut b = Built::default();
    b.argv.push(program.to_string());
    b.argv.extend(STREAM_FLAGS.iter().map(|f| f.to_string()));
    if req.include_partial {
        b.argv.push("--include-partial-messages".into());
    }
    let model = req.model.as_deref().unwrap_or(DEFAULT_MODEL);
    if model.is_empty() || model.starts_with('-') {
        return Err(ApiError::bad_field("model", "must be a model name"));
    }
    b.argv.extend(["--model".into(), model.to_string()]);
    let preset = req.preset.as_deref().map(preset).transpose()?;
    let mode = match (&req.permission_mode, &preset) {
        (Some(m), _) => {
            if !MODES.contains(&m.as_str()) {
                return Err(ApiError::bad_field(
                    "permission_mode",
                    format!("unknown mode {m:?}: use one of {}", MODES.join(", ")),
                ));
            }
            Some(m.clone())
        }
        (None, Some(p)) => Some(p.mode.to_string()),
        (None, None) => None,
    };
    if let Some(m) = &mode {
        b.argv.extend(["--permission-mode".into(), m.clone()]);
        if m == "bypassPermissions" && is_root {
            b.env.insert("IS_SANDBOX".into(), "1".into());
            b.notices.push(
                "bypass permissions as root: warren set IS_SANDBOX=1, which Claude Code requires for it"
                    .into(),
            );
        }
    }
    let tools = match (&req.allowed_tools, &preset) {
        (Some(t), _) => Some(t.join(",")),
        (None, Some(p)) => p.tools.map(String::from),
        (None, None) => None,
    };
    if let Some(t) = tools {
        b.argv.extend(["--tools".into(), t]);
    }
    if let Some(s) = &req.system_prompt {
        b.argv.extend(["--append-system-prompt".into(), s.clone()]);
    }
    if let Some(s) = &req.replace_system_prompt {
        b.argv.extend(["--system-prompt".into(), s.clone()]);
    }
    if let Some(a) = &req.agent {
        if a.is_empty() || a.starts_with('-') {
            return Err(ApiError::bad_field("agent", "must be an agent name"));
        }
        b.argv.extend(["--agent".into(), a.clone()]);
    }
    if let Some(s) = settings {
        b.argv.extend(["--settings".into(), s.to_string()]);
    }
    b.argv.extend(req.extra_args.iter().cloned());
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> SpawnRequest {
        SpawnRequest::new(warren_proto::SessionName::new("t").unwrap())
    }

    fn after<'a>(argv: &'a [String], flag: &str) -> Option<&'a str> {
        argv.iter()
            .position(|a| a == flag)
            .and_then(|i| argv.get(i + 1))
            .map(String::as_str)
    }

    #[test]
    fn the_flag_mapping_table() {
        let mut r = req();
        r.system_prompt = Some("be brief".into());
        r.replace_system_prompt = Some("you are X".into());
        r.allowed_tools = Some(vec!["Read".into(), "Bash".into()]);
        r.agent = Some("reviewer".into());
        r.permission_mode = Some("acceptEdits".into());
        let b = build(&r, "claude", None, false).unwrap();
        let a = &b.argv;
        assert_eq!(
            &a[..8],
            [
                "claude",
                "-p",
                "--input-format",
                "stream-json",
                "--output-format",
                "stream-json",
                "--verbose",
                "--replay-user-messages"
            ]
        );
        assert_eq!(
            after(a, "--append-system-prompt"),
            Some("be brief"),
            "cms --system-prompt appends"
        );
        assert_eq!(
            after(a, "--system-prompt"),
            Some("you are X"),
            "replacing is its own flag"
        );
        assert_eq!(
            after(a, "--tools"),
            Some("Read,Bash"),
            "--allowed-tools restricts the set"
        );
        assert_eq!(after(a, "--agent"), Some("reviewer"));
        assert_eq!(
            after(a, "--model"),
            Some("sonnet"),
            "the default model is sonnet"
        );
        assert_eq!(after(a, "--permission-mode"), Some("acceptEdits"));
        assert!(!a.iter().any(|x| x == "--allowedTools"));
        assert!(
            !a.iter().any(|x| x.contains("budget")),
            "the budget is warren's, not the CLI's"
        );
    }

    #[test]
    fn presets_map_to_modes_and_tools() {
        for (name, mode, tools) in [
            ("read-only", "default", Some(READ_ONLY_TOOLS)),
            ("review", "default", Some(READ_ONLY_TOOLS)),
            ("edit", "acceptEdits", None),
            ("full", "bypassPermissions", None),
            ("plan", "plan", None),
        ] {
            let mut r = req();
            r.preset = Some(name.into());
            let b = build(&r, "claude", None, false).unwrap();
            assert_eq!(after(&b.argv, "--permission-mode"), Some(mode), "{name}");
            assert_eq!(after(&b.argv, "--tools"), tools, "{name}");
            assert!(b.env.is_empty(), "{name}: IS_SANDBOX only as root");
        }
        let mut r = req();
        r.preset = Some("nope".into());
        assert!(build(&r, "claude", None, false).is_err());
    }

    #[test]
    fn bypass_as_root_sets_is_sandbox_with_a_notice() {
        let mut r = req();
        r.preset = Some("full".into());
        let b = build(&r, "claude", None, true).unwrap();
        assert_eq!(b.env.get("IS_SANDBOX").map(String::as_str), Some("1"));
        assert_eq!(b.notices.len(), 1);
        let mut r = req();
        r.permission_mode = Some("bypassPermissions".into());
        assert!(
            build(&r, "claude", None, true)
                .unwrap()
                .env
                .contains_key("IS_SANDBOX")
        );
        let mut r = req();
        r.preset = Some("edit".into());
        assert!(build(&r, "claude", None, true).unwrap().env.is_empty());
    }

    #[test]
    fn an_explicit_mode_beats_the_preset_and_bad_values_are_refused() {
        let mut r = req();
        r.preset = Some("full".into());
        r.permission_mode = Some("plan".into());
        let b = build(&r, "claude", None, true).unwrap();
        assert_eq!(after(&b.argv, "--permission-mode"), Some("plan"));
        assert!(b.env.is_empty());
        let mut r = req();
        r.permission_mode = Some("yolo".into());
        assert!(build(&r, "claude", None, false).is_err());
        let mut r = req();
        r.model = Some("--evil".into());
        assert!(build(&r, "claude", None, false).is_err());
    }
}
