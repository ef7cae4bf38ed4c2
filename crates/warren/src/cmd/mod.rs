//! One file per verb, its arguments beside its runner (`args`: the groups several share);
//! `run` routes every command. The modules `cli.rs` names (for their arguments) are `pub`.

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

use crate::cli::{Cli, Cmd};
use crate::ctx::Ctx;
use warren_client::api;

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
