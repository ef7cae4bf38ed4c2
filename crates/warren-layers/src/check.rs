//! Holds the graph and the crates' manifests against the rules: every node in exactly one
//! layer, no import up the layers, none across an `isolate` group or against a `forbid`,
//! no cycle, and only the allowed `warren-*` dependencies.

use crate::cargo;
use crate::graph::{self, Graph, Site};
use crate::rules::Rules;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What a violation breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A module in no layer, or in two.
    Unlisted,
    /// An import up the layers.
    Layer,
    /// An import a `forbid` line forbids.
    Forbid,
    /// An import between members of an `isolate` group.
    Isolate,
    /// A `warren-*` dependency a `crate` line does not allow.
    Crate,
    /// A cycle among nodes.
    Cycle,
}

impl Kind {
    fn describe(self, n: usize) -> String {
        let (one, many) = match self {
            Kind::Unlisted => (
                "module not in exactly one layer",
                "modules not in exactly one layer",
            ),
            Kind::Layer => ("import up the layers", "imports up the layers"),
            Kind::Forbid => ("forbidden import", "forbidden imports"),
            Kind::Isolate => (
                "import inside an isolated group",
                "imports inside isolated groups",
            ),
            Kind::Crate => ("crate dependency", "crate dependencies"),
            Kind::Cycle => ("cycle", "cycles"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// One violation, as printed (a cycle's edges follow on indented lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// What it breaks (an import can break several rules at once).
    pub kinds: Vec<Kind>,
    /// The text.
    pub text: String,
}

/// The outcome of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// In the order printed.
    pub violations: Vec<Violation>,
    /// The graph checked.
    pub graph: Graph,
}

impl Report {
    /// Every violation, then the summary line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for v in &self.violations {
            out.push_str(&v.text);
            out.push('\n');
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// `layering ok: N modules, M imports`, or the count of each kind of violation.
    pub fn summary(&self) -> String {
        let (n, m) = (self.graph.nodes.len(), self.graph.imports());
        if self.violations.is_empty() {
            return format!("layering ok: {n} modules, {m} imports");
        }
        let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
        for v in &self.violations {
            for k in &v.kinds {
                *counts.entry(*k).or_default() += 1;
            }
        }
        let parts: Vec<String> = counts.iter().map(|(k, c)| k.describe(*c)).collect();
        format!(
            "layering: {} violation{} ({}) in {n} modules, {m} imports",
            self.violations.len(),
            if self.violations.len() == 1 { "" } else { "s" },
            parts.join(", ")
        )
    }
}

/// The directory of the crate a rules file checks (the file's own directory).
fn crate_dir(rules_path: &Path) -> PathBuf {
    rules_path
        .parent()
        .map_or_else(PathBuf::new, Path::to_path_buf)
}

/// The directory holding the workspace's crates (the checked crate's parent).
fn crates_dir(rules_path: &Path) -> PathBuf {
    match crate_dir(rules_path).parent() {
        Some(p) if p.as_os_str().is_empty() => PathBuf::from("."),
        Some(p) => p.to_path_buf(),
        None => PathBuf::from(".."),
    }
}

/// Reads the rules at `rules_path` and builds the graph of the crate beside it (`src/`).
pub fn load(rules_path: &Path) -> Result<(Rules, Graph), String> {
    let text = std::fs::read_to_string(rules_path)
        .map_err(|e| format!("{}: {e}", rules_path.display()))?;
    let rules = Rules::parse(&text, rules_path)?;
    let graph = graph::build(&crate_dir(rules_path).join("src"), &rules)?;
    Ok((rules, graph))
}

/// Checks the crate beside `rules_path` and the manifests of the crates beside it.
pub fn check(rules_path: &Path) -> Result<Report, String> {
    let (rules, graph) = load(rules_path)?;
    let mut violations = modules(&rules, &graph, rules_path);
    violations.extend(imports(&rules, &graph, rules_path));
    violations.extend(crates(&rules, rules_path)?);
    violations.extend(cycles(&graph));
    Ok(Report { violations, graph })
}

fn rules_name(rules_path: &Path) -> String {
    rules_path.file_name().map_or_else(
        || rules_path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Every node in exactly one layer.
fn modules(rules: &Rules, graph: &Graph, rules_path: &Path) -> Vec<Violation> {
    let mut out = Vec::new();
    for (node, file) in &graph.nodes {
        let layers = rules.layers_of(node);
        let text = match layers.as_slice() {
            [_] => continue,
            [] => format!(
                "{}:1: module {node} has no layer; add it to {}",
                file.display(),
                rules_name(rules_path)
            ),
            many => {
                let names: Vec<String> = many
                    .iter()
                    .map(|&i| format!("{} (line {})", rules.layers[i].name, rules.layers[i].line))
                    .collect();
                format!(
                    "{}:1: module {node} is in {} layers: {}; keep it in one",
                    file.display(),
                    many.len(),
                    names.join(", ")
                )
            }
        };
        out.push(Violation {
            kinds: vec![Kind::Unlisted],
            text,
        });
    }
    out
}

/// Imports up the layers, forbidden ones, and ones inside isolated groups: one line per site.
fn imports(rules: &Rules, graph: &Graph, rules_path: &Path) -> Vec<Violation> {
    let rp = rules_name(rules_path);
    // Each violation with its site and target, to sort by.
    let mut found: Vec<((&Site, &str), Violation)> = Vec::new();
    for ((a, b), sites) in &graph.edges {
        let mut kinds = Vec::new();
        let mut reasons = Vec::new();
        if let ([la], [lb]) = (rules.layers_of(a).as_slice(), rules.layers_of(b).as_slice()) {
            if lb > la {
                kinds.push(Kind::Layer);
                reasons.push(format!(
                    "layer {} imports up into layer {}",
                    rules.layers[*la].name, rules.layers[*lb].name
                ));
            }
        }
        for f in &rules.forbids {
            if rules.any_matches(&f.from, a) && rules.any_matches(&f.to, b) {
                kinds.push(Kind::Forbid);
                reasons.push(format!("forbidden by {rp}:{}: forbid {}", f.line, f.text));
            }
        }
        for g in &rules.isolates {
            if rules.any_matches(&g.patterns, a) && rules.any_matches(&g.patterns, b) {
                kinds.push(Kind::Isolate);
                reasons.push(format!(
                    "{rp}:{}: isolate {}: members may not import one another",
                    g.line, g.text
                ));
            }
        }
        if !kinds.is_empty() {
            let why = reasons.join("; ");
            for s in sites {
                let text = format!("{s}: node {a} imports node {b} ({why})");
                let kinds = kinds.clone();
                found.push(((s, b), Violation { kinds, text }));
            }
        }
    }
    found.sort_by(|x, y| x.0.cmp(&y.0));
    found.into_iter().map(|(_, v)| v).collect()
}

/// The `warren-*` dependencies of each crate named by a `crate` line.
fn crates(rules: &Rules, rules_path: &Path) -> Result<Vec<Violation>, String> {
    let mut out = Vec::new();
    if rules.crates.is_empty() {
        return Ok(out);
    }
    let dir = crates_dir(rules_path);
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut manifests: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path().join("Cargo.toml"))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        if let Some(name) = cargo::package_name(&text) {
            manifests.entry(name).or_insert((p, text));
        }
    }
    for rule in &rules.crates {
        // A crate the rules name that does not exist yet has nothing to check.
        let Some((path, text)) = manifests.get(&rule.name) else {
            continue;
        };
        for dep in cargo::warren_deps(text) {
            if !rule.allowed.contains(&dep.name) {
                let allowed = if rule.allowed.is_empty() {
                    "no warren crate".to_string()
                } else {
                    format!("only {}", rule.allowed.join(" "))
                };
                out.push(Violation {
                    kinds: vec![Kind::Crate],
                    text: format!(
                        "{}:{}: crate {} depends on {} ({}:{}: crate {} may depend on {allowed})",
                        path.display(),
                        dep.line,
                        rule.name,
                        dep.name,
                        rules_path.display(),
                        rule.line,
                        rule.name
                    ),
                });
            }
        }
    }
    Ok(out)
}

/// The strongly connected components of more than one node (Tarjan), each sorted, in order.
pub fn components(graph: &Graph) -> Vec<Vec<String>> {
    let mut adj: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in graph.edges.keys() {
        adj.entry(a).or_default().push(b);
        adj.entry(b).or_default();
    }
    struct Tarjan<'a> {
        adj: &'a BTreeMap<&'a str, Vec<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on_stack.insert(v);
            for &w in self.adj.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut comp = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    comp.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    comp.sort();
                    self.out.push(comp);
                }
            }
        }
    }
    let mut t = Tarjan {
        adj: &adj,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for &v in adj.keys() {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    t.out.sort();
    t.out
}

/// A shortest cycle through `start` using only edges inside `comp`, as its nodes.
fn shortest_cycle(graph: &Graph, comp: &BTreeSet<&str>, start: &str) -> Vec<String> {
    let mut prev: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for (a, b) in graph.edges.keys() {
            if a != v || !comp.contains(b.as_str()) {
                continue;
            }
            if b == start {
                let mut path = vec![v.to_string()];
                let mut at = v;
                while at != start {
                    at = prev[at];
                    path.push(at.to_string());
                }
                path.reverse();
                path.push(start.to_string());
                return path;
            }
            if !prev.contains_key(b.as_str()) {
                prev.insert(b, v);
                queue.push_back(b);
            }
        }
    }
    Vec::new()
}

