//! `fake-claude`: a fake of the interactive Claude Code CLI (TUI, v2.1.197) for fast tests of
//! the session manager, which runs agents in tmux and reads their screens.
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
//! Replies are scripted by the prompt: `ECHO: <prompt>`; `SLEEP:N` stays busy N seconds;
//! `ASK:[cmd]` shows the Bash permission dialog (default command `touch x`); `/exit` quits.
//! Knobs: `FAKE_CLAUDE_STARTUP_MS` (default 300), `FAKE_CLAUDE_DIALOG=trust`,
//! `FAKE_CLAUDE_EXIT_CODE` (exit code of `/exit`, default 0).
//!
//! The tty is put in raw mode with `stty` (the flags libuv/Node use) and input is read by a
//! thread feeding a channel, so the main loop waits with `recv_timeout` and both animates and
//! reads keys without sleeping.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

const VERSION: &str = "2.1.197";
const SPINNER: [&str; 6] = ["·", "✢", "✳", "✶", "✻", "✽"];
const TITLE_SPINNER: [&str; 2] = ["⠂", "⠐"];
const TICK: Duration = Duration::from_millis(120);
const ESC_WAIT: Duration = Duration::from_millis(40);
const CTRL_C_WINDOW: Duration = Duration::from_secs(2);
const TOOL_RESULT: &str = "TOOL_RESULT_SEEN: (Bash completed with no output)";
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
    bypass: bool,
    prompt: Option<String>,
    exit_code: i32,
    startup: Duration,
    trust_dialog: bool,
}

fn parse_config() -> Config {
    let env = |k: &str| std::env::var(k).ok();
    let mut cfg = Config {
        model: None,
        session_id: uuid_v4(),
        bypass: false,
        prompt: None,
        exit_code: env("FAKE_CLAUDE_EXIT_CODE")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0),
        startup: Duration::from_millis(
            env("FAKE_CLAUDE_STARTUP_MS")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(300),
        ),
        trust_dialog: env("FAKE_CLAUDE_DIALOG").is_some_and(|v| v == "trust"),
    };
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
                cfg.session_id = value!().unwrap_or(cfg.session_id);
            }
            "--permission-mode" => cfg.bypass = value!().is_some_and(|m| m == "bypassPermissions"),
            "--dangerously-skip-permissions" => cfg.bypass = true,
            f if VALUE_FLAGS.split_whitespace().any(|v| v == f) => {
                value!();
            }
            _ => {}
        }
    }
    cfg
}

