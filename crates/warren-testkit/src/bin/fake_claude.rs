//! `fake-claude`: a fake of the interactive Claude Code CLI (TUI, v2.1.197) for fast tests of
//! the session manager, which runs agents in tmux and reads their screens and hooks.
//!
//! Seen through a tmux pane (`capture-pane -p`, `#{pane_title}`) it behaves like the real CLI as
//! recorded in `/work/shared/reference/claude-code-cli.md` §7 and the captures
//! `claude-code-samples/e1_dialog_trust.txt`, `e2_busy.txt`, `e2_idle_after_reply.txt`,
//! `e2_dialog_tool_permission.txt`, `e2_after_exit.txt` and `e5_bypass_seeded_idle.txt`:
//! header box, `❯ prompt` / `● reply` / `✻ Cooked for Ns` transcript, the input box
//! (`❯` + NO-BREAK SPACE), the footer (`? for shortcuts` when idle and empty, `esc to interrupt`
//! while busy, the bypass footer), the `✽ Moonwalking…` spinner, and the pane title
//! (`⠂ Claude Code` busy, `✳ Claude Code` idle).
//!
//! Hooks and the status line follow `claude-code-hooks.md` §1, §2, §6, §7 (module `hooks`):
//! SessionStart once the idle screen is drawn; per prompt UserPromptSubmit once the spinner
//! shows, then (for `ASK:`) PreToolUse, PermissionRequest when the dialog is drawn,
//! Notification `permission_prompt` 6 s later if it is still open, and after approval
//! PostToolUse and PostToolBatch; Stop just before the idle screen; SessionEnd on `/exit` and
//! Ctrl-C twice (`prompt_input_exit`) or SIGTERM/SIGHUP/a closed tty (`other`). An interrupt
//! (Esc while busy, "No" on the dialog) fires nothing. Hooks are synchronous: the turn waits for
//! them (the UI keeps animating and reading keys); a PreToolUse deny (or exit 2) blocks the tool
//! and `allow` skips the dialog. A configured status line runs at mount and ~300 ms after each
//! reply, and its first line replaces the footer's hints (`← for agents` stays). The transcript
//! (`<config dir>/projects/<cwd>/<id>.jsonl`) grows with each prompt and reply.
//!
//! Replies are scripted by the prompt: `ECHO: <prompt>`; `SLEEP:N` stays busy N seconds;
//! `ASK:[cmd]` shows the Bash permission dialog (default command `touch x`); `/exit` quits.
//! Knobs: `FAKE_CLAUDE_STARTUP_MS` (default 300), `FAKE_CLAUDE_DIALOG=trust`,
//! `FAKE_CLAUDE_EXIT_CODE` (exit code of `/exit`, default 0), `FAKE_CLAUDE_NOTIFY_MS` (dialog
//! open → `permission_prompt` Notification, default 6000).
//!
//! The tty is put in raw mode with `stty` (the flags libuv/Node use) and input is read by a
//! thread feeding a channel, so the main loop waits with `recv_timeout` and both animates and
//! reads keys without sleeping. Hook results, status-line output and signals (SIGTERM, SIGHUP,
//! taken by a `sigwait` thread) arrive on the same channel.

#[path = "fake_claude/hooks.rs"]
mod hooks;
#[path = "fake_claude/keys.rs"]
mod keys;
#[path = "fake_claude/session.rs"]
mod session;
#[path = "fake_claude/text.rs"]
mod text;
#[path = "fake_claude/turn.rs"]
mod turn;

use keys::Decoder;
use serde_json::json;
use session::{Extra, Session};
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};
use text::{block, center, sanitize, width, wrap};
use turn::{Step, Turn};

const VERSION: &str = "2.1.197";
const SPINNER: [&str; 6] = ["·", "✢", "✳", "✶", "✻", "✽"];
const TITLE_SPINNER: [&str; 2] = ["⠂", "⠐"];
const TICK: Duration = Duration::from_millis(120);
const ESC_WAIT: Duration = Duration::from_millis(40);
/// Flags of the real CLI that take a value (so the value is not taken for the prompt).
const VALUE_FLAGS: &str = "--add-dir --agent --agents --allowedTools --allowed-tools --disallowedTools \
    --disallowed-tools --append-system-prompt --system-prompt --mcp-config \
    --settings --setting-sources --fallback-model --output-format --input-format \
    --permission-prompt-tool --max-turns --max-budget-usd --plugin-dir --betas \
    --tools --debug-file --effort";

