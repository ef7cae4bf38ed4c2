//! `warren`: the one binary. The CLI, `warren daemon`, and internal helpers.

mod cli;
mod cmd;
mod ctx;
mod sse;

use clap::Parser as _;
use cli::{Cli, Cmd};
use warren_proto::{ApiError, ErrorCode, exit};

fn main() {
    // Parse errors exit 64 (usage); help and version exit 0.
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    // The output helper runs once per session for its whole life: no runtime, no logging.
    if let Cmd::Pipe {
        dir,
        max_bytes,
        keep,
    } = &cli.cmd
    {
        let cfg = warren_daemon::outlog::PipeConfig {
            max_bytes: *max_bytes,
            keep: *keep,
        };
        let code = match warren_daemon::outlog::run_pipe(dir, cfg, std::io::stdin().lock()) {
            Ok(_) => exit::OK,
            Err(e) => {
                eprintln!("warren pipe: {e}");
                exit::INTERNAL
            }
        };
        std::process::exit(code);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("warren: cannot start the async runtime: {e}");
            std::process::exit(exit::INTERNAL);
        }
    };
    let code = runtime.block_on(cmd::run(cli));
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    std::process::exit(code);
}

/// Prints an error the way every command does and returns its exit code.
pub fn fail(e: &ApiError) -> i32 {
    eprintln!("warren: {e}");
    e.code().exit_code()
}

/// A usage error (exit 64).
pub fn usage(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, msg)
}