/// A random version-4 UUID from std's randomly keyed hasher.
fn uuid_v4() -> String {
    use std::hash::{BuildHasher, Hasher};
    let word = |salt: u64| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(salt ^ u64::from(std::process::id()));
        h.finish()
    };
    let (a, b) = (word(1), word(2));
    let a = (a & !0xf000) | 0x4000;
    let b = (b & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
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

/// Display width of a char: 2 for the common wide (CJK, emoji) ranges, else 1.
fn char_width(c: char) -> usize {
    #[rustfmt::skip]
    const WIDE: [(u32, u32); 10] = [(0x1100, 0x115f), (0x2e80, 0xa4cf), (0xac00, 0xd7a3), (0xf900, 0xfaff), (0xfe30, 0xfe4f), (0xff00, 0xff60), (0xffe0, 0xffe6), (0x1f300, 0x1f64f), (0x1f900, 0x1f9ff), (0x20000, 0x3fffd)];
    if WIDE
        .iter()
        .any(|&(lo, hi)| (lo..=hi).contains(&u32::from(c)))
    {
        2
    } else {
        1
    }
}

fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Splits a line into rows of at most `w` columns (what the terminal would do on wrap).
fn wrap(line: &str, w: usize) -> Vec<String> {
    let mut rows = vec![String::new()];
    let mut col = 0;
    for c in line.chars() {
        if col + char_width(c) > w {
            rows.push(String::new());
            col = 0;
        }
        col += char_width(c);
        if let Some(row) = rows.last_mut() {
            row.push(c);
        }
    }
    rows
}

/// `s` cut to `w` columns and centred in `w` columns.
fn center(s: &str, w: usize) -> String {
    let s: String = wrap(s, w).swap_remove(0);
    let left = (w - width(&s)) / 2;
    format!(
        "{}{s}{}",
        " ".repeat(left),
        " ".repeat(w - width(&s) - left)
    )
}

/// The Bash command an `ASK:` prompt asks permission for: the rest of its line, else `touch x`.
fn ask_command(prompt: &str) -> Option<String> {
    let (_, rest) = prompt.split_once("ASK:")?;
    let cmd = rest.lines().next().unwrap_or("").trim();
    Some(if cmd.is_empty() { "touch x" } else { cmd }.to_string())
}

/// Keeps `\n`, turns tabs into spaces and drops other control characters.
fn sanitize(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace(['\r'], "\n")
        .replace('\t', "    ")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

/// Prefixes the first line with `first` and indents the others by two spaces.
fn block(first: &str, text: &str) -> String {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{first}{l}")
            } else {
                format!("  {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A decoded key press.
#[derive(Debug, PartialEq)]
enum Key {
    Text(String),
    Enter,
    Backspace,
    ClearLine,
    CtrlC,
    Esc,
    Up,
    Down,
}

/// Turns raw tty bytes into keys; keeps incomplete sequences for the next read.
#[derive(Default)]
struct Decoder {
    pending: Vec<u8>,
    paste: Option<Vec<u8>>,
}

impl Decoder {
    /// True when a lone ESC (or a cut escape sequence) waits to be resolved by a timeout.
    fn waiting(&self) -> bool {
        self.paste.is_none() && !self.pending.is_empty()
    }

    fn decode(&mut self, input: &[u8], flush: bool) -> Vec<Key> {
        const PASTE_END: &[u8] = b"\x1b[201~";
        let mut buf = std::mem::take(&mut self.pending);
        buf.extend_from_slice(input);
        let mut keys = Vec::new();
        let mut i = 0;
        while i < buf.len() {
            let rest = &buf[i..];
            if let Some(paste) = &mut self.paste {
                match rest.windows(PASTE_END.len()).position(|w| w == PASTE_END) {
                    Some(end) => {
                        paste.extend_from_slice(&rest[..end]);
                        keys.push(Key::Text(sanitize(&String::from_utf8_lossy(paste))));
                        self.paste = None;
                        i += end + PASTE_END.len();
                    }
                    None => {
                        let keep = rest.len().min(PASTE_END.len() - 1);
                        paste.extend_from_slice(&rest[..rest.len() - keep]);
                        self.pending = rest[rest.len() - keep..].to_vec();
                        return keys;
                    }
                }
                continue;
            }
            match rest[0] {
                0x1b if rest.get(1) == Some(&b'[') => {
                    let end = rest[2..]
                        .iter()
                        .position(|b| !(0x20..=0x3f).contains(b))
                        .map(|p| p + 2);
                    match end {
                        None if !flush => break,
                        None => i = buf.len(),
                        Some(end) if (0x40..=0x7e).contains(&rest[end]) => {
                            match &rest[2..=end] {
                                b"200~" => self.paste = Some(Vec::new()),
                                b"A" => keys.push(Key::Up),
                                b"B" => keys.push(Key::Down),
                                _ => {}
                            }
                            i += end + 1;
                        }
                        Some(_) => i += 2,
                    }
                }
                0x1b if rest.len() == 1 && !flush => break,
                b @ (0x00..=0x1f | 0x7f) => {
                    keys.extend(match b {
                        0x1b => Some(Key::Esc),
                        b'\r' => Some(Key::Enter),
                        b'\n' => Some(Key::Text("\n".into())),
                        0x7f | 0x08 => Some(Key::Backspace),
                        0x15 => Some(Key::ClearLine),
                        0x03 => Some(Key::CtrlC),
                        _ => None,
                    });
                    i += 1;
                }
                _ => {
                    let run = rest
                        .iter()
                        .position(|&b| b < 0x20 || b == 0x7f)
                        .unwrap_or(rest.len());
                    let (text, used) = match std::str::from_utf8(&rest[..run]) {
                        Ok(s) => (s, run),
                        Err(e) => {
                            let ok = e.valid_up_to();
                            let text = std::str::from_utf8(&rest[..ok]).unwrap_or_default();
                            match e.error_len() {
                                Some(bad) => (text, ok + bad),
                                None if run == rest.len() && !flush => {
                                    if !text.is_empty() {
                                        keys.push(Key::Text(text.to_string()));
                                    }
                                    i += ok;
                                    break;
                                }
                                None => (text, run),
                            }
                        }
                    };
                    if !text.is_empty() {
                        keys.push(Key::Text(text.to_string()));
                    }
                    i += used;
                }
            }
        }
        self.pending = buf[i.min(buf.len())..].to_vec();
        keys
    }
}

/// What the current turn is doing.
enum Step {
    Working(Instant),
    Asking(usize),
}

/// The prompt being answered.
struct Turn {
    prompt: String,
    started: Instant,
    step: Step,
    tool_done: bool,
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
        }
    }

    fn working(&self) -> bool {
        matches!(
            self.turn,
            Some(Turn {
                step: Step::Working(_),
                ..
            })
        )
    }

    fn handle(&mut self, key: Key, now: Instant) {
        if self.trust {
            match key {
                Key::Enter => self.accept_trust(now),
                Key::Text(t) if t == "1" => self.accept_trust(now),
                Key::Text(t) if t == "2" => self.exit(1, false),
                Key::Esc => self.exit(1, false),
                _ => {}
            }
            return;
        }
        if key == Key::CtrlC {
            if self
                .ctrl_c
                .is_some_and(|t| now.duration_since(t) < CTRL_C_WINDOW)
            {
                self.exit(0, true);
            }
            self.ctrl_c = Some(now);
            return;
        }
        if let Some(Turn {
            step: Step::Asking(sel),
            ..
        }) = &mut self.turn
        {
            let choice = match key {
                Key::Up => {
                    *sel = sel.saturating_sub(1);
                    None
                }
                Key::Down => {
                    *sel = (*sel + 1).min(2);
                    None
                }
                Key::Enter => Some(*sel),
                Key::Esc => Some(2),
                Key::Text(t) => ["1", "2", "3"].iter().position(|d| *d == t),
                _ => None,
            };
            if let Some(choice) = choice {
                self.answer(choice, now);
            }
            return;
        }
        match key {
            Key::Text(t) => self.input.push_str(&t),
            Key::Backspace => {
                self.input.pop();
            }
            Key::ClearLine => self.input.clear(),
            Key::Enter => {
                let text = std::mem::take(&mut self.input);
                self.submit(text, now);
            }
            Key::Esc if self.working() => self.interrupt(),
            _ => {}
        }
    }

    fn accept_trust(&mut self, now: Instant) {
        self.trust = false;
        if let Some(prompt) = self.cfg.prompt.take() {
            self.submit(prompt, now);
        }
    }

    fn submit(&mut self, text: String, now: Instant) {
        let text = sanitize(&text);
        if text.trim().is_empty() {
            return;
        }
        if self.turn.is_some() {
            self.queue.push_back(text);
        } else {
            self.start(text, now);
        }
    }

    fn start(&mut self, prompt: String, now: Instant) {
        if matches!(prompt.trim(), "/exit" | "/quit") {
            self.input = prompt;
            self.exit(self.cfg.exit_code, true);
        }
        let busy = prompt.split("SLEEP:").nth(1).and_then(|rest| {
            let n: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            Duration::try_from_secs_f64(n.parse().ok()?).ok()
        });
        let until = now.checked_add(busy.unwrap_or(Duration::from_millis(200)));
        self.transcript.push(block("❯ ", &prompt));
        let step = Step::Working(until.unwrap_or(now + Duration::from_secs(86_400)));
        self.turn = Some(Turn {
            prompt,
            started: now,
            step,
            tool_done: false,
        });
    }

    /// Moves the turn on when its time is up, and the animation.
    fn advance(&mut self, now: Instant) {
        if self
            .ctrl_c
            .is_some_and(|t| now.duration_since(t) >= CTRL_C_WINDOW)
        {
            self.ctrl_c = None;
        }
        if now >= self.next_tick {
            self.tick += 1;
            self.next_tick = now + TICK;
        }
        let Some(turn) = &mut self.turn else { return };
        let Step::Working(until) = turn.step else {
            return;
        };
        if now < until {
            return;
        }
        match ask_command(&turn.prompt) {
            Some(cmd) if !turn.tool_done => {
                turn.tool_done = self.cfg.bypass;
                let status = if self.cfg.bypass {
                    "Done"
                } else {
                    "Waiting…"
                };
                self.transcript
                    .push(format!("● Bash({cmd})\n  ⎿  {status}"));
                if self.cfg.bypass {
                    self.finish(now);
                } else {
                    turn.step = Step::Asking(0);
                }
            }
            _ => self.finish(now),
        }
    }

    fn finish(&mut self, now: Instant) {
        let Some(turn) = self.turn.take() else { return };
        let reply = if turn.tool_done {
            TOOL_RESULT.to_string()
        } else {
            format!("ECHO: {}", turn.prompt)
        };
        self.transcript.push(block("● ", &reply));
        self.transcript.push(format!(
            "✻ Cooked for {}s",
            now.duration_since(turn.started).as_secs()
        ));
        self.next(now);
    }

    fn next(&mut self, now: Instant) {
        if let Some(prompt) = self.queue.pop_front() {
            self.start(prompt, now);
        }
    }

    /// Esc while working: the prompt (and any queued ones) go back into the input box.
    fn interrupt(&mut self) {
        let Some(turn) = self.turn.take() else { return };
        if let Some(last) = self.transcript.last_mut() {
            last.push_str("\n  ⎿  Interrupted by user");
        }
        let mut back: Vec<String> = std::iter::once(turn.prompt)
            .chain(self.queue.drain(..))
            .collect();
        if !self.input.is_empty() {
            back.push(std::mem::take(&mut self.input));
        }
        self.input = back.join("\n");
    }

    /// Permission dialog answer: 0 or 1 approve, 2 denies.
    fn answer(&mut self, choice: usize, now: Instant) {
        let verdict = if choice < 2 {
            "Done"
        } else {
            "Interrupted · What should Claude do instead?"
        };
        if let Some(last) = self.transcript.last_mut() {
            *last = last.replace("Waiting…", verdict);
        }
        match &mut self.turn {
            Some(turn) if choice < 2 => {
                turn.tool_done = true;
                turn.step = Step::Working(now + Duration::from_millis(200));
            }
            _ => {
                self.turn = None;
                self.next(now);
            }
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
                " Bash command\n\n   {cmd}\n\n Do you want to proceed?\n {} 1. Yes\n \
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

    /// Final frame, optional resume hint, tty restored, exit.
    fn exit(&mut self, code: i32, resume: bool) -> ! {
        self.turn = None;
        self.draw();
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
fn spawn_reader() -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = [0u8; 4096];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => break,
                Ok(n) if tx.send(buf[..n].to_vec()).is_err() => break,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    });
    rx
}

fn main() {
    let mut cfg = parse_config();
    cfg.prompt = cfg.prompt.map(|p| sanitize(&p));
    let (cols, rows) = term_size();
    let saved_tty = stty(&["-g"]);
    // The flags libuv (Node's setRawMode) clears/sets, like the real CLI.
    stty(&[
        "-brkint", "-icrnl", "-inpck", "-istrip", "-ixon", "-echo", "-icanon", "-iexten", "-isig",
        "cs8", "min", "1", "time", "0",
    ]);
    emit("\x1b[?2004h\x1b[?25l");
    let input = spawn_reader();
    let mut early = Vec::new();
    let ready = Instant::now() + cfg.startup;
    while let Ok(bytes) = input.recv_timeout(ready.saturating_duration_since(Instant::now())) {
        early.extend(bytes);
    }
    let now = Instant::now();
    let cwd = std::env::current_dir().map(|p| p.display().to_string());
    let mut app = App::new(cfg, (cols, rows), cwd.unwrap_or_default(), saved_tty);
    emit("\x1b[H\x1b[2J");
    app.draw();
    if !app.trust {
        app.accept_trust(now);
    }
    let mut decoder = Decoder::default();
    let mut esc_since: Option<Instant> = None;
    let mut bytes = Some(early);
    loop {
        let now = Instant::now();
        let flush = esc_since.is_some_and(|t| now.duration_since(t) >= ESC_WAIT);
        for key in decoder.decode(&bytes.take().unwrap_or_default(), flush) {
            app.handle(key, now);
        }
        esc_since = if decoder.waiting() {
            esc_since.or(Some(now))
        } else {
            None
        };
        app.advance(now);
        app.draw();

        let mut deadlines = vec![now + Duration::from_secs(3600)];
        deadlines.extend(esc_since.map(|t| t + ESC_WAIT));
        deadlines.extend(app.ctrl_c.map(|t| t + CTRL_C_WINDOW));
        if let Some(Turn {
            step: Step::Working(until),
            ..
        }) = &app.turn
        {
            deadlines.extend([*until, app.next_tick]);
        }
        let wait = deadlines
            .iter()
            .min()
            .map_or(Duration::ZERO, |d| d.saturating_duration_since(now));
        match input.recv_timeout(wait) {
            Ok(b) => bytes = Some(b),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => app.exit(0, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_keys_paste_and_garbage() {
        let mut d = Decoder::default();
        let keys = d.decode(b"hi\x7f\r\x1b[200~a\rb\x1b[201~\xff\x1b[Zx", false);
        let text = |s: &str| Key::Text(s.to_string());
        assert_eq!(
            keys,
            [
                text("hi"),
                Key::Backspace,
                Key::Enter,
                text("a\nb"),
                text("x")
            ]
        );
        assert!(d.decode(b"\x1b", false).is_empty());
        assert_eq!(d.decode(b"", true), [Key::Esc]);
        assert!(d.decode(b"\xe2\x9d", false).is_empty());
        assert_eq!(d.decode(b"\xaf", false), [text("❯")]);
    }

    #[test]
    fn garbage_never_panics() {
        let mut d = Decoder::default();
        let mut x: u32 = 12345;
        for round in 0..2000 {
            let chunk: Vec<u8> = (0..(round % 17))
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    [0x1b, b'[', b'2', b'0', b'~', 0xe2, 0x9d, (x >> 16) as u8]
                        [(x >> 8) as usize % 8]
                })
                .collect();
            let _ = d.decode(&chunk, round % 5 == 0);
        }
    }

    #[test]
    fn screens_follow_the_samples() {
        let cfg = Config {
            model: None,
            session_id: uuid_v4(),
            bypass: false,
            prompt: None,
            exit_code: 0,
            startup: Duration::ZERO,
            trust_dialog: false,
        };
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
    }

    #[test]
    fn wraps_and_centres() {
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(center("ab", 6), "  ab  ");
        assert_eq!(block("❯ ", "a\nb"), "❯ a\n  b");
    }
}
