//! `warren completions SHELL`: shell completions, generated from the command line itself.

use clap::{Args, CommandFactory as _};
use warren_proto::{ApiError, exit};

/// `warren completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

/// Runs `warren completions`.
pub fn run(a: CompletionsArgs) -> Result<i32, ApiError> {
    clap_complete::generate(
        a.shell,
        &mut crate::cli::Cli::command(),
        "warren",
        &mut std::io::stdout(),
    );
    Ok(exit::OK)
}
