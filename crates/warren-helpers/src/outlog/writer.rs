//! The writing side: the `warren pipe` helper appending a pane's output.
//!
//! Only this side renames or deletes segments, and there is one writer per
//! session (tmux runs one `pipe-pane` command per pane).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::{CURRENT, current_start, list_rotated, rotated_name};

/// How a session's log rotates.
#[derive(Debug, Clone, Copy)]
pub struct PipeConfig {
    /// Size at which `output.log` is rotated; 0 never rotates.
    pub max_bytes: u64,
    /// How many rotated segments to keep (0 is treated as 1).
    pub keep: usize,
}

/// Appends to a session's log, rotating it by size.
#[derive(Debug)]
pub struct SegmentWriter {
    dir: PathBuf,
    cfg: PipeConfig,
    /// `None` only after a rotation failed to create the new `output.log`; the
    /// next write retries. Never a handle on a rotated segment, which is final.
    file: Option<File>,
    /// Global offset of `output.log`'s first byte.
    start: u64,
    /// Bytes in `output.log`, counted as written rather than re-read.
    len: u64,
}

impl SegmentWriter {
    /// Opens `dir/output.log` for appending, creating it (mode 0600) if missing,
    /// and works out its global start from the rotated segments. `dir` must
    /// exist.
    pub fn open(dir: &Path, cfg: PipeConfig) -> io::Result<Self> {
        let cfg = PipeConfig {
            keep: cfg.keep.max(1),
            ..cfg
        };
        let start = current_start(&list_rotated(dir)?);
        let file = open_current(dir)?;
        let len = file.metadata()?.len();
        let writer = Self {
            dir: dir.to_path_buf(),
            cfg,
            file: Some(file),
            start,
            len,
        };
        // Finishes a prune cut short by a crash, or applies a lowered `keep`.
        writer.prune();
        Ok(writer)
    }

    /// Appends all of `data`, rotating as needed. Each piece goes straight to
    /// the file with no userspace buffer, so readers see it at once.
    pub fn write_all(&mut self, mut data: &[u8]) -> io::Result<()> {
        let max = self.cfg.max_bytes;
        while !data.is_empty() {
            if max > 0 && self.len >= max {
                self.rotate()?;
            }
            // Split at the boundary so every rotated segment is exactly `max`.
            let room = if max == 0 {
                data.len()
            } else {
                usize::try_from(max - self.len).map_or(data.len(), |r| r.min(data.len()))
            };
            let file = match self.file.take() {
                Some(file) => file,
                None => open_current(&self.dir)?,
            };
            let file = self.file.insert(file);
            // A hand-rolled loop rather than `Write::write_all`, so `len` stays
            // exact even when a write fails part way.
            match file.write(&data[..room]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.len += n as u64;
                    data = &data[n..];
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Global offset of the next byte to be written.
    #[cfg(test)]
    pub(crate) fn next_offset(&self) -> u64 {
        self.start + self.len
    }

    fn rotate(&mut self) -> io::Result<()> {
        let rotated = self.dir.join(rotated_name(self.start));
        fs::rename(self.dir.join(CURRENT), rotated)?;
        // From here the old file is final: drop the handle before anything
        // else can fail, so no later write can land in it.
        self.file = None;
        self.start += self.len;
        self.len = 0;
        // Readers treat the missing `output.log` until this create as empty.
        self.file = Some(open_current(&self.dir)?);
        self.prune();
        Ok(())
    }

    /// Deletes the oldest rotated segments beyond `keep`. Best effort: a
    /// failure only costs disk until the next rotation tries again, whereas
    /// failing the write would stop recording.
    fn prune(&self) {
        let Ok(rotated) = list_rotated(&self.dir) else {
            return;
        };
        let excess = rotated.len().saturating_sub(self.cfg.keep);
        // Oldest first, so what remains is always a contiguous run ending at
        // `output.log`, which is what readers rely on.
        for seg in &rotated[..excess] {
            let _ = fs::remove_file(&seg.path);
        }
    }
}

fn open_current(dir: &Path) -> io::Result<File> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(dir.join(CURRENT))
}

/// The body of the `warren pipe` helper: copies `input` into the log in `dir`
/// until EOF, returning the number of bytes copied.
///
/// Each read is appended as soon as it returns, however short: a line the
/// program prints must reach the file at once, not when a buffer fills.
pub fn run_pipe(dir: &Path, cfg: PipeConfig, mut input: impl Read) -> io::Result<u64> {
    let mut writer = SegmentWriter::open(dir, cfg)?;
    // At least as big as std's stdin buffer, so a `Stdin` reads straight into it.
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        writer.write_all(&buf[..n])?;
        total += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::super::read_range;
    use super::*;

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    fn cfg(max_bytes: u64, keep: usize) -> PipeConfig {
        PipeConfig { max_bytes, keep }
    }

    /// Names of the rotated segments in `dir`, sorted, with their sizes.
    fn rotated(dir: &Path) -> Vec<(String, u64)> {
        list_rotated(dir)
            .unwrap()
            .into_iter()
            .map(|s| (rotated_name(s.start), s.len))
            .collect()
    }

    #[test]
    fn writes_are_visible_immediately() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SegmentWriter::open(dir.path(), cfg(0, 1)).unwrap();
        w.write_all(b"hello ").unwrap();
        assert_eq!(fs::read(dir.path().join(CURRENT)).unwrap(), b"hello ");
        w.write_all(b"world").unwrap();
        assert_eq!(w.next_offset(), 11);
        assert_eq!(fs::read(dir.path().join(CURRENT)).unwrap(), b"hello world");
        let mode = fs::metadata(dir.path().join(CURRENT))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn rotation_splits_exactly_and_keeps_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let data = pattern(10 * 1024);
        let mut w = SegmentWriter::open(dir.path(), cfg(1000, 3)).unwrap();
        for chunk in data.chunks(333) {
            w.write_all(chunk).unwrap();
        }
        assert_eq!(w.next_offset(), 10240);
        let expected: Vec<_> = [7000, 8000, 9000]
            .into_iter()
            .map(|s| (rotated_name(s), 1000))
            .collect();
        assert_eq!(rotated(dir.path()), expected);
        assert_eq!(fs::read(dir.path().join(CURRENT)).unwrap(), &data[10000..]);
        assert_eq!(
            fs::read(dir.path().join(rotated_name(8000))).unwrap(),
            &data[8000..9000]
        );
    }

    #[test]
    fn a_full_segment_rotates_only_when_more_arrives() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SegmentWriter::open(dir.path(), cfg(4, 1)).unwrap();
        w.write_all(b"abcd").unwrap();
        assert!(rotated(dir.path()).is_empty());
        w.write_all(b"e").unwrap();
        assert_eq!(rotated(dir.path()), vec![(rotated_name(0), 4)]);
        assert_eq!(fs::read(dir.path().join(CURRENT)).unwrap(), b"e");
    }

