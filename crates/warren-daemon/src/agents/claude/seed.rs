//! Pre-seeding Claude Code's config files so its first-start dialogs (onboarding, folder trust,
//! custom API key, bypass-permissions warning) do not appear.
//!
//! What Claude Code 2.1.197 writes when a person answers those dialogs, and so what a seeded
//! home holds:
//!
//! ```text
//! .claude.json:   {"hasCompletedOnboarding": true,
//!                  "customApiKeyResponses": {"approved": ["<last 20 chars of the key>"], "rejected": []},
//!                  "projects": {"<exact cwd>": {"hasTrustDialogAccepted": true}}}
//! settings.json:  {"skipDangerousModePermissionPrompt": true}     (bypass mode only)
//! ```
//!
//! Only what is missing is written; every other key and the key order are kept, and each file
//! is replaced atomically (a temporary file in the same directory, then a rename).

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// How many trailing chars of the API key Claude Code remembers.
const KEY_SUFFIX_CHARS: usize = 20;

/// Where Claude Code keeps its files for an environment: with `CLAUDE_CONFIG_DIR=D`,
/// `D/.claude.json` and `D/settings.json`; else with `HOME=H`, `H/.claude.json` and
/// `H/.claude/settings.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClaudeFiles {
    /// The state file, `.claude.json` (onboarding, trusted projects, API key answers).
    pub state: PathBuf,
    /// The user settings file, `settings.json`.
    pub settings: PathBuf,
}

/// Claude Code's files for the environment `env` the program will run with. A variable set to
/// the empty string counts as unset. `None` when neither `CLAUDE_CONFIG_DIR` nor `HOME` is set.
pub(crate) fn files(env: &BTreeMap<String, String>) -> Option<ClaudeFiles> {
    let var = |k: &str| env.get(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("CLAUDE_CONFIG_DIR") {
        return Some(ClaudeFiles {
            state: dir.join(".claude.json"),
            settings: dir.join("settings.json"),
        });
    }
    let home = var("HOME")?;
    Some(ClaudeFiles {
        state: home.join(".claude.json"),
        settings: home.join(".claude").join("settings.json"),
    })
}

/// What to seed. Its `Debug` output hides the API key.
#[derive(Clone, Copy)]
pub(crate) struct Seed<'a> {
    /// The working directory the program starts in; its trust is recorded under exactly this
    /// string, so pass the path as Claude Code will see it.
    pub cwd: &'a Path,
    /// `ANTHROPIC_API_KEY` from the session's environment, if any (an empty key counts as
    /// none).
    pub api_key: Option<&'a str>,
    /// Whether the program runs in bypass-permissions mode.
    pub bypass: bool,
}

impl std::fmt::Debug for Seed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seed")
            .field("cwd", &self.cwd)
            .field("api_key", &self.api_key.map(|_| "<redacted>"))
            .field("bypass", &self.bypass)
            .finish()
    }
}

