//! Agent profiles: how to start a program, when it is ready, what its screen looks like busy,
//! idle and waiting for an answer, and how to submit input. Users add or replace profiles in
//! config (`[profiles.NAME]`).

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A profile as written in config. Every field is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileConfig {
    /// Program and arguments.
    pub command: Vec<String>,
    /// Extra environment.
    pub env: BTreeMap<String, String>,
    /// Regex on the last non-blank screen line: ready for input.
    pub ready: Option<String>,
    /// Regexes anywhere on the screen: busy.
    pub busy: Vec<String>,
    /// Regexes anywhere on the screen: waiting for an answer.
    pub waiting: Vec<String>,
    /// Delay between the text and its Enter.
    pub settle_ms: Option<u64>,
    /// Quiet output means idle.
    pub idle_on_quiescence: Option<bool>,
    /// Output that matches no pattern means running.
    pub running_on_output: Option<bool>,
    /// Multi-line input gets one more Enter (a blank line runs a Python block).
    pub multiline_extra_enter: Option<bool>,
    /// Flag that passes `--model`.
    pub model_flag: Option<String>,
    /// Window width.
    pub width: Option<u16>,
    /// Window height.
    pub height: Option<u16>,
    /// False until the agent's screens are recorded and the patterns checked against them.
    pub verified: Option<bool>,
    /// Headless watchdog: no output this long during a turn means stuck (default 600 s).
    pub watchdog_secs: Option<u64>,
    /// Headless watchdog while a tool runs (default 3600 s): long tests and installs are healthy.
    pub tool_timeout_secs: Option<u64>,
    /// What drives the status: `"screen"` (patterns and quiescence, the default) or
    /// `"claude-hooks"` (the program is Claude Code: warren adds its hooks and status line with
    /// `--settings`, picks its `--session-id`, and hooks drive the status).
    pub status: Option<StatusSource>,
    /// The JSON stream the program speaks when spawned headless (`"claude"`: stream-json).
    pub stream: Option<StreamKind>,
    /// The tmux key that interrupts a turn (default `C-c`; Claude Code's is `Escape`).
    pub interrupt_key: Option<String>,
    /// The older spelling of `status = "claude-hooks"` (still read).
    pub hooks: Option<bool>,
}

/// What drives a tmux session's status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusSource {
    /// The profile's screen patterns and output quiescence.
    #[default]
    Screen,
    /// Claude Code's hooks (see [`crate::agents::claude`]), the screen as confirmation.
    ClaudeHooks,
}

impl StatusSource {
    /// Whether the agent's own hooks report its status and acknowledge its input.
    pub fn hooks(self) -> bool {
        !matches!(self, Self::Screen)
    }
}

/// The JSON stream a headless agent speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StreamKind {
    /// Claude Code's `--output-format stream-json` (see [`crate::agents::claude::stream`]).
    Claude,
}

/// A screen class a pattern says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScreenClass {
    /// Waiting for an answer.
    Waiting,
    /// Busy.
    Busy,
    /// Ready for input.
    Ready,
}

/// A compiled profile.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    /// Its name.
    pub name: String,
    /// Program and arguments (empty: the user's shell).
    pub command: Vec<String>,
    /// Extra environment.
    pub env: BTreeMap<String, String>,
    ready: Option<Regex>,
    busy: Vec<Regex>,
    waiting: Vec<Regex>,
    /// Delay between the text and its Enter.
    pub settle_ms: u64,
    /// Quiet output means idle.
    pub idle_on_quiescence: bool,
    /// Output that matches no pattern means running.
    pub running_on_output: bool,
    /// Multi-line input gets one more Enter.
    pub multiline_extra_enter: bool,
    /// Flag that passes `--model`.
    pub model_flag: Option<String>,
    /// Window size.
    pub width: u16,
    /// Window size.
    pub height: u16,
    /// Whether the patterns were checked against recorded screens.
    pub(crate) verified: bool,
    /// Whether the screen needs reading at all.
    pub reads_screen: bool,
    /// Headless watchdog, seconds without output during a turn.
    pub watchdog_secs: u64,
    /// Headless watchdog while a tool runs.
    pub tool_timeout_secs: u64,
    /// What drives its status.
    pub status: StatusSource,
    /// The JSON stream it speaks headless, if it has one.
    pub stream: Option<StreamKind>,
    /// The tmux key that interrupts a turn.
    pub interrupt_key: String,
}

