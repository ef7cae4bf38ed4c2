//! `warren setup --global|--local|--project [--guide] [--uninstall]`: registers `warren mcp`
//! as the MCP server `warren` in one of Claude Code's scopes. With `claude` on the PATH it
//! runs `claude mcp add/remove`; otherwise it edits the file itself, atomically, keeping every
//! other entry. Adding twice changes nothing; `--uninstall` removes exactly what it added.

use crate::usage;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use warren_proto::{ApiError, exit};

/// Where the entry goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The user scope: `mcpServers` of `~/.claude.json`.
    Global,
    /// This project, privately: `projects[<cwd>].mcpServers` of `~/.claude.json`.
    Local,
    /// This project, shared: `.mcp.json` in the working directory.
    Project,
}

impl Scope {
    fn claude_name(self) -> &'static str {
        match self {
            Self::Global => "user",
            Self::Local => "local",
            Self::Project => "project",
        }
    }
}

/// The section `--guide` adds to CLAUDE.md, between markers so it can be removed again.
const GUIDE_START: &str = "<!-- warren:guide -->";
const GUIDE_END: &str = "<!-- /warren:guide -->";
const STRATEGY: &str = include_str!("../../../../docs/STRATEGY.md");

/// The entry for `warren mcp`.
pub fn entry(exe: &Path) -> Value {
    json!({"type": "stdio", "command": exe.to_string_lossy(), "args": ["mcp"], "env": {}})
}

/// Claude Code's user file: `$CLAUDE_CONFIG_DIR/.claude.json`, else `~/.claude.json`.
pub fn claude_json() -> Option<PathBuf> {
    match std::env::var_os("CLAUDE_CONFIG_DIR") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d).join(".claude.json")),
        _ => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".claude.json")),
    }
}

/// The `mcpServers` object the scope uses inside `doc` (made when `create`).
fn servers<'a>(
    doc: &'a mut Value,
    scope: Scope,
    cwd: &str,
    create: bool,
) -> Option<&'a mut Map<String, Value>> {
    let root = doc.as_object_mut()?;
    let holder = match scope {
        Scope::Global | Scope::Project => root,
        Scope::Local => {
            if create {
                root.entry("projects").or_insert_with(|| json!({}));
            }
            let projects = root.get_mut("projects")?.as_object_mut()?;
            if create {
                projects.entry(cwd).or_insert_with(|| json!({}));
            }
            projects.get_mut(cwd)?.as_object_mut()?
        }
    };
    if create {
        holder.entry("mcpServers").or_insert_with(|| json!({}));
    }
    holder.get_mut("mcpServers")?.as_object_mut()
}

/// Adds (or, with `remove`, removes) the entry in `doc`; answers whether it changed.
pub fn edit(
    doc: &mut Value,
    scope: Scope,
    cwd: &str,
    exe: &Path,
    remove: bool,
) -> Result<bool, String> {
    if !doc.is_object() {
        return Err("the file is not a JSON object".into());
    }
    let ours = entry(exe);
    if !remove {
        let s = servers(doc, scope, cwd, true).ok_or("its mcpServers is not an object")?;
        if s.get("warren") == Some(&ours) {
            return Ok(false);
        }
        s.insert("warren".into(), ours);
        return Ok(true);
    }
    let Some(s) = servers(doc, scope, cwd, false) else {
        return Ok(false);
    };
    // Only an entry that runs `warren mcp` is ours to remove.
    let is_ours = s.get("warren").is_some_and(|e| {
        e["args"] == json!(["mcp"]) && e["command"].as_str().is_some_and(|c| c.ends_with("warren"))
    });
    if !is_ours {
        return Ok(false);
    }
    s.remove("warren");
    let emptied = s.is_empty();
    // Containers that only held our entry go too, so the file is as it was.
    if emptied {
        if let Some(root) = doc.as_object_mut() {
            match scope {
                Scope::Global | Scope::Project => {
                    root.remove("mcpServers");
                }
                Scope::Local => {
                    if let Some(projects) = root.get_mut("projects").and_then(Value::as_object_mut)
                    {
                        if let Some(p) = projects.get_mut(cwd).and_then(Value::as_object_mut) {
                            p.remove("mcpServers");
                            if p.is_empty() {
                                projects.remove(cwd);
                            }
                        }
                        if projects.is_empty() {
                            root.remove("projects");
                        }
                    }
                }
            }
        }
    }
    Ok(true)
}

