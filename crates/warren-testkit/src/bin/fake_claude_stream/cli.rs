//! Command line: the flags warren passes, the real CLI's argument errors, model aliases.

use crate::json::Format;

/// The parsed command line.
#[derive(Debug)]
pub struct Config {
    pub version: bool,
    pub print: bool,
    pub input_stream: bool,
    pub output: Format,
    pub replay: bool,
    pub partial: bool,
    pub model: Model,
    pub permission_mode: String,
    pub resume: Option<String>,
    pub fork: bool,
    pub continue_last: bool,
    pub session_id: Option<String>,
    /// The tool set the session has (init `tools`).
    pub tools: Vec<String>,
    /// `--allowedTools` rules (`Bash`, `Bash(git:*)`, `Write`, …).
    pub allowed: Vec<String>,
    pub settings: Option<String>,
    pub max_turns: Option<u64>,
    pub max_budget: Option<f64>,
    pub persist: bool,
    pub prompt: Option<String>,
}

/// Built-in tools of 2.1.197 in `-p` mode, in the order of init `tools`.
pub const DEFAULT_TOOLS: [&str; 24] = [
    "Task",
    "Bash",
    "CronCreate",
    "CronDelete",
    "CronList",
    "Edit",
    "EnterWorktree",
    "ExitWorktree",
    "NotebookEdit",
    "Read",
    "ReportFindings",
    "ScheduleWakeup",
    "SendMessage",
    "Skill",
    "TaskCreate",
    "TaskGet",
    "TaskList",
    "TaskOutput",
    "TaskStop",
    "TaskUpdate",
    "WebFetch",
    "WebSearch",
    "Workflow",
    "Write",
];

const PERMISSION_MODES: [&str; 6] = [
    "acceptEdits",
    "auto",
    "bypassPermissions",
    "default",
    "dontAsk",
    "plan",
];

/// Flags that take a value and are accepted without effect here.
const IGNORED_VALUE_FLAGS: [&str; 9] = [
    "--append-system-prompt",
    "--system-prompt",
    "--agent",
    "--agents",
    "--add-dir",
    "--mcp-config",
    "--effort",
    "--fallback-model",
    "--setting-sources",
];

/// Boolean flags accepted without effect here.
const IGNORED_BOOL_FLAGS: [&str; 5] = [
    "--strict-mcp-config",
    "--bare",
    "--debug",
    "--include-hook-events",
    "--allow-dangerously-skip-permissions",
];

/// A model as the CLI names, bills and sizes it (checked against the real one: §3 and
/// `--model sonnet|haiku|opus|my-custom-model` runs).
#[derive(Clone, Debug)]
pub struct Model {
    /// init `model` and the `modelUsage` key, e.g. `claude-opus-4-8[1m]`.
    pub display: String,
    /// What goes to the API and into `assistant.message.model` (no `[1m]`).
    pub api: String,
    pub context_window: u64,
    pub max_output: u64,
    /// USD per million input / output tokens.
    pub price: (f64, f64),
}

impl Model {
    /// Resolves an alias (`sonnet`, `haiku`, `opus[1m]`, …); unknown names are kept verbatim.
    pub fn resolve(name: Option<&str>) -> Model {
        let display = match name.unwrap_or("default") {
            "default" | "opus[1m]" => "claude-opus-4-8[1m]",
            "opus" => "claude-opus-4-8",
            "sonnet" => "claude-sonnet-5",
            "sonnet[1m]" => "claude-sonnet-5[1m]",
            "haiku" => "claude-haiku-4-5-20251001",
            other => other,
        }
        .to_string();
        let api = display.trim_end_matches("[1m]").to_string();
        let big = api.starts_with("claude-opus") || api.starts_with("claude-sonnet");
        let price = if api.contains("haiku") {
            (1.0, 5.0)
        } else if api.contains("sonnet") {
            (3.0, 15.0)
        } else {
            (5.0, 25.0)
        };
        Model {
            context_window: if display.ends_with("[1m]") {
                1_000_000
            } else {
                200_000
            },
            max_output: if big { 64_000 } else { 32_000 },
            display,
            api,
            price,
        }
    }
}

