//! What Claude Code's TUI screen says: pure functions over the text of `tmux capture-pane -p`
//! (lines joined with `'\n'`) and over the pane title.
//!
//! Facts from the recorded captures of Claude Code 2.1.197:
//!
//! * The input box is a horizontal rule (`────…`), a line starting with `❯` followed by a
//!   NO-BREAK SPACE (U+00A0) and the text, maybe continuation lines, and a second rule. The
//!   footer (`? for shortcuts …`, `esc to interrupt …`) follows it.
//! * A dialog (tool permission, folder trust, API key, bypass warning) *replaces* the input
//!   box: a rule, the dialog's text, numbered choices such as ` ❯ 1. Yes` / `   2. No` (the
//!   cursor `❯` marks the selected one), then a footer like `Esc to cancel · …`.
//! * The conversation above may contain anything, including the user's own prompts echoed as
//!   `❯ text` and numbered lists, so a dialog is only recognised when no input box is below it.
//!
//! NBSP is normalised to a plain space before any matching.

use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// The bound of [`Dialog::text`], in characters.
const TEXT_LIMIT: usize = 4000;
/// The bound of [`Dialog::subject`], in characters.
const SUBJECT_LIMIT: usize = 1000;

/// Which dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DialogKind {
    /// A tool permission question, "Do you want to proceed?" (also the dialog a PreToolUse hook
    /// that answers "ask" brings up, and the "Do you want to make this edit to …?" kind).
    Permission,
    /// Folder trust at start-up: "Accessing workspace: …", "1. Yes, I trust this folder".
    Trust,
    /// The custom API key question at start-up: "Do you want to use this API key?" (the default
    /// answer is No).
    ApiKey,
    /// The bypass-permissions warning at start-up: "1. No, exit" / "2. Yes, I accept".
    Bypass,
    /// "Press Ctrl-C again to exit" in the footer after one Ctrl-C.
    ExitConfirm,
}

/// A dialog on the screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Dialog {
    /// Which dialog.
    pub kind: DialogKind,
    /// The question, e.g. "Do you want to proceed?", "Do you want to use this API key?",
    /// "Accessing workspace: /x" (one line, trimmed).
    pub question: String,
    /// What it is about, e.g. for a permission dialog "Bash command: touch tui_file.txt
    /// (mock-requested command)", built from the lines between the tool header and the
    /// question (a hook's reason follows after " — "); the key line for the API key dialog;
    /// the folder for the trust dialog; empty when nothing. Bounded to 1000 chars.
    pub subject: String,
    /// The numbered choices in order, text only without number and cursor, e.g. `["Yes",
    /// "Yes, and always allow access to work-e2/ from this project", "No"]`. Empty for
    /// [`DialogKind::ExitConfirm`].
    pub choices: Vec<String>,
    /// Index (0-based) of the choice the cursor `❯` is on.
    pub selected: Option<usize>,
    /// The dialog's whole text: its non-blank lines trimmed, joined by '\n' (what a person
    /// would read), bounded to 4000 chars.
    pub text: String,
}

/// The pane title's class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TitleClass {
    /// A braille spinner char (U+2800..=U+28FF) leads the title: a turn is running.
    Busy,
    /// `✳` leads the title: idle (also while a permission dialog waits).
    Idle,
}

/// The screen's lines with NBSP made a plain space and trailing whitespace removed.
fn normalise(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(|l| l.replace('\u{a0}', " ").trim_end().to_string())
        .collect()
}

/// A full-width horizontal rule: only `─`, at least three of them.
fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() >= 3 && t.chars().all(|c| c == '─')
}

/// The first line of an input box: `❯` in column 0, then nothing or a space.
fn prompt_rest(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('❯')?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix(' ')
    }
}

/// The bottom-most input box: (index of its top rule, index of its bottom rule).
fn input_box(lines: &[String]) -> Option<(usize, usize)> {
    let rules: Vec<usize> = (0..lines.len()).filter(|&i| is_rule(&lines[i])).collect();
    rules
        .windows(2)
        .rev()
        .find(|w| w[1] > w[0] + 1 && prompt_rest(&lines[w[0] + 1]).is_some())
        .map(|w| (w[0], w[1]))
}

/// One numbered choice line.
struct ChoiceLine {
    /// Its number as shown.
    number: usize,
    /// Whether the cursor `❯` is on it.
    cursor: bool,
    /// The char column of its number.
    column: usize,
    /// The text after the number.
    text: String,
}

static CHOICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*)(❯\s*)?(\d{1,2})\.\s+(\S.*)$").expect("a valid regex"));

fn parse_choice(line: &str) -> Option<ChoiceLine> {
    let c = CHOICE.captures(line)?;
    let lead = c.get(1).map_or(0, |m| m.as_str().chars().count());
    let cursor = c.get(2);
    let cursor_width = cursor.map_or(0, |m| m.as_str().chars().count());
    Some(ChoiceLine {
        number: c[3].parse().ok()?,
        cursor: cursor.is_some(),
        column: lead + cursor_width,
        text: c[4].trim().to_string(),
    })
}

/// Leading whitespace in chars.
fn indent(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count()
}

/// The block of numbered choices nearest the bottom: (first line, last line, choices,
/// selected). `None` unless it runs 1, 2, … and the cursor is on one of them.
fn choice_block(lines: &[String]) -> Option<(usize, usize, Vec<String>, usize)> {
    let last = (0..lines.len())
        .rev()
        .find(|&i| parse_choice(&lines[i]).is_some())?;
    let column = parse_choice(&lines[last])?.column;
    // A wrapped choice continues on lines indented past its number.
    let continues = |l: &str| !l.trim().is_empty() && indent(l) > column && !is_rule(l);
    // Walk up to choice 1 over choices and their continuation lines.
    let mut start = last;
    loop {
        if parse_choice(&lines[start]).is_some_and(|c| c.number == 1) {
            break;
        }
        if start == 0 {
            return None;
        }
        let up = &lines[start - 1];
        if parse_choice(up).is_none() && !continues(up) {
            return None;
        }
        start -= 1;
    }
    let mut end = last;
    while end + 1 < lines.len()
        && parse_choice(&lines[end + 1]).is_none()
        && continues(&lines[end + 1])
    {
        end += 1;
    }
    let mut choices: Vec<String> = Vec::new();
    let mut selected = None;
    for line in &lines[start..=end] {
        match parse_choice(line) {
            Some(c) => {
                if c.number != choices.len() + 1 {
                    return None;
                }
                if c.cursor && selected.is_none() {
                    selected = Some(choices.len());
                }
                choices.push(c.text);
            }
            None => {
                if let Some(prev) = choices.last_mut() {
                    prev.push(' ');
                    prev.push_str(line.trim());
                }
            }
        }
    }
    Some((start, end, choices, selected?))
}

/// Cuts `s` to `limit` chars, marking the cut with `…`.
fn bound(mut s: String, limit: usize) -> String {
    if let Some((i, _)) = s.char_indices().nth(limit) {
        let keep = s[..i].char_indices().nth(limit - 1).map_or(i, |(j, _)| j);
        s.truncate(keep);
        s.push('…');
    }
    s
}