/// Adds or removes the guide section of a CLAUDE.md text.
pub fn guide(text: &str, remove: bool) -> String {
    let without = match (text.find(GUIDE_START), text.find(GUIDE_END)) {
        (Some(a), Some(b)) if b > a => {
            let end = b + GUIDE_END.len();
            let end = if text[end..].starts_with('\n') {
                end + 1
            } else {
                end
            };
            let start = if a > 0 && text[..a].ends_with("\n\n") {
                a - 1
            } else {
                a
            };
            format!("{}{}", &text[..start], &text[end..])
        }
        _ => text.to_string(),
    };
    if remove {
        return without;
    }
    let mut out = without;
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!(
        "{GUIDE_START}\n{}\n{GUIDE_END}\n",
        STRATEGY.trim_end()
    ));
    out
}

/// Replaces a file of the user's atomically, keeping its mode; a new one is made like any
/// other file (0666 less the umask).
fn write_atomic(path: &Path, text: &str) -> Result<(), ApiError> {
    warren_helpers::fs::write_atomic_keeping_mode(path, text.as_bytes(), 0o666)
        .map_err(|e| ApiError::internal(format!("writing {}: {e}", path.display())))
}

fn claude_on_path() -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("claude"))
            .find(|c| c.is_file())
    })
}

