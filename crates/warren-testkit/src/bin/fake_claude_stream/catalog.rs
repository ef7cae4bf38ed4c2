//! Static lists the real 2.1.197 reports in `system/init` and in the `initialize` control
//! response (captured from the real CLI; descriptions shortened).

use crate::cli::Model;
use crate::json::{J, obj};

pub const VERSION: &str = "2.1.197";

/// init `skills` (also the first `slash_commands`).
pub const SKILLS: [&str; 12] = [
    "deep-research",
    "update-config",
    "verify",
    "debug",
    "code-review",
    "simplify",
    "batch",
    "fewer-permission-prompts",
    "loop",
    "claude-api",
    "run",
    "run-skill-generator",
];

/// Built-in slash commands after the skills.
const BUILTIN_COMMANDS: [&str; 13] = [
    "clear",
    "compact",
    "config",
    "context",
    "heapdump",
    "init",
    "reload-skills",
    "review",
    "security-review",
    "usage",
    "insights",
    "goal",
    "team-onboarding",
];

/// init `agents`: (name, description, model).
const AGENTS: [(&str, &str, Option<&str>); 5] = [
    (
        "claude",
        "Catch-all for any task that doesn't fit a more specific agent.",
        None,
    ),
    (
        "Explore",
        "Fast read-only search agent for locating code.",
        Some("haiku"),
    ),
    (
        "general-purpose",
        "General-purpose agent for researching complex questions, searching for code, and \
         executing multi-step tasks.",
        None,
    ),
    (
        "Plan",
        "Software architect agent for designing implementation plans.",
        None,
    ),
    (
        "statusline-setup",
        "Use this agent to configure the user's Claude Code status line setting.",
        Some("sonnet"),
    ),
];

/// init `slash_commands`.
pub fn slash_commands() -> Vec<&'static str> {
    SKILLS
        .iter()
        .chain(BUILTIN_COMMANDS.iter())
        .copied()
        .collect()
}

/// init `agents`.
pub fn agent_names() -> Vec<&'static str> {
    AGENTS.iter().map(|a| a.0).collect()
}

/// init / account `apiKeySource`.
pub fn api_key_source() -> &'static str {
    if std::env::var("ANTHROPIC_API_KEY").is_ok_and(|k| !k.is_empty()) {
        "ANTHROPIC_API_KEY"
    } else {
        "none"
    }
}

/// init `analytics_disabled` / `product_feedback_disabled`.
pub fn telemetry_off() -> bool {
    [
        "DISABLE_TELEMETRY",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
    ]
    .iter()
    .any(|v| std::env::var_os(v).is_some())
}

fn model_entry(value: &str, name: &str, description: &str) -> J {
    let m = Model::resolve(Some(value));
    let mut e = obj! {"value": value, "resolvedModel": m.display, "displayName": name,
    "description": description};
    if !value.starts_with("haiku") {
        e.extend(obj! {"supportsEffort": true,
        "supportedEffortLevels": vec!["low", "medium", "high", "xhigh", "max"],
        "supportsAdaptiveThinking": true});
        if !value.starts_with("sonnet") {
            e.extend(obj! {"supportsFastMode": true});
        }
        e.extend(obj! {"supportsAutoMode": true});
    }
    e
}

/// The `response` of a successful `initialize` control request.
pub fn initialize() -> J {
    let commands: Vec<J> = slash_commands()
        .into_iter()
        .map(|c| obj! {"name": c, "description": "", "argumentHint": ""})
        .collect();
    let agents: Vec<J> = AGENTS
        .iter()
        .map(|(name, description, model)| {
            let mut a = obj! {"name": *name, "description": *description};
            if let Some(m) = model {
                a.extend(obj! {"model": *m});
            }
            a
        })
        .collect();
    let models = vec![
        model_entry(
            "default",
            "Default (recommended)",
            "Use the default model (currently Opus 4.8 (1M context)) · $5/$25 per Mtok",
        ),
        model_entry(
            "opus[1m]",
            "Opus",
            "Opus 4.8 with 1M context · $5/$25 per Mtok",
        ),
        model_entry("sonnet", "Sonnet", "Sonnet 5 · $3/$15 per Mtok"),
        model_entry(
            "sonnet[1m]",
            "Sonnet 5 (1M context)",
            "Sonnet 5 for long sessions · $3/$15 per Mtok",
        ),
        model_entry(
            "haiku",
            "Haiku",
            "Haiku 4.5 · Fastest for quick answers · $1/$5 per Mtok",
        ),
    ];
    obj! {
        "commands": commands,
        "agents": agents,
        "output_style": "default",
        "available_output_styles": vec!["default", "Proactive", "Explanatory", "Learning"],
        "models": models,
        "account": obj!{"tokenSource": "none", "apiKeySource": api_key_source(),
            "apiProvider": "firstParty"},
        "pid": u64::from(std::process::id()),
    }
}