/// A numbered-choice dialog at the bottom of the screen.
fn choice_dialog(lines: &[String]) -> Option<Dialog> {
    let (start, end, choices, selected) = choice_block(lines)?;
    // The dialog replaces the input box: one below the choices means they belong to the
    // conversation.
    if input_box(lines).is_some_and(|(top, _)| top > start) {
        return None;
    }
    // It starts below the nearest rule above its choices.
    let top = (0..start)
        .rev()
        .find(|&i| is_rule(&lines[i]))
        .map_or(0, |i| i + 1);
    // It ends at its footer: stop at two blank lines in a row or a rule.
    let mut bottom = end;
    let mut i = end + 1;
    while i < lines.len() && !is_rule(&lines[i]) {
        if !lines[i].trim().is_empty() {
            bottom = i;
        } else if i + 1 < lines.len() && lines[i + 1].trim().is_empty() {
            break;
        }
        i += 1;
    }
    // The lines above the choices, as paragraphs of trimmed lines.
    let mut paragraphs: Vec<Vec<String>> = Vec::new();
    let mut fresh = true;
    for line in &lines[top..start] {
        let t = line.trim();
        if t.is_empty() {
            fresh = true;
        } else if fresh {
            paragraphs.push(vec![t.to_string()]);
            fresh = false;
        } else if let Some(p) = paragraphs.last_mut() {
            p.push(t.to_string());
        }
    }
    let header = paragraphs.first()?.first()?.clone();
    let text = bound(
        lines[top..=bottom]
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        TEXT_LIMIT,
    );
    // The question: the last "Do you want …" line, with the rest of its paragraph (a long
    // question wraps); what lies between the header and it.
    let question_at = paragraphs.iter().enumerate().rev().find_map(|(p, para)| {
        para.iter()
            .rposition(|l| l.starts_with("Do you want"))
            .map(|l| (p, l))
    });
    let (question, body) = match question_at {
        Some((p, l)) => {
            let question = paragraphs[p][l..].join(" ");
            let mut body: Vec<Vec<String>> = Vec::new();
            for (k, para) in paragraphs[..=p].iter().enumerate() {
                let from = usize::from(k == 0);
                let to = if k == p { l } else { para.len() };
                if from < to {
                    body.push(para[from..to].to_vec());
                }
            }
            (Some(question), body)
        }
        None => (None, Vec::new()),
    };
    let (kind, question, subject) = if let Some(rest) = header.strip_prefix("Accessing workspace:")
    {
        let folder = match rest.trim() {
            "" => paragraphs
                .iter()
                .flatten()
                .nth(1)
                .cloned()
                .unwrap_or_default(),
            f => f.to_string(),
        };
        (
            DialogKind::Trust,
            format!("Accessing workspace: {folder}"),
            folder,
        )
    } else if header.contains("Detected a custom API key")
        || question.as_deref() == Some("Do you want to use this API key?")
    {
        let subject = body.iter().flatten().cloned().collect::<Vec<_>>().join(" ");
        let question = question.unwrap_or_else(|| "Do you want to use this API key?".into());
        (DialogKind::ApiKey, question, subject)
    } else if header.starts_with("WARNING:") && header.contains("Bypass Permissions") {
        (DialogKind::Bypass, header, String::new())
    } else if let Some(question) = question {
        let mut subject = header;
        let mut rest = body.iter();
        if let Some(first) = rest.next() {
            subject.push_str(": ");
            subject.push_str(&first[0]);
            if first.len() > 1 {
                subject.push_str(&format!(" ({})", first[1..].join(" ")));
            }
        }
        for para in rest {
            subject.push_str(" — ");
            subject.push_str(&para.join(" "));
        }
        (DialogKind::Permission, question, subject)
    } else {
        return None;
    };
    Some(Dialog {
        kind,
        question,
        subject: bound(subject, SUBJECT_LIMIT),
        choices,
        selected: Some(selected),
        text,
    })
}

static EXIT_CONFIRM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"Press Ctrl-[A-Za-z] again to exit").expect("a valid regex"));

/// The dialog on the screen, if any.
///
/// Numbered-choice dialogs (permission, trust, API key, bypass) are recognised only at the
/// bottom of the screen, where they replace the input box: choices with an input box below
/// them are part of the conversation and give `None`, and so does a question without
/// choices. [`DialogKind::ExitConfirm`] is recognised in the footer below the input box.
pub(crate) fn dialog(screen: &str) -> Option<Dialog> {
    let lines = normalise(screen);
    if let Some(d) = choice_dialog(&lines) {
        return Some(d);
    }
    let (_, bottom) = input_box(&lines)?;
    lines[bottom + 1..]
        .iter()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .find_map(|l| {
            let m = EXIT_CONFIRM.find(l)?;
            Some(Dialog {
                kind: DialogKind::ExitConfirm,
                question: m.as_str().to_string(),
                subject: String::new(),
                choices: Vec::new(),
                selected: None,
                text: bound(l.trim().to_string(), TEXT_LIMIT),
            })
        })
}

/// The text in Claude's input box (the line(s) starting with `❯` + NBSP between the two
/// horizontal rules `────` at the bottom), trimmed; `Some("")` when the box is empty; `None`
/// when no input box is on the screen (e.g. during a dialog or at start-up). Multi-line input
/// shows continuation lines inside the box: they are joined with '\n' (their two-space
/// indent removed).
pub(crate) fn input_text(screen: &str) -> Option<String> {
    let lines = normalise(screen);
    let (top, bottom) = input_box(&lines)?;
    // A rule pair in the conversation above a live dialog is not the input box.
    if choice_dialog(&lines).is_some() {
        return None;
    }
    let mut parts = vec![prompt_rest(&lines[top + 1])?.to_string()];
    for line in &lines[top + 2..bottom] {
        let l = line.strip_prefix("  ").unwrap_or(line.trim_start());
        parts.push(l.to_string());
    }
    Some(parts.join("\n").trim().to_string())
}

