//! Matching a regex against output: per line, on ANSI-stripped text, carriage-return
//! overwrites resolved, no-break spaces normalised. The partial last line is tried too, so a
//! prompt such as `>>> ` (no newline yet) matches.

use regex::Regex;

/// Feeds output bytes and reports the first line that matches.
pub(crate) struct LineMatcher {
    re: Regex,
    partial: Vec<u8>,
}

/// Bound on an unterminated line we keep (a program printing megabytes without a newline).
const MAX_PARTIAL: usize = 1024 * 1024;

impl LineMatcher {
    /// A matcher for `re`.
    pub(crate) fn new(re: Regex) -> Self {
        Self {
            re,
            partial: Vec::new(),
        }
    }

    /// Feeds bytes; returns the first matching line (complete or partial).
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Option<String> {
        self.partial.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(pos) = self.partial[start..].iter().position(|b| *b == b'\n') {
            let line = clean_line(&self.partial[start..start + pos]);
            start += pos + 1;
            if self.re.is_match(&line) {
                self.partial.drain(..start);
                return Some(line);
            }
        }
        self.partial.drain(..start);
        if self.partial.len() > MAX_PARTIAL {
            let cut = self.partial.len() - MAX_PARTIAL;
            self.partial.drain(..cut);
        }
        let line = clean_line(&self.partial);
        self.re.is_match(&line).then_some(line)
    }

    /// Checks each line of already-rendered text (a captured screen).
    pub(crate) fn match_text(&self, text: &str) -> Option<String> {
        text.lines()
            .map(|l| l.replace('\u{a0}', " "))
            .find(|l| self.re.is_match(l))
    }
}

/// One raw line as a person would read it.
pub(crate) fn clean_line(raw: &[u8]) -> String {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    // After a carriage return the terminal overwrites from column 0: keep what is visible last.
    let visible = raw
        .rsplit(|b| *b == b'\r')
        .find(|seg| !seg.is_empty())
        .unwrap_or(raw);
    let stripped = strip_ansi_escapes::strip(visible);
    String::from_utf8_lossy(&stripped).replace('\u{a0}', " ")
}

/// The whole text ANSI-stripped, lines cleaned as above.
pub(crate) fn clean_text(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.split_inclusive(|b| *b == b'\n') {
        let ends = line.ends_with(b"\n");
        out.push_str(&clean_line(line.strip_suffix(b"\n").unwrap_or(line)));
        if ends {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str) -> LineMatcher {
        LineMatcher::new(Regex::new(p).unwrap())
    }

    #[test]
    fn matches_partial_prompt_and_strips_ansi() {
        let mut x = m("^>>> $");
        assert_eq!(x.feed(b"9332621544\r\n"), None);
        assert_eq!(x.feed(b"\x1b[1m>>> \x1b[0m"), Some(">>> ".into()));
    }

    #[test]
    fn lines_split_across_chunks() {
        let mut x = m("^hello world$");
        assert_eq!(x.feed(b"hel"), None);
        assert_eq!(x.feed(b"lo wor"), None);
        assert_eq!(x.feed(b"ld\r\nnext"), Some("hello world".into()));
    }

    #[test]
    fn carriage_return_overwrites_and_nbsp_is_a_space() {
        assert_eq!(clean_line(b"50%\r100% done"), "100% done");
        assert_eq!(clean_line("\u{276f}\u{a0}hi".as_bytes()), "\u{276f} hi");
        let x = m("^❯ hi$");
        assert_eq!(x.match_text("❯\u{a0}hi"), Some("❯ hi".into()));
    }
}
