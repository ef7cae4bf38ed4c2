//! The command line, as clap sees it. Durations: a bare number is seconds; units `ms s m h d`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::time::Duration;

fn duration(s: &str) -> Result<Duration, String> {
    warren_proto::parse_duration(s).map_err(|e| e.to_string())
}

/// Run AI coding agents and REPLs as persistent background sessions.
#[derive(Debug, Parser)]
#[command(name = "warren", version, about, propagate_version = true)]
pub struct Cli {
    /// More log output (repeat for more).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// The command.
    #[command(subcommand)]
    pub cmd: Cmd,
}

/// Every verb.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Start the daemon (detached), or stop, restart or inspect it.
    Daemon(DaemonArgs),
    /// Create a session in tmux.
    #[command(alias = "create")]
    New(NewArgs),
    /// List sessions.
    #[command(alias = "list")]
    Ls {
        /// Only sessions in this state.
        #[arg(long, short = 's')]
        status: Option<String>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// A session's state, its signal and its transitions (headless: cost, limits, totals).
    Status(crate::cmd::args::NameOnly),
    /// Spawn an agent session: headless Claude Code by default, interactive with --tmux.
    Spawn(crate::cmd::spawn::SpawnArgs),
    /// Resume a paused or stopped headless session (optionally with a message).
    Resume(crate::cmd::resume::ResumeArgs),
    /// Hold a headless session's input; it becomes `paused` when the current turn ends.
    Pause(crate::cmd::args::NameOnly),
    /// Fork a headless session into a new one that keeps the conversation.
    Fork(crate::cmd::fork::ForkArgs),
    /// Stop a headless session gracefully (resumable).
    Stop(crate::cmd::args::NameOnly),
    /// Stop gracefully and mark the task done.
    Finish(crate::cmd::args::NameOnly),
    /// Interrupt, then kill.
    Abort(crate::cmd::args::NameOnly),
    /// Interrupt the current turn (headless: control request; interactive: Escape).
    Interrupt(crate::cmd::args::NameOnly),
    /// Answer "yes" to the dialog a Claude Code session waits on (`--always`: always allow).
    Approve(crate::cmd::approve::ApproveArgs),
    /// Answer "no" to the dialog a Claude Code session waits on (`--message`: what to do instead).
    Deny(crate::cmd::deny::DenyArgs),
    /// Continue a headless Claude session's conversation in tmux (`NAME-tui`) and attach.
    Takeover(crate::cmd::takeover::TakeoverArgs),
    /// Quit the interactive agent of a takeover (when idle) and resume it headless.
    Handback(crate::cmd::args::NameOnly),
    /// Remove an ended session's record and history (refused while it is live).
    Delete(crate::cmd::args::NameOnly),
    /// Interactions with the cost of each.
    History(crate::cmd::args::NameOnly),
    /// Change a session's limits (0 removes one).
    Limits(crate::cmd::limits::LimitsArgs),
    /// Spawn, send a task, watch it with the safety net, and answer a structured result.
    Delegate(crate::cmd::delegate::DelegateArgs),
    /// Send a correction to a delegated session; the same structured result.
    Continue(crate::cmd::continue_task::ContinueArgs),
    /// Spawn several sessions in parallel from a JSON file.
    Batch(crate::cmd::batch::BatchArgs),
    /// Send text (Enter included); `-` reads it from stdin.
    Send(SendArgs),
    /// Send named keys (Enter, C-c, Up, Escape…).
    Keys {
        /// Session name or id.
        name: String,
        /// Key names.
        #[arg(required = true)]
        keys: Vec<String>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Wait for a regex on the screen or in new output, or for a state.
    Wait(WaitArgs),
    /// Output: the rendered screen (`-n`), the whole log (`--full`), or bytes from an offset.
    Output(OutputArgs),
    /// Print the last lines of output (headless: the conversation); `-f` follows it.
    Tail {
        /// Session name or id.
        name: String,
        /// Keep following.
        #[arg(short, long)]
        follow: bool,
        /// Lines of existing output to print first.
        #[arg(short = 'n', long, default_value_t = 10)]
        lines: usize,
    },
    /// Stored events (lifecycle, state changes); `-f` follows live ones, output included.
    Events {
        /// Replay stored events after this id.
        #[arg(long)]
        since: Option<i64>,
        /// Keep following.
        #[arg(short, long)]
        follow: bool,
        /// Only this session.
        #[arg(long)]
        session: Option<String>,
        /// Only these types (comma-separated).
        #[arg(long)]
        types: Option<String>,
    },
    /// Health: exit 0 healthy, 1 dead, 2 missing, 3 zombie.
    Health {
        /// Session name or id.
        name: Option<String>,
        /// Same as the positional name (seed 003).
        #[arg(short = 's', long = "session", hide = true)]
        session: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Same as `--format json`.
        #[arg(long)]
        json: bool,
    },
    /// End a session (state `killed`).
    Kill(crate::cmd::args::NameOnly),
    /// Remove the records and logs of ended sessions.
    Cleanup {
        /// Only show what would be removed.
        #[arg(long)]
        dry_run: bool,
        /// Only sessions older than this.
        #[arg(long, value_parser = duration)]
        older_than: Option<Duration>,
        /// Only sessions older than N days (same as --older-than Nd).
        #[arg(long, conflicts_with = "older_than")]
        days: Option<u64>,
        /// Also end live sessions (asks first).
        #[arg(long)]
        all: bool,
        /// Do not ask.
        #[arg(long, short = 'y')]
        yes: bool,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// tmux sessions warren does not manage.
    Find {
        /// Also this user's other tmux servers (read-only).
        #[arg(long)]
        all: bool,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Register a tmux session on warren's server.
    Adopt {
        /// Its tmux name.
        tmux_name: String,
        /// Register it under this name.
        #[arg(long = "as")]
        as_name: Option<String>,
        /// Read its screen with this profile.
        #[arg(long)]
        profile: Option<String>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Attach your terminal with tmux; detaching (C-b d) leaves it running.
    Attach {
        /// Session name or id.
        name: String,
    },
    /// Print the bearer token for the TCP API.
    Token,
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Set up integrations.
    Setup {
        /// Write the token where the instar-session skill reads it and listen on 127.0.0.1:4040.
        #[arg(long)]
        instar: bool,
        /// Add `warren mcp` to Claude Code for all your projects (user scope).
        #[arg(long, group = "mcp_scope")]
        global: bool,
        /// Add it for this project, privately (local scope, in ~/.claude.json).
        #[arg(long, group = "mcp_scope")]
        local: bool,
        /// Add it for this project, shared (.mcp.json here).
        #[arg(long, group = "mcp_scope")]
        project: bool,
        /// Also add a short guide on delegating to CLAUDE.md.
        #[arg(long)]
        guide: bool,
        /// Remove what setup added.
        #[arg(long)]
        uninstall: bool,
    },
    /// Serve MCP on stdin/stdout: warren's tools for Claude Code and other MCP clients.
    Mcp,
    /// A guided tour with no agent installed: a Python session computes, answers and is cleaned up.
    Demo,
    /// (internal) Hold a headless agent's stdin and stdout.
    #[command(hide = true)]
    Holder {
        /// Session directory.
        #[arg(long)]
        dir: std::path::PathBuf,
        /// Rotate the output log at this size.
        #[arg(long)]
        max_bytes: u64,
        /// Rotated segments kept.
        #[arg(long)]
        keep: usize,
        /// The agent's argv.
        #[arg(last = true, required = true)]
        argv: Vec<String>,
    },
    /// (internal) Claude Code hook: report EVENT (stdin: its JSON) to the daemon. Never starts
    /// a daemon, gives up after 200 ms (then the event goes to the session's hooks.jsonl), and
    /// exits 0.
    #[command(hide = true)]
    Hook {
        /// warren's home.
        #[arg(long)]
        home: std::path::PathBuf,
        /// warren's id of the session.
        #[arg(long)]
        session: String,
        /// The hook event.
        event: String,
    },
    /// (internal) Claude Code status line: report the cost, then run the user's own.
    #[command(hide = true)]
    Statusline {
        /// warren's home.
        #[arg(long)]
        home: std::path::PathBuf,
        /// warren's id of the session.
        #[arg(long)]
        session: String,
    },
    /// (internal) PreToolUse hook: deny tools that touch protected paths.
    #[command(hide = true)]
    Guard {
        /// The session's rules file.
        #[arg(long)]
        rules: std::path::PathBuf,
    },
    /// (internal) Copy a pane's output into its rotating log.
    #[command(hide = true)]
    Pipe {
        /// Session directory.
        #[arg(long)]
        dir: std::path::PathBuf,
        /// Rotate at this size.
        #[arg(long)]
        max_bytes: u64,
        /// Rotated segments kept.
        #[arg(long)]
        keep: usize,
        /// Hand the pipe to the recorder at this socket (copy it here if that fails).
        #[arg(long)]
        recorder: Option<std::path::PathBuf>,
    },
    /// (internal) The output recorder shared by every pane.
    #[command(hide = true)]
    Recorder {
        /// Its socket.
        #[arg(long)]
        socket: std::path::PathBuf,
        /// Its pid file (held locked).
        #[arg(long)]
        pid_file: std::path::PathBuf,
    },
}

/// Output format of `health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Words.
    Text,
    /// JSON.
    Json,
}

/// `warren daemon …`.
#[derive(Debug, Args)]
pub struct DaemonArgs {
    /// stop | restart | status.
    #[command(subcommand)]
    pub action: Option<DaemonAction>,
    /// Stay in the foreground.
    #[arg(long)]
    pub foreground: bool,
    /// Also listen on this TCP address (loopback).
    #[arg(long)]
    pub tcp: Option<String>,
    /// Allow a non-loopback `--tcp` address.
    #[arg(long)]
    pub allow_remote: bool,
    /// (internal) Started by autostart: leave the caller's session.
    #[arg(long, hide = true)]
    pub detached: bool,
}

/// Daemon actions.
#[derive(Debug, Subcommand)]
pub enum DaemonAction {
    /// Stop the daemon; sessions keep running.
    Stop {
        /// Also end every session, the private tmux server and helpers.
        #[arg(long)]
        kill_sessions: bool,
    },
    /// Stop and start again.
    Restart,
    /// pid, version, protocol, socket, tcp, uptime, sessions.
    Status {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
}

/// `warren new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// Session name.
    pub name: Option<String>,
    /// Same as the positional name (seed 003).
    #[arg(short = 'n', long = "name", hide = true)]
    pub name_flag: Option<String>,
    /// A Python REPL.
    #[arg(long, group = "kind")]
    pub python: bool,
    /// A shell (the default).
    #[arg(long, group = "kind")]
    pub shell: bool,
    /// Interactive Claude Code.
    #[arg(long, group = "kind")]
    pub claude: bool,
    /// Any profile, built-in or from config.
    #[arg(long, group = "kind")]
    pub profile: Option<String>,
    /// Working directory (default: here).
    #[arg(long)]
    pub cwd: Option<std::path::PathBuf>,
    /// Extra environment, K=V (repeatable).
    #[arg(long = "env", short = 'e')]
    pub env: Vec<String>,
    /// A prompt pasted once the agent is ready.
    #[arg(long)]
    pub prompt: Option<String>,
    /// Model for agent profiles.
    #[arg(long, short = 'm')]
    pub model: Option<String>,
    /// Answer at once instead of when the session is ready.
    #[arg(long)]
    pub no_wait: bool,
    /// Longest one interaction may take (from a send until the agent is idle again).
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub max_time: Option<Duration>,
    /// Longest the session may run in all; then it is killed.
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub max_total_time: Option<Duration>,
    /// Claude Code: end the session when its cost reaches this many USD (from its status line).
    #[arg(long, value_name = "USD")]
    pub max_cost: Option<f64>,
    /// Claude Code: end the session after this many turns (Stop hooks).
    #[arg(long, value_name = "N")]
    pub max_turns: Option<u64>,
    /// Claude Code: answer the first-start dialogs (onboarding, folder trust, the API key
    /// question, the bypass warning) by pre-seeding its config files.
    #[arg(long)]
    pub seed_config: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
    /// A command to run instead of the profile's (after `--`).
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// `warren send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// Session name or id.
    pub name: Option<String>,
    /// The text; `-` reads stdin.
    pub text: Option<String>,
    /// Session (seed 003's `-s`).
    #[arg(short = 's', long = "session", hide = true)]
    pub session: Option<String>,
    /// Session (claude-multi-session's `--name`).
    #[arg(long = "name", hide = true)]
    pub name_flag: Option<String>,
    /// Text (seed 003's `-c`).
    #[arg(short = 'c', long = "command", hide = true)]
    pub command: Option<String>,
    /// Text (claude-multi-session's `--message`).
    #[arg(long = "message", hide = true)]
    pub message: Option<String>,
    /// Headless: stop the session (resumable) after the response.
    #[arg(long)]
    pub stop: bool,
    /// Headless: answer once the message arrived, not at its result.
    #[arg(long)]
    pub no_wait: bool,
    /// Multi-line (seed 003's `-m`; multi-line text is detected anyway).
    #[arg(short = 'm', long = "multiline", hide = true)]
    pub multiline: bool,
    /// Do not press Enter.
    #[arg(long)]
    pub no_enter: bool,
    /// Wait for this regex in output that arrives after the send.
    #[arg(long, short = 'w')]
    pub wait: Option<String>,
    /// How long to wait (default 30s).
    #[arg(long, short = 'T', value_parser = duration)]
    pub timeout: Option<Duration>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `warren wait`.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Session name or id.
    pub name: Option<String>,
    /// Regex, matched per line on the current screen, then on new output.
    pub pattern: Option<String>,
    /// Session (seed 003's `-s`).
    #[arg(short = 's', long = "session", hide = true)]
    pub session: Option<String>,
    /// Pattern (seed 003's `-p`).
    #[arg(short = 'p', long = "pattern", hide = true)]
    pub pattern_flag: Option<String>,
    /// Wait for this state instead.
    #[arg(long)]
    pub state: Option<String>,
    /// How long to wait (default 30s).
    #[arg(long, short = 'T', value_parser = duration)]
    pub timeout: Option<Duration>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `warren output`.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Session name or id.
    pub name: Option<String>,
    /// Session (claude-multi-session's `--name`).
    #[arg(long = "name", hide = true)]
    pub name_flag: Option<String>,
    /// The rendered screen and this many lines of history.
    #[arg(short = 'n', long = "lines", conflicts_with_all = ["full", "since"])]
    pub lines: Option<u32>,
    /// The whole output log, ANSI stripped.
    #[arg(long)]
    pub full: bool,
    /// Bytes from this global offset.
    #[arg(long)]
    pub since: Option<u64>,
    /// Bytes as recorded (no ANSI stripping).
    #[arg(long)]
    pub raw: bool,
}
