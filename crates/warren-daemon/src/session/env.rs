//! A session's environment: the caller's, cleaned, plus the profile's and `--env`; stored in
//! the session's directory (0600, atomically: resume and takeover start the agent from it).

use std::collections::BTreeMap;
use warren_proto::{ApiError, NewRequest};

/// Variables never passed to a session: Claude Code refuses to start with `CLAUDECODE` set,
/// and the tmux ones would point at the caller's tmux.
pub(crate) const REMOVED_ENV: &[&str] = &[
    "CLAUDECODE",
    "CLAUDE_CODE_ENTRYPOINT",
    "CLAUDE_CODE_SSE_PORT",
    "TMUX",
    "TMUX_PANE",
];

/// The caller's environment, cleaned, plus the profile's and `--env`, with a UTF-8 locale.
pub(crate) fn session_env(
    req: &NewRequest,
    profile_env: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut env: BTreeMap<String, String> = req
        .env
        .iter()
        .filter(|(k, _)| !REMOVED_ENV.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    env.extend(profile_env.clone());
    env.extend(req.env_extra.clone());
    for (k, v) in &env {
        if k.is_empty() || k.contains('=') || k.contains('\0') || v.contains('\0') {
            return Err(ApiError::bad_field(
                "env",
                format!(
                    "invalid variable {k:?}: names are non-empty without '=' and nothing may contain NUL"
                ),
            ));
        }
    }
    if !["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .any(|k| env.get(*k).is_some_and(|v| !v.is_empty()))
    {
        env.insert("LANG".into(), "C.UTF-8".into());
    }
    Ok(env)
}

/// Stores the environment for restarts and resumes: 0600, never logged, and atomic (a temp
/// file renamed over the old one), so a crash mid-write never leaves resume half a file.
pub(crate) fn write_env(
    dir: &std::path::Path,
    env: &BTreeMap<String, String>,
) -> std::io::Result<()> {
    let body = serde_json::to_string(env).map_err(std::io::Error::other)?;
    warren_helpers::fs::write_private_atomic(&dir.join("env.json"), body.as_bytes())
}

/// Reads the environment stored by [`write_env`].
pub(crate) fn read_env(dir: &std::path::Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(dir.join("env.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_is_cleaned_and_gets_a_utf8_locale() {
        let req = NewRequest {
            env: [
                ("CLAUDECODE", "1"),
                ("TMUX", "/x"),
                ("PATH", "/bin"),
                ("CLAUDE_CODE_SSE_PORT", "9"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            env_extra: [("A".to_string(), "b".to_string())].into(),
            ..Default::default()
        };
        let env = session_env(&req, &BTreeMap::new()).unwrap();
        assert_eq!(
            env.keys().cloned().collect::<Vec<_>>(),
            ["A", "LANG", "PATH"]
        );
        assert_eq!(env["LANG"], "C.UTF-8");
    }

    #[test]
    fn bad_env_names_the_field() {
        let req = NewRequest {
            env_extra: [("A=B".to_string(), "x".to_string())].into(),
            ..Default::default()
        };
        let err = session_env(&req, &BTreeMap::new()).unwrap_err();
        assert!(err.body.message.contains("`env`"), "{}", err.body.message);
    }
}
