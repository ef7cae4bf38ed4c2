//! The rules file: which folders are split into one node per child, the layers (lowest
//! first), isolated groups, forbidden imports, and the `warren-*` crates each crate may
//! depend on. The format is described in the crate documentation.

use std::collections::BTreeSet;
use std::path::Path;

/// A word naming nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// Exactly this node (`store`, `service`, `service/send`).
    Node(String),
    /// The split children of this folder (`service/*`), not the folder's own node.
    Children(String),
    /// Every node of the layer with this index (only in `forbid` lines).
    Layer(usize),
}

/// `layer NAME: PATTERN...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// Its name.
    pub name: String,
    /// The line that defines it.
    pub line: u32,
    /// The nodes in it.
    pub patterns: Vec<Pattern>,
}

/// `isolate PATTERN...`: the nodes matched may not import one another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isolate {
    /// Its line.
    pub line: u32,
    /// The group.
    pub patterns: Vec<Pattern>,
    /// The patterns as written.
    pub text: String,
}

/// `forbid FROM... -> TO...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forbid {
    /// Its line.
    pub line: u32,
    /// Importers.
    pub from: Vec<Pattern>,
    /// What they may not import.
    pub to: Vec<Pattern>,
    /// The rule as written.
    pub text: String,
}

/// `crate NAME: DEP...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateRule {
    /// Its line.
    pub line: u32,
    /// The crate's package name.
    pub name: String,
    /// The `warren-*` crates it may list under `[dependencies]`.
    pub allowed: Vec<String>,
}

/// A parsed rules file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    /// Folders whose children are nodes of their own.
    pub split: BTreeSet<String>,
    /// Lowest first.
    pub layers: Vec<Layer>,
    /// `isolate` lines.
    pub isolates: Vec<Isolate>,
    /// `forbid` lines.
    pub forbids: Vec<Forbid>,
    /// `crate` lines.
    pub crates: Vec<CrateRule>,
}

fn valid_node(word: &str) -> bool {
    !word.is_empty()
        && word
            .split('/')
            .all(|p| !p.is_empty() && p.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()))
}

