//! Argument groups several verbs share (a session named positionally or with
//! claude-multi-session's `--name`, the safety net's flags), the duration parser, and turning
//! flags into request fields. Each verb's own arguments sit in its file beside its runner.

use crate::usage;
use clap::Args;
use std::time::Duration;
use warren_proto::{ApiError, SessionName};

/// Durations on the command line: a bare number is seconds; units `ms s m h d`.
pub fn duration(s: &str) -> Result<Duration, String> {
    warren_proto::parse_duration(s).map_err(|e| e.to_string())
}

/// A session named positionally or with `--name`.
#[derive(Debug, Args, Clone)]
pub struct Named {
    /// Session name or id.
    pub name: Option<String>,
    /// Session name (claude-multi-session's spelling).
    #[arg(long = "name", id = "name_flag")]
    pub name_flag: Option<String>,
}

impl Named {
    /// The name, from either place.
    pub fn get(&self) -> Result<String, warren_proto::ApiError> {
        self.name_flag
            .clone()
            .or_else(|| self.name.clone())
            .ok_or_else(|| crate::usage("a session name is required (NAME or --name NAME)"))
    }
}

/// The safety net's flags.
#[derive(Debug, Args, Clone, Default)]
pub struct LimitFlags {
    /// Most the session may cost, USD (its children's cost included).
    #[arg(long, value_name = "USD")]
    pub max_cost: Option<f64>,
    /// Most API turns over all interactions.
    #[arg(long, value_name = "N")]
    pub max_turns: Option<u64>,
    /// Longest one interaction may take.
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub max_time: Option<Duration>,
    /// Longest the session may run in all (paused time not counted).
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub max_total_time: Option<Duration>,
    /// Protected paths (beside .env, .git/, credentials, warren's home and Claude's settings);
    /// `strict` enforces them with a PreToolUse hook that denies.
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub protect: Vec<String>,
}

impl LimitFlags {
    /// As the wire type.
    pub fn limits(&self) -> warren_proto::Limits {
        warren_proto::Limits {
            max_cost: self.max_cost,
            max_turns: self.max_turns,
            // 0 means "remove" to `warren limits`; a spawn treats it as no limit.
            max_time_secs: self.max_time.map(|d| d.as_secs()),
            max_total_time_secs: self.max_total_time.map(|d| d.as_secs()),
            protect: self
                .protect
                .iter()
                .filter(|p| *p != "strict")
                .cloned()
                .collect(),
            strict: self.protect.iter().any(|p| p == "strict"),
        }
    }
}

/// Verbs that take only a session (and `--json`).
#[derive(Debug, Args)]
pub struct NameOnly {
    /// The session.
    #[command(flatten)]
    pub named: Named,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// A session name from the command line, validated.
pub fn name_of(s: &str) -> Result<SessionName, ApiError> {
    SessionName::new(s).map_err(|e| ApiError::bad_field("name", e.to_string()))
}

/// A duration flag in milliseconds, as requests take it.
pub fn ms(d: Option<Duration>) -> Option<u64> {
    d.map(|d| d.as_millis() as u64)
}

/// A working directory made absolute (default: here), as requests take it.
pub fn abs(p: Option<std::path::PathBuf>) -> Result<Option<String>, ApiError> {
    let p = match p {
        Some(p) => p,
        None => std::env::current_dir().map_err(|e| usage(format!("current dir: {e}")))?,
    };
    let p = if p.is_absolute() {
        p
    } else {
        std::env::current_dir()
            .map_err(|e| usage(format!("current dir: {e}")))?
            .join(p)
    };
    Ok(Some(p.to_string_lossy().into_owned()))
}

/// `--env K=V` flags as a map.
pub fn env_pairs(extra: &[String]) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    extra
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| usage(format!("--env wants K=V, not {kv:?}")))
        })
        .collect()
}
