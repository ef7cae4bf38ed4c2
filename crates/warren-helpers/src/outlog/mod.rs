//! Append-only session output logs, rotated by size, addressed by global offset.
//!
//! tmux's `pipe-pane -O` feeds every byte a pane prints to `warren pipe`, which
//! appends it here (see [`run_pipe`]); the daemon reads it back with
//! [`read_range`]. Byte N of a session's output always has offset N, whichever
//! file it currently lives in.
//!
//! Layout of a session directory:
//! - `output.log`: the live segment, the only file ever written.
//! - `output.log.<START>`: rotated segments, final once renamed. `<START>` is
//!   the global offset of the segment's first byte, zero-padded to 20 digits so
//!   lexical order is numeric order.
//!
//! The live segment's start is not stored anywhere: it is the end of the newest
//! rotated segment (or 0). That keeps the writer to plain appends and renames,
//! at the cost of readers having to guard against a rotation mid-read.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

mod reader;
mod writer;

pub use reader::{ReadResult, read_range, total_len};
pub(crate) use writer::SegmentWriter;
pub use writer::{PipeConfig, run_pipe};

/// File name of the live segment inside a session directory.
const CURRENT: &str = "output.log";

/// A rotated segment. Its content is final, so its length is too.
#[derive(Debug, Clone)]
struct Rotated {
    start: u64,
    len: u64,
    path: PathBuf,
}

impl Rotated {
    fn end(&self) -> u64 {
        self.start + self.len
    }
}

/// File name of the rotated segment whose first byte has global offset `start`.
fn rotated_name(start: u64) -> String {
    format!("{CURRENT}.{start:020}")
}

/// The START of a rotated segment's file name, or `None` for any other file.
fn parse_rotated(name: &str) -> Option<u64> {
    let digits = name.strip_prefix(CURRENT)?.strip_prefix('.')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// START and path of each rotated segment in `dir`, in no particular order,
/// straight from the directory listing. A missing directory has none.
fn rotated_names(dir: &Path) -> io::Result<Vec<(u64, PathBuf)>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry?;
        if let Some(start) = entry.file_name().to_str().and_then(parse_rotated) {
            names.push((start, entry.path()));
        }
    }
    Ok(names)
}

/// Rotated segments of `dir` with their lengths, oldest first.
fn list_rotated(dir: &Path) -> io::Result<Vec<Rotated>> {
    let mut segs = Vec::new();
    for (start, path) in rotated_names(dir)? {
        match fs::metadata(&path) {
            Ok(meta) if meta.is_file() => segs.push(Rotated {
                start,
                len: meta.len(),
                path,
            }),
            Ok(_) => {}
            // Pruned since it was listed: it is gone for good, so skip it.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    segs.sort_by_key(|s| s.start);
    Ok(segs)
}

/// Global offset of the live segment's first byte, given the rotated ones.
fn current_start(rotated: &[Rotated]) -> u64 {
    rotated.iter().map(Rotated::end).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotated_names_round_trip_and_sort() {
        assert_eq!(rotated_name(1000), "output.log.00000000000000001000");
        assert_eq!(parse_rotated(&rotated_name(u64::MAX)), Some(u64::MAX));
        assert!(rotated_name(999) < rotated_name(1000));
        for other in ["output.log", "output.log.", "output.log.12a", "x.log.1"] {
            assert_eq!(parse_rotated(other), None, "{other}");
        }
    }

    #[test]
    fn missing_dir_has_no_segments() {
        let dir = tempfile::tempdir().unwrap();
        assert!(list_rotated(&dir.path().join("nope")).unwrap().is_empty());
    }
}
