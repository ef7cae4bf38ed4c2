//! The reading side: the daemon reading a session's log by global offset while
//! the `warren pipe` helper may be appending and rotating it.
//!
//! Rotated segments are safe to read by name at any time: their content is
//! final and their name gives their offset. The live `output.log` is the tricky
//! one, since its start is only implied by the rotated names: a listing is only
//! good for the `output.log` we hold open if no rotation renamed it meanwhile.

use std::fs::{self, File};
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::Path;

use super::{CURRENT, Rotated, current_start, list_rotated, rotated_names};

/// How many times to re-list after losing a race with a rotation. Each loss
/// means the writer wrote a whole segment meanwhile, so a few suffice.
const ATTEMPTS: usize = 16;

/// Bytes read from a session's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadResult {
    /// Global offset of `data[0]`: the requested `since`, unless that was
    /// before the oldest kept byte, in which case the oldest kept offset.
    pub offset: u64,
    /// The bytes read.
    pub data: Vec<u8>,
    /// Bytes asked for but rotated away: `offset - since`, else 0.
    pub missing: u64,
    /// Total bytes ever written (global offset of the end) at the time of the read.
    pub end: u64,
}

/// Reads up to `max` bytes starting at global offset `since`, across segment
/// boundaries. `since` past the end gives no data, at `offset == since`.
///
/// The buffer is sized to what is there, not to `max`, so `usize::MAX` reads
/// everything kept. A missing directory or log reads as empty. Safe against a
/// concurrent rotation; if one prunes a segment mid-read, the reply may stop
/// short of `max` and `end`, so callers loop until `offset + data.len() == end`.
pub fn read_range(dir: &Path, since: u64, max: usize) -> io::Result<ReadResult> {
    snapshot(dir)?.read(since, max)
}

/// Global offset of the end: total bytes ever written. 0 if there is no log.
pub fn total_len(dir: &Path) -> io::Result<u64> {
    Ok(snapshot(dir)?.end())
}

/// Oldest kept global offset: the start of the oldest rotated segment, or of
/// `output.log` when none are kept.
#[cfg(test)]
fn oldest_offset(dir: &Path) -> io::Result<u64> {
    Ok(snapshot(dir)?.oldest())
}

/// A consistent view of the segments at one moment.
struct Snapshot {
    /// Contiguous, oldest first, ending where `output.log` starts.
    rotated: Vec<Rotated>,
    /// `output.log`, held open so a rotation after the snapshot cannot swap it.
    current: Option<File>,
    cur_start: u64,
    cur_len: u64,
}

impl Snapshot {
    fn oldest(&self) -> u64 {
        self.rotated.first().map_or(self.cur_start, |s| s.start)
    }

    fn end(&self) -> u64 {
        self.cur_start + self.cur_len
    }

    fn read(&self, since: u64, max: usize) -> io::Result<ReadResult> {
        let end = self.end();
        let mut offset = since.max(self.oldest());
        // How many more bytes the reply takes from before `upto`; at most
        // `max`, so it fits in usize.
        let room = |offset: u64, have: usize, upto: u64| -> usize {
            let pos = offset + have as u64;
            upto.saturating_sub(pos).min((max - have) as u64) as usize
        };
        let mut data = Vec::with_capacity(room(offset, 0, end));
        for seg in &self.rotated {
            let n = room(offset, data.len(), seg.end());
            if n == 0 {
                continue;
            }
            match File::open(&seg.path) {
                Ok(file) => fill(&mut data, offset, &file, seg.start, n)?,
                // Pruned since the listing. Pruning goes oldest first, so with
                // nothing read yet these bytes simply join the missing ones;
                // past that, stop short rather than return a hole.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    if !data.is_empty() {
                        return Ok(self.reply(since, offset, data));
                    }
                    offset = seg.end();
                }
                Err(e) => return Err(e),
            }
        }
        if let Some(file) = &self.current {
            let n = room(offset, data.len(), end);
            if n > 0 {
                fill(&mut data, offset, file, self.cur_start, n)?;
            }
        }
        Ok(self.reply(since, offset, data))
    }

    fn reply(&self, since: u64, offset: u64, data: Vec<u8>) -> ReadResult {
        ReadResult {
            offset,
            data,
            missing: offset - since.min(offset),
            end: self.end(),
        }
    }
}

/// Appends `n` bytes from `file`, whose first byte is at global `file_start`,
/// to `data`, which holds the bytes from global `offset` on.
fn fill(data: &mut Vec<u8>, offset: u64, file: &File, file_start: u64, n: usize) -> io::Result<()> {
    let old = data.len();
    let pos = offset + old as u64;
    data.resize(old + n, 0);
    file.read_exact_at(&mut data[old..], pos - file_start)
}

fn snapshot(dir: &Path) -> io::Result<Snapshot> {
    for _ in 0..ATTEMPTS {
        if let Some(snap) = try_snapshot(dir)? {
            return Ok(snap);
        }
    }
    Err(kept_rotating())
}