impl Profile {
    fn compile(name: &str, c: &ProfileConfig) -> anyhow::Result<Self> {
        let re = |p: &String| {
            Regex::new(p).map_err(|e| anyhow::anyhow!("profile {name}: bad pattern {p:?}: {e}"))
        };
        let ready = c.ready.as_ref().map(re).transpose()?;
        let busy = c.busy.iter().map(re).collect::<anyhow::Result<Vec<_>>>()?;
        let waiting = c
            .waiting
            .iter()
            .map(re)
            .collect::<anyhow::Result<Vec<_>>>()?;
        let reads_screen = ready.is_some() || !busy.is_empty() || !waiting.is_empty();
        Ok(Self {
            name: name.into(),
            command: c.command.clone(),
            env: c.env.clone(),
            ready,
            busy,
            waiting,
            settle_ms: c.settle_ms.unwrap_or(50),
            idle_on_quiescence: c.idle_on_quiescence.unwrap_or(true),
            running_on_output: c.running_on_output.unwrap_or(true),
            multiline_extra_enter: c.multiline_extra_enter.unwrap_or(false),
            model_flag: c.model_flag.clone(),
            width: c.width.unwrap_or(200),
            height: c.height.unwrap_or(50),
            verified: c.verified.unwrap_or(true),
            reads_screen,
            watchdog_secs: c.watchdog_secs.unwrap_or(600),
            tool_timeout_secs: c.tool_timeout_secs.unwrap_or(3600),
            status: match (c.status, c.hooks) {
                (Some(s), _) => s,
                (None, Some(true)) => StatusSource::ClaudeHooks,
                (None, _) => StatusSource::Screen,
            },
            stream: c.stream,
            interrupt_key: c.interrupt_key.clone().unwrap_or_else(|| "C-c".into()),
        })
    }

    /// Classifies a screen: waiting beats busy beats ready. Returns the pattern's name.
    pub(crate) fn classify(&self, screen: &str) -> Option<(ScreenClass, &'static str)> {
        let screen = screen.replace('\u{a0}', " ");
        let any = |res: &[Regex]| res.iter().any(|r| screen.lines().any(|l| r.is_match(l)));
        if any(&self.waiting) {
            return Some((ScreenClass::Waiting, "waiting"));
        }
        if any(&self.busy) {
            return Some((ScreenClass::Busy, "busy"));
        }
        let last = screen
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        if self.ready.as_ref().is_some_and(|r| r.is_match(last)) {
            return Some((ScreenClass::Ready, "ready"));
        }
        None
    }
}

fn builtin(claude: &str) -> BTreeMap<String, ProfileConfig> {
    let mut m = BTreeMap::new();
    m.insert(
        "shell".into(),
        ProfileConfig {
            ready: Some(r"[$#%>❯] ?$".into()),
            ..Default::default()
        },
    );
    // A command given after `--` with no profile: only exit and quiet output can tell.
    m.insert("command".into(), ProfileConfig::default());
    m.insert(
        "python".into(),
        ProfileConfig {
            command: vec!["python3".into()],
            env: [("PYTHON_BASIC_REPL".to_string(), "1".to_string())].into(),
            ready: Some(r"^(>>>|\.\.\.) ?$".into()),
            idle_on_quiescence: Some(false),
            multiline_extra_enter: Some(true),
            ..Default::default()
        },
    );
    // Screens from the reference captures of Claude Code 2.1.197 (see docs/ARCHITECTURE.md).
    m.insert(
        "claude".into(),
        ProfileConfig {
            command: vec![claude.into(), "--permission-mode".into(), "default".into()],
            ready: Some(r"for agents|\? for shortcuts".into()),
            busy: vec![r"esc to interrupt".into()],
            waiting: vec![
                r"Do you want to proceed\?".into(),
                r"Yes, I trust this folder".into(),
                r"Do you want to use this API key\?".into(),
                r"Bypass Permissions mode".into(),
                r"Press Ctrl-C again to exit".into(),
            ],
            settle_ms: Some(300),
            idle_on_quiescence: Some(false),
            running_on_output: Some(false),
            model_flag: Some("--model".into()),
            status: Some(StatusSource::ClaudeHooks),
            stream: Some(StreamKind::Claude),
            interrupt_key: Some("Escape".into()),
            ..Default::default()
        },
    );
    for (name, bin) in [("codex", "codex"), ("gemini", "gemini"), ("aider", "aider")] {
        m.insert(
            name.into(),
            ProfileConfig {
                command: vec![bin.into()],
                settle_ms: Some(200),
                model_flag: Some("--model".into()),
                verified: Some(false),
                ..Default::default()
            },
        );
    }
    m
}

/// Every profile: built-in ones, then config's (which may replace them).
#[derive(Debug, Clone)]
pub(crate) struct Profiles {
    map: BTreeMap<String, Profile>,
}

