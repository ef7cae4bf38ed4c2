//! Text layout helpers: display widths, wrapping, centring and cleaning of typed text.

/// Display width of a char: 2 for the common wide (CJK, emoji) ranges, else 1.
pub fn char_width(c: char) -> usize {
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

pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Splits a line into rows of at most `w` columns (what the terminal would do on wrap).
pub fn wrap(line: &str, w: usize) -> Vec<String> {
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
pub fn center(s: &str, w: usize) -> String {
    let s: String = wrap(s, w).swap_remove(0);
    let left = (w - width(&s)) / 2;
    format!(
        "{}{s}{}",
        " ".repeat(left),
        " ".repeat(w - width(&s) - left)
    )
}

/// Keeps `\n`, turns tabs into spaces and drops other control characters.
pub fn sanitize(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace(['\r'], "\n")
        .replace('\t', "    ")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

/// Prefixes the first line with `first` and indents the others by two spaces.
pub fn block(first: &str, text: &str) -> String {
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

/// A program's output line as plain text: escape sequences (colours) and control characters
/// dropped, tabs as spaces.
pub fn plain(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.next() {
                // CSI: parameters up to a final byte.
                Some('[') => while chars.next().is_some_and(|c| !('@'..='~').contains(&c)) {},
                // OSC: up to BEL or ST.
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\t' => out.push_str("    "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
