//! `warren`: the one binary. The CLI, `warren daemon`, and internal helpers.

mod cli;
mod cmd;
mod ctx;
mod render;
mod sse;

use clap::Parser as _;
use cli::Cli;
use cmd::Cmd;
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
    // The output helpers: no runtime, no logging, nothing to start up.
    if let Cmd::Recorder { socket, pid_file } = &cli.cmd {
        let code = match warren_helpers::recorder::serve(socket, pid_file) {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("warren recorder: {e}");
                exit::UNAVAILABLE
            }
        };
        std::process::exit(code);
    }
    if let Cmd::Holder {
        dir,
        max_bytes,
        keep,
        argv,
    } = &cli.cmd
    {
        let args = warren_helpers::holder::process::HolderArgs {
            dir: dir.clone(),
            cfg: warren_helpers::outlog::PipeConfig {
                max_bytes: *max_bytes,
                keep: *keep,
            },
            argv: argv.clone(),
        };
        let code = match warren_helpers::holder::process::run(args) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("warren holder: {e}");
                exit::UNAVAILABLE
            }
        };
        std::process::exit(code);
    }
    // Claude Code's hooks and status line: as little start-up as possible, always exit 0.
    if let Cmd::Hook {
        home,
        session,
        event,
    } = &cli.cmd
    {
        if let Some(out) = warren_helpers::hook::run_hook(home, session, event) {
            println!("{out}");
        }
        std::process::exit(exit::OK);
    }
    if let Cmd::Statusline { home, session } = &cli.cmd {
        print!("{}", warren_helpers::hook::run_statusline(home, session));
        std::process::exit(exit::OK);
    }
    if let Cmd::Guard { rules } = &cli.cmd {
        // A PreToolUse hook: print the deny decision (or nothing). A broken rules file must
        // not let the tool through silently: exit 2 blocks it, with the reason on stderr.
        let mut input = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut input);
        let code = match warren_helpers::protect::guard(rules, &input) {
            Ok(Some(deny)) => {
                println!("{deny}");
                exit::OK
            }
            Ok(None) => exit::OK,
            Err(e) => {
                eprintln!("warren guard: {e}");
                2
            }
        };
        std::process::exit(code);
    }
    if let Cmd::Pipe {
        dir,
        max_bytes,
        keep,
        recorder,
    } = &cli.cmd
    {
        let cfg = warren_helpers::outlog::PipeConfig {
            max_bytes: *max_bytes,
            keep: *keep,
        };
        // Hand the pipe to the shared recorder and exit; copy it ourselves if that fails.
        if let Some(sock) = recorder {
            match warren_helpers::recorder::handoff(sock, dir, cfg) {
                Ok(()) => std::process::exit(exit::OK),
                Err(e) => eprintln!(
                    "warren pipe: the recorder did not take the output ({e}); copying it myself"
                ),
            }
        }
        let code = match warren_helpers::outlog::run_pipe(dir, cfg, std::io::stdin().lock()) {
            Ok(_) => exit::OK,
            Err(e) => {
                eprintln!("warren pipe: {e}");
                exit::INTERNAL
            }
        };
        std::process::exit(code);
    }
    quiet_on_closed_stdout();
    // The daemon serves the API, the session actors and the store at once: give it a worker
    // per core. Every other command is one request and its answer: one thread is enough.
    let daemon = matches!(&cli.cmd, Cmd::Daemon(a) if a.foreground && a.action.is_none());
    let runtime = if daemon {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    let runtime = match runtime {
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

/// `warren status | head` ends the CLI quietly, like any Unix tool, instead of a panic in
/// `println!`. SIGPIPE itself stays ignored: the CLI writes to the daemon's socket, and a
/// daemon dying mid-request must give an error (and a retry), not kill the CLI.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("failed printing to stdout") {
            // 128 + SIGPIPE, as a shell reports a process ended by a closed pipe.
            std::process::exit(141);
        }
        default(info);
    }));
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
