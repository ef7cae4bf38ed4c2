//! Raw tty bytes to key presses (bracketed paste, escape sequences, cut UTF-8).

use crate::text::sanitize;

/// A decoded key press.
#[derive(Debug, PartialEq)]
pub enum Key {
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
pub struct Decoder {
    pending: Vec<u8>,
    paste: Option<Vec<u8>>,
}

impl Decoder {
    /// True when a lone ESC (or a cut escape sequence) waits to be resolved by a timeout.
    pub fn waiting(&self) -> bool {
        self.paste.is_none() && !self.pending.is_empty()
    }

    pub fn decode(&mut self, input: &[u8], flush: bool) -> Vec<Key> {
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
}
