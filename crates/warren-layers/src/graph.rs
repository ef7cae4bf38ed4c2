//! The module import graph of one crate's `src/`: every file is scanned, paths are resolved
//! against the module tree (files, `mod.rs`, `foo.rs` beside `foo/`, inline `mod x { }`), and
//! each resolved path becomes an edge between the nodes of the two modules.
//!
//! What counts as an edge, from a file's module `m`:
//! - every `use` leaf whose path starts with `crate::`, `super::` or `self::` (or with a name
//!   that `m` has a child module, or a `use` binding, for);
//! - every path of two or more segments outside `use` that starts with `crate::`, `super::`
//!   or `self::`, or with the name of one of `m`'s child modules (`tmux::Tmux::new` in
//!   `lib.rs` is `self::tmux::Tmux::new`);
//! - a path through a module brought in by `use` (`use crate::service;` then
//!   `service::send::run`) when it reaches a different node from the module imported (a
//!   split child), or through a glob (`use super::*;` then `caller::Caller`, or a name the
//!   globbed module itself imports) when it reaches a different node from the globbed one.
//!
//! `crate::Name` for an item at the root (`crate::Daemon`, re-exported by `lib.rs`) is an
//! edge to `lib`. External paths (`std::`, `tokio::`) are not edges; neither are paths within
//! one node.

use crate::rules::Rules;
use crate::scan::{FileScan, scan};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Where an import is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Site {
    /// The file, as `src` was given joined with its path inside it.
    pub file: PathBuf,
    /// Its line.
    pub line: u32,
}

impl std::fmt::Display for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// Nodes and the imports between them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// Every node, with the file of its own module (`x.rs`, `x/mod.rs`, `lib.rs`).
    pub nodes: BTreeMap<String, PathBuf>,
    /// `(from, to)` with each line that imports `to` from `from`, in file and line order.
    pub edges: BTreeMap<(String, String), Vec<Site>>,
}

impl Graph {
    /// How many import sites there are in all.
    pub fn imports(&self) -> usize {
        self.edges.values().map(Vec::len).sum()
    }

    /// One line per edge: `from -> to (count)`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for ((a, b), sites) in &self.edges {
            out.push_str(&format!("{a} -> {b} ({})\n", sites.len()));
        }
        out
    }
}

struct File {
    display: PathBuf,
    module: Vec<String>,
    node: String,
    scan: FileScan,
}

/// Every `.rs` file under `dir`, as paths relative to it, sorted.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let full = dir.join(&rel);
        let entries = std::fs::read_dir(&full).map_err(|e| format!("{}: {e}", full.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", full.display()))?;
            let name = entry.file_name();
            let path = rel.join(&name);
            let kind = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", dir.join(&path).display()))?;
            if kind.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The module a file under `src/` is: `lib.rs` is `[]`, `a/b.rs` and `a/b/mod.rs` are
/// `[a, b]`.
pub fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.last_mut() {
        if let Some(stem) = last.strip_suffix(".rs") {
            *last = stem.to_string();
        }
    }
    if parts.last().is_some_and(|p| p == "mod") || parts == ["lib"] {
        parts.pop();
    }
    parts
}

/// How a path was resolved.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Via<'a> {
    /// `crate::`, `super::`, `self::` or a child module's name.
    Direct,
    /// Through a name imported by `use`; the node of the module imported.
    Alias(&'a str),
}

struct Resolver<'a> {
    /// Module path -> node.
    modules: &'a HashMap<Vec<String>, String>,
    /// Scope -> name -> what `use` bound it to (crate-relative).
    bindings: HashMap<Vec<String>, HashMap<String, Vec<String>>>,
    /// Scope -> modules glob-imported into it.
    globs: HashMap<Vec<String>, Vec<Vec<String>>>,
}

impl Resolver<'_> {
    fn is_module(&self, m: &[String]) -> bool {
        self.modules.contains_key(m)
    }

    /// The node that crate-relative path `abs` lands in, and whether all of `abs` is a module.
    fn node(&self, abs: &[String]) -> (&str, bool) {
        let mut n = 0;
        while n < abs.len() && self.is_module(&abs[..=n]) {
            n += 1;
        }
        let node = self.modules.get(&abs[..n]).map_or("lib", String::as_str);
        (node, n == abs.len())
    }

    /// Makes `segs`, written in module `scope`, crate-relative; `None` when it is external
    /// (or not a path into this crate at all).
    fn resolve(&self, scope: &[String], segs: &[String]) -> Option<(Vec<String>, Via<'_>)> {
        let first = segs.first()?;
        if matches!(first.as_str(), "crate" | "self" | "super") {
            let mut base = if first == "crate" {
                Vec::new()
            } else {
                scope.to_vec()
            };
            let mut k = usize::from(first != "super");
            while segs.get(k).is_some_and(|s| s == "super") {
                base.pop()?;
                k += 1;
            }
            base.extend_from_slice(&segs[k..]);
            return Some((base, Via::Direct));
        }
        let mut child = scope.to_vec();
        child.push(first.clone());
        if self.is_module(&child) {
            child.extend_from_slice(&segs[1..]);
            return Some((child, Via::Direct));
        }
        if let Some(target) = self.bindings.get(scope).and_then(|b| b.get(first)) {
            let mut abs = target.clone();
            abs.extend_from_slice(&segs[1..]);
            return Some((abs, Via::Alias(self.node(target).0)));
        }
        // A glob brings in the module's children and what it imports itself; the glob's own
        // line is an edge to the module's node only.
        for g in self.globs.get(scope).into_iter().flatten() {
            let mut abs = g.clone();
            abs.push(first.clone());
            if self.is_module(&abs) {
                abs.extend_from_slice(&segs[1..]);
                return Some((abs, Via::Alias(self.node(g).0)));
            }
            if let Some(target) = self.bindings.get(g).and_then(|b| b.get(first)) {
                let mut abs = target.clone();
                abs.extend_from_slice(&segs[1..]);
                return Some((abs, Via::Alias(self.node(g).0)));
            }
        }
        None
    }
}