    #[test]
    fn keep_zero_is_clamped_to_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SegmentWriter::open(dir.path(), cfg(10, 0)).unwrap();
        w.write_all(&pattern(35)).unwrap();
        assert_eq!(rotated(dir.path()), vec![(rotated_name(20), 10)]);
    }

    #[test]
    fn reopening_continues_at_the_global_offset() {
        let dir = tempfile::tempdir().unwrap();
        let data = pattern(4000);
        let mut w = SegmentWriter::open(dir.path(), cfg(1000, 10)).unwrap();
        w.write_all(&data[..2500]).unwrap();
        drop(w);

        let mut w = SegmentWriter::open(dir.path(), cfg(1000, 10)).unwrap();
        assert_eq!(w.next_offset(), 2500);
        w.write_all(&data[2500..]).unwrap();
        assert_eq!(w.next_offset(), 4000);
        let read = read_range(dir.path(), 0, usize::MAX).unwrap();
        assert_eq!((read.offset, read.missing, read.end), (0, 0, 4000));
        assert_eq!(read.data, data);
    }

    #[test]
    fn reopening_after_a_crash_between_rename_and_create() {
        let dir = tempfile::tempdir().unwrap();
        let data = pattern(1500);
        let mut w = SegmentWriter::open(dir.path(), cfg(1000, 10)).unwrap();
        w.write_all(&data[..1200]).unwrap();
        drop(w);
        // What a crash right after the rename leaves behind.
        fs::rename(
            dir.path().join(CURRENT),
            dir.path().join(rotated_name(1000)),
        )
        .unwrap();

        let mut w = SegmentWriter::open(dir.path(), cfg(1000, 10)).unwrap();
        assert_eq!(w.next_offset(), 1200);
        w.write_all(&data[1200..]).unwrap();
        assert_eq!(read_range(dir.path(), 0, usize::MAX).unwrap().data, data);
    }

    #[test]
    fn reopening_with_a_lower_keep_prunes() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SegmentWriter::open(dir.path(), cfg(10, 10)).unwrap();
        w.write_all(&pattern(55)).unwrap();
        assert_eq!(rotated(dir.path()).len(), 5);
        drop(w);
        SegmentWriter::open(dir.path(), cfg(10, 2)).unwrap();
        let names: Vec<_> = rotated(dir.path()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec![rotated_name(30), rotated_name(40)]);
    }

    #[test]
    fn run_pipe_copies_everything() {
        let dir = tempfile::tempdir().unwrap();
        let data = pattern(200 * 1024);
        let copied = run_pipe(dir.path(), cfg(50_000, 100), &data[..]).unwrap();
        assert_eq!(copied, data.len() as u64);
        assert_eq!(read_range(dir.path(), 0, usize::MAX).unwrap().data, data);
    }

    /// Hands out its data a few bytes at a time, with interruptions between.
    struct Trickle<'a> {
        data: &'a [u8],
        interrupt: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(self.data.len()).min(7);
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn run_pipe_retries_interrupted_reads_and_takes_short_ones() {
        let dir = tempfile::tempdir().unwrap();
        let data = pattern(100);
        let input = Trickle {
            data: &data,
            interrupt: false,
        };
        assert_eq!(run_pipe(dir.path(), cfg(16, 100), input).unwrap(), 100);
        assert_eq!(read_range(dir.path(), 0, usize::MAX).unwrap().data, data);
    }
}
