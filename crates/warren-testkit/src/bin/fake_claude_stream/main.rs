//! `fake-claude-stream`: a fake of the real Claude Code CLI 2.1.197 in headless print mode
//! (`claude -p --input-format stream-json --output-format stream-json --verbose …`), for
//! warren's fast tests. No network, no model: the replies are scripted by the prompt text with
//! the rules of warren's Messages API stub (`stub-anthropic`), so a test sees the same lines
//! from this fake as from the real CLI driven by that stub.
//!
//! Reference: `/work/shared/reference/claude-code-cli.md` §5–6, `claude-code-hooks.md` §4, the
//! captures in `claude-code-samples/`, and side-by-side runs of the real 2.1.197 (against
//! `stub-anthropic`) and this fake, which settled what the samples do not show.
//!
//! # Protocol (stdin/stdout NDJSON, one object per line, flushed per line)
//! * Nothing is printed until the first stdin line (§5.3). A `{"type":"user",…}` line starts a
//!   turn: `system/init` (again before every turn; `b_stream_two_turns.jsonl`), one `assistant`
//!   line per content block, a `user` tool_result line after each tool
//!   (`d_tool_allowed.jsonl`), then `result`. `--replay-user-messages` echoes the message as a
//!   `user` line with `isReplay:true`, held back (like the real CLI) until the turn's first
//!   assistant/user/result line.
//! * User lines that arrive during a turn: at the next tool-result boundary of that turn they
//!   are folded into it (replayed after the tool_result, no turn of their own); otherwise they
//!   all become ONE next turn (one merged message, one replay, one result). Both as 2.1.197.
//! * stdin EOF: finish the running turn and the queue, then exit — rc 1 if the last result was
//!   an error (interrupt included), else 0, as the real CLI does.
//! * Control requests are answered at once, even mid-turn: `initialize`, `interrupt` (aborts
//!   the turn: `[Request interrupted by user]` + `error_during_execution` / `aborted_streaming`,
//!   `b_stream_interrupt.jsonl`; during a tool: the tool is killed, its result says the user
//!   rejected it, `… for tool use]`, `aborted_tools`), `set_permission_mode`, `set_model`; other
//!   subtypes get `control_response` `subtype:"error"`.
//! * A line that is not JSON: `Error parsing streaming input line: …` on stderr, rc 1, at once.
//! * `--max-turns N` → `error_max_turns` (`a_max_turns.json`); `--max-budget-usd X`, checked
//!   after each API call → `error_max_budget_usd` (`a_max_budget.json`), and every later turn
//!   fails the same way. Each call costs 3201 input (`TOKENS:<n>` changes it) + 9 output tokens
//!   at the model's price (opus $5/$25, sonnet $3/$15, haiku $1/$5 per Mtok; `--model` aliases
//!   as the real CLI); `total_cost_usd` and `modelUsage` add up over the process.
//! * Transcripts: `$CLAUDE_CONFIG_DIR/projects/<cwd, non-alphanumerics → '-'>/<id>.jsonl`
//!   (`$HOME/.claude/…` without the variable), entries shaped like 2.1.197's. `--resume ID`
//!   continues it (same id; a path to the `.jsonl` works too), `--fork-session` copies it
//!   under a new id, `--continue` takes the newest of the cwd, `--session-id` names a new one.
//! * Argument errors of the real CLI (rc 1): stream-json output without `--verbose`,
//!   stream-json input without stream-json output, bypass mode as root without
//!   `IS_SANDBOX=1`, `--session-id` in use or not a UUID, `--resume` of an unknown id (also a
//!   `result` line). `--version` prints `2.1.197 (Claude Code)`.
//! * `--include-partial-messages` adds `system/status` `requesting` and the `stream_event`
//!   lines (message_start … message_stop) of each call, in the real order.
//! * A Bash command still running after 3 s gets `system/task_started` and, when it ends,
//!   `system/task_notification` (as 2.1.197 prints them).
//!
//! # Script keywords (the prompt is the last user text of the conversation)
//! * default: `ECHO: <prompt>` (`a_print_stream.jsonl`).
//! * `SLEEP:<secs>`: the first API call takes that long (interruptible; EOF is not an interrupt).
//! * `RECALL`: `RECALL: <every earlier user text, resumed history and interrupt markers
//!   included, joined " | ">` (`b_stream_two_turns.jsonl`, `c_resume.jsonl`).
//! * `BASH:<command>` (rest of the line): a Bash tool_use; the command really runs (`sh -c` in
//!   the cwd, stderr merged into stdout), then `TOOL_RESULT_SEEN: <tool result>`, `num_turns` 2.
//! * `TOOL:<Name>:<json>`: a tool_use of that tool. Write with `file_path`/`content` writes the
//!   file and answers like the real tool; other tools are not run (result `ok`). A tool outside
//!   the tool set (`--tools`, `--disallowedTools`) gets the CLI's `No such tool available` error.
//! * `LOOP`: every call asks for Bash `echo loop`, 20 ms apart: only max-turns, budget,
//!   interrupt or a kill end it.
//! * `ERROR:<status>` (400–599): a `<synthetic>` assistant message with the CLI's text for that
//!   status and a result `success` + `is_error:true` + `api_error_status`
//!   (`a_api_error_400.json`).
//! * Fake only: `ASK`: Bash `touch x_perm.txt`, denied whatever the mode
//!   (`d_tool_denied_default_mode.jsonl`). `CRASH`: after init and an assistant text
//!   `working…`, `fake crash` on stderr, rc 3. `HANG`: after init, silence until killed.
//!   `GARBAGE`: before the reply, the lines `this is not json`, `{"type":"assistant","message":`
//!   and the bytes `ff fe`. Bare keywords must stand alone (`TASK` is not `ASK`).
//!
//! # Permissions and hooks
//! Bash in `default`, `plan`, `dontAsk` and `auto` mode: commands that write (`>`, `touch`,
//! `rm`, `mv`, `cp`, `mkdir`, `tee`, …) are denied with the real messages, others run;
//! `acceptEdits`, `bypassPermissions` and `--allowedTools Bash` (or `Bash(prefix:*)`) run
//! everything. Write/Edit need acceptEdits, bypass or an allow rule. Denials fill
//! `permission_denials`; `is_error` stays false. PreToolUse command hooks from
//! `<config dir>/settings.json` and `--settings` (file or inline JSON) run before every
//! matching tool, in every mode, with the real stdin JSON: exit 2 blocks with
//! `PreToolUse:<Tool> hook error: [<command>]: <stderr>`; stdout
//! `hookSpecificOutput.permissionDecision` `deny`/`ask` (or `decision:"block"`) blocks with the
//! reason; `allow` skips the permission check (hooks doc §4).
//!
//! # Environment knobs
//! `FAKE_CLAUDE_COST` (USD per API call, overrides the price), `FAKE_CLAUDE_STARTUP_MS`
//! (delay before the first output; default 0), `FAKE_CLAUDE_HANG_ON_EOF=1` (never exit on
//! stdin EOF), and the CLI's own `CLAUDE_CONFIG_DIR`, `HOME`, `IS_SANDBOX`,
//! `ANTHROPIC_API_KEY` (init `apiKeySource`), `ANTHROPIC_BASE_URL` (named in 5xx errors).

