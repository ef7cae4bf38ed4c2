//! `--protect strict`: the guard's rules file and the settings file that installs `warren
//! guard` as a PreToolUse hook, kept in step with the session's limits.

use crate::daemon::Daemon;
use crate::session::SessionHandle;
use std::path::PathBuf;
use warren_helpers::protect;
use warren_proto::{ApiError, Limits};

/// Writes the guard's rules and the settings file that installs it as a PreToolUse hook;
/// answers the settings file's path for `--settings`.
pub(crate) fn write_guard(
    d: &Daemon,
    dir: &std::path::Path,
    limits: &Limits,
    cwd: &std::path::Path,
    env: &std::collections::BTreeMap<String, String>,
) -> Result<String, ApiError> {
    use crate::tmux::quote::sh;
    let rules = protect::Rules {
        protect: crate::runtime::headless::protected_patterns(
            d,
            limits,
            crate::agents::claude::config_dir(env).as_deref(),
        ),
        cwd: cwd.to_string_lossy().into_owned(),
    };
    let rules_path = dir.join("protect.json");
    let settings_path = dir.join("settings.json");
    let command = format!(
        "{} guard --rules {}",
        sh(&d.exe.to_string_lossy()),
        sh(&rules_path.to_string_lossy())
    );
    let settings = serde_json::json!({
        "hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": command}]}]}
    });
    let write = |p: &std::path::Path, v: String| {
        std::fs::write(p, v)
            .map_err(|e| ApiError::internal(format!("writing {}: {e}", p.display())))
    };
    write(
        &rules_path,
        serde_json::to_string(&rules).unwrap_or_default(),
    )?;
    write(&settings_path, settings.to_string())?;
    Ok(settings_path.to_string_lossy().into_owned())
}

/// After a change of limits: the guard's rules follow at once (the hook reads them on every
/// tool call); with strict off they deny nothing until the next resume drops the hook.
pub(crate) fn refresh_guard(d: &Daemon, h: &SessionHandle) -> Result<(), ApiError> {
    let Some(row) = h.headless() else {
        return Ok(());
    };
    let rules_path = h.dir.join("protect.json");
    if !row.limits.strict && !rules_path.exists() {
        return Ok(());
    }
    let env = crate::session::env::read_env(&h.dir);
    let cwd = PathBuf::from(h.row().cwd);
    if row.limits.strict {
        write_guard(d, &h.dir, &row.limits, &cwd, &env)?;
    } else {
        let rules = protect::Rules {
            protect: Vec::new(),
            cwd: cwd.to_string_lossy().into_owned(),
        };
        std::fs::write(
            &rules_path,
            serde_json::to_string(&rules).unwrap_or_default(),
        )
        .map_err(|e| ApiError::internal(format!("writing {}: {e}", rules_path.display())))?;
    }
    Ok(())
}

/// The agent's argv with warren's `--settings` (the strict guard) as the limits now say.
pub(crate) fn argv_for_limits(
    d: &Daemon,
    h: &SessionHandle,
    argv: &[String],
) -> Result<Vec<String>, ApiError> {
    let ours = h.dir.join("settings.json").to_string_lossy().into_owned();
    let mut out = Vec::with_capacity(argv.len() + 2);
    let mut i = 0;
    while i < argv.len() {
        if argv[i] == "--settings" && argv.get(i + 1) == Some(&ours) {
            i += 2;
            continue;
        }
        out.push(argv[i].clone());
        i += 1;
    }
    if h.headless().is_some_and(|r| r.limits.strict) {
        refresh_guard(d, h)?;
        out.extend(["--settings".to_string(), ours]);
    }
    Ok(out)
}