/// Builds the graph of the crate whose sources are in `src`.
pub fn build(src: &Path, rules: &Rules) -> Result<Graph, String> {
    let mut files = Vec::new();
    for rel in rust_files(src)? {
        let full = src.join(&rel);
        let text =
            std::fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()))?;
        let module = module_of(&rel);
        files.push(File {
            display: full,
            node: rules.node_of(&module),
            scan: scan(&text, &module),
            module,
        });
    }

    // Test-only files: `#![cfg(test)]`, or declared by `#[cfg(test)] mod x;`, and all below.
    let test_roots: Vec<Vec<String>> = files
        .iter()
        .flat_map(|f| {
            let own = f.scan.test_only.then(|| f.module.clone());
            f.scan.test_mods.iter().cloned().chain(own)
        })
        .collect();
    files.retain(|f| !test_roots.iter().any(|t| f.module.starts_with(t)));

    let mut graph = Graph::default();
    let mut modules: HashMap<Vec<String>, String> = HashMap::new();
    // Each node's own file: the one with the shortest module path.
    let mut own: BTreeMap<&str, (usize, &Path)> = BTreeMap::new();
    for f in &files {
        for n in 0..=f.module.len() {
            let m = &f.module[..n];
            modules
                .entry(m.to_vec())
                .or_insert_with(|| rules.node_of(m));
        }
        let best = own.entry(&f.node).or_insert((f.module.len(), &f.display));
        if f.module.len() < best.0 {
            *best = (f.module.len(), &f.display);
        }
    }
    graph.nodes = own
        .into_iter()
        .map(|(n, (_, p))| (n.to_string(), p.to_path_buf()))
        .collect();
    for f in &files {
        for m in &f.scan.inline_mods {
            modules.insert(m.clone(), f.node.clone());
        }
    }

    let mut r = Resolver {
        modules: &modules,
        bindings: HashMap::new(),
        globs: HashMap::new(),
    };
    // Bind what `use` brings in, a few rounds so a `use` through another binding resolves.
    let mut resolved: HashMap<(usize, usize), Vec<String>> = HashMap::new();
    for _round in 0..4 {
        let mut progress = false;
        for (fi, f) in files.iter().enumerate() {
            for (ui, u) in f.scan.uses.iter().enumerate() {
                if resolved.contains_key(&(fi, ui)) {
                    continue;
                }
                let Some((abs, _)) = r.resolve(&u.scope, &u.segs) else {
                    continue;
                };
                if u.glob {
                    if r.is_module(&abs) {
                        r.globs
                            .entry(u.scope.clone())
                            .or_default()
                            .push(abs.clone());
                    }
                } else if let Some(name) = u.binding.as_ref().filter(|n| *n != "_") {
                    r.bindings
                        .entry(u.scope.clone())
                        .or_default()
                        .insert(name.clone(), abs.clone());
                }
                resolved.insert((fi, ui), abs);
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }

    let mut edges: BTreeMap<(String, String), BTreeSet<Site>> = BTreeMap::new();
    let mut add = |from: &str, to: &str, file: &Path, line: u32| {
        if from != to {
            edges
                .entry((from.to_string(), to.to_string()))
                .or_default()
                .insert(Site {
                    file: file.to_path_buf(),
                    line,
                });
        }
    };
    for (fi, f) in files.iter().enumerate() {
        for (ui, u) in f.scan.uses.iter().enumerate() {
            if let Some(abs) = resolved.get(&(fi, ui)) {
                add(&f.node, r.node(abs).0, &f.display, u.line);
            }
        }
        for p in &f.scan.paths {
            let Some((abs, via)) = r.resolve(&p.scope, &p.segs) else {
                continue;
            };
            let to = r.node(&abs).0;
            // Through an imported module, only a path that reaches another node is new.
            if via != Via::Alias(to) {
                add(&f.node, to, &f.display, p.line);
            }
        }
    }
    graph.edges = edges
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect();
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_of_files() {
        let m = |p: &str| module_of(Path::new(p)).join("::");
        assert_eq!(m("lib.rs"), "");
        assert_eq!(m("daemon.rs"), "daemon");
        assert_eq!(m("service/mod.rs"), "service");
        assert_eq!(m("service/send.rs"), "service::send");
        assert_eq!(m("runtime/tmux/mod.rs"), "runtime::tmux");
        assert_eq!(m("runtime/tmux/actor.rs"), "runtime::tmux::actor");
    }
}
