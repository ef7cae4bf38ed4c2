//! Replacing a file whole and atomically. The new content goes to a temporary file in the
//! same directory, created 0600 so nobody else can read it half-written; it is synced, then
//! renamed over the old name, and the directory is synced so the rename survives a crash. A
//! reader sees the old file or the new one, never a mix. On failure the old file is left as
//! it was and the temporary file is removed.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write as _};
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The mode of a private file.
const PRIVATE: u32 = 0o600;
/// How many taken names [`create_temp`] tries before it gives up.
const TEMP_ATTEMPTS: usize = 1000;

/// Writes `bytes` to `path` atomically as a private file: mode 0600, whatever was there
/// before (a symlink at `path` is replaced, not followed). For warren's own files: the
/// token, a session's settings, the holder's state.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, PRIVATE, Some(PRIVATE))
}

/// Replaces the file at `path` with `bytes` atomically, keeping its mode, as an editor saving
/// it would: a symlink at `path` stays, and its target is replaced. A new file gets
/// `new_mode` less the umask (0o600 for a private file, 0o666 for one like any other). For
/// files that are the user's: Claude Code's config, `.mcp.json`, `config.toml`.
pub fn write_atomic_keeping_mode(path: &Path, bytes: &[u8], new_mode: u32) -> io::Result<()> {
    let target = follow_symlink(path);
    match fs::metadata(&target) {
        Ok(meta) => {
            let mode = meta.permissions().mode() & 0o7777;
            replace(&target, bytes, PRIVATE, Some(mode))
        }
        Err(_) => replace(&target, bytes, new_mode, None),
    }
}

/// Where a symlink at `path` leads (`path` itself when it is none, or leads nowhere).
fn follow_symlink(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Writes a temporary file created with `create_mode`, sets it to `mode` (when given), syncs
/// it and renames it to `path`; then syncs the directory.
fn replace(path: &Path, bytes: &[u8], create_mode: u32, mode: Option<u32>) -> io::Result<()> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} names no file", path.display()),
        )
    })?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let (tmp, mut file) = create_temp(dir, &name.to_string_lossy(), create_mode)?;
    let mut finish = || -> io::Result<()> {
        file.write_all(bytes)?;
        if let Some(mode) = mode {
            file.set_permissions(Permissions::from_mode(mode))?;
        }
        file.sync_all()?;
        fs::rename(&tmp, path)
    };
    if let Err(e) = finish() {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    // Makes the rename durable; a directory that cannot be opened or synced is not an error.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Temporary files made by this process so far, so that their names differ.
static MADE: AtomicU64 = AtomicU64::new(0);

/// Creates `dir/.<name>.warren-<pid>-<n>.tmp`, a name nobody else has (`create_new`), with
/// `mode` less the umask.
fn create_temp(dir: &Path, name: &str, mode: u32) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    for _ in 0..TEMP_ATTEMPTS {
        let n = MADE.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.warren-{pid}-{n}.tmp"));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("no free temporary name for {name} in {}", dir.display()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_content_is_replaced_whole_mode_0600_and_no_temporary_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("token");
        write_private_atomic(&f, b"a long first content").unwrap();
        write_private_atomic(&f, b"short").unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"short");
        assert_eq!(mode(&f), 0o600);
        assert_eq!(names(dir.path()), ["token"]);
    }

    #[test]
    fn a_private_file_is_0600_whatever_it_was_before() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("settings.json");
        fs::write(&f, "old").unwrap();
        fs::set_permissions(&f, Permissions::from_mode(0o644)).unwrap();
        write_private_atomic(&f, b"new").unwrap();
        assert_eq!((fs::read(&f).unwrap(), mode(&f)), (b"new".to_vec(), 0o600));
    }

    #[test]
    fn a_failed_write_into_a_missing_directory_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("missing").join("token");
        assert!(write_private_atomic(&f, b"x").is_err());
        assert!(write_atomic_keeping_mode(&f, b"x", 0o600).is_err());
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_rename_removes_the_temporary_file_and_keeps_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let taken = dir.path().join("a-directory");
        fs::create_dir(&taken).unwrap();
        fs::write(taken.join("inside"), "kept").unwrap();
        assert!(write_private_atomic(&taken, b"x").is_err());
        assert_eq!(names(dir.path()), ["a-directory"]);
        assert_eq!(fs::read_to_string(taken.join("inside")).unwrap(), "kept");
    }

    #[test]
    fn keeping_the_mode_keeps_an_existing_files_and_gives_a_new_one_the_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("config.toml");
        fs::write(&old, "a = 1\nb = 2\n").unwrap();
        fs::set_permissions(&old, Permissions::from_mode(0o640)).unwrap();
        write_atomic_keeping_mode(&old, b"a = 3\n", 0o600).unwrap();
        assert_eq!(fs::read_to_string(&old).unwrap(), "a = 3\n");
        assert_eq!(mode(&old), 0o640, "the existing mode is kept");
        let new = dir.path().join("new.json");
        write_atomic_keeping_mode(&new, b"{}", 0o600).unwrap();
        assert_eq!(mode(&new), 0o600);
        assert_eq!(names(dir.path()), ["config.toml", "new.json"]);
    }

    #[test]
    fn keeping_the_mode_replaces_a_symlinked_file_at_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("dotfiles.json");
        fs::write(&target, "{\"old\":1}").unwrap();
        let link = dir.path().join(".claude.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic_keeping_mode(&link, b"{\"new\":1}", 0o600).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "{\"new\":1}");
        assert_eq!(names(dir.path()), [".claude.json", "dotfiles.json"]);
    }

    #[test]
    fn a_path_that_names_no_file_is_an_error() {
        assert!(write_private_atomic(Path::new("/"), b"x").is_err());
    }
}