/// The folder-trust dialog (`e1_dialog_trust.txt`).
const TRUST_DIALOG: &str = "
{rule}
 Accessing workspace:

 {cwd}

 Quick safety check: Is this a project you created or one you trust? (Like your own code, a well-known open source
 project, or work from your team). If not, take a moment to review what's in this folder first.

 Claude Code'll be able to read, edit, and execute files here.

 Security guide

 ❯ 1. Yes, I trust this folder
   2. No, exit

 Enter to confirm · Esc to cancel";

/// Command line and environment.
struct Config {
    model: Option<String>,
    session_id: String,
    /// `--resume <id or .jsonl path>`: SessionStart's source is `resume`.
    resume: bool,
    /// `--resume /path/to/<id>.jsonl`: the transcript to append to.
    resume_file: Option<std::path::PathBuf>,
    bypass: bool,
    prompt: Option<String>,
    exit_code: i32,
    startup: Duration,
    trust_dialog: bool,
    /// The `--settings` value (a file or inline JSON).
    settings: Option<String>,
    /// `--bare` / `--safe-mode`: no hooks at all, not even those of `--settings`.
    no_hooks: bool,
    /// Dialog open → Notification `permission_prompt`.
    notify_after: Duration,
}

impl Config {
    /// The defaults, with the knobs from the environment.
    fn from_env() -> Config {
        let env = |k: &str| std::env::var(k).ok();
        let ms = |k: &str, default: u64| {
            Duration::from_millis(
                env(k)
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(default),
            )
        };
        Config {
            model: None,
            session_id: session::uuid(),
            resume: false,
            resume_file: None,
            bypass: false,
            prompt: None,
            exit_code: env("FAKE_CLAUDE_EXIT_CODE")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0),
            startup: ms("FAKE_CLAUDE_STARTUP_MS", 300),
            trust_dialog: env("FAKE_CLAUDE_DIALOG").is_some_and(|v| v == "trust"),
            settings: None,
            no_hooks: false,
            notify_after: ms("FAKE_CLAUDE_NOTIFY_MS", 6000),
        }
    }
}

