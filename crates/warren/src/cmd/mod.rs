//! One file per verb, or per group of verbs; `run` routes every command. The headless verbs
//! have their arguments beside their runner (`args`: the groups several share); their
//! modules are `pub` for `cli.rs`.

pub mod approve;
pub mod args;
pub mod batch;
pub mod continue_task;
mod conversation;
mod daemon;
pub mod delegate;
mod delete;
mod demo;
pub mod deny;
mod events;
mod find;
pub mod fork;
mod health;
mod history;
mod kill;
mod lifecycle;
pub mod limits;
mod mcp;
mod new;
mod output;
pub mod resume;
mod send;
mod setup;
mod setup_mcp;
mod show;
pub mod spawn;
pub mod takeover;
mod turn;
mod wait;

use crate::cli::{Cli, Cmd};
use crate::ctx::Ctx;
use warren_client::api;

/// Runs a command and returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let ctx = Ctx::new();
    let result = match cli.cmd {
        Cmd::Daemon(a) => daemon::run(&ctx, a, cli.verbose).await,
        Cmd::New(a) => new::run(&ctx, a).await,
        Cmd::Ls { status, json } => show::ls(&ctx, status, json).await,
        Cmd::Status(a) => match a.named.get() {
            Ok(name) => show::status(&ctx, &name, a.json).await,
            Err(e) => Err(e),
        },
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
        Cmd::Send(a) => send::send(&ctx, a).await,
        Cmd::Keys { name, keys, json } => send::keys(&ctx, &name, keys, json).await,
        Cmd::Wait(a) => wait::run(&ctx, a).await,
        Cmd::Output(a) => output::output(&ctx, a).await,
        Cmd::Tail {
            name,
            follow,
            lines,
        } => output::tail(&ctx, &name, follow, lines).await,
        Cmd::Events {
            since,
            follow,
            session,
            types,
        } => events::run(&ctx, since, follow, session, types).await,
        Cmd::Health {
            name,
            session,
            format,
            json,
        } => {
            health::run(
                &ctx,
                name.or(session),
                json || format == crate::cli::Format::Json,
            )
            .await
        }
        Cmd::Kill(a) => match a.named.get() {
            Ok(name) => kill::kill(&ctx, &name, a.json).await,
            Err(e) => Err(e),
        },
        Cmd::Cleanup {
            dry_run,
            older_than,
            days,
            all,
            yes,
            json,
        } => {
            let older_than = older_than.or(days.map(|d| std::time::Duration::from_secs(d * 86400)));
            kill::cleanup(&ctx, dry_run, older_than, all, yes, json).await
        }
        Cmd::Find { all, json } => find::find(&ctx, all, json).await,
        Cmd::Adopt {
            tmux_name,
            as_name,
            profile,
            json,
        } => find::adopt(&ctx, tmux_name, as_name, profile, json).await,
        Cmd::Attach { name } => find::attach(&ctx, &name).await,
        Cmd::Token => setup::token(&ctx).await,
        Cmd::Completions { shell } => setup::completions(shell),
        Cmd::Setup {
            instar,
            global,
            local,
            project,
            guide,
            uninstall,
        } => {
            let scope = match (global, local, project) {
                (true, _, _) => Some(setup_mcp::Scope::Global),
                (_, true, _) => Some(setup_mcp::Scope::Local),
                (_, _, true) => Some(setup_mcp::Scope::Project),
                _ => None,
            };
            match scope {
                Some(s) => setup_mcp::run(s, guide, uninstall),
                None => setup::setup(&ctx, instar).await,
            }
        }
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
