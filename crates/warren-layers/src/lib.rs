//! The layering check CI runs so warren-daemon keeps its shape: the import graph between the
//! daemon's modules must follow `crates/warren-daemon/layers.rules`, have no cycles, and the
//! workspace's crates may depend only on the `warren-*` crates the rules allow.
//!
//! Run it from the repository root:
//!
//! ```text
//! cargo run -q -p warren-layers -- [--rules crates/warren-daemon/layers.rules] [--graph]
//! ```
//!
//! It prints one line per violation (`file:line: node a imports node b (why)`), then a
//! summary, and exits 1 if there was any; otherwise it prints
//! `layering ok: N modules, M imports` and exits 0. `--graph` prints the edges instead
//! (`node -> node (count)`), to see the shape. A rules file it cannot read or parse exits 2.
//!
//! # The graph
//!
//! The rules file checks the crate in its own directory: its `src/`. Nodes are the top-level
//! modules: `x.rs` or the folder `x/` is node `x`, `lib.rs` is node `lib`. A folder named on
//! a `split` line is one node per child instead: `service/send.rs` is node `service/send`,
//! `runtime/tmux/actor.rs` is node `runtime/tmux`, and the folder's own `mod.rs` (or
//! `service.rs`) is node `service`. Inline `mod x { }` blocks belong to their file's node.
//!
//! Edges are the paths the code names into the crate: `use` items (groups, nested groups,
//! `self`, aliases, globs, any visibility), and paths in expression or type position, that
//! start with `crate::`, `super::` or `self::` (resolved against the file's module: `mod.rs`,
//! `foo.rs` beside `foo/`, inline modules), or with the name of a child module. A path
//! through a module imported by `use` or a glob counts too when it reaches another node
//! (`use crate::service;` then `service::send::run`). `crate::Name` naming an item at the
//! root, such as `crate::Daemon` re-exported by `lib.rs`, is an edge to `lib`. Comments, doc
//! comments, string literals and attributes are not looked at, nor is anything inside a
//! `#[cfg(test)]` item (test modules may import anything), nor files that are test-only
//! (`#![cfg(test)]`, `#[cfg(test)] mod x;`). Paths within one node are not edges.
//!
//! # The rules file
//!
//! One directive a line; `#` starts a comment. Words are node names, or `x/*` for the split
//! children of `x` (not `x` itself).
//!
//! ```text
//! split service runtime          # these folders are one node per child
//! layer drivers: paths store     # layers, lowest first
//! layer verbs: service service/*
//! isolate service/*              # these nodes may not import one another
//! forbid components/* -> runtime runtime/*   # nor these those (layer names allowed too)
//! crate warren-daemon: warren-proto          # the warren-* crates it may depend on
//! ```
//!
//! - `split FOLDER...`: top-level folders of `src/` whose children are nodes.
//! - `layer NAME: NODE...`: a layer and its nodes. Layers are listed lowest first; a node may
//!   import its own layer and the layers below, never one above. Every node must be in
//!   exactly one layer ("module x has no layer; add it to layers.rules").
//! - `isolate NODE...`: the nodes matched (all the words together form one group) may not
//!   import one another; `isolate service/*` still lets them import `service`.
//! - `forbid FROM... -> TO...`: nodes matching FROM may not import nodes matching TO. Here
//!   a word that names a layer means every node of that layer.
//! - `crate NAME: CRATE...`: the package `NAME` (found among the directories beside the
//!   checked crate) may list only these `warren-*` crates under `[dependencies]` (and
//!   `[target.*.dependencies]`); dev- and build-dependencies are free. A crate that does not
//!   exist yet is skipped.
//!
//! Rules may name nodes that do not exist (yet). A `x/*` whose `x` is not split matches
//! nothing; in an `isolate` line, or before a `forbid`'s `->`, where it would switch the rule
//! off, it is an error. A named child `x/y` needs `x` split.
//!
//! # Cycles
//!
//! Every strongly connected component of more than one node is a violation, printed with a
//! shortest cycle through it and each edge inside it (its first site and how many imports
//! it stands for).

pub mod cargo;
pub mod check;
pub mod graph;
pub mod lex;
pub mod rules;
pub mod scan;

use std::path::PathBuf;

/// The rules file used when `--rules` is not given (relative to the repository root).
pub const DEFAULT_RULES: &str = "crates/warren-daemon/layers.rules";

/// Command-line options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The rules file; the crate checked is the one in its directory.
    pub rules: PathBuf,
    /// Print the edges instead of checking.
    pub graph: bool,
}

/// The usage text.
pub const USAGE: &str = "usage: warren-layers [--rules FILE] [--graph]

Checks the module import graph of the crate beside FILE (default
crates/warren-daemon/layers.rules) against it: layers, isolated groups,
forbidden imports, no cycles, allowed warren-* crate dependencies.
--graph prints the edges (node -> node (count)) instead.";

impl Options {
    /// Parses the arguments after the program name; `Ok(None)` means help was asked for.
    pub fn parse(args: &[String]) -> Result<Option<Options>, String> {
        let mut opts = Options {
            rules: PathBuf::from(DEFAULT_RULES),
            graph: false,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--graph" => opts.graph = true,
                "--rules" => {
                    let v = it.next().ok_or("--rules needs a file")?;
                    opts.rules = PathBuf::from(v);
                }
                "-h" | "--help" => return Ok(None),
                other => match other.strip_prefix("--rules=") {
                    Some(v) => opts.rules = PathBuf::from(v),
                    None => return Err(format!("unknown argument {other:?}\n{USAGE}")),
                },
            }
        }
        Ok(Some(opts))
    }
}

/// Runs the tool: what to print on stdout and the exit code, or an error for stderr (exit 2).
pub fn run(opts: &Options) -> Result<(String, i32), String> {
    if opts.graph {
        let (_, graph) = check::load(&opts.rules)?;
        let mut out = graph.render();
        out.push_str(&format!(
            "{} modules, {} imports\n",
            graph.nodes.len(),
            graph.imports()
        ));
        return Ok((out, 0));
    }
    let report = check::check(&opts.rules)?;
    let code = i32::from(!report.violations.is_empty());
    Ok((report.render(), code))
}

#[cfg(test)]
mod tests;
