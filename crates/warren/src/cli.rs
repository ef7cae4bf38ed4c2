//! The command line's top level, as clap sees it. The verbs (the `Cmd` enum) are listed in
//! `cmd/mod.rs` beside their dispatch; each verb's arguments sit beside its runner in
//! `cmd/<verb>.rs`, the groups several share in `cmd/args.rs`.
//! Durations: a bare number is seconds; units `ms s m h d`.

pub use crate::cmd::Cmd;
use clap::Parser;

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