mod catalog;
mod cli;
mod json;
mod script;
mod session;
mod tools;
mod transcript;

use json::Out;
use session::{Ev, Session, Start};
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

fn fail(msg: &str) -> ! {
    eprintln!("{msg}");
    std::process::exit(1);
}

/// The newest transcript of a project folder (`--continue`).
fn newest_transcript(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
}

/// Works out the session id, transcript and history from `--resume`/`--continue`/
/// `--fork-session`/`--session-id`, failing like the real CLI.
fn start(cfg: &cli::Config, cwd: &str) -> Start {
    let project = transcript::project_dir(cwd);
    let config_dir = transcript::config_dir();
    let hooks =
        tools::load_hooks(cfg.settings.as_deref(), &config_dir).unwrap_or_else(|e| fail(&e));
    let resumed = if let Some(r) = &cfg.resume {
        let path = if r.ends_with(".jsonl") {
            PathBuf::from(r)
        } else {
            project.join(format!("{r}.jsonl"))
        };
        if !path.is_file() {
            session::resume_failed(&mut Out::new(cfg.output), r);
        }
        Some(path)
    } else if cfg.continue_last {
        newest_transcript(&project)
    } else {
        None
    };
    let history = match &resumed {
        Some(p) => transcript::load(p).unwrap_or_else(|e| fail(&format!("Error: {e}"))),
        None => Vec::new(),
    };
    let (session_id, transcript_path) = match resumed {
        Some(path) if !cfg.fork => {
            let id = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            (id, path)
        }
        _ => {
            let id = cfg.session_id.clone().unwrap_or_else(json::uuid);
            let path = project.join(format!("{id}.jsonl"));
            if cfg.session_id.is_some() && path.exists() {
                fail(&format!("Error: Session ID {id} is already in use."));
            }
            (id, path)
        }
    };
    Start {
        session_id,
        cwd: cwd.to_string(),
        transcript_path,
        fork: cfg.fork && !history.is_empty(),
        history,
        hooks,
    }
}

/// Reads stdin lines on a thread so the main loop can wait on a channel.
fn spawn_reader(tx: mpsc::Sender<Ev>) {
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match stdin.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(Ev::Eof);
                    return;
                }
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf);
                    let line = line.trim_end_matches(['\n', '\r']).to_string();
                    if tx.send(Ev::Line(line)).is_err() {
                        return;
                    }
                }
            }
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cfg = cli::parse(&args).unwrap_or_else(|e| fail(&e));
    if cfg.version {
        println!("{} (Claude Code)", catalog::VERSION);
        return;
    }
    if !cfg.print {
        fail("fake-claude-stream fakes print mode only (-p); the TUI fake is fake-claude");
    }
    let cwd = std::env::current_dir()
        .unwrap_or_else(|e| fail(&format!("Error: no working directory: {e}")))
        .display()
        .to_string();

    let startup = std::env::var("FAKE_CLAUDE_STARTUP_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if startup > 0 {
        // Simulates the real CLI's start-up time (0.7–1.2 s); nothing else to wait for yet.
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(Duration::from_millis(startup));
    }

    let start = start(&cfg, &cwd);
    let (tx, rx) = mpsc::channel();
    let text_input = !cfg.input_stream;
    let prompt = cfg.prompt.clone();
    let mut session = Session::new(cfg, start, rx, tx.clone());
    if text_input {
        // `-p "prompt"` or the prompt piped in: one turn, then exit.
        let prompt = prompt.unwrap_or_else(|| {
            let mut s = String::new();
            let _ = std::io::stdin().read_to_string(&mut s);
            s
        });
        if prompt.trim().is_empty() {
            fail(
                "Error: Input must be provided either through stdin or as a prompt argument \
                 when using --print",
            );
        }
        session.push_prompt(prompt);
    } else {
        spawn_reader(tx);
    }
    session.run()
}
