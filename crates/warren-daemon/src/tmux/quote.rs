//! The one place a tmux command line is quoted.
//!
//! tmux's parser splits commands on `;`, expands `$VAR` and `~`, treats `#` at a word start as
//! a comment and `{` as a block; some commands expand `#{formats}` in their arguments again.
//! Every argument therefore goes out double-quoted with `\`, `"`, `$` and `~` escaped (tmux
//! expands a leading `~` even inside double quotes: found by the proptest) and control
//! characters as escapes (`\n`, `\ooo`) that tmux's double-quote parser turns back into bytes,
//! so any text (newlines included) fits on one control-mode line. For arguments that tmux
//! format-expands (`-c` directories, `pipe-pane` and `run-shell` commands) `#` is doubled.
//!
//! Quoting does not stop option parsing: a positional argument that may start with `-` must
//! follow `--` (as `send-keys -l -- TEXT` does), or tmux reads it as a flag. Found by the
//! proptest in `tests/quote_tmux.rs`.

/// Quotes `s` as one tmux argument that arrives byte-for-byte.
pub fn arg(s: &str) -> String {
    quote(s, false)
}

/// Quotes `s` for an argument that tmux also format-expands (`#` becomes `##`).
pub fn format_arg(s: &str) -> String {
    quote(s, true)
}

fn quote(s: &str, formats: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '$' => out.push_str("\\$"),
            // tmux expands a leading `~` to $HOME even inside double quotes.
            '~' => out.push_str("\\~"),
            '#' if formats => out.push_str("##"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\{:03o}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Quotes `s` for POSIX `sh` (single quotes; `'` as `'\''`).
pub fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// An exact-name target (`=name`), so tmux never prefix-matches another session.
pub fn exact(name: &str) -> String {
    arg(&format!("={name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_awkward() {
        assert_eq!(arg("abc"), "\"abc\"");
        assert_eq!(arg("a;b $X ~ #{x}"), "\"a;b \\$X \\~ #{x}\"");
        assert_eq!(arg("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\001\"");
        assert_eq!(format_arg("/tmp/#x"), "\"/tmp/##x\"");
        assert_eq!(sh("it's"), "'it'\\''s'");
    }
}