/// Writes what is missing: `hasCompletedOnboarding: true`;
/// `projects[<cwd as given>].hasTrustDialogAccepted: true`; when `api_key` is set, its last 20
/// chars in `customApiKeyResponses.approved` (and out of `.rejected`), creating the object
/// with `approved` and `rejected` arrays if absent; when `bypass`,
/// `skipDangerousModePermissionPrompt: true` in the settings file.
///
/// Returns what it changed, in words (no key material); empty when nothing was needed, so a
/// second call returns an empty list. Every other key and the key order are kept. Each
/// changed file is written to a temporary file in its directory (mode 0600, or the existing
/// file's mode) and renamed over the old one; a symlinked file is replaced at its target.
/// Missing parent directories are created with mode 0700.
///
/// # Errors
///
/// A file that exists but is not a JSON object, or holds a non-object where an object is
/// needed, is an error naming the file, and that file is left untouched. So is a `cwd` that
/// is not UTF-8, and any I/O error.
pub(crate) fn seed(files: &ClaudeFiles, s: &Seed) -> io::Result<Vec<String>> {
    let cwd = s.cwd.to_str().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("working directory {} is not UTF-8", s.cwd.display()),
        )
    })?;
    let mut changes = Vec::new();

    let (state_path, mut state) = read_object(&files.state)?;
    let name = files.state.display().to_string();
    let before = changes.len();
    if state.get("hasCompletedOnboarding") != Some(&Value::Bool(true)) {
        state.insert("hasCompletedOnboarding".into(), Value::Bool(true));
        changes.push(format!("set hasCompletedOnboarding in {name}"));
    }
    if let Some(key) = s.api_key.filter(|k| !k.is_empty()) {
        let suffix = Value::String(key_suffix(key).to_string());
        let created = !state.contains_key("customApiKeyResponses");
        let responses = object_at(&mut state, "customApiKeyResponses", &name)?;
        if created {
            responses.insert("approved".into(), Value::Array(Vec::new()));
            responses.insert("rejected".into(), Value::Array(Vec::new()));
        }
        if let Some(rejected) = array_at(responses, "rejected", false, &name)? {
            let len = rejected.len();
            rejected.retain(|v| *v != suffix);
            if rejected.len() != len {
                changes.push(format!(
                    "removed the API key from customApiKeyResponses.rejected in {name}"
                ));
            }
        }
        if let Some(approved) = array_at(responses, "approved", true, &name)? {
            if !approved.contains(&suffix) {
                approved.push(suffix);
                changes.push(format!(
                    "approved the API key in customApiKeyResponses in {name}"
                ));
            }
        }
    }
    let projects = object_at(&mut state, "projects", &name)?;
    let project = object_at(projects, cwd, &name)?;
    if project.get("hasTrustDialogAccepted") != Some(&Value::Bool(true)) {
        project.insert("hasTrustDialogAccepted".into(), Value::Bool(true));
        changes.push(format!("trusted folder {cwd} in {name}"));
    }
    if changes.len() != before {
        write_atomic(&state_path, &state)?;
    }

    if s.bypass {
        let (settings_path, mut settings) = read_object(&files.settings)?;
        if settings.get("skipDangerousModePermissionPrompt") != Some(&Value::Bool(true)) {
            settings.insert(
                "skipDangerousModePermissionPrompt".into(),
                Value::Bool(true),
            );
            write_atomic(&settings_path, &settings)?;
            changes.push(format!(
                "set skipDangerousModePermissionPrompt in {}",
                files.settings.display()
            ));
        }
    }
    Ok(changes)
}

/// The trailing [`KEY_SUFFIX_CHARS`] chars of `key` (all of it when shorter).
fn key_suffix(key: &str) -> &str {
    let n = key.chars().count();
    match key.char_indices().nth(n.saturating_sub(KEY_SUFFIX_CHARS)) {
        Some((i, _)) => &key[i..],
        None => key,
    }
}

fn invalid(file: &str, what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("{file}: {what}"))
}

/// Reads a JSON object file: (the path to write back, following a symlink; its object, empty
/// when the file does not exist).
fn read_object(path: &Path) -> io::Result<(PathBuf, Map<String, Value>)> {
    let name = path.display().to_string();
    match fs::read(path) {
        Ok(bytes) => {
            let target = fs::canonicalize(path)?;
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Object(map)) => Ok((target, map)),
                Ok(_) => Err(invalid(&name, "not a JSON object; left as it is")),
                Err(e) => Err(invalid(
                    &name,
                    &format!("not a JSON object ({e}); left as it is"),
                )),
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((path.to_path_buf(), Map::new())),
        Err(e) => Err(io::Error::new(e.kind(), format!("{name}: {e}"))),
    }
}

/// The object under `key`, created empty when absent; an error when it holds something else.
fn object_at<'m>(
    map: &'m mut Map<String, Value>,
    key: &str,
    file: &str,
) -> io::Result<&'m mut Map<String, Value>> {
    map.entry(key)
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| {
            invalid(
                file,
                &format!("\"{key}\" is not a JSON object; left as it is"),
            )
        })
}

