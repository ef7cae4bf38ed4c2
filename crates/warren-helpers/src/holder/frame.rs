//! Frames between daemon and holder: a 4-byte big-endian length, then that many bytes of JSON.
//! Requests carry `v` (the protocol version) and `op`; answers carry `ok` and either the
//! op's fields or `error`.

use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};

/// Largest frame accepted (a user message with a large paste fits).
pub const MAX_FRAME: usize = 16 * 1024 * 1024;

/// A request from the daemon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Who are you; what have you forwarded.
    Hello {
        /// The daemon's protocol version.
        v: u32,
    },
    /// Forward one line (a complete JSON object, no newline) to the agent's stdin.
    Write {
        /// The daemon's protocol version.
        v: u32,
        /// Sequence number; a number at or below the last forwarded one is not written again.
        seq: u64,
        /// The JSON line.
        line: String,
    },
    /// Close the agent's stdin (a graceful stop).
    Close {
        /// The daemon's protocol version.
        v: u32,
    },
    /// Send a signal to the agent's process group.
    Signal {
        /// The daemon's protocol version.
        v: u32,
        /// `INT`, `TERM` or `KILL`.
        signal: String,
    },
}

impl Request {
    /// The version the request was made with.
    pub(crate) fn version(&self) -> u32 {
        match self {
            Self::Hello { v } | Self::Close { v } => *v,
            Self::Write { v, .. } | Self::Signal { v, .. } => *v,
        }
    }
}

/// The holder's answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// Whether the request was carried out.
    pub ok: bool,
    /// Why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The holder's protocol version.
    #[serde(default)]
    pub v: u32,
    /// The holder's pid.
    #[serde(default)]
    pub pid: u32,
    /// The agent's pid.
    #[serde(default)]
    pub child_pid: u32,
    /// The highest sequence number forwarded so far.
    #[serde(default)]
    pub forwarded: u64,
    /// Whether the agent's stdin is still open.
    #[serde(default)]
    pub stdin_open: bool,
}

/// Writes one frame.
pub(crate) fn write_frame(w: &mut impl Write, body: &[u8]) -> io::Result<()> {
    let len = u32::try_from(body.len())
        .ok()
        .filter(|n| (*n as usize) <= MAX_FRAME)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    let mut buf = Vec::with_capacity(4 + body.len());
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(body);
    w.write_all(&buf)?;
    w.flush()
}

/// Reads one whole frame; `Ok(None)` at a clean end of stream. A stream that ends inside a
/// frame is an error, and that partial frame is never acted on.
pub(crate) fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut len[got..])? {
            0 if got == 0 => return Ok(None),
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => got += n,
        }
    }
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {len} bytes is over the {MAX_FRAME}-byte limit"),
        ));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)?;
    Ok(Some(body))
}

/// Checks that `line` may be written to an agent: one complete JSON object, no newline.
pub fn validate_line(line: &str) -> Result<(), String> {
    if line.contains('\n') || line.contains('\r') {
        return Err("the line contains a newline".into());
    }
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        Ok(_) => Err("the line is JSON but not an object".into()),
        Err(e) => Err(format!("the line is not valid JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_cut_short_is_an_error_not_a_message() {
        let mut buf = Vec::new();
        write_frame(&mut buf, br#"{"op":"hello","v":1}"#).unwrap();
        let whole = buf.clone();
        assert_eq!(
            read_frame(&mut &whole[..]).unwrap().unwrap(),
            br#"{"op":"hello","v":1}"#
        );
        for cut in 1..whole.len() {
            let r = read_frame(&mut &whole[..cut]);
            assert!(r.is_err(), "a frame cut at {cut} bytes was accepted");
        }
        assert!(read_frame(&mut &[][..]).unwrap().is_none());
    }

    #[test]
    fn only_complete_json_objects_are_forwarded() {
        assert!(validate_line(r#"{"type":"user"}"#).is_ok());
        assert!(validate_line(r#"{"type":"us"#).is_err());
        assert!(validate_line("[1]").is_err());
        assert!(validate_line("{\"a\":1}\n{\"b\":2}").is_err());
        assert!(validate_line("").is_err());
    }

    #[test]
    fn oversized_length_is_refused_before_reading() {
        let mut buf = ((MAX_FRAME + 1) as u32).to_be_bytes().to_vec();
        buf.extend_from_slice(b"{}");
        assert!(read_frame(&mut &buf[..]).is_err());
    }

    #[test]
    fn requests_round_trip() {
        let r = Request::Write {
            v: 1,
            seq: 7,
            line: "{}".into(),
        };
        let text = serde_json::to_string(&r).unwrap();
        assert!(text.contains(r#""op":"write""#));
        assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), r);
    }
}
