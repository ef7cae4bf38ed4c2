//! One file's imports: the leaves of its `use` trees and the paths it names in expression or
//! type position, each with the module scope it appears in, skipping `#[cfg(test)]` items.
//! Nothing is resolved here: [`crate::graph`] does that once every file's inline modules are
//! known.

use crate::lex::{Tok, Token, lex};

/// One leaf of a `use` tree: `use a::{b, c::d as e}` has leaves `a::b` and `a::c::d`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseLeaf {
    /// The module the `use` is written in (crate-relative segments).
    pub scope: Vec<String>,
    /// The whole path, as written (`self` leaves end at their prefix).
    pub segs: Vec<String>,
    /// `a::*`
    pub glob: bool,
    /// The name the leaf brings into scope (its last segment, or its `as` alias).
    pub binding: Option<String>,
    /// The line of the leaf's last segment.
    pub line: u32,
}

/// A path of two or more segments named outside `use`: `crate::Daemon`, `super::x::f`,
/// `tmux::Tmux::new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRef {
    /// The module the path is written in.
    pub scope: Vec<String>,
    /// Its segments up to the first that is not followed by `::` and an identifier.
    pub segs: Vec<String>,
    /// The line of its first segment.
    pub line: u32,
}

/// What one file contributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileScan {
    /// The file opens with `#![cfg(test)]`: all of it is test code.
    pub test_only: bool,
    /// Modules declared `#[cfg(test)] mod x;`: their files are test code.
    pub test_mods: Vec<Vec<String>>,
    /// Inline `mod x { }` modules, as full module paths.
    pub inline_mods: Vec<Vec<String>>,
    /// The `use` leaves.
    pub uses: Vec<UseLeaf>,
    /// The other paths.
    pub paths: Vec<PathRef>,
}

/// Scans the source of the file that is module `module` (`[]` for `lib.rs`).
pub fn scan(src: &str, module: &[String]) -> FileScan {
    let toks = lex(src);
    let mut p = Parser {
        toks: &toks,
        i: 0,
        depth: 0,
        scopes: vec![(module.to_vec(), 0)],
        out: FileScan::default(),
    };
    p.run();
    p.out
}

struct Parser<'a> {
    toks: &'a [Token],
    i: usize,
    /// Bracket depth: `(`, `[` and `{` together.
    depth: usize,
    /// The module scopes open at `i`, each with the depth just inside its `{`.
    scopes: Vec<(Vec<String>, usize)>,
    out: FileScan,
}

fn is_open(t: &Token) -> bool {
    matches!(t.tok, Tok::Punct('(' | '[' | '{'))
}

fn is_close(t: &Token) -> bool {
    matches!(t.tok, Tok::Punct(')' | ']' | '}'))
}

