//! Output side: JSON objects that keep the real CLI's field order, ids, timestamps, and the
//! stdout writer (one line per object, flushed at once).

use serde_json::Value;
use std::io::Write;

/// A JSON value whose objects keep their insertion order (serde_json's map sorts keys unless
/// `preserve_order` is on, and turning that on would change every crate of the workspace).
#[derive(Clone)]
pub enum J {
    /// Any plain value (its own objects are written in key order).
    V(Value),
    /// An object, fields in this order.
    O(Vec<(String, J)>),
    /// An array.
    A(Vec<J>),
}

/// `null`.
pub const NULL: J = J::V(Value::Null);

impl J {
    /// The compact JSON text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }

    fn write(&self, s: &mut String) {
        match self {
            J::V(v) => s.push_str(&v.to_string()),
            J::O(fields) => {
                s.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    s.push_str(&Value::from(k.as_str()).to_string());
                    s.push(':');
                    v.write(s);
                }
                s.push('}');
            }
            J::A(items) => {
                s.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    v.write(s);
                }
                s.push(']');
            }
        }
    }

    /// A plain value with the key order the CLI uses for content blocks: `type` first.
    pub fn typed(v: &Value) -> J {
        match v {
            Value::Object(map) => {
                let mut fields: Vec<(String, J)> = Vec::new();
                if let Some(t) = map.get("type") {
                    fields.push(("type".into(), J::typed(t)));
                }
                for (k, v) in map.iter().filter(|(k, _)| *k != "type") {
                    fields.push((k.clone(), J::typed(v)));
                }
                J::O(fields)
            }
            Value::Array(items) => J::A(items.iter().map(J::typed).collect()),
            other => J::V(other.clone()),
        }
    }

    /// Appends the fields of the object `more` to this object (no-op for other values).
    pub fn extend(&mut self, more: J) {
        if let (J::O(fields), J::O(more)) = (self, more) {
            fields.extend(more);
        }
    }
}

/// Conversion used by [`obj!`].
pub trait ToJ {
    /// Into a [`J`].
    fn j(self) -> J;
}

impl ToJ for J {
    fn j(self) -> J {
        self
    }
}
impl ToJ for Value {
    fn j(self) -> J {
        J::V(self)
    }
}
impl ToJ for &Value {
    fn j(self) -> J {
        J::V(self.clone())
    }
}
impl ToJ for &str {
    fn j(self) -> J {
        J::V(Value::from(self))
    }
}
impl ToJ for String {
    fn j(self) -> J {
        J::V(Value::from(self))
    }
}
impl ToJ for &String {
    fn j(self) -> J {
        J::V(Value::from(self.as_str()))
    }
}
impl ToJ for bool {
    fn j(self) -> J {
        J::V(Value::from(self))
    }
}
impl ToJ for u64 {
    fn j(self) -> J {
        J::V(Value::from(self))
    }
}
impl ToJ for u16 {
    fn j(self) -> J {
        J::V(Value::from(self))
    }
}
impl ToJ for f64 {
    /// Whole numbers are written without `.0`, as JavaScript does (`"total_cost_usd":0`).
    fn j(self) -> J {
        if self.fract() == 0.0 && self.abs() < 1e15 {
            J::V(Value::from(self as i64))
        } else {
            J::V(Value::from(self))
        }
    }
}
impl<T: ToJ> ToJ for Option<T> {
    fn j(self) -> J {
        self.map_or(NULL, ToJ::j)
    }
}
impl<T: ToJ> ToJ for Vec<T> {
    fn j(self) -> J {
        J::A(self.into_iter().map(ToJ::j).collect())
    }
}

/// An ordered JSON object: `obj! { "type": "result", "is_error": false }`.
macro_rules! obj {
    ($($k:literal : $v:expr),* $(,)?) => {
        $crate::json::J::O(vec![$(($k.to_string(), $crate::json::ToJ::j($v))),*])
    };
}
pub(crate) use obj;

/// A random UUID v4, the id of every line, session and prompt.
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `n` (at most 32) random hex digits, for `msg_mock…`, `toolu_mock…`, `req_…` ids.
pub fn hex(n: usize) -> String {
    uuid::Uuid::new_v4().simple().to_string()[..n.min(32)].to_string()
}

/// The current time as the CLI writes it: `2026-11-22T03:13:28.809Z`.
pub fn now_iso() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// `--output-format`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    /// Only the result text, at exit.
    Text,
    /// Only the `result` object, at exit.
    Json,
    /// Every line as it happens (NDJSON).
    Stream,
}

/// stdout. In stream-json mode every line is written and flushed at once; in the other modes
/// only the last `result` is printed, by [`Out::finish`].
pub struct Out {
    format: Format,
    /// The `--replay-user-messages` echo of the prompt. The real CLI holds it back until the
    /// turn's first assistant/user/result line (after any `stream_event` of that message).
    pending_replay: Option<J>,
    last_result: Option<(String, String)>,
}

impl Out {
    pub fn new(format: Format) -> Out {
        Out {
            format,
            pending_replay: None,
            last_result: None,
        }
    }

    /// Raw bytes plus a newline (stream mode only); used for the GARBAGE script.
    pub fn raw(&mut self, bytes: &[u8]) {
        if self.format == Format::Stream {
            let mut o = std::io::stdout().lock();
            // A closed stdout is not our problem: the host went away.
            let _ = o.write_all(bytes).and_then(|()| o.write_all(b"\n"));
            let _ = o.flush();
        }
    }

    /// A line that does not release the held-back replay: `stream_event`, `system/*`,
    /// `control_response`.
    pub fn event(&mut self, line: &J) {
        self.raw(line.text().as_bytes());
    }

    /// An `assistant`, `user` or `result` line: the held-back replay goes first.
    pub fn msg(&mut self, line: &J) {
        if let Some(replay) = self.pending_replay.take() {
            self.event(&replay);
        }
        self.event(line);
    }

    /// Holds the replay of the prompt until the next [`Out::msg`].
    pub fn replay_later(&mut self, line: J) {
        self.pending_replay = Some(line);
    }

    /// A `result` line; `text` is what `--output-format text` prints.
    pub fn result(&mut self, line: &J, text: String) {
        self.msg(line);
        self.last_result = Some((line.text(), text));
    }

    /// At exit: the json/text output formats print the last result now.
    pub fn finish(&mut self) {
        let Some((json, text)) = self.last_result.take() else {
            return;
        };
        let line = match self.format {
            Format::Stream => return,
            Format::Json => json,
            Format::Text => text,
        };
        let mut o = std::io::stdout().lock();
        let _ = writeln!(o, "{line}");
        let _ = o.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_field_order_and_escapes() {
        let j = obj! {"z": 1u64, "a": "x\"y", "m": NULL, "l": vec!["p", "q"], "n": obj!{"b": true}};
        assert_eq!(
            j.text(),
            r#"{"z":1,"a":"x\"y","m":null,"l":["p","q"],"n":{"b":true}}"#
        );
    }

    #[test]
    fn timestamps_look_like_the_cli() {
        let t = now_iso();
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T', "{t}");
    }
}
