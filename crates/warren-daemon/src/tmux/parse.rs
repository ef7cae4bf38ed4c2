//! Parsing tmux control-mode output lines.
//!
//! Inside a `%begin … %end` block every line is body, even one starting with `%` (list-panes
//! prints `%0 …`). Outside blocks, lines are notifications. tmux 3.3a prints `%pause` and
//! `%continue` inside `refresh-client` blocks; those are recognised in both places.

/// One line of control-mode output, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// `%begin <time> <number> <flags>`.
    Begin {
        /// Command number.
        number: u64,
        /// 1 for commands this client sent.
        flags: u32,
    },
    /// `%end` or `%error` closing the block with this number.
    End {
        /// Command number.
        number: u64,
        /// True for `%error`.
        error: bool,
        /// Flags.
        flags: u32,
    },
    /// A notification outside a block: its name and the rest of the line.
    Notification {
        /// E.g. `sessions-changed`.
        name: String,
        /// The text after the name.
        rest: Vec<u8>,
    },
    /// A body line (inside a block) or an unrecognised line.
    Body(Vec<u8>),
}

/// Parses one line (without its newline); `in_block` says whether a block is open.
pub fn parse_line(line: &[u8], in_block: bool) -> Line {
    let text = line.strip_suffix(b"\r").unwrap_or(line);
    if let Some(rest) = text.strip_prefix(b"%begin ") {
        if let Some((number, flags)) = block_fields(rest) {
            return Line::Begin { number, flags };
        }
    }
    for (prefix, error) in [(&b"%end "[..], false), (&b"%error "[..], true)] {
        if let Some(rest) = text.strip_prefix(prefix) {
            if in_block {
                if let Some((number, flags)) = block_fields(rest) {
                    return Line::End {
                        number,
                        error,
                        flags,
                    };
                }
            }
        }
    }
    let pause = text.starts_with(b"%pause ") || text.starts_with(b"%continue ");
    if text.first() == Some(&b'%') && (!in_block || pause) {
        let body = &text[1..];
        let split = body.iter().position(|b| *b == b' ').unwrap_or(body.len());
        let name = String::from_utf8_lossy(&body[..split]).into_owned();
        let rest = body.get(split + 1..).unwrap_or_default().to_vec();
        return Line::Notification { name, rest };
    }
    Line::Body(text.to_vec())
}

fn block_fields(rest: &[u8]) -> Option<(u64, u32)> {
    let s = std::str::from_utf8(rest).ok()?;
    let mut it = s.split(' ');
    let _time = it.next()?;
    let number = it.next()?.parse().ok()?;
    let flags = it.next()?.parse().ok()?;
    Some((number, flags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_bodies() {
        assert_eq!(
            parse_line(b"%begin 1795317090 379 1", false),
            Line::Begin {
                number: 379,
                flags: 1
            }
        );
        assert_eq!(
            parse_line(b"%0 26828 cat", true),
            Line::Body(b"%0 26828 cat".to_vec())
        );
        assert_eq!(
            parse_line(b"%error 1795317090 392 1", true),
            Line::End {
                number: 392,
                error: true,
                flags: 1
            }
        );
        assert!(
            matches!(parse_line(b"%sessions-changed", false), Line::Notification { name, .. } if name == "sessions-changed")
        );
        assert!(
            matches!(parse_line(b"%pause %0", true), Line::Notification { name, .. } if name == "pause")
        );
        assert_eq!(
            parse_line(b"%end 1 2 1", false),
            Line::Notification {
                name: "end".into(),
                rest: b"1 2 1".to_vec()
            }
        );
    }
}