/// Runs the setup; prints what it did.
pub fn run(scope: Scope, guide_too: bool, remove: bool) -> Result<i32, ApiError> {
    let exe =
        std::env::current_exe().map_err(|e| ApiError::internal(format!("this executable: {e}")))?;
    let cwd = std::env::current_dir().map_err(|e| usage(format!("no current directory: {e}")))?;
    let cwd_s = cwd.to_string_lossy().into_owned();
    if let Some(claude) = claude_on_path() {
        let mut cmd = std::process::Command::new(&claude);
        cmd.arg("mcp");
        if remove {
            cmd.args(["remove", "--scope", scope.claude_name(), "warren"]);
        } else {
            // `add` refuses an existing name: remove ours first, so adding twice is a no-op.
            let _ = std::process::Command::new(&claude)
                .args(["mcp", "remove", "--scope", scope.claude_name(), "warren"])
                .output();
            cmd.args(["add", "--scope", scope.claude_name(), "warren", "--"])
                .arg(&exe)
                .arg("mcp");
        }
        let out = cmd
            .output()
            .map_err(|e| ApiError::internal(format!("running {}: {e}", claude.display())))?;
        if !out.status.success() && !remove {
            return Err(ApiError::internal(format!(
                "`claude mcp add` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        println!(
            "{} (via {})",
            if remove {
                "removed warren"
            } else {
                "added warren"
            },
            claude.display()
        );
    } else {
        let file = match scope {
            Scope::Project => cwd.join(".mcp.json"),
            Scope::Global | Scope::Local => {
                claude_json().ok_or_else(|| usage("no HOME and no CLAUDE_CONFIG_DIR"))?
            }
        };
        let mut doc: Value = match std::fs::read_to_string(&file) {
            Ok(t) => serde_json::from_str(&t)
                .map_err(|e| usage(format!("{} is not JSON: {e}", file.display())))?,
            Err(_) if remove => json!({}),
            Err(_) => json!({}),
        };
        let changed = edit(&mut doc, scope, &cwd_s, &exe, remove)
            .map_err(|e| usage(format!("{}: {e}", file.display())))?;
        if changed && remove && scope == Scope::Project && doc == json!({}) {
            // A .mcp.json that only held warren was made by setup: it goes with it.
            let _ = std::fs::remove_file(&file);
        } else if changed {
            write_atomic(
                &file,
                &(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"),
            )?;
        }
        let what = match (remove, changed) {
            (false, true) => "added warren to",
            (false, false) => "warren is already in",
            (true, true) => "removed warren from",
            (true, false) => "warren was not in",
        };
        println!("{what} {}", file.display());
    }
    if guide_too || remove {
        let md = match scope {
            Scope::Global => {
                claude_json().and_then(|p| p.parent().map(|d| d.join(".claude").join("CLAUDE.md")))
            }
            Scope::Local | Scope::Project => Some(cwd.join("CLAUDE.md")),
        };
        if let Some(md) = md {
            let text = std::fs::read_to_string(&md).unwrap_or_default();
            let new = guide(&text, remove);
            if new != text {
                if new.trim().is_empty() && remove {
                    let _ = std::fs::remove_file(&md);
                } else {
                    if let Some(d) = md.parent() {
                        let _ = std::fs::create_dir_all(d);
                    }
                    write_atomic(&md, &new)?;
                }
                println!(
                    "{} the guide in {}",
                    if remove { "removed" } else { "wrote" },
                    md.display()
                );
            }
        }
    }
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real_shaped() -> Value {
        json!({
            "numStartups": 12,
            "hasCompletedOnboarding": true,
            "mcpServers": {"other": {"type": "stdio", "command": "npx", "args": ["other-mcp"]}},
            "projects": {"/w/p": {"hasTrustDialogAccepted": true, "allowedTools": []}},
            "customApiKeyResponses": {"approved": ["abc"], "rejected": []}
        })
    }

    #[test]
    fn every_scope_adds_once_keeps_the_rest_and_uninstall_restores() {
        let exe = Path::new("/opt/bin/warren");
        for scope in [Scope::Global, Scope::Local, Scope::Project] {
            for cwd in ["/w/p", "/w/new"] {
                let before = real_shaped();
                let mut doc = before.clone();
                assert!(edit(&mut doc, scope, cwd, exe, false).unwrap());
                let again = doc.clone();
                assert!(
                    !edit(&mut doc, scope, cwd, exe, false).unwrap(),
                    "idempotent"
                );
                assert_eq!(doc, again);
                assert_eq!(doc["numStartups"], 12);
                assert_eq!(
                    doc["mcpServers"]["other"]["command"], "npx",
                    "other entries kept"
                );
                let ours = match scope {
                    Scope::Local => &doc["projects"][cwd]["mcpServers"]["warren"],
                    _ => &doc["mcpServers"]["warren"],
                };
                assert_eq!(ours["args"], json!(["mcp"]));
                assert!(edit(&mut doc, scope, cwd, exe, true).unwrap());
                assert_eq!(doc, before, "{scope:?} {cwd}: uninstall restores the file");
            }
        }
        let mut empty = json!({});
        edit(&mut empty, Scope::Project, "/w", exe, false).unwrap();
        edit(&mut empty, Scope::Project, "/w", exe, true).unwrap();
        assert_eq!(empty, json!({}));
    }

    #[test]
    fn uninstall_leaves_an_entry_that_is_not_ours() {
        let mut doc =
            json!({"mcpServers": {"warren": {"command": "/usr/bin/something-else", "args": []}}});
        let before = doc.clone();
        assert!(
            !edit(
                &mut doc,
                Scope::Global,
                "/w",
                Path::new("/opt/warren"),
                true
            )
            .unwrap()
        );
        assert_eq!(doc, before);
        assert!(edit(&mut json!([1]), Scope::Global, "/w", Path::new("/x"), false).is_err());
    }

    #[test]
    fn the_guide_is_added_once_and_removed_cleanly() {
        let original = "# My project\n\nBuild with make.\n";
        let with = guide(original, false);
        assert!(with.contains(GUIDE_START) && with.contains("delegate"));
        assert_eq!(guide(&with, false), with, "idempotent");
        assert_eq!(guide(&with, true), original);
        assert_eq!(guide(&guide("", false), true), "");
    }
}