fn parse_config() -> Config {
    let mut cfg = Config::from_env();
    let mut args = std::env::args().skip(1).peekable();
    let mut only_positional = false;
    while let Some(arg) = args.next() {
        if only_positional || !arg.starts_with('-') || arg == "-" {
            cfg.prompt.get_or_insert(arg);
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        macro_rules! value {
            () => {
                inline.clone().or_else(|| args.next())
            };
        }
        match flag.as_str() {
            "--" => only_positional = true,
            "--version" | "-v" => {
                println!("{VERSION} (Claude Code)");
                std::process::exit(0);
            }
            "--model" => cfg.model = value!(),
            "--session-id" => cfg.session_id = value!().unwrap_or(cfg.session_id),
            "--resume" | "-r"
                if inline.is_some() || args.peek().is_some_and(|a| !a.starts_with('-')) =>
            {
                let v = value!().unwrap_or_default();
                cfg.resume = true;
                // `--resume /abs/path/<id>.jsonl` (hooks doc §9): that file, from any cwd.
                match v.strip_suffix(".jsonl") {
                    Some(stem) => {
                        let id = stem.rsplit('/').next().unwrap_or(stem);
                        cfg.session_id = id.to_string();
                        cfg.resume_file = Some(v.into());
                    }
                    None => cfg.session_id = v,
                }
            }
            "--permission-mode" => cfg.bypass = value!().is_some_and(|m| m == "bypassPermissions"),
            "--dangerously-skip-permissions" => cfg.bypass = true,
            "--settings" => cfg.settings = value!(),
            "--bare" | "--safe-mode" => cfg.no_hooks = true,
            f if VALUE_FLAGS.split_whitespace().any(|v| v == f) => {
                value!();
            }
            _ => {}
        }
    }
    cfg
}

/// Runs `stty` on our stdin (the tty); returns its output when it succeeded.
fn stty(args: &[&str]) -> Option<String> {
    let out = Command::new("stty")
        .args(args)
        .stdin(Stdio::inherit())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Pane size (columns, rows): the tty, else `COLUMNS`/`LINES`, else 200x50.
fn term_size() -> (usize, usize) {
    let tty = stty(&["size"]).and_then(|s| {
        let (rows, cols) = s.split_once(' ')?;
        Some((cols.parse().ok()?, rows.parse().ok()?))
    });
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (cols, rows) = tty.unwrap_or_else(|| (env("COLUMNS", 200), env("LINES", 50)));
    (cols.max(20), rows.max(5))
}

/// The Bash command an `ASK:` prompt asks permission for: the rest of its line, else `touch x`.
fn ask_command(prompt: &str) -> Option<String> {
    let (_, rest) = prompt.split_once("ASK:")?;
    let cmd = rest.lines().next().unwrap_or("").trim();
    Some(if cmd.is_empty() { "touch x" } else { cmd }.to_string())
}

/// What the main loop waits for.
enum Msg {
    /// Bytes from the tty.
    Input(Vec<u8>),
    /// The tty is gone.
    Eof,
    /// The hooks of a job finished.
    Hooks(u64, Vec<hooks::Out>),
    /// A status-line run (its sequence number) printed this first line.
    Status(u64, Option<String>),
    /// SIGTERM or SIGHUP.
    Signal(i32),
}

/// Work to start once the current frame is on screen.
enum Outgoing {
    Hooks(hooks::Job),
    /// A status-line run: sequence number and stdin.
    Status(u64, Vec<u8>),
}

/// Where hooks and the status line run and what they are told; None in the screen tests.
struct Ctx {
    settings: hooks::Settings,
    session: Session,
    place: hooks::Place,
    jobs: mpsc::Sender<hooks::Job>,
    msgs: mpsc::Sender<Msg>,
}

/// The whole fake: screen state plus the conversation.
struct App {
    cfg: Config,
    cols: usize,
    rows: usize,
    cwd: String,
    trust: bool,
    transcript: Vec<String>,
    input: String,
    queue: VecDeque<String>,
    turn: Option<Turn>,
    ctrl_c: Option<Instant>,
    tick: usize,
    next_tick: Instant,
    shown: Vec<String>,
    shown_title: Option<String>,
    saved_tty: Option<String>,
    ctx: Option<Ctx>,
    outbox: Vec<Outgoing>,
    next_job: u64,
    last_prompt_id: Option<String>,
    born: Instant,
    cost: session::Cost,
    /// A status line is configured: its output replaces the footer's hints.
    status_line: bool,
    /// Its last first line (None: nothing printed yet, or an empty line).
    status: Option<String>,
    /// Sequence numbers of the last run started and the last one shown.
    status_seq: u64,
    status_shown: u64,
    /// When the status line runs next.
    status_due: Option<Instant>,
}

impl App {
    fn new(
        cfg: Config,
        (cols, rows): (usize, usize),
        cwd: String,
        saved_tty: Option<String>,
    ) -> App {
        App {
            trust: cfg.trust_dialog,
            cfg,
            cols,
            rows,
            cwd,
            transcript: Vec::new(),
            input: String::new(),
            queue: VecDeque::new(),
            turn: None,
            ctrl_c: None,
            tick: 0,
            next_tick: Instant::now() + TICK,
            shown: Vec::new(),
            shown_title: None,
            saved_tty,
            ctx: None,
            outbox: Vec::new(),
            next_job: 0,
            last_prompt_id: None,
            born: Instant::now(),
            cost: session::Cost::default(),
            status_line: false,
            status: None,
            status_seq: 0,
            status_shown: 0,
            status_due: None,
        }
    }

    fn session(&mut self) -> Option<&mut Session> {
        self.ctx.as_mut().map(|c| &mut c.session)
    }

    /// Starts what the last steps queued: hook jobs (on the runner thread, in order) and
    /// status-line runs (each on its own thread).
    fn flush(&mut self) {
        let outbox = std::mem::take(&mut self.outbox);
        let Some(ctx) = &self.ctx else { return };
        for o in outbox {
            match o {
                Outgoing::Hooks(job) => {
                    let _ = ctx.jobs.send(job);
                }
                Outgoing::Status(seq, stdin) => {
                    let Some(cmd) = ctx.settings.status_line.clone() else {
                        continue;
                    };
                    let (place, msgs) = (ctx.place.clone(), ctx.msgs.clone());
                    std::thread::spawn(move || {
                        let out = hooks::run(&[cmd], &stdin, &place);
                        let first = out
                            .first()
                            .and_then(|o| o.stdout.lines().next().map(text::plain))
                            .filter(|l| !l.trim().is_empty());
                        let _ = msgs.send(Msg::Status(seq, first));
                    });
                }
            }
        }
    }

    fn show_status(&mut self, seq: u64, line: Option<String>) {
        if seq > self.status_shown {
            self.status_shown = seq;
            self.status = line;
        }
    }

    fn title(&self) -> Option<String> {
        if self.trust {
            return None;
        }
        let glyph = if self.working() {
            TITLE_SPINNER[self.tick % 2]
        } else {
            "✳"
        };
        Some(format!("{glyph} Claude Code"))
    }

    fn header(&self) -> Vec<String> {
        let bw = self.cols.min(104);
        let title = format!(" Claude Code v{VERSION} ");
        let model = self.cfg.model.as_deref().unwrap_or("Opus 4.8 (1M context)");
        let left = ["", "Welcome back!", "", "▐▛███▜▌", "▝▜█████▛▘", "▘▘ ▝▝", ""];
        let model_line = format!("{model} · API Usage Billing");
        let left = left
            .iter()
            .copied()
            .chain([model_line.as_str(), self.cwd.as_str()]);
        let sep = "─".repeat(52);
        let right = [
            "Tips for getting started",
            "Ask Claude to create a new app or clone a repository",
            sep.as_str(),
            "What's new",
            "Check the Claude Code changelog for updates",
        ];
        let mut lines = vec![format!(
            "╭───{title}{}╮",
            "─".repeat(bw.saturating_sub(5 + width(&title)))
        )];
        for (i, l) in left.enumerate() {
            lines.push(if bw >= 104 {
                format!(
                    "│{}│ {:<52} │",
                    center(l, 47),
                    right.get(i).copied().unwrap_or("")
                )
            } else {
                format!("│{}│", center(l, bw.saturating_sub(2).max(1)))
            });
        }
        lines.push(format!("╰{}╯", "─".repeat(bw.saturating_sub(2))));
        lines
    }

    fn footer(&self) -> String {
        let bypass = "⏵⏵ bypass permissions on (shift+tab to cycle)";
        let left = match (self.ctrl_c.is_some(), self.working(), self.cfg.bypass) {
            (true, ..) => "Press Ctrl-C again to exit".to_string(),
            // A status line replaces the hints, busy or not (hooks doc §6).
            (_, _, true) if self.status_line => format!("{bypass} · ← for agents"),
            _ if self.status_line => "← for agents".to_string(),
            (_, true, true) => format!("{bypass} · esc to interrupt · ← for agents"),
            (_, true, false) => "esc to interrupt · ← for agents".to_string(),
            (_, false, true) => format!("{bypass} · ← for agents"),
            _ if self.input.is_empty() => "? for shortcuts · ← for agents".to_string(),
            _ => "← for agents".to_string(),
        };
        let right = "● high · /effort";
        let pad = self.cols.saturating_sub(4 + width(&left) + width(right));
        if pad < 2 {
            format!("  {left}")
        } else {
            format!("  {left}{}{right}", " ".repeat(pad))
        }
    }

    /// The screen as logical lines, top to bottom.
    fn lines(&self) -> Vec<String> {
        let rule = "─".repeat(self.cols);
        let mut out: Vec<String> = Vec::new();
        if self.trust {
            let text = TRUST_DIALOG
                .replace("{rule}", &rule)
                .replace("{cwd}", &self.cwd);
            out.extend(text.lines().map(str::to_string));
            return out;
        }
        out.extend(self.header());
        out.push(String::new());
        for b in &self.transcript {
            out.push(String::new());
            out.extend(b.split('\n').map(str::to_string));
        }
        if self.working() {
            out.push(String::new());
            out.push(format!(
                "{} Moonwalking…",
                SPINNER[self.tick % SPINNER.len()]
            ));
        }
        for q in &self.queue {
            out.push(String::new());
            out.extend(block("❯ ", q).split('\n').map(str::to_string));
        }
        out.push(String::new());
        out.push(rule.clone());
        if let Some(Turn {
            step: Step::Asking(sel),
            prompt,
            ..
        }) = &self.turn
        {
            let cmd = ask_command(prompt).unwrap_or_default();
            let dir = self.cwd.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
            let mark = |i: usize| if *sel == i { "❯" } else { " " };
            let text = format!(
                " Bash command\n\n   {cmd}\n   mock-requested command\n\n Do you want to proceed?\n {} 1. Yes\n \
                 {} 2. Yes, and always allow access to {dir}/ from this project\n {} 3. No\n\n \
                 Esc to cancel · Tab to amend · ctrl+e to explain",
                mark(0),
                mark(1),
                mark(2)
            );
            out.extend(text.split('\n').map(str::to_string));
        } else {
            out.extend(
                block("❯\u{a0}", &self.input)
                    .split('\n')
                    .map(str::to_string),
            );
            out.push(rule);
            if let Some(status) = self.status.as_ref().filter(|_| self.status_line) {
                out.push(format!("  {status}"));
            }
            out.push(self.footer());
        }
        out
    }

    /// Redraws the rows that changed since the last frame, and the title.
    fn draw(&mut self) {
        let mut rows: Vec<String> = self
            .lines()
            .iter()
            .flat_map(|l| wrap(l, self.cols))
            .collect();
        rows.drain(..rows.len().saturating_sub(self.rows));
        let mut out = String::new();
        let title = self.title();
        if title.is_some() && title != self.shown_title {
            let _ = write!(out, "\x1b]0;{}\x07", title.as_deref().unwrap_or(""));
            self.shown_title = title;
        }
        for (i, row) in rows.iter().enumerate() {
            if self.shown.get(i) != Some(row) {
                let clear = if width(row) < self.cols { "\x1b[K" } else { "" };
                let _ = write!(out, "\x1b[{};1H{row}{clear}", i + 1);
            }
        }
        for i in rows.len()..self.shown.len() {
            let _ = write!(out, "\x1b[{};1H\x1b[K", i + 1);
        }
        self.shown = rows;
        emit(&out);
    }

    /// Final frame, SessionEnd (waited for, up to its hooks' time limits), optional resume
    /// hint, tty restored, exit.
    fn exit(&mut self, code: i32, resume: bool, reason: &str) -> ! {
        self.turn = None;
        self.draw();
        if let Some(ctx) = &self.ctx {
            let cmds = ctx.settings.matched("SessionEnd", reason);
            if !cmds.is_empty() {
                let payload = ctx.session.payload(
                    "SessionEnd",
                    self.last_prompt_id.as_deref(),
                    Extra::Prompt,
                    json!({"reason": reason}),
                );
                hooks::run(&cmds, payload.to_string().as_bytes(), &ctx.place);
            }
        }
        let mut out = format!("\x1b[{};1H\r\n", self.shown.len().max(1));
        if resume {
            let _ = write!(
                out,
                "\r\nResume this session with:\r\nclaude --resume {}\r\n",
                self.cfg.session_id
            );
        }
        emit(&(out + "\x1b]0;\x07\x1b[?2004l\x1b[?25h"));
        if let Some(saved) = &self.saved_tty {
            stty(&[saved.as_str()]);
        }
        std::process::exit(code)
    }
}

fn emit(s: &str) {
    if !s.is_empty() {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(s.as_bytes()).and_then(|()| out.flush());
    }
}

/// Reads stdin on a thread so the main loop can wait on input with a timeout.
fn spawn_reader(tx: mpsc::Sender<Msg>) {
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = [0u8; 4096];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => break,
                Ok(n) if tx.send(Msg::Input(buf[..n].to_vec())).is_err() => return,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = tx.send(Msg::Eof);
    });
}