/// A snapshot, or `None` if a rotation got in the way.
fn try_snapshot(dir: &Path) -> io::Result<Option<Snapshot>> {
    let path = dir.join(CURRENT);
    // Open first, list second, then check `output.log` is still the file we
    // opened. If so, no rename happened since the open (the open handle also
    // stops its inode number being reused), so the newest rotated segment was
    // in place for the whole listing and its end is our file's start.
    let current = open_if_exists(&path)?;
    let mut rotated = list_rotated(dir)?;
    let now = match fs::metadata(&path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let consistent = match (&current, &now) {
        (Some(file), Some(now)) => {
            let then = file.metadata()?;
            (then.dev(), then.ino()) == (now.dev(), now.ino())
        }
        // Mid-rotation, or no log yet: `output.log` reads as empty. With no
        // file to pin the listing to, a reader stalled between listing and
        // check could miss any number of whole rotations, so list again: if
        // the newest segment is unchanged, no rename happened since the first
        // listing, which therefore held while `output.log` was missing.
        (None, None) => {
            let newest = rotated_names(dir)?
                .into_iter()
                .map(|(start, _)| start)
                .max();
            newest == rotated.last().map(|s| s.start)
        }
        _ => false,
    };
    if !consistent {
        return Ok(None);
    }
    let cur_start = current_start(&rotated);
    // Pruning deletes oldest first, so a gap means everything before it is
    // gone (or was deleted by hand): keep only the run leading to output.log.
    let mut from = rotated.len();
    while from > 0 && rotated[from - 1].end() == rotated.get(from).map_or(cur_start, |s| s.start) {
        from -= 1;
    }
    rotated.drain(..from);
    // Measured after the check: even if our file is rotated from now on, what
    // it holds is still the bytes from `cur_start` on.
    let cur_len = match &current {
        Some(file) => file.metadata()?.len(),
        None => 0,
    };
    Ok(Some(Snapshot {
        rotated,
        current,
        cur_start,
        cur_len,
    }))
}

fn open_if_exists(path: &Path) -> io::Result<Option<File>> {
    match File::open(path) {
        Ok(file) => Ok(Some(file)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn kept_rotating() -> io::Error {
    io::Error::other("output log rotated during every attempt to read it")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{PipeConfig, SegmentWriter, rotated_name};
    use super::*;

    /// Byte at global offset `i` in every test log, so any slice is checkable.
    fn byte_at(i: u64) -> u8 {
        (i % 251) as u8
    }

    fn pattern(len: u64) -> Vec<u8> {
        (0..len).map(byte_at).collect()
    }

    fn write_log(dir: &Path, max_bytes: u64, keep: usize, len: u64) {
        let mut w = SegmentWriter::open(dir, PipeConfig { max_bytes, keep }).unwrap();
        for chunk in pattern(len).chunks(333) {
            w.write_all(chunk).unwrap();
        }
    }

    #[test]
    fn write_then_read_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        write_log(dir.path(), 0, 1, 1000);
        let all = read_range(dir.path(), 0, usize::MAX).unwrap();
        assert_eq!(
            all,
            ReadResult {
                offset: 0,
                data: pattern(1000),
                missing: 0,
                end: 1000
            }
        );
        let part = read_range(dir.path(), 10, 5).unwrap();
        assert_eq!((part.offset, part.data), (10, pattern(15)[10..].to_vec()));
        assert_eq!(
            (
                total_len(dir.path()).unwrap(),
                oldest_offset(dir.path()).unwrap()
            ),
            (1000, 0)
        );
    }

    #[test]
    fn offsets_stay_global_across_rotation() {
        let dir = tempfile::tempdir().unwrap();
        write_log(dir.path(), 1000, 3, 10 * 1024);
        let all = pattern(10 * 1024);
        assert_eq!(oldest_offset(dir.path()).unwrap(), 7000);
        assert_eq!(total_len(dir.path()).unwrap(), 10240);

        let from_zero = read_range(dir.path(), 0, usize::MAX).unwrap();
        assert_eq!(
            (from_zero.offset, from_zero.missing, from_zero.end),
            (7000, 7000, 10240)
        );
        assert_eq!(from_zero.data, &all[7000..]);

        // Across a rotated/rotated boundary, then a rotated/live one.
        for (since, max) in [(7990, 20), (9995, 20), (6990, 30)] {
            let r = read_range(dir.path(), since, max).unwrap();
            let offset = since.max(7000);
            let stop = offset as usize + max;
            assert_eq!((r.offset, r.missing), (offset, offset - since));
            assert_eq!(r.data, &all[offset as usize..stop], "since {since}");
        }
    }

    #[test]
    fn reading_past_the_end_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        write_log(dir.path(), 100, 2, 250);
        for since in [250, 1000] {
            let r = read_range(dir.path(), since, 10).unwrap();
            assert_eq!(
                r,
                ReadResult {
                    offset: since,
                    data: vec![],
                    missing: 0,
                    end: 250
                }
            );
        }
        assert!(read_range(dir.path(), 0, 0).unwrap().data.is_empty());
    }

    #[test]
    fn missing_dir_or_log_reads_empty() {
        let dir = tempfile::tempdir().unwrap();
        let empty = ReadResult {
            offset: 0,
            data: vec![],
            missing: 0,
            end: 0,
        };
        for d in [dir.path().join("nope"), dir.path().to_path_buf()] {
            assert_eq!(read_range(&d, 0, 100).unwrap(), empty);
            assert_eq!((total_len(&d).unwrap(), oldest_offset(&d).unwrap()), (0, 0));
        }
    }

    #[test]
    fn missing_output_log_mid_rotation_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        write_log(dir.path(), 100, 5, 250);
        // The moment between the writer's rename and its create.
        fs::rename(dir.path().join(CURRENT), dir.path().join(rotated_name(200))).unwrap();
        let r = read_range(dir.path(), 150, 1000).unwrap();
        assert_eq!((r.offset, r.end), (150, 250));
        assert_eq!(r.data, &pattern(250)[150..]);
    }

    #[test]
    fn segments_pruned_after_the_snapshot_count_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        write_log(dir.path(), 100, 10, 450);
        let all = pattern(450);

        let snap = snapshot(dir.path()).unwrap();
        fs::remove_file(dir.path().join(rotated_name(0))).unwrap();
        fs::remove_file(dir.path().join(rotated_name(100))).unwrap();
        let r = snap.read(50, 120).unwrap();
        assert_eq!((r.offset, r.missing, r.end), (200, 150, 450));
        assert_eq!(r.data, &all[200..320]);

        // A later segment gone while an earlier one is read: stop short.
        let snap = snapshot(dir.path()).unwrap();
        fs::remove_file(dir.path().join(rotated_name(300))).unwrap();
        let r = snap.read(250, 1000).unwrap();
        assert_eq!((r.offset, r.missing), (250, 0));
        assert_eq!(r.data, &all[250..300]);
    }

    #[test]
    fn a_gap_hides_everything_before_it() {
        let dir = tempfile::tempdir().unwrap();
        write_log(dir.path(), 100, 10, 450);
        fs::remove_file(dir.path().join(rotated_name(100))).unwrap();
        assert_eq!(oldest_offset(dir.path()).unwrap(), 200);
        let r = read_range(dir.path(), 0, usize::MAX).unwrap();
        assert_eq!((r.offset, r.missing), (200, 200));
        assert_eq!(r.data, &pattern(450)[200..]);
    }

    /// Reads race a writer rotating tiny segments: every byte returned must
    /// be the one at its offset, and `end` must never go backwards.
    #[test]
    fn reads_racing_rotation_never_return_wrong_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let total = 2_000_000u64;
        std::thread::scope(|s| {
            let writer = s.spawn(|| write_log(dir.path(), 4096, 2, total));
            let (mut last_end, mut ok) = (0u64, 0);
            loop {
                let done = writer.is_finished();
                let since = last_end.saturating_sub(5000);
                let r = match read_range(dir.path(), since, 3000) {
                    Ok(r) => r,
                    // Losing every race is allowed; wrong bytes are not.
                    Err(e) if e.to_string() == kept_rotating().to_string() => continue,
                    Err(e) => panic!("{e}"),
                };
                assert!(r.end >= last_end, "end went back from {last_end}: {r:?}");
                assert_eq!(r.offset - r.missing, since);
                for (i, b) in r.data.iter().enumerate() {
                    let at = r.offset + i as u64;
                    assert_eq!(*b, byte_at(at), "at {at}");
                }
                (last_end, ok) = (r.end, ok + 1);
                if done {
                    break;
                }
            }
            assert_eq!(last_end, total);
            assert!(ok > 1);
        });
    }

    proptest! {
        #[test]
        fn chunks_and_rotation_reconstruct_the_input(
            data in proptest::collection::vec(any::<u8>(), 0..3000),
            chunks in proptest::collection::vec(1usize..700, 1..20),
            max_bytes in 1u64..800,
            step in 1usize..2000,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut w = SegmentWriter::open(dir.path(), PipeConfig { max_bytes, keep: 100_000 }).unwrap();
            let mut rest = &data[..];
            for size in chunks.iter().cycle() {
                if rest.is_empty() { break; }
                let n = (*size).min(rest.len());
                w.write_all(&rest[..n]).unwrap();
                rest = &rest[n..];
            }
            prop_assert_eq!(w.next_offset(), data.len() as u64);

            let all = read_range(dir.path(), 0, usize::MAX).unwrap();
            prop_assert_eq!((all.offset, all.missing, all.end), (0, 0, data.len() as u64));
            prop_assert_eq!(&all.data, &data);

            // The same, in steps that cross boundaries anywhere.
            let mut pieces = Vec::new();
            let mut at = 0;
            while at < data.len() as u64 {
                let r = read_range(dir.path(), at, step).unwrap();
                prop_assert_eq!(r.offset, at);
                prop_assert!(!r.data.is_empty());
                at += r.data.len() as u64;
                pieces.extend(r.data);
            }
            prop_assert_eq!(pieces, data);
        }
    }
}