/// Splits `--tools "Bash,Read"` / `--allowedTools "Bash Read"`.
fn list(v: &str) -> Vec<String> {
    v.split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parses and validates the arguments; `Err` is the exact stderr text of the real CLI
/// (exit code 1).
pub fn parse(args: &[String]) -> Result<Config, String> {
    let mut cfg = Config {
        version: false,
        print: false,
        input_stream: false,
        output: Format::Text,
        replay: false,
        partial: false,
        model: Model::resolve(None),
        permission_mode: "default".into(),
        resume: None,
        fork: false,
        continue_last: false,
        session_id: None,
        tools: Vec::new(),
        allowed: Vec::new(),
        settings: None,
        max_turns: None,
        max_budget: None,
        persist: true,
        prompt: None,
    };
    let mut verbose = false;
    let mut skip_permissions = false;
    let mut tools: Option<Vec<String>> = None;
    let mut disallowed: Vec<String> = Vec::new();
    let mut output = None;

    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("error: option '{flag}' argument missing"))
        };
        match flag {
            "-v" | "--version" => cfg.version = true,
            "-p" | "--print" => cfg.print = true,
            "--verbose" => verbose = true,
            "--replay-user-messages" => cfg.replay = true,
            "--include-partial-messages" => cfg.partial = true,
            "--fork-session" => cfg.fork = true,
            "-c" | "--continue" => cfg.continue_last = true,
            "--no-session-persistence" => cfg.persist = false,
            "--dangerously-skip-permissions" => skip_permissions = true,
            "--input-format" => cfg.input_stream = value()? == "stream-json",
            "--output-format" => output = Some(value()?),
            "--model" => cfg.model = Model::resolve(Some(&value()?)),
            "--permission-mode" => {
                let mode = value()?;
                if !PERMISSION_MODES.contains(&mode.as_str()) {
                    return Err(format!(
                        "error: option '--permission-mode <mode>' argument '{mode}' is invalid. \
                         Allowed choices are {}.",
                        PERMISSION_MODES.join(", ")
                    ));
                }
                cfg.permission_mode = mode;
            }
            "-r" | "--resume" => cfg.resume = Some(value()?),
            "--session-id" => cfg.session_id = Some(value()?),
            "--tools" => tools = Some(list(&value()?)),
            "--allowedTools" | "--allowed-tools" => cfg.allowed.extend(list(&value()?)),
            "--disallowedTools" | "--disallowed-tools" => disallowed.extend(list(&value()?)),
            "--settings" => cfg.settings = Some(value()?),
            "--max-turns" => {
                let v = value()?;
                let n = v.parse().map_err(|_| {
                    format!("error: option '--max-turns <turns>' argument '{v}' is invalid.")
                })?;
                cfg.max_turns = Some(n);
            }
            "--max-budget-usd" => {
                let v = value()?;
                let x = v.parse().map_err(|_| {
                    format!("error: option '--max-budget-usd <amount>' argument '{v}' is invalid.")
                })?;
                cfg.max_budget = Some(x);
            }
            f if IGNORED_VALUE_FLAGS.contains(&f) => {
                value()?;
            }
            f if IGNORED_BOOL_FLAGS.contains(&f) => {}
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(format!("error: unknown option '{f}'"));
            }
            _ => cfg.prompt = Some(arg.clone()),
        }
    }
    if cfg.version {
        return Ok(cfg);
    }

    match output.as_deref() {
        None | Some("text") => cfg.output = Format::Text,
        Some("json") => cfg.output = Format::Json,
        Some("stream-json") => cfg.output = Format::Stream,
        Some(other) => {
            return Err(format!(
                "error: option '--output-format <format>' argument '{other}' is invalid. \
                 Allowed choices are text, json, stream-json."
            ));
        }
    }
    if cfg.print && cfg.output == Format::Stream && !verbose {
        return Err(
            "Error: When using --print, --output-format=stream-json requires --verbose".into(),
        );
    }
    if cfg.input_stream && cfg.output != Format::Stream {
        return Err("Error: --input-format=stream-json requires output-format=stream-json.".into());
    }
    if let Some(id) = &cfg.session_id {
        if uuid::Uuid::parse_str(id).is_err() {
            return Err("Error: Invalid session ID. Must be a valid UUID.".into());
        }
        if (cfg.resume.is_some() || cfg.continue_last) && !cfg.fork {
            return Err(
                "Error: --session-id can only be used with --continue or --resume if \
                        --fork-session is also specified."
                    .into(),
            );
        }
    }
    if skip_permissions {
        cfg.permission_mode = "bypassPermissions".into();
    }
    if cfg.permission_mode == "bypassPermissions"
        && nix::unistd::geteuid().is_root()
        && std::env::var("IS_SANDBOX").as_deref() != Ok("1")
    {
        return Err(
            "--dangerously-skip-permissions cannot be used with root/sudo privileges \
                    for security reasons"
                .into(),
        );
    }

    // `--tools` picks the set; `--disallowedTools X` removes X. With Bash gone the real CLI
    // offers Glob and Grep instead (seen with `--disallowedTools Bash`).
    cfg.tools = match tools {
        Some(t) if t.iter().any(|x| x == "default") => DEFAULT_TOOLS.map(String::from).to_vec(),
        Some(t) => t,
        None => {
            let mut t: Vec<String> = DEFAULT_TOOLS.map(String::from).to_vec();
            if disallowed.iter().any(|d| d == "Bash") {
                t.extend(["Glob".to_string(), "Grep".to_string()]);
                t.sort_by_key(|x| (x != "Task", x.clone()));
            }
            t
        }
    };
    cfg.tools.retain(|t| !disallowed.contains(t));
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn models_resolve_like_the_cli() {
        let m = Model::resolve(None);
        assert_eq!(
            (m.display.as_str(), m.api.as_str(), m.context_window),
            ("claude-opus-4-8[1m]", "claude-opus-4-8", 1_000_000)
        );
        assert_eq!(Model::resolve(Some("sonnet")).display, "claude-sonnet-5");
        let h = Model::resolve(Some("haiku"));
        assert_eq!((h.price, h.max_output), ((1.0, 5.0), 32_000));
        let c = Model::resolve(Some("my-custom-model"));
        assert_eq!((c.api.as_str(), c.price), ("my-custom-model", (5.0, 25.0)));
    }

    #[test]
    fn argument_errors() {
        let e = parse(&args(
            "-p --input-format stream-json --output-format stream-json",
        ));
        assert_eq!(
            e.unwrap_err(),
            "Error: When using --print, --output-format=stream-json requires --verbose"
        );
        assert!(parse(&args("-p --input-format stream-json --verbose")).is_err());
        assert!(parse(&args("-p --session-id nope")).is_err());
        assert!(parse(&args("-p --bogus")).is_err());
    }

    #[test]
    fn tool_sets() {
        let c = parse(&args("-p --disallowedTools Bash")).expect("valid");
        assert!(!c.tools.contains(&"Bash".to_string()));
        assert_eq!(c.tools[0], "Task");
        assert!(c.tools.contains(&"Grep".to_string()));
        let c = parse(&args("-p --tools Bash,Read")).expect("valid");
        assert_eq!(c.tools, ["Bash", "Read"]);
        let c = parse(&args("-p --tools=")).expect("valid");
        assert!(c.tools.is_empty());
    }
}