impl Profiles {
    /// Compiles built-ins and user profiles; a bad user pattern is an error naming it.
    pub(crate) fn new(
        claude: &str,
        user: &BTreeMap<String, ProfileConfig>,
    ) -> anyhow::Result<Self> {
        let mut all = builtin(claude);
        all.extend(user.iter().map(|(k, v)| (k.clone(), v.clone())));
        let map = all
            .iter()
            .map(|(k, v)| Profile::compile(k, v).map(|p| (k.clone(), p)))
            .collect::<anyhow::Result<_>>()?;
        Ok(Self { map })
    }

    /// A profile by name.
    pub(crate) fn get(&self, name: &str) -> Option<&Profile> {
        self.map.get(name)
    }

    /// Profile names.
    pub(crate) fn names(&self) -> Vec<String> {
        self.map.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> String {
        let path = format!(
            "{}/../../../shared/reference/claude-code-samples/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn screen_of(sample: &str) -> String {
        sample
            .lines()
            .filter(|l| !l.starts_with("pane_title:"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn claude_screens_from_the_reference_captures() {
        let p = Profiles::new("claude", &BTreeMap::new()).unwrap();
        let c = p.get("claude").unwrap();
        let class = |f: &str| c.classify(&screen_of(&sample(f))).map(|x| x.0);
        assert_eq!(class("e2_busy.txt"), Some(ScreenClass::Busy));
        assert_eq!(class("e2_idle_after_reply.txt"), Some(ScreenClass::Ready));
        assert_eq!(class("e5_bypass_seeded_idle.txt"), Some(ScreenClass::Ready));
        assert_eq!(
            class("e2_dialog_tool_permission.txt"),
            Some(ScreenClass::Waiting)
        );
        assert_eq!(class("e1_dialog_trust.txt"), Some(ScreenClass::Waiting));
        assert_eq!(class("e1_dialog_api_key.txt"), Some(ScreenClass::Waiting));
        assert_eq!(
            class("e4_dialog_bypass_permissions.txt"),
            Some(ScreenClass::Waiting)
        );
    }

    #[test]
    fn profiles_say_in_words_what_drives_them() {
        use figment::providers::Format as _;
        let p = Profiles::new("claude", &BTreeMap::new()).unwrap();
        let c = p.get("claude").unwrap();
        assert_eq!(c.status, StatusSource::ClaudeHooks);
        assert_eq!(c.stream, Some(StreamKind::Claude));
        assert_eq!(c.interrupt_key, "Escape");
        let sh = p.get("shell").unwrap();
        assert_eq!(
            (sh.status, sh.stream, sh.interrupt_key.as_str()),
            (StatusSource::Screen, None, "C-c")
        );
        let toml = |t: &str| -> BTreeMap<String, ProfileConfig> {
            let v: BTreeMap<String, ProfileConfig> =
                figment::Figment::from(figment::providers::Toml::string(t))
                    .extract()
                    .unwrap();
            v
        };
        // A user's agent: the words, and the older `hooks = true` still read.
        let user = toml(
            "[mine]\ncommand = [\"x\"]\nstatus = \"claude-hooks\"\nstream = \"claude\"\ninterrupt_key = \"C-g\"\n[old]\ncommand = [\"y\"]\nhooks = true\n",
        );
        let p = Profiles::new("claude", &user).unwrap();
        let mine = p.get("mine").unwrap();
        assert_eq!(
            (mine.status, mine.stream, mine.interrupt_key.as_str()),
            (StatusSource::ClaudeHooks, Some(StreamKind::Claude), "C-g")
        );
        assert_eq!(p.get("old").unwrap().status, StatusSource::ClaudeHooks);
        let bad: Result<BTreeMap<String, ProfileConfig>, _> = figment::Figment::from(
            figment::providers::Toml::string("[x]\nstatus = \"hooks-of-my-own\"\n"),
        )
        .extract();
        assert!(bad.is_err(), "an unknown status source is refused");
    }

    #[test]
    fn python_prompt_only_on_the_last_line() {
        let p = Profiles::new("claude", &BTreeMap::new()).unwrap();
        let py = p.get("python").unwrap();
        assert_eq!(
            py.classify(">>> 1+1\n2\n>>> ").map(|x| x.0),
            Some(ScreenClass::Ready)
        );
        assert_eq!(
            py.classify(">>> import time; time.sleep(9)\n").map(|x| x.0),
            None
        );
    }

    #[test]
    fn a_bad_user_pattern_is_named() {
        let user = [(
            "x".to_string(),
            ProfileConfig {
                ready: Some("(".into()),
                ..Default::default()
            },
        )]
        .into();
        let err = Profiles::new("claude", &user).unwrap_err().to_string();
        assert!(err.contains("profile x"), "{err}");
    }
}
