//! Configuration: a TOML file where every field has a default, under `WARREN_*` environment
//! overrides (`WARREN_TCP=127.0.0.1:4040`, `WARREN_LOG_MAX_BYTES=…`).

use crate::paths::Paths;
use crate::profiles::ProfileConfig;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod attention;

pub(crate) use attention::{AttentionConfig, WebhookTarget};

/// Everything the daemon can be told. Every field has a default.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Also listen on this TCP address (loopback only unless `allow_remote_tcp`).
    pub tcp: Option<String>,
    /// Allow a non-loopback `tcp` address. Off: such an address is refused.
    pub allow_remote_tcp: bool,
    /// The tmux binary.
    pub tmux: String,
    /// The Claude Code CLI used by the `claude` profile.
    pub claude: String,
    /// Profile used when `new` names none.
    pub default_profile: String,
    /// Rotate a session's output log at this size.
    pub log_max_bytes: u64,
    /// Rotated output segments kept per session.
    pub log_keep_segments: usize,
    /// Stored events kept; older cursors get 410.
    pub event_retention: u64,
    /// How long `send` watches for its echo before answering `unconfirmed`.
    pub ack_timeout_ms: u64,
    /// A session with no output for this long is quiet (idle, for profiles that use it).
    pub quiescence_ms: u64,
    /// A live session older than this carries a stale warning.
    pub stale_after_secs: u64,
    /// Busy with no progress for this long becomes `stuck`.
    pub stuck_after_secs: u64,
    /// tmux history kept per pane (lines).
    pub history_limit: u32,
    /// Daemon log filter (tracing syntax); `RUST_LOG` overrides.
    pub log_level: String,
    /// Working directory of sessions spawned through the instar routes (default: home).
    pub instar_cwd: Option<String>,
    /// User profiles, added to or replacing the built-in ones.
    pub profiles: BTreeMap<String, ProfileConfig>,
    /// Sessions spawned from sessions may nest this deep.
    pub max_depth: u32,
    /// A headless agent that has not exited this long after its stdin closed is stuck.
    pub exit_timeout_secs: u64,
    /// Limits every spawned session gets unless the spawn sets its own (none by default).
    pub limits: warren_proto::Limits,
    /// How long a typed input to Claude Code waits for its UserPromptSubmit hook before it is
    /// `unconfirmed` (it is never typed again).
    pub input_ack_timeout_ms: u64,
    /// Answer Claude Code's first-start dialogs (onboarding, folder trust, the API key
    /// question, the bypass warning) by pre-seeding its config files, for every session
    /// (`--seed-config` asks for it per session).
    pub claude_seed_config: bool,
    /// Hook events left out of warren's settings file (for tests of a missing hook).
    pub claude_skip_hooks: Vec<String>,
    /// What to do when a session needs a person (`[attention]`).
    #[serde(default)]
    pub attention: AttentionConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            tcp: None,
            allow_remote_tcp: false,
            tmux: "tmux".into(),
            claude: "claude".into(),
            default_profile: "shell".into(),
            log_max_bytes: 64 * 1024 * 1024,
            log_keep_segments: 8,
            event_retention: 100_000,
            ack_timeout_ms: 2_000,
            quiescence_ms: 1_500,
            stale_after_secs: 2 * 3600,
            stuck_after_secs: 600,
            history_limit: 10_000,
            log_level: "info".into(),
            instar_cwd: None,
            profiles: BTreeMap::new(),
            max_depth: 3,
            exit_timeout_secs: 15,
            limits: warren_proto::Limits::default(),
            input_ack_timeout_ms: 10_000,
            claude_seed_config: false,
            claude_skip_hooks: Vec::new(),
            attention: AttentionConfig::default(),
        }
    }
}

impl Config {
    /// Reads `paths.config_file` (if present) and applies `WARREN_*` overrides.
    pub fn load(paths: &Paths) -> anyhow::Result<Self> {
        let env = Env::prefixed("WARREN_")
            .ignore(&["home", "socket", "token"])
            .split("__");
        let cfg: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(&paths.config_file))
            .merge(env)
            .extract()
            .map_err(|e| anyhow::anyhow!("config {}: {e}", paths.config_file.display()))?;
        cfg.attention
            .check()
            .map_err(|e| anyhow::anyhow!("config {}: {e}", paths.config_file.display()))?;
        Ok(cfg)
    }
}

#[cfg(test)]
#[allow(
    clippy::result_large_err,
    reason = "figment's Jail API fixes the closure's error type"
)]
mod tests {
    use super::*;

    #[test]
    fn file_then_env_override_every_field_defaulted() {
        figment::Jail::expect_with(|jail| {
            let dir = jail.directory().to_path_buf();
            let paths = Paths::for_home(&dir);
            jail.create_file(
                &paths.config_file,
                "quiescence_ms = 900\ntmux = \"/opt/tmux\"\n",
            )?;
            jail.set_env("WARREN_QUIESCENCE_MS", "700");
            let cfg = Config::load(&paths).map_err(|e| e.to_string())?;
            assert_eq!(cfg.quiescence_ms, 700, "env beats file");
            assert_eq!(cfg.tmux, "/opt/tmux", "file beats default");
            assert_eq!(cfg.log_keep_segments, 8, "default");
            Ok(())
        });
    }

    #[test]
    fn string_fields_are_overridden_by_the_environment_too() {
        figment::Jail::expect_with(|jail| {
            let paths = Paths::for_home(jail.directory());
            jail.set_env("WARREN_LOG_LEVEL", "warren_daemon=debug");
            jail.set_env("WARREN_TCP", "127.0.0.1:4040");
            let cfg = Config::load(&paths).map_err(|e| e.to_string())?;
            assert_eq!(cfg.log_level, "warren_daemon=debug");
            assert_eq!(cfg.tcp.as_deref(), Some("127.0.0.1:4040"));
            Ok(())
        });
    }

    #[test]
    fn unknown_field_is_an_error_that_names_it() {
        figment::Jail::expect_with(|jail| {
            let dir = jail.directory().to_path_buf();
            let paths = Paths::for_home(&dir);
            jail.create_file(&paths.config_file, "quiesence_ms = 900\n")?;
            let err = Config::load(&paths).expect_err("typo must fail");
            assert!(err.to_string().contains("quiesence_ms"), "{err}");
            Ok(())
        });
    }
}