impl Rules {
    /// Parses rules text; `path` only names the file in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Rules, String> {
        let mut rules = Rules::default();
        // Words of forbid lines, resolved once every layer is known.
        let mut forbids: Vec<(u32, Vec<String>, Vec<String>, String)> = Vec::new();
        let mut isolates: Vec<(u32, Vec<String>)> = Vec::new();
        let mut layer_words: Vec<Vec<String>> = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
            let err = |msg: String| format!("{}:{line}: {msg}", path.display());
            let body = raw.split('#').next().unwrap_or_default().trim();
            if body.is_empty() {
                continue;
            }
            let (directive, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
            let rest = rest.trim();
            let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
            match directive {
                "split" => {
                    for w in words(rest) {
                        if !valid_node(&w) || w.contains('/') {
                            return Err(err(format!(
                                "split {w:?}: name a top-level folder of src/"
                            )));
                        }
                        rules.split.insert(w);
                    }
                }
                "layer" | "crate" => {
                    let Some((name, list)) = rest.split_once(':') else {
                        return Err(err(format!("expected `{directive} NAME: ...`")));
                    };
                    let name = name.trim();
                    if name.is_empty() || name.contains(char::is_whitespace) {
                        return Err(err(format!("expected `{directive} NAME: ...`")));
                    }
                    if directive == "layer" {
                        if let Some(l) = rules.layers.iter().find(|l| l.name == name) {
                            return Err(err(format!(
                                "layer {name} is already defined on line {}",
                                l.line
                            )));
                        }
                        rules.layers.push(Layer {
                            name: name.to_string(),
                            line,
                            patterns: Vec::new(),
                        });
                        layer_words.push(words(list));
                    } else {
                        if let Some(c) = rules.crates.iter().find(|c| c.name == name) {
                            return Err(err(format!(
                                "crate {name} is already listed on line {}",
                                c.line
                            )));
                        }
                        rules.crates.push(CrateRule {
                            line,
                            name: name.to_string(),
                            allowed: words(list),
                        });
                    }
                }
                "isolate" => {
                    if rest.is_empty() {
                        return Err(err("expected `isolate PATTERN...`".into()));
                    }
                    isolates.push((line, words(rest)));
                }
                "forbid" => {
                    let ws = words(rest);
                    let Some(arrow) = ws.iter().position(|w| w == "->") else {
                        return Err(err("expected `forbid FROM... -> TO...`".into()));
                    };
                    let (from, to) = (ws[..arrow].to_vec(), ws[arrow + 1..].to_vec());
                    if from.is_empty() || to.is_empty() {
                        return Err(err("expected `forbid FROM... -> TO...`".into()));
                    }
                    forbids.push((line, from, to, rest.to_string()));
                }
                other => {
                    return Err(err(format!(
                        "unknown directive {other:?} (expected split, layer, isolate, forbid or crate)"
                    )));
                }
            }
        }
        let layer_names: Vec<String> = rules.layers.iter().map(|l| l.name.clone()).collect();
        let split = rules.split.clone();
        // `strict`: the rule would be switched off by a `x/*` that matches nothing (isolate, and
        // the importers of a forbid), so such a pattern is an error rather than empty.
        let pattern =
            |w: &str, line: u32, layers_too: bool, strict: bool| -> Result<Pattern, String> {
                let err = |msg: String| format!("{}:{line}: {msg}", path.display());
                if layers_too {
                    if let Some(i) = layer_names.iter().position(|n| n == w) {
                        return Ok(Pattern::Layer(i));
                    }
                }
                let (node, children) = match w.strip_suffix("/*") {
                    Some(f) => (f, true),
                    None => (w, false),
                };
                if !valid_node(node) {
                    return Err(err(format!("{w:?} is not a module name or pattern")));
                }
                let slashes = node.matches('/').count();
                if slashes > 1 || (children && slashes > 0) {
                    return Err(err(format!(
                        "{w:?}: only one level of a split folder is a node"
                    )));
                }
                let folder = if children {
                    Some(node)
                } else {
                    node.split_once('/').map(|p| p.0)
                };
                if let Some(f) = folder.filter(|_| strict || !children) {
                    if !split.contains(f) {
                        return Err(err(format!(
                            "{w:?}: {f} is not split (add it to a `split` line)"
                        )));
                    }
                }
                Ok(if children {
                    Pattern::Children(node.to_string())
                } else {
                    Pattern::Node(node.to_string())
                })
            };
        for (i, ws) in layer_words.iter().enumerate() {
            let line = rules.layers[i].line;
            let pats = ws
                .iter()
                .map(|w| pattern(w, line, false, false))
                .collect::<Result<Vec<_>, _>>()?;
            rules.layers[i].patterns = pats;
        }
        for (line, ws) in isolates {
            let patterns = ws
                .iter()
                .map(|w| pattern(w, line, false, true))
                .collect::<Result<Vec<_>, _>>()?;
            rules.isolates.push(Isolate {
                line,
                patterns,
                text: ws.join(" "),
            });
        }
        for (line, from, to, text) in forbids {
            let from = from
                .iter()
                .map(|w| pattern(w, line, true, true))
                .collect::<Result<Vec<_>, _>>()?;
            let to = to
                .iter()
                .map(|w| pattern(w, line, true, false))
                .collect::<Result<Vec<_>, _>>()?;
            rules.forbids.push(Forbid {
                line,
                from,
                to,
                text,
            });
        }
        Ok(rules)
    }

    /// The node that file module path `module` belongs to: its first segment, or
    /// `first/second` under a split folder; `lib` for the crate root.
    pub fn node_of(&self, module: &[String]) -> String {
        match module {
            [] => "lib".to_string(),
            [top, child, ..] if self.split.contains(top) => format!("{top}/{child}"),
            [top, ..] => top.clone(),
        }
    }

    /// The indices of the layers whose patterns match `node` (normally one).
    pub fn layers_of(&self, node: &str) -> Vec<usize> {
        (0..self.layers.len())
            .filter(|&i| {
                self.layers[i]
                    .patterns
                    .iter()
                    .any(|p| self.matches(p, node))
            })
            .collect()
    }

    /// Whether `p` matches `node`.
    pub fn matches(&self, p: &Pattern, node: &str) -> bool {
        match p {
            Pattern::Node(n) => n == node,
            Pattern::Children(f) => node
                .strip_prefix(f.as_str())
                .is_some_and(|rest| rest.starts_with('/')),
            Pattern::Layer(i) => self.layers_of(node).contains(i),
        }
    }

    /// Whether any of `ps` matches `node`.
    pub fn any_matches(&self, ps: &[Pattern], node: &str) -> bool {
        ps.iter().any(|p| self.matches(p, node))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "\
# comment
split service runtime
layer drivers: paths store   # trailing comment
layer context : config session
layer verbs: service service/*
isolate service/*
forbid drivers -> verbs runtime runtime/*
crate warren-daemon: warren-proto
crate warren-proto:
";

    fn parse(text: &str) -> Result<Rules, String> {
        Rules::parse(text, Path::new("layers.rules"))
    }

    #[test]
    fn parses_every_directive() {
        let r = parse(EXAMPLE).unwrap();
        assert_eq!(r.split.iter().collect::<Vec<_>>(), ["runtime", "service"]);
        let names: Vec<&str> = r.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["drivers", "context", "verbs"]);
        assert_eq!(
            r.layers[2].patterns,
            [
                Pattern::Node("service".into()),
                Pattern::Children("service".into())
            ]
        );
        assert_eq!(r.isolates[0].line, 6);
        assert_eq!(r.forbids[0].from, [Pattern::Layer(0)]);
        assert_eq!(
            r.forbids[0].to,
            [
                Pattern::Layer(2),
                Pattern::Node("runtime".into()),
                Pattern::Children("runtime".into())
            ]
        );
        assert_eq!(r.crates[0].allowed, ["warren-proto"]);
        assert!(r.crates[1].allowed.is_empty());
    }

    #[test]
    fn nodes_and_matching() {
        let r = parse(EXAMPLE).unwrap();
        let m = |s: &str| -> Vec<String> {
            s.split('/')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        };
        assert_eq!(r.node_of(&m("")), "lib");
        assert_eq!(r.node_of(&m("store/sessions")), "store");
        assert_eq!(r.node_of(&m("service")), "service");
        assert_eq!(r.node_of(&m("service/send")), "service/send");
        assert_eq!(r.node_of(&m("runtime/tmux/actor")), "runtime/tmux");
        assert!(r.matches(&Pattern::Children("service".into()), "service/send"));
        assert!(!r.matches(&Pattern::Children("service".into()), "service"));
        assert!(!r.matches(&Pattern::Children("service".into()), "services/x"));
        assert_eq!(r.layers_of("service/send"), [2]);
        assert!(r.layers_of("attention").is_empty());
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("split a\nlayer x: a/*\nbogus y").unwrap_err();
        assert_eq!(
            e,
            "layers.rules:3: unknown directive \"bogus\" (expected split, layer, isolate, forbid or crate)"
        );
        // In a layer, or what a forbid forbids, an unsplit `b/*` just matches nothing...
        let r = parse("layer x: b b/*\nforbid x -> b/*").unwrap();
        assert_eq!(r.layers_of("b"), [0]); // and no node `b/...` exists while b is not split
        // ...but it may not switch an isolate or a forbid off.
        let e = parse("isolate b/*").unwrap_err();
        assert!(
            e.starts_with("layers.rules:1: \"b/*\": b is not split"),
            "{e}"
        );
        let e = parse("layer x: a\nforbid b/* -> x").unwrap_err();
        assert!(
            e.starts_with("layers.rules:2: \"b/*\": b is not split"),
            "{e}"
        );
        // A named child of a folder that is not split is never a node.
        let e = parse("layer x: b/c").unwrap_err();
        assert!(
            e.starts_with("layers.rules:1: \"b/c\": b is not split"),
            "{e}"
        );
        let e = parse("layer x a").unwrap_err();
        assert!(e.contains("expected `layer NAME: ...`"), "{e}");
        let e = parse("layer x: a\nlayer x: b").unwrap_err();
        assert!(e.contains("already defined on line 1"), "{e}");
        let e = parse("forbid a b").unwrap_err();
        assert!(e.contains("->"), "{e}");
        let e = parse("split s\nlayer x: s/a/b").unwrap_err();
        assert!(e.contains("only one level"), "{e}");
    }
}
