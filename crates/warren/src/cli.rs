//! The command line, as clap sees it: the top level and every verb. Each verb's arguments sit
//! beside its runner in `cmd/<verb>.rs`; the groups several share are in `cmd/args.rs`.
//! Durations: a bare number is seconds; units `ms s m h d`.

use crate::cmd::{
    adopt, approve, args, attach, batch, cleanup, completions, continue_task, daemon, delegate,
    deny, events, find, fork, health, keys, limits, ls, new, output, resume, send, setup, spawn,
    tail, takeover, wait,
};
use clap::{Parser, Subcommand};

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
    Daemon(daemon::DaemonArgs),
    /// Create a session in tmux.
    #[command(alias = "create")]
    New(new::NewArgs),
    /// List sessions.
    #[command(alias = "list")]
    Ls(ls::LsArgs),
    /// A session's state, its signal and its transitions (headless: cost, limits, totals).
    Status(args::NameOnly),
    /// Spawn an agent session: headless Claude Code by default, interactive with --tmux.
    Spawn(spawn::SpawnArgs),
    /// Resume a paused or stopped headless session (optionally with a message).
    Resume(resume::ResumeArgs),
    /// Hold a headless session's input; it becomes `paused` when the current turn ends.
    Pause(args::NameOnly),
    /// Fork a headless session into a new one that keeps the conversation.
    Fork(fork::ForkArgs),
    /// Stop a headless session gracefully (resumable).
    Stop(args::NameOnly),
    /// Stop gracefully and mark the task done.
    Finish(args::NameOnly),
    /// Interrupt, then kill.
    Abort(args::NameOnly),
    /// Interrupt the current turn (headless: control request; interactive: Escape).
    Interrupt(args::NameOnly),
    /// Answer "yes" to the dialog a Claude Code session waits on (`--always`: always allow).
    Approve(approve::ApproveArgs),
    /// Answer "no" to the dialog a Claude Code session waits on (`--message`: what to do instead).
    Deny(deny::DenyArgs),
    /// Continue a headless Claude session's conversation in tmux (`NAME-tui`) and attach.
    Takeover(takeover::TakeoverArgs),
    /// Quit the interactive agent of a takeover (when idle) and resume it headless.
    Handback(args::NameOnly),
    /// Remove an ended session's record and history (refused while it is live).
    Delete(args::NameOnly),
    /// Interactions with the cost of each.
    History(args::NameOnly),
    /// Change a session's limits (0 removes one).
    Limits(limits::LimitsArgs),
    /// Spawn, send a task, watch it with the safety net, and answer a structured result.
    Delegate(delegate::DelegateArgs),
    /// Send a correction to a delegated session; the same structured result.
    Continue(continue_task::ContinueArgs),
    /// Spawn several sessions in parallel from a JSON file.
    Batch(batch::BatchArgs),
    /// Send text (Enter included); `-` reads it from stdin.
    Send(send::SendArgs),
    /// Send named keys (Enter, C-c, Up, Escape…).
    Keys(keys::KeysArgs),
    /// Wait for a regex on the screen or in new output, or for a state.
    Wait(wait::WaitArgs),
    /// Output: the rendered screen (`-n`), the whole log (`--full`), or bytes from an offset.
    Output(output::OutputArgs),
    /// Print the last lines of output (headless: the conversation); `-f` follows it.
    Tail(tail::TailArgs),
    /// Stored events (lifecycle, state changes); `-f` follows live ones, output included.
    Events(events::EventsArgs),
    /// Health: exit 0 healthy, 1 dead, 2 missing, 3 zombie.
    Health(health::HealthArgs),
    /// End a session (state `killed`).
    Kill(args::NameOnly),
    /// Remove the records and logs of ended sessions.
    Cleanup(cleanup::CleanupArgs),
    /// tmux sessions warren does not manage.
    Find(find::FindArgs),
    /// Register a tmux session on warren's server.
    Adopt(adopt::AdoptArgs),
    /// Attach your terminal with tmux; detaching (C-b d) leaves it running.
    Attach(attach::AttachArgs),
    /// Print the bearer token for the TCP API.
    Token,
    /// Print shell completions.
    Completions(completions::CompletionsArgs),
    /// Set up integrations.
    Setup(setup::SetupArgs),
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