impl Parser<'_> {
    fn at(&self, i: usize) -> Option<&Token> {
        self.toks.get(i)
    }

    fn punct_at(&self, i: usize, c: char) -> bool {
        self.at(i).is_some_and(|t| t.is_punct(c))
    }

    fn ident_at(&self, i: usize) -> Option<&str> {
        self.at(i).and_then(Token::ident)
    }

    fn sep_at(&self, i: usize) -> bool {
        self.at(i).is_some_and(|t| t.tok == Tok::PathSep)
    }

    fn scope(&self) -> Vec<String> {
        self.scopes.last().map(|s| s.0.clone()).unwrap_or_default()
    }

    fn run(&mut self) {
        let toks = self.toks;
        while self.i < toks.len() {
            let t = &toks[self.i];
            match &t.tok {
                Tok::Punct('#')
                    if self.punct_at(self.i + 1, '!') && self.punct_at(self.i + 2, '[') =>
                {
                    let (end, test) = self.attribute(self.i + 2);
                    self.i = end;
                    if test {
                        if self.scopes.len() == 1 && self.depth == 0 {
                            self.out = FileScan {
                                test_only: true,
                                ..FileScan::default()
                            };
                            return;
                        }
                        self.i = self.skip_to_close(self.i);
                    }
                }
                Tok::Punct('#') if self.punct_at(self.i + 1, '[') => {
                    let mut j = self.i;
                    let mut test = false;
                    while self.punct_at(j, '#') && self.punct_at(j + 1, '[') {
                        let (end, t) = self.attribute(j + 1);
                        test |= t;
                        j = end;
                    }
                    self.i = if test { self.skip_item(j) } else { j };
                }
                Tok::Punct('(' | '[' | '{') => {
                    self.depth += 1;
                    self.i += 1;
                }
                Tok::Punct('}') => {
                    if self.scopes.len() > 1
                        && self.scopes.last().is_some_and(|s| s.1 == self.depth)
                    {
                        self.scopes.pop();
                    }
                    self.depth = self.depth.saturating_sub(1);
                    self.i += 1;
                }
                Tok::Punct(')' | ']') => {
                    self.depth = self.depth.saturating_sub(1);
                    self.i += 1;
                }
                Tok::Ident(w) if w == "mod" => {
                    if let Some(name) = self.ident_at(self.i + 1) {
                        if self.punct_at(self.i + 2, '{') {
                            let mut path = self.scope();
                            path.push(name.to_string());
                            self.out.inline_mods.push(path.clone());
                            self.depth += 1;
                            self.scopes.push((path, self.depth));
                            self.i += 3;
                            continue;
                        }
                    }
                    self.i += 1;
                }
                Tok::Ident(w) if w == "use" => {
                    self.i += 1;
                    self.use_item();
                }
                Tok::Ident(w)
                    if w == "pub"
                        && self.punct_at(self.i + 1, '(')
                        && self.ident_at(self.i + 2) == Some("in") =>
                {
                    // `pub(in crate::a)` restricts visibility; it imports nothing.
                    self.i = self.skip_group(self.i + 1);
                }
                Tok::Ident(first)
                    if self.sep_at(self.i + 1)
                        && !(self.i > 0 && self.sep_at(self.i - 1))
                        && !(self.i > 0 && self.punct_at(self.i - 1, '$')) =>
                {
                    let line = t.line;
                    let mut segs = vec![first.clone()];
                    let mut k = self.i + 1;
                    while self.sep_at(k) {
                        match self.ident_at(k + 1) {
                            Some(s) => {
                                segs.push(s.to_string());
                                k += 2;
                            }
                            None => break,
                        }
                    }
                    if segs.len() > 1 {
                        self.out.paths.push(PathRef {
                            scope: self.scope(),
                            segs,
                            line,
                        });
                    }
                    self.i = k;
                }
                _ => self.i += 1,
            }
        }
    }

    /// Skips the bracketed group opening at `i`; returns the index after its close.
    fn skip_group(&self, i: usize) -> usize {
        let mut d = 0usize;
        let mut j = i;
        while let Some(t) = self.at(j) {
            if is_open(t) {
                d += 1;
            } else if is_close(t) {
                d = d.saturating_sub(1);
                if d == 0 {
                    return j + 1;
                }
            }
            j += 1;
        }
        j
    }

    /// Skips to the close bracket that ends the group `i` is inside (not consuming it).
    fn skip_to_close(&self, i: usize) -> usize {
        let mut d = 0usize;
        let mut j = i;
        while let Some(t) = self.at(j) {
            if is_open(t) {
                d += 1;
            } else if is_close(t) {
                if d == 0 {
                    return j;
                }
                d -= 1;
            }
            j += 1;
        }
        j
    }

    /// An attribute's `[ ... ]` opening at `i`: where it ends, and whether it is a `cfg`
    /// that holds only under test.
    fn attribute(&self, i: usize) -> (usize, bool) {
        let end = self.skip_group(i);
        let test = self.ident_at(i + 1) == Some("cfg") && self.punct_at(i + 2, '(') && {
            let mut j = i + 3;
            self.needs_test(&mut j)
        };
        (end, test)
    }

    /// Parses one `cfg` predicate at `*j`: does it hold only when `test` does?
    fn needs_test(&self, j: &mut usize) -> bool {
        let Some(word) = self.ident_at(*j).map(str::to_string) else {
            *j += 1;
            return false;
        };
        *j += 1;
        if !self.punct_at(*j, '(') {
            if self.punct_at(*j, '=') {
                *j += 2;
            }
            return word == "test";
        }
        *j += 1;
        let mut parts = Vec::new();
        while self.at(*j).is_some() && !self.punct_at(*j, ')') {
            parts.push(self.needs_test(j));
            if self.punct_at(*j, ',') {
                *j += 1;
            }
        }
        *j += 1;
        match word.as_str() {
            "all" => parts.iter().any(|&p| p),
            "any" => !parts.is_empty() && parts.iter().all(|&p| p),
            _ => false,
        }
    }

    /// Skips the item (or statement, field, ...) starting at `i` that a `#[cfg(test)]`
    /// switched off; returns where the code resumes.
    fn skip_item(&mut self, i: usize) -> usize {
        let mut k = i;
        loop {
            match self.ident_at(k) {
                Some("pub") => {
                    k += 1;
                    if self.punct_at(k, '(') {
                        k = self.skip_group(k);
                    }
                }
                Some("async" | "unsafe" | "default" | "auto") => k += 1,
                Some("const")
                    if matches!(
                        self.ident_at(k + 1),
                        Some("fn" | "unsafe" | "async" | "extern")
                    ) =>
                {
                    k += 1
                }
                Some("extern") => {
                    k += 1;
                    if self.at(k).is_some_and(|t| t.tok == Tok::Lit) {
                        k += 1;
                    }
                }
                _ => break,
            }
        }
        let kind = self.ident_at(k).unwrap_or_default().to_string();
        if kind == "mod" {
            if let Some(name) = self.ident_at(k + 1) {
                if self.punct_at(k + 2, ';') {
                    let mut path = self.scope();
                    path.push(name.to_string());
                    self.out.test_mods.push(path);
                    return k + 3;
                }
            }
        }
        // Items that end with their body; anything else (const, static, use, let, a field,
        // an expression) ends at a `;` or `,` outside brackets.
        let braced = matches!(
            kind.as_str(),
            "fn" | "mod" | "impl" | "trait" | "struct" | "enum" | "union" | "macro_rules"
        ) || self.punct_at(k, '{');
        let mut d = 0usize;
        let mut j = i;
        while let Some(t) = self.at(j) {
            if is_open(t) {
                d += 1;
            } else if is_close(t) {
                if d == 0 {
                    return j;
                }
                d -= 1;
                if d == 0 && braced && t.is_punct('}') {
                    return j + 1;
                }
            } else if d == 0 && (t.is_punct(';') || t.is_punct(',')) {
                return j + 1;
            }
            j += 1;
        }
        j
    }

    /// A `use` item whose tree starts at `self.i`; leaves `self.i` after its `;`.
    fn use_item(&mut self) {
        let scope = self.scope();
        let mut i = self.i;
        self.use_tree(&mut i, Vec::new(), &scope);
        while let Some(t) = self.at(i) {
            i += 1;
            if t.is_punct(';') {
                break;
            }
        }
        self.i = i;
    }

    fn use_tree(&mut self, i: &mut usize, prefix: Vec<String>, scope: &[String]) {
        let mut path = prefix;
        let mut line = self.at(*i).map_or(0, |t| t.line);
        loop {
            let Some(t) = self.at(*i) else { return };
            match &t.tok {
                Tok::PathSep => *i += 1,
                Tok::Ident(s) if s != "as" => {
                    path.push(s.clone());
                    line = t.line;
                    *i += 1;
                    if !self.sep_at(*i) {
                        break;
                    }
                }
                Tok::Punct('*') => {
                    *i += 1;
                    self.out.uses.push(UseLeaf {
                        scope: scope.to_vec(),
                        segs: path,
                        glob: true,
                        binding: None,
                        line: t.line,
                    });
                    return;
                }
                Tok::Punct('{') => {
                    *i += 1;
                    while let Some(t) = self.at(*i) {
                        if t.is_punct('}') {
                            *i += 1;
                            return;
                        }
                        if t.is_punct(';') {
                            return;
                        }
                        let before = *i;
                        self.use_tree(i, path.clone(), scope);
                        // Past the comma, or past a token the tree could not use.
                        if self.punct_at(*i, ',') || *i == before {
                            *i += 1;
                        }
                    }
                    return;
                }
                _ => break,
            }
        }
        let mut binding = None;
        if self.ident_at(*i) == Some("as") {
            binding = self.ident_at(*i + 1).map(str::to_string);
            *i += 2;
        }
        if path.last().is_some_and(|s| s == "self") {
            path.pop();
        }
        if binding.is_none() {
            binding = path.last().cloned();
        }
        if path.is_empty() {
            return;
        }
        self.out.uses.push(UseLeaf {
            scope: scope.to_vec(),
            segs: path,
            glob: false,
            binding,
            line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(path: &str) -> Vec<String> {
        path.split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn uses(src: &str) -> Vec<(String, bool, Option<String>, u32)> {
        scan(src, &[])
            .uses
            .into_iter()
            .map(|u| (u.segs.join("::"), u.glob, u.binding, u.line))
            .collect()
    }

    fn paths(src: &str) -> Vec<String> {
        scan(src, &[])
            .paths
            .into_iter()
            .map(|p| p.segs.join("::"))
            .collect()
    }

    #[test]
    fn use_groups_nested_groups_self_alias_and_glob() {
        let src = "use crate::{a, b::{c, d::{self, e as f}}, g::*};\npub(crate) use super::h;\n";
        let got = uses(src);
        let want = [
            ("crate::a", false, Some("a"), 1),
            ("crate::b::c", false, Some("c"), 1),
            ("crate::b::d", false, Some("d"), 1),
            ("crate::b::d::e", false, Some("f"), 1),
            ("crate::g", true, None, 1),
            ("super::h", false, Some("h"), 2),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(p, g, b, l)| (p.to_string(), *g, b.map(str::to_string), *l))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn multi_line_use_reports_each_leafs_line() {
        let got = uses("use crate::session::{\n    actor,\n    tail,\n};");
        let lines: Vec<(String, u32)> = got.into_iter().map(|u| (u.0, u.3)).collect();
        assert_eq!(
            lines,
            [
                ("crate::session::actor".to_string(), 2),
                ("crate::session::tail".to_string(), 3)
            ]
        );
    }

    #[test]
    fn expression_and_type_paths() {
        let src = "fn f(d: &crate::Daemon) -> crate::session::status::Next { \
                   crate::attention::after_transition(d); x.y::<crate::T>(); Vec::<u8>::new() }";
        assert_eq!(
            paths(src),
            [
                "crate::Daemon",
                "crate::session::status::Next",
                "crate::attention::after_transition",
                "crate::T",
            ]
            .map(str::to_string)
        );
        // A turbofish ends a path, and one segment (`Vec`) is not a path worth keeping.
    }

    #[test]
    fn visibility_is_not_an_import() {
        let src = "pub(super) fn a() {} pub(crate) fn b() {} pub(in crate::x) fn c() {}";
        assert!(paths(src).is_empty());
        assert!(uses(src).is_empty());
    }

    #[test]
    fn cfg_test_items_are_skipped() {
        let src = "use crate::a;\n\
                   #[cfg(test)]\n#[allow(dead_code)]\nmod tests { use crate::b; fn t() { crate::c::f(); } }\n\
                   #[cfg(all(test, unix))] fn g() { crate::d::f(); }\n\
                   #[cfg(test)] use crate::e;\n\
                   #[cfg(test)] const X: [u8; 2] = [1, 2];\n\
                   #[cfg(test)] struct S(crate::f::T);\n\
                   #[cfg(not(test))] fn h() { crate::g::f(); }\n\
                   #[cfg(any(test, unix))] fn i() { crate::h::f(); }\n\
                   #[cfg(test)] mod more;\n\
                   fn j() { crate::i::f(); }";
        let s = scan(src, &m("x"));
        let used: Vec<String> = s.uses.iter().map(|u| u.segs.join("::")).collect();
        let named: Vec<String> = s.paths.iter().map(|p| p.segs.join("::")).collect();
        assert_eq!(used, ["crate::a"]);
        assert_eq!(named, ["crate::g::f", "crate::h::f", "crate::i::f"]);
        assert_eq!(s.test_mods, [m("x::more")]);
        assert!(s.inline_mods.is_empty());
    }

    #[test]
    fn whole_file_cfg_test() {
        let s = scan("//! doc\n#![cfg(test)]\nuse crate::a;", &m("x"));
        assert!(s.test_only);
        assert!(s.uses.is_empty());
        let s = scan("#![allow(dead_code)]\nuse crate::a;", &m("x"));
        assert!(!s.test_only);
        assert_eq!(s.uses.len(), 1);
    }

    #[test]
    fn inline_modules_scope_what_is_inside() {
        let src =
            "mod a { use super::x; mod b { fn f() { self::y::g(); } } fn h() {} }\nuse self::z;";
        let s = scan(src, &m("top"));
        assert_eq!(s.inline_mods, [m("top::a"), m("top::a::b")]);
        let scopes: Vec<(String, String)> = s
            .uses
            .iter()
            .map(|u| (u.scope.join("::"), u.segs.join("::")))
            .chain(
                s.paths
                    .iter()
                    .map(|p| (p.scope.join("::"), p.segs.join("::"))),
            )
            .collect();
        assert_eq!(
            scopes,
            [
                ("top::a".to_string(), "super::x".to_string()),
                ("top".to_string(), "self::z".to_string()),
                ("top::a::b".to_string(), "self::y::g".to_string()),
            ]
        );
    }

    #[test]
    fn comments_strings_and_attributes_name_nothing() {
        let src = "// use crate::a;\n/// crate::b::c\nconst S: &str = \"crate::d::e\";\n\
                   #[doc = \"crate::f\"]\n#[tokio::test]\nasync fn t() {}\n/* use crate::g; */";
        assert!(uses(src).is_empty());
        assert!(paths(src).is_empty());
    }
}