/// Each cycle: its members, a shortest cycle through its first member, and every edge
/// inside it with its first site.
fn cycles(graph: &Graph) -> Vec<Violation> {
    let mut out = Vec::new();
    for comp in components(graph) {
        let set: BTreeSet<&str> = comp.iter().map(String::as_str).collect();
        let inner: Vec<(&(String, String), &Vec<Site>)> = graph
            .edges
            .iter()
            .filter(|((a, b), _)| set.contains(a.as_str()) && set.contains(b.as_str()))
            .collect();
        let short = shortest_cycle(graph, &set, &comp[0]);
        let first_site = short
            .windows(2)
            .next()
            .and_then(|w| graph.edges.get(&(w[0].clone(), w[1].clone())))
            .and_then(|s| s.first())
            .map_or_else(String::new, |s| format!("{s}: "));
        let mut text = format!(
            "{first_site}cycle among {} modules ({}), e.g. {}; the {} edges inside it:",
            comp.len(),
            comp.join(", "),
            short.join(" -> "),
            inner.len()
        );
        for ((a, b), sites) in inner {
            let _ = write!(
                text,
                "\n    {}: {a} -> {b} ({} import{})",
                sites[0],
                sites.len(),
                if sites.len() == 1 { "" } else { "s" }
            );
        }
        out.push(Violation {
            kinds: vec![Kind::Cycle],
            text,
        });
    }
    out
}