/// The pane title's class: a first char in U+2800..=U+28FF (braille spinner) is
/// [`TitleClass::Busy`]; a first char `✳` is [`TitleClass::Idle`]; anything else (e.g. the
/// host name during start-up dialogs, or an empty title) `None`.
pub(crate) fn title_class(title: &str) -> Option<TitleClass> {
    match title.chars().next()? {
        '\u{2800}'..='\u{28FF}' => Some(TitleClass::Busy),
        '✳' => Some(TitleClass::Idle),
        _ => None,
    }
}

// Recorded and tested against the captures; the status engine does not use it (the Stop hook
// and the title say the same sooner), so it is built only for the tests.
#[cfg(test)]
static TURN_DONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[·*✢✳✶✻✽] \p{L}+ed for \d+(?:\.\d+)?(?:ms|[smhd])\b").expect("a valid regex")
});

/// Whether a turn-finished line like "✻ Cooked for 4s" / "✻ Brewed for 0s" is on the screen:
/// in column 0 a spinner glyph (`· * ✢ ✳ ✶ ✻ ✽`), a space, a word ending in "ed", " for ",
/// and a duration.
#[cfg(test)]
pub(crate) fn turn_done_line(screen: &str) -> bool {
    normalise(screen).iter().any(|l| TURN_DONE.is_match(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recorded capture without its `pane_title:` line.
    fn sample(path: &str) -> String {
        let p = format!(
            "{}/../../../shared/reference/{path}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
        text.lines()
            .filter(|l| !l.starts_with("pane_title:"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn cc(name: &str) -> String {
        sample(&format!("claude-code-samples/{name}"))
    }

    fn hooks(name: &str) -> String {
        sample(&format!("claude-hooks-samples/{name}"))
    }

    const RULE: &str = "────────────────────────────────────────────────────────────";

    #[test]
    fn permission_dialog_from_the_capture() {
        let d = dialog(&cc("e2_dialog_tool_permission.txt")).expect("a dialog");
        assert_eq!(d.kind, DialogKind::Permission);
        assert_eq!(d.question, "Do you want to proceed?");
        assert_eq!(
            d.subject,
            "Bash command: touch tui_file.txt (mock-requested command)"
        );
        assert_eq!(
            d.choices,
            [
                "Yes",
                "Yes, and always allow access to work-e2/ from this project",
                "No"
            ]
        );
        assert_eq!(d.selected, Some(0));
        assert_eq!(
            d.text,
            "Bash command\ntouch tui_file.txt\nmock-requested command\nDo you want to proceed?\n\
             ❯ 1. Yes\n2. Yes, and always allow access to work-e2/ from this project\n3. No\n\
             Esc to cancel · Tab to amend · ctrl+e to explain"
        );
    }

    #[test]
    fn permission_dialog_from_the_hooks_capture() {
        let d = dialog(&hooks("tui_dialog_screen.txt")).expect("a dialog");
        assert_eq!(d.kind, DialogKind::Permission);
        assert_eq!(d.question, "Do you want to proceed?");
        assert_eq!(
            d.subject,
            "Bash command: touch x_perm.txt (mock-requested command)"
        );
        assert_eq!(
            d.choices,
            [
                "Yes",
                "Yes, and always allow access to cwd/ from this project",
                "No"
            ]
        );
        assert_eq!(d.selected, Some(0));
        // The dialog ends at its footer: the line printed far below is not part of it.
        assert!(
            d.text
                .ends_with("Esc to cancel · Tab to amend · ctrl+e to explain")
        );
        assert!(!d.text.contains("__TITLE__"));
    }

    #[test]
    fn pretooluse_ask_dialog_is_a_permission_with_the_hook_reason() {
        let d = dialog(&hooks("pretooluse_ask_dialog_bypass.txt")).expect("a dialog");
        assert_eq!(d.kind, DialogKind::Permission);
        assert_eq!(d.question, "Do you want to proceed?");
        assert_eq!(
            d.subject,
            "Bash command: touch made_by_tool.txt (mock-requested command) — Hook \
             PreToolUse:Bash requires confirmation for this command: HOOK-JSON-ASK: \
             permissionDecision from hook.py [settings] settings.json to update hooks"
        );
        assert_eq!(d.choices, ["Yes", "No"]);
        assert_eq!(d.selected, Some(0));
    }

    #[test]
    fn trust_dialog_from_the_capture() {
        let d = dialog(&cc("e1_dialog_trust.txt")).expect("a dialog");
        assert_eq!(d.kind, DialogKind::Trust);
        assert_eq!(d.question, "Accessing workspace: /home/user/project-e1");
        assert_eq!(d.subject, "/home/user/project-e1");
        assert_eq!(d.choices, ["Yes, I trust this folder", "No, exit"]);
        assert_eq!(d.selected, Some(0));
        assert!(
            d.text
                .starts_with("Accessing workspace:\n/home/user/project-e1\n")
        );
        assert!(d.text.ends_with("Enter to confirm · Esc to cancel"));
    }

    #[test]
    fn api_key_dialog_from_the_capture_defaults_to_no() {
        let d = dialog(&cc("e1_dialog_api_key.txt")).expect("a dialog");
        assert_eq!(d.kind, DialogKind::ApiKey);
        assert_eq!(d.question, "Do you want to use this API key?");
        assert_eq!(
            d.subject,
            "ANTHROPIC_API_KEY: sk-ant-...00000000000000000000"
        );
        assert_eq!(d.choices, ["Yes", "No (recommended)"]);
        assert_eq!(d.selected, Some(1));
    }

    #[test]
    fn bypass_dialog_from_the_capture() {
        let d = dialog(&cc("e4_dialog_bypass_permissions.txt")).expect("a dialog");
        assert_eq!(d.kind, DialogKind::Bypass);
        assert_eq!(
            d.question,
            "WARNING: Claude Code running in Bypass Permissions mode"
        );
        assert_eq!(d.subject, "");
        assert_eq!(d.choices, ["No, exit", "Yes, I accept"]);
        assert_eq!(d.selected, Some(0));
        assert!(d.text.contains("https://code.claude.com/docs/en/security"));
    }

    #[test]
    fn exit_confirm_in_the_footer() {
        let idle = cc("e2_idle_after_reply.txt");
        let screen = idle.replace("? for shortcuts", "Press Ctrl-C again to exit");
        let d = dialog(&screen).expect("a dialog");
        assert_eq!(d.kind, DialogKind::ExitConfirm);
        assert_eq!(d.question, "Press Ctrl-C again to exit");
        assert!(d.choices.is_empty());
        assert_eq!(d.selected, None);
        // The same words in the conversation are not the footer.
        let said = idle.replace("● ECHO: hello tui", "Press Ctrl-C again to exit");
        assert_eq!(dialog(&said), None);
    }

    #[test]
    fn screens_without_a_dialog() {
        for s in [
            cc("e2_busy.txt"),
            cc("e2_idle_after_reply.txt"),
            cc("e5_bypass_seeded_idle.txt"),
            cc("e2_after_exit.txt"),
            hooks("permreq_allow_screen.txt"),
            String::new(),
        ] {
            assert_eq!(dialog(&s), None, "{s}");
        }
    }

    #[test]
    fn dialog_words_in_the_transcript_above_a_live_input_box_are_no_dialog() {
        let idle = cc("e2_idle_after_reply.txt");
        // The user's own prompt, echoed.
        let echoed = idle.replace("❯ hello tui SLEEP:4", "❯ Do you want to proceed?");
        assert!(echoed.contains("Do you want to proceed?"));
        assert_eq!(dialog(&echoed), None);
        // A whole dialog-looking block in a reply, cursor included.
        let block = "● Bash command\n\n   touch x\n\n Do you want to proceed?\n ❯ 1. Yes\n   2. No\n\n \
                     Esc to cancel · Tab to amend · ctrl+e to explain";
        let quoted = idle.replace("● ECHO: hello tui SLEEP:4", block);
        assert_eq!(dialog(&quoted), None);
        assert_eq!(input_text(&quoted).as_deref(), Some(""));
        // The same block with a rule above it, as a reply might draw one.
        let ruled = idle.replace("● ECHO: hello tui SLEEP:4", &format!("{RULE}\n{block}"));
        assert_eq!(dialog(&ruled), None);
        // A permission dialog below an old transcript that quoted one is still found.
        let live = cc("e2_dialog_tool_permission.txt").replace(
            "● ECHO: hello tui SLEEP:4",
            &format!("{RULE}\n❯ 1. Yes\n{RULE}"),
        );
        assert_eq!(dialog(&live).map(|d| d.kind), Some(DialogKind::Permission));
        assert_eq!(input_text(&live), None);
    }

    #[test]
    fn numbered_lists_without_a_cursor_or_out_of_order_are_no_dialog() {
        let s = format!("{RULE}\n Do you want to proceed?\n   1. Yes\n   2. No\n");
        assert_eq!(dialog(&s), None);
        let s = format!("{RULE}\n Do you want to proceed?\n ❯ 2. Yes\n   3. No\n");
        assert_eq!(dialog(&s), None);
    }

    #[test]
    fn wrapped_choice_and_nbsp_after_the_cursor() {
        let s = format!(
            "{RULE}\n Edit file\n\n Do you want to make this edit to\n src/main.rs?\n \
             ❯\u{a0}1. Yes\n   2. Yes, allow all edits during\n      this session\n   3. No\n\n \
             Esc to cancel"
        );
        let d = dialog(&s).expect("a dialog");
        assert_eq!(d.kind, DialogKind::Permission);
        assert_eq!(d.question, "Do you want to make this edit to src/main.rs?");
        assert_eq!(d.subject, "Edit file");
        assert_eq!(
            d.choices,
            ["Yes", "Yes, allow all edits during this session", "No"]
        );
        assert_eq!(d.selected, Some(0));
    }

    #[test]
    fn input_text_of_captures() {
        assert_eq!(
            input_text(&cc("e2_idle_after_reply.txt")).as_deref(),
            Some("")
        );
        assert_eq!(input_text(&cc("e2_busy.txt")).as_deref(), Some(""));
        assert_eq!(
            input_text(&cc("e5_bypass_seeded_idle.txt")).as_deref(),
            Some("")
        );
        // The hooks captures have a plain space after the glyph.
        assert_eq!(
            input_text(&hooks("permreq_allow_screen.txt")).as_deref(),
            Some("")
        );
        // `/exit` typed, with the command menu below the box.
        assert_eq!(
            input_text(&cc("e2_after_exit.txt")).as_deref(),
            Some("/exit")
        );
        // During dialogs and at start-up there is no box.
        for s in [
            cc("e2_dialog_tool_permission.txt"),
            cc("e1_dialog_trust.txt"),
            cc("e1_dialog_api_key.txt"),
            cc("e4_dialog_bypass_permissions.txt"),
            hooks("tui_dialog_screen.txt"),
            hooks("pretooluse_ask_dialog_bypass.txt"),
        ] {
            assert_eq!(input_text(&s), None, "{s}");
        }
    }

    #[test]
    fn input_text_with_text_and_continuation_lines() {
        let idle = cc("e2_idle_after_reply.txt");
        let typed = idle.replace("❯\u{a0}\n", "❯\u{a0}fix the tests  \n");
        assert_ne!(typed, idle);
        assert_eq!(input_text(&typed).as_deref(), Some("fix the tests"));
        let multi = idle.replace(
            "❯\u{a0}\n",
            "❯\u{a0}first line\n  second line\n    indented\n",
        );
        assert_eq!(
            input_text(&multi).as_deref(),
            Some("first line\nsecond line\n  indented")
        );
    }

    #[test]
    fn title_classes() {
        assert_eq!(title_class("⠂ Mock session title"), Some(TitleClass::Busy));
        assert_eq!(title_class("⠐ Mock session title"), Some(TitleClass::Busy));
        assert_eq!(title_class("✳ Claude Code"), Some(TitleClass::Idle));
        assert_eq!(title_class("✳ Mock session title"), Some(TitleClass::Idle));
        assert_eq!(title_class("vm"), None);
        assert_eq!(title_class(""), None);
    }

    #[test]
    fn turn_done_lines() {
        assert!(turn_done_line(&cc("e2_idle_after_reply.txt")));
        assert!(!turn_done_line(&cc("e2_busy.txt")));
        assert!(turn_done_line(&cc("e2_after_exit.txt")));
        assert!(turn_done_line("✻ Brewed for 0s"));
        assert!(turn_done_line("✽ Whirlpooled for 1m 5s"));
        assert!(!turn_done_line("✻ Baking…"));
        assert!(!turn_done_line("❯ ✻ Cooked for 4s"));
        assert!(!turn_done_line("● Cooked for dinner"));
    }
}