/// The array under `key`: created empty when absent and `create`, else `None` when absent; an
/// error when it holds something else.
fn array_at<'m>(
    map: &'m mut Map<String, Value>,
    key: &str,
    create: bool,
    file: &str,
) -> io::Result<Option<&'m mut Vec<Value>>> {
    if !map.contains_key(key) {
        if !create {
            return Ok(None);
        }
        map.insert(key.into(), Value::Array(Vec::new()));
    }
    match map.get_mut(key) {
        Some(Value::Array(a)) => Ok(Some(a)),
        _ => Err(invalid(
            file,
            &format!("customApiKeyResponses.{key} is not a JSON array; left as it is"),
        )),
    }
}

/// Replaces `path` with `map` as pretty JSON (two-space indent, as Claude Code writes it),
/// atomically and keeping the old file's mode (0600 when new); see
/// [`warren_helpers::fs::write_atomic_keeping_mode`]. Creates missing parent directories
/// with mode 0700.
fn write_atomic(path: &Path, map: &Map<String, Value>) -> io::Result<()> {
    let name = path.display().to_string();
    let with_name = |e: io::Error| io::Error::new(e.kind(), format!("{name}: {e}"));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(with_name)?;
    let mut body = serde_json::to_vec_pretty(map).map_err(io::Error::other)?;
    body.push(b'\n');
    warren_helpers::fs::write_atomic_keeping_mode(path, &body, 0o600).map_err(with_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn sample(name: &str) -> String {
        let p = format!(
            "{}/../../../shared/reference/claude-code-samples/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    fn home_files(home: &Path) -> ClaudeFiles {
        let env = BTreeMap::from([("HOME".to_string(), home.display().to_string())]);
        files(&env).expect("files")
    }

    fn read_json(p: &Path) -> Value {
        serde_json::from_str(&fs::read_to_string(p).expect("read")).expect("json")
    }

    fn keys(v: &Value) -> Vec<String> {
        v.as_object().expect("object").keys().cloned().collect()
    }

    const KEY: &str = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789";

    #[test]
    fn seed_debug_hides_the_key() {
        let s = Seed {
            cwd: Path::new("/w"),
            api_key: Some(KEY),
            bypass: false,
        };
        let d = format!("{s:?}");
        assert!(!d.contains("0123456789"), "{d}");
        assert!(d.contains("redacted"), "{d}");
    }

    #[test]
    fn files_prefers_claude_config_dir_over_home() {
        let mut env = BTreeMap::from([("HOME".to_string(), "/home/u".to_string())]);
        assert_eq!(
            files(&env),
            Some(ClaudeFiles {
                state: "/home/u/.claude.json".into(),
                settings: "/home/u/.claude/settings.json".into(),
            })
        );
        env.insert("CLAUDE_CONFIG_DIR".into(), "/cfg".into());
        assert_eq!(
            files(&env),
            Some(ClaudeFiles {
                state: "/cfg/.claude.json".into(),
                settings: "/cfg/settings.json".into(),
            })
        );
        env.insert("CLAUDE_CONFIG_DIR".into(), String::new());
        assert_eq!(
            files(&env).map(|f| f.state),
            Some("/home/u/.claude.json".into())
        );
        assert_eq!(files(&BTreeMap::new()), None);
    }

    #[test]
    fn seeds_a_fresh_home_like_the_recorded_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join("home/user");
        let f = home_files(&home);
        let changes = seed(
            &f,
            &Seed {
                cwd: Path::new("/home/user/project-e2"),
                api_key: Some("sk-ant-api03-xxxxxxxxxxxx00000000000000000000"),
                bypass: false,
            },
        )
        .expect("seed");
        assert_eq!(changes.len(), 3, "{changes:?}");
        let want: Value =
            serde_json::from_str(&sample("e2_seeded_claude_json.json")).expect("sample");
        let got = read_json(&f.state);
        assert_eq!(got, want);
        assert_eq!(
            keys(&got),
            [
                "hasCompletedOnboarding",
                "customApiKeyResponses",
                "projects"
            ]
        );
        assert_eq!(
            keys(&got["customApiKeyResponses"]),
            ["approved", "rejected"]
        );
        assert!(!f.settings.exists(), "no settings without bypass");
        let mode = |p: &Path| fs::metadata(p).expect("metadata").mode() & 0o777;
        assert_eq!(mode(&f.state), 0o600);
        assert_eq!(mode(&home), 0o700);
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(&home)
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, [".claude.json"]);
    }

    #[test]
    fn keeps_other_keys_and_their_order_and_is_idempotent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = home_files(dir.path());
        // The recorded file with more keys around it, and another project.
        let mut v: Map<String, Value> = Map::new();
        v.insert("numStartups".into(), 7.into());
        v.insert("userID".into(), "abc".into());
        let recorded: Map<String, Value> =
            serde_json::from_str(&sample("e2_seeded_claude_json.json")).expect("sample");
        for (k, val) in recorded {
            v.insert(k, val);
        }
        v["projects"]["/home/user/project-e2"]["allowedTools"] = Value::Array(Vec::new());
        v.insert("zeta".into(), serde_json::json!({"b": 1, "a": 2}));
        fs::write(&f.state, serde_json::to_string_pretty(&v).expect("json")).expect("write");
        fs::set_permissions(&f.state, fs::Permissions::from_mode(0o640)).expect("chmod");

        let s = Seed {
            cwd: Path::new("/srv/other"),
            api_key: Some(KEY),
            bypass: false,
        };
        let changes = seed(&f, &s).expect("seed");
        assert_eq!(changes.len(), 2, "{changes:?}");
        let got = read_json(&f.state);
        assert_eq!(
            keys(&got),
            [
                "numStartups",
                "userID",
                "hasCompletedOnboarding",
                "customApiKeyResponses",
                "projects",
                "zeta"
            ]
        );
        assert_eq!(keys(&got["zeta"]), ["b", "a"]);
        assert_eq!(
            keys(&got["projects"]),
            ["/home/user/project-e2", "/srv/other"]
        );
        assert_eq!(
            keys(&got["projects"]["/home/user/project-e2"]),
            ["hasTrustDialogAccepted", "allowedTools"]
        );
        assert_eq!(
            got["projects"]["/srv/other"]["hasTrustDialogAccepted"],
            true
        );
        assert_eq!(
            got["customApiKeyResponses"]["approved"],
            serde_json::json!(["00000000000000000000", "qrstuvwxyz0123456789"])
        );
        assert_eq!(
            fs::metadata(&f.state).expect("metadata").mode() & 0o777,
            0o640,
            "the existing mode is kept"
        );

        let text = fs::read_to_string(&f.state).expect("read");
        assert!(seed(&f, &s).expect("again").is_empty());
        assert_eq!(fs::read_to_string(&f.state).expect("read"), text);
    }

    #[test]
    fn api_key_last_20_chars_move_from_rejected_to_approved() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = home_files(dir.path());
        let suffix = &KEY[KEY.len() - 20..];
        assert_eq!(key_suffix(KEY), suffix);
        assert_eq!(suffix.len(), 20);
        assert_eq!(key_suffix("short"), "short");
        fs::write(
            &f.state,
            serde_json::json!({
                "hasCompletedOnboarding": true,
                "customApiKeyResponses": {"rejected": [suffix, "other"]},
            })
            .to_string(),
        )
        .expect("write");
        let s = Seed {
            cwd: Path::new("/w"),
            api_key: Some(KEY),
            bypass: false,
        };
        let changes = seed(&f, &s).expect("seed");
        assert_eq!(changes.len(), 3, "{changes:?}");
        assert!(
            changes.iter().all(|c| !c.contains(suffix)),
            "no key in words"
        );
        let got = read_json(&f.state);
        assert_eq!(
            got["customApiKeyResponses"],
            serde_json::json!({"rejected": ["other"], "approved": [suffix]})
        );
        assert!(seed(&f, &s).expect("again").is_empty());
        // No key, no customApiKeyResponses; an empty key counts as none.
        let dir2 = tempfile::tempdir().expect("tempdir");
        let f2 = home_files(dir2.path());
        let none = Seed {
            cwd: Path::new("/w"),
            api_key: Some(""),
            bypass: false,
        };
        seed(&f2, &none).expect("seed");
        assert!(read_json(&f2.state).get("customApiKeyResponses").is_none());
    }

    #[test]
    fn bypass_writes_settings_and_keeps_its_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = home_files(dir.path());
        fs::create_dir_all(f.settings.parent().expect("parent")).expect("mkdir");
        let hooks = serde_json::json!({"Stop": [{"hooks": [{"type": "command", "command": "x"}]}]});
        fs::write(
            &f.settings,
            serde_json::json!({"statusLine": {"type": "command"}, "hooks": hooks}).to_string(),
        )
        .expect("write");
        let s = Seed {
            cwd: Path::new("/w"),
            api_key: None,
            bypass: true,
        };
        let changes = seed(&f, &s).expect("seed");
        assert!(
            changes
                .iter()
                .any(|c| c.contains("skipDangerousModePermissionPrompt")),
            "{changes:?}"
        );
        let got = read_json(&f.settings);
        assert_eq!(
            keys(&got),
            ["statusLine", "hooks", "skipDangerousModePermissionPrompt"]
        );
        assert_eq!(got["hooks"], hooks);
        assert_eq!(got["skipDangerousModePermissionPrompt"], true);
        assert!(seed(&f, &s).expect("again").is_empty());

        // CLAUDE_CONFIG_DIR: settings.json sits next to .claude.json, dirs are created.
        let cfg = dir.path().join("cfg/claude");
        let env = BTreeMap::from([
            ("HOME".to_string(), dir.path().display().to_string()),
            ("CLAUDE_CONFIG_DIR".to_string(), cfg.display().to_string()),
        ]);
        let f = files(&env).expect("files");
        assert_eq!(seed(&f, &s).expect("seed").len(), 3);
        assert_eq!(
            read_json(&cfg.join("settings.json"))["skipDangerousModePermissionPrompt"],
            true
        );
        assert_eq!(
            read_json(&cfg.join(".claude.json"))["hasCompletedOnboarding"],
            true
        );
    }

    #[test]
    fn a_file_that_is_not_a_json_object_is_an_error_and_left_untouched() {
        let s = Seed {
            cwd: Path::new("/w"),
            api_key: Some(KEY),
            bypass: true,
        };
        for body in ["[1, 2]", "not json {", "", "{\"projects\": []}"] {
            let dir = tempfile::tempdir().expect("tempdir");
            let f = home_files(dir.path());
            fs::write(&f.state, body).expect("write");
            let e = seed(&f, &s).expect_err(body);
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
            assert!(
                e.to_string().contains(&f.state.display().to_string()),
                "{e}"
            );
            assert_eq!(fs::read_to_string(&f.state).expect("read"), body);
            assert_eq!(fs::read_dir(dir.path()).expect("read_dir").count(), 1);
        }
        // A bad settings file too, after the state file was seeded.
        let dir = tempfile::tempdir().expect("tempdir");
        let f = home_files(dir.path());
        fs::create_dir_all(f.settings.parent().expect("parent")).expect("mkdir");
        fs::write(&f.settings, "true").expect("write");
        let e = seed(&f, &s).expect_err("settings");
        assert!(
            e.to_string().contains(&f.settings.display().to_string()),
            "{e}"
        );
        assert_eq!(fs::read_to_string(&f.settings).expect("read"), "true");
    }

    #[test]
    fn a_symlinked_state_file_is_replaced_at_its_target() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = home_files(dir.path());
        let target = dir.path().join("dotfiles.json");
        fs::write(&target, "{\"keep\": 1}").expect("write");
        std::os::unix::fs::symlink(&target, &f.state).expect("symlink");
        let s = Seed {
            cwd: Path::new("/w"),
            api_key: None,
            bypass: false,
        };
        seed(&f, &s).expect("seed");
        assert!(
            fs::symlink_metadata(&f.state)
                .expect("lstat")
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            keys(&read_json(&target)),
            ["keep", "hasCompletedOnboarding", "projects"]
        );
    }
}