/// Takes SIGTERM and SIGHUP on a thread (blocked everywhere else; children get a clean mask
/// from `std::process::Command`), so the main loop can fire SessionEnd before exiting.
fn catch_signals(tx: mpsc::Sender<Msg>) {
    use nix::sys::signal::{SigSet, Signal};
    let mut set = SigSet::empty();
    set.add(Signal::SIGTERM);
    set.add(Signal::SIGHUP);
    if set.thread_block().is_err() {
        return;
    }
    std::thread::spawn(move || {
        while let Ok(sig) = set.wait() {
            if tx.send(Msg::Signal(sig as i32)).is_err() {
                return;
            }
        }
    });
}

/// The hooks' world: settings from every source, the session's identity and transcript, and
/// the runner thread. Exits like the real CLI when `--settings` is unreadable.
fn context(cfg: &Config, cwd: &str, msgs: &mpsc::Sender<Msg>) -> Ctx {
    let config_dir = session::config_dir();
    let settings = if cfg.no_hooks {
        hooks::Settings::default()
    } else {
        hooks::Settings::load(cfg.settings.as_deref(), &config_dir, cwd.as_ref()).unwrap_or_else(
            |e| {
                eprintln!("{e}");
                std::process::exit(1)
            },
        )
    };
    let transcript = cfg
        .resume_file
        .clone()
        .unwrap_or_else(|| session::transcript_path(&config_dir, cwd, &cfg.session_id));
    let session = Session::new(
        cfg.session_id.clone(),
        cwd.to_string(),
        transcript,
        cfg.bypass,
        cfg.model.clone(),
    );
    let place = hooks::Place {
        cwd: cwd.to_string(),
        env: [
            ("CLAUDECODE", "1"),
            ("CLAUDE_CODE_SESSION_ID", cfg.session_id.as_str()),
            ("CLAUDE_PROJECT_DIR", cwd),
            ("CLAUDE_CODE_ENTRYPOINT", "cli"),
            ("AI_AGENT", "claude-code_2-1-197_harness"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec(),
    };
    let done = msgs.clone();
    let jobs = hooks::spawn_runner(place.clone(), move |id, outs| {
        let _ = done.send(Msg::Hooks(id, outs));
    });
    Ctx {
        settings,
        session,
        place,
        jobs,
        msgs: msgs.clone(),
    }
}

fn main() {
    let mut cfg = parse_config();
    cfg.prompt = cfg.prompt.map(|p| sanitize(&p));
    let (tx, rx) = mpsc::channel();
    // Before any thread starts, so that every thread keeps the signals blocked.
    catch_signals(tx.clone());
    let cwd = std::env::current_dir()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let ctx = context(&cfg, &cwd, &tx);
    let (cols, rows) = term_size();
    let saved_tty = stty(&["-g"]);
    // The flags libuv (Node's setRawMode) clears/sets, like the real CLI.
    stty(&[
        "-brkint", "-icrnl", "-inpck", "-istrip", "-ixon", "-echo", "-icanon", "-iexten", "-isig",
        "cs8", "min", "1", "time", "0",
    ]);
    emit("\x1b[?2004h\x1b[?25l");
    spawn_reader(tx.clone());
    let mut pending = VecDeque::new();
    let ready = Instant::now() + cfg.startup;
    while let Ok(msg) = rx.recv_timeout(ready.saturating_duration_since(Instant::now())) {
        pending.push_back(msg);
    }
    drop(tx);
    let now = Instant::now();
    let mut app = App::new(cfg, (cols, rows), cwd, saved_tty);
    app.status_line = ctx.settings.status_line.is_some();
    app.ctx = Some(ctx);
    emit("\x1b[H\x1b[2J");
    app.draw();
    if !app.trust {
        app.accept_trust(now);
    }
    let mut decoder = Decoder::default();
    let mut esc_since: Option<Instant> = None;
    let mut msg = None;
    loop {
        let now = Instant::now();
        let mut bytes = Vec::new();
        match msg.take() {
            Some(Msg::Input(b)) => bytes = b,
            Some(Msg::Hooks(id, outs)) => app.hooks_done(id, &outs, now),
            Some(Msg::Status(seq, line)) => app.show_status(seq, line),
            Some(Msg::Signal(sig)) => app.exit(128 + sig, false, "other"),
            Some(Msg::Eof) => app.exit(0, false, "other"),
            None => {}
        }
        let flush = esc_since.is_some_and(|t| now.duration_since(t) >= ESC_WAIT);
        for key in decoder.decode(&bytes, flush) {
            app.handle(key, now);
        }
        esc_since = if decoder.waiting() {
            esc_since.or(Some(now))
        } else {
            None
        };
        app.advance(now);
        app.draw();
        // Hooks start once the screen shows what they report (the busy spinner, the dialog).
        app.flush();
        if let Some(m) = pending.pop_front() {
            msg = Some(m);
            continue;
        }

        let mut deadlines = vec![now + Duration::from_secs(3600)];
        deadlines.extend(esc_since.map(|t| t + ESC_WAIT));
        deadlines.extend(app.ctrl_c.map(|t| t + turn::CTRL_C_WINDOW));
        deadlines.extend(app.status_due);
        if app.working() {
            deadlines.push(app.next_tick);
        }
        match &app.turn {
            Some(Turn {
                step: Step::Working(until),
                ..
            }) => deadlines.push(*until),
            Some(Turn {
                step: Step::Asking(_),
                notify_at,
                ..
            }) => deadlines.extend(*notify_at),
            _ => {}
        }
        let wait = deadlines
            .iter()
            .min()
            .map_or(Duration::ZERO, |d| d.saturating_duration_since(now));
        match rx.recv_timeout(wait) {
            Ok(m) => msg = Some(m),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => app.exit(0, false, "other"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keys::Key;

    #[test]
    fn screens_follow_the_samples() {
        let mut cfg = Config::from_env();
        cfg.trust_dialog = false;
        let mut app = App::new(cfg, (120, 40), "/home/user/project-e2".into(), None);
        let screen = |app: &App| app.lines().join("\n");
        let t0 = Instant::now();
        assert!(screen(&app).contains("\n❯\u{a0}\n"));
        assert!(screen(&app).contains("  ? for shortcuts · ← for agents"));
        app.handle(Key::Text("hi SLEEP:1".into()), t0);
        assert!(!screen(&app).contains("? for shortcuts"));
        app.handle(Key::Enter, t0);
        app.advance(t0);
        assert!(screen(&app).contains("Moonwalking…\n"));
        assert!(screen(&app).contains("  esc to interrupt · ← for agents"));
        assert_eq!(app.title().as_deref(), Some("⠂ Claude Code"));
        app.advance(t0 + Duration::from_millis(1100));
        assert!(screen(&app).contains("❯ hi SLEEP:1\n\n● ECHO: hi SLEEP:1\n\n✻ Cooked for 1s\n"));
        assert_eq!(app.title().as_deref(), Some("✳ Claude Code"));
        // The footer line of e2_idle_after_reply.txt (a 120-column pane), byte for byte.
        let sample = format!(
            "  ? for shortcuts · ← for agents{}● high · /effort",
            " ".repeat(70)
        );
        assert_eq!(app.footer(), sample);
        app.handle(Key::Text("ASK:".into()), t0);
        app.handle(Key::Enter, t0);
        app.advance(t0 + Duration::from_secs(2));
        assert!(screen(&app).contains(" Do you want to proceed?\n ❯ 1. Yes\n"));
        app.handle(Key::Text("1".into()), t0);
        app.advance(t0 + Duration::from_secs(3));
        assert!(screen(&app).contains("● TOOL_RESULT_SEEN: (Bash completed with no output)"));
        // A status line takes the hints' place, busy or idle (hooks doc §6).
        app.status_line = true;
        assert!(screen(&app).contains("─\n  ← for agents "));
        app.show_status(1, Some("SL#1 cost=0".into()));
        assert!(screen(&app).contains("─\n  SL#1 cost=0\n  ← for agents "));
        app.handle(Key::Text("x SLEEP:1".into()), t0);
        app.handle(Key::Enter, t0);
        assert!(app.working() && !screen(&app).contains("esc to interrupt"));
    }

    #[test]
    fn wraps_and_centres() {
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(center("ab", 6), "  ab  ");
        assert_eq!(block("❯ ", "a\nb"), "❯ a\n  b");
    }
}
