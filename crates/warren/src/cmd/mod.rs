//! One file per verb, its arguments beside its runner (`args`: the groups several share);
//! `Cmd` lists every verb and `run` routes each, so a new verb is its file plus three lines
//! here.

pub mod adopt;
pub mod approve;
pub mod args;
pub mod attach;
pub mod batch;
pub mod cleanup;
pub mod completions;
pub mod continue_task;
mod conversation;
pub mod daemon;
pub mod delegate;
pub mod delete;
mod demo;
pub mod deny;
pub mod events;
pub mod find;
pub mod fork;
pub mod health;
mod history;
pub mod keys;
pub mod kill;
mod lifecycle;
pub mod limits;
pub mod ls;
mod mcp;
pub mod new;
pub mod output;
pub mod profiles;
pub mod resume;
pub mod send;
pub mod setup;
mod setup_mcp;
pub mod spawn;
mod status;
pub mod tail;
pub mod takeover;
mod token;
mod turn;
pub mod wait;

use crate::cli::Cli;
use crate::ctx::Ctx;
use clap::Subcommand;
use warren_client::api;

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
    /// The agent profiles: what starts each and what drives its status.
    Profiles(profiles::ProfilesArgs),
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

/// Runs a command and returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let ctx = Ctx::new();
    let result = match cli.cmd {
        Cmd::Daemon(a) => daemon::run(&ctx, a, cli.verbose).await,
        Cmd::New(a) => new::run(&ctx, a).await,
        Cmd::Ls(a) => ls::run(&ctx, a).await,
        Cmd::Status(a) => status::run(&ctx, a).await,
        Cmd::Spawn(a) => spawn::run(&ctx, a).await,
        Cmd::Resume(a) => resume::run(&ctx, a).await,
        Cmd::Fork(a) => fork::run(&ctx, a).await,
        Cmd::Delegate(a) => delegate::run(&ctx, a).await,
        Cmd::Continue(a) => continue_task::run(&ctx, a).await,
        Cmd::Batch(a) => batch::run(&ctx, a).await,
        Cmd::Pause(a) => lifecycle::act(&ctx, api::pause, a).await,
        Cmd::Stop(a) => lifecycle::act(&ctx, api::stop, a).await,
        Cmd::Finish(a) => lifecycle::act(&ctx, api::finish, a).await,
        Cmd::Abort(a) => lifecycle::act(&ctx, api::abort, a).await,
        Cmd::Interrupt(a) => lifecycle::act(&ctx, api::interrupt, a).await,
        Cmd::Approve(a) => approve::run(&ctx, a).await,
        Cmd::Takeover(a) => takeover::run(&ctx, a).await,
        Cmd::Handback(a) => lifecycle::act(&ctx, api::handback, a).await,
        Cmd::Deny(a) => deny::run(&ctx, a).await,
        Cmd::Delete(a) => delete::run(&ctx, a).await,
        Cmd::History(a) => history::run(&ctx, a).await,
        Cmd::Limits(a) => limits::run(&ctx, a).await,
        Cmd::Send(a) => send::run(&ctx, a).await,
        Cmd::Keys(a) => keys::run(&ctx, a).await,
        Cmd::Wait(a) => wait::run(&ctx, a).await,
        Cmd::Output(a) => output::run(&ctx, a).await,
        Cmd::Tail(a) => tail::run(&ctx, a).await,
        Cmd::Events(a) => events::run(&ctx, a).await,
        Cmd::Health(a) => health::run(&ctx, a).await,
        Cmd::Kill(a) => kill::run(&ctx, a).await,
        Cmd::Cleanup(a) => cleanup::run(&ctx, a).await,
        Cmd::Find(a) => find::run(&ctx, a).await,
        Cmd::Profiles(a) => profiles::run(&ctx, a).await,
        Cmd::Adopt(a) => adopt::run(&ctx, a).await,
        Cmd::Attach(a) => attach::run(&ctx, a).await,
        Cmd::Token => token::run(&ctx).await,
        Cmd::Completions(a) => completions::run(a),
        Cmd::Setup(a) => setup::run(&ctx, a).await,
        Cmd::Demo => demo::run(&ctx).await,
        Cmd::Mcp => mcp::run(&ctx).await,
        Cmd::Pipe { .. }
        | Cmd::Recorder { .. }
        | Cmd::Holder { .. }
        | Cmd::Guard { .. }
        | Cmd::Hook { .. }
        | Cmd::Statusline { .. } => Ok(0),
    };
    match result {
        Ok(code) => code,
        Err(e) => crate::fail(&e),
    }
}
