//! Just enough of `Cargo.toml` to list a crate's `warren-*` dependencies: the keys of
//! `[dependencies]` (and `[target.'...'.dependencies]`), and `[dependencies.NAME]` tables,
//! with `package = "..."` renames followed. Dev- and build-dependencies are not looked at.

/// One `warren-*` dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    /// The package depended on.
    pub name: String,
    /// The line that names it.
    pub line: u32,
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches(|c| c == '"' || c == '\'')
}

/// Whether `name` is one of the workspace's crates (`warren` or `warren-*`).
pub fn is_warren(name: &str) -> bool {
    name == "warren" || name.starts_with("warren-")
}

/// The `[package]` name.
pub fn package_name(toml: &str) -> Option<String> {
    let mut in_package = false;
    for raw in toml.lines() {
        let line = raw.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some((k, v)) = line.split_once('=') {
                if k.trim() == "name" {
                    return Some(unquote(v.split('#').next().unwrap_or_default()).to_string());
                }
            }
        }
    }
    None
}

/// Whether a table header (without brackets) is a normal dependencies table, and if it is
/// `[dependencies.NAME]`, the name.
fn deps_table(header: &str) -> Option<Option<String>> {
    let parts: Vec<&str> = header.split('.').map(unquote).collect();
    let at = if parts.first() == Some(&"target") {
        // target.'cfg(unix)'.dependencies: the cfg may itself contain dots.
        parts.iter().rposition(|p| *p == "dependencies")?
    } else if parts.first() == Some(&"dependencies") {
        0
    } else {
        return None;
    };
    match &parts[at + 1..] {
        [] => Some(None),
        [name] => Some(Some((*name).to_string())),
        _ => None,
    }
}

/// The `warren-*` crates listed as normal dependencies.
pub fn warren_deps(toml: &str) -> Vec<Dep> {
    let mut out = Vec::new();
    // Some(None): in [dependencies]; Some(Some(name)): in [dependencies.name].
    let mut table: Option<Option<String>> = None;
    let mut table_line = 0;
    let mut table_package: Option<String> = None;
    // Ends a [dependencies.NAME] table: it names NAME, or its `package`.
    fn flush(
        out: &mut Vec<Dep>,
        table: &Option<Option<String>>,
        package: &mut Option<String>,
        line: u32,
    ) {
        if let Some(Some(key)) = table {
            let name = package.take().unwrap_or_else(|| key.clone());
            if is_warren(&name) {
                out.push(Dep { name, line });
            }
        }
    }
    for (n, raw) in toml.lines().enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.starts_with('[') {
            flush(&mut out, &table, &mut table_package, table_line);
            let header = line.trim_start_matches('[').trim_end_matches(']').trim();
            table = if line.starts_with("[[") {
                None
            } else {
                deps_table(header)
            };
            table_line = line_no;
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        match &table {
            Some(None) => {
                let key = unquote(key.split('.').next().unwrap_or_default());
                let name = package_in(value).unwrap_or_else(|| key.to_string());
                if is_warren(&name) {
                    out.push(Dep {
                        name,
                        line: line_no,
                    });
                }
            }
            Some(Some(_)) if key.trim() == "package" => {
                table_package = Some(unquote(value).to_string());
            }
            _ => {}
        }
    }
    flush(&mut out, &table, &mut table_package, table_line);
    out
}

/// `package = "..."` inside an inline table value.
fn package_in(value: &str) -> Option<String> {
    let at = value.find("package")?;
    let rest = value[at + "package".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start().strip_prefix('"')?;
    Some(rest.split('"').next()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_normal_warren_dependencies_only() {
        let toml = r#"
[package]
name = "warren-daemon"

[dependencies]
warren-proto.workspace = true
tokio.workspace = true
warren-mcp = { path = "../warren-mcp" }
helpers = { package = "warren-helpers", path = "../h" }
"warren-client" = "0.1"

[target.'cfg(unix)'.dependencies]
warren-unix = { path = "x" }

[dependencies.warren-table]
path = "t"

[dependencies.renamed]
package = "warren-real"

[dev-dependencies]
warren-testkit.workspace = true

[build-dependencies]
warren-build = "1"
"#;
        assert_eq!(package_name(toml).as_deref(), Some("warren-daemon"));
        let got: Vec<(String, u32)> = warren_deps(toml)
            .into_iter()
            .map(|d| (d.name, d.line))
            .collect();
        let want = [
            ("warren-proto", 6),
            ("warren-mcp", 8),
            ("warren-helpers", 9),
            ("warren-client", 10),
            ("warren-unix", 13),
            ("warren-table", 15),
            ("warren-real", 18),
        ];
        assert_eq!(got, want.map(|(n, l)| (n.to_string(), l)).to_vec());
    }
}
