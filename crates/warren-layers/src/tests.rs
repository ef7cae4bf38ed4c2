//! End-to-end checks on small fixture trees written to a fresh temp directory each.

use crate::check::{self, Kind, Report};
use crate::{Options, run};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A workspace in a temp directory: `crates/d` is the checked crate, removed on drop.
struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "warren-layers-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let f = Fixture { root };
        f.write(
            "crates/d/Cargo.toml",
            "[package]\nname = \"warren-d\"\n\n[dependencies]\n",
        );
        f
    }

    /// A fixture with these files under `crates/d/src/` and these rules.
    fn with(name: &str, rules: &str, files: &[(&str, &str)]) -> Fixture {
        let f = Fixture::new(name);
        f.write("crates/d/layers.rules", rules);
        for (path, text) in files {
            f.write(&format!("crates/d/src/{path}"), text);
        }
        f
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn rules(&self) -> PathBuf {
        self.root.join("crates/d/layers.rules")
    }

    fn src(&self) -> PathBuf {
        self.root.join("crates/d/src")
    }

    fn check(&self) -> Report {
        check::check(&self.rules()).unwrap()
    }

    /// Every edge as `from -> to @ file:line`, the file relative to `src/`.
    fn edges(&self) -> Vec<String> {
        let (_, graph) = check::load(&self.rules()).unwrap();
        let src = self.src();
        let mut out = Vec::new();
        for ((a, b), sites) in &graph.edges {
            for s in sites {
                let file = s.file.strip_prefix(&src).unwrap_or(&s.file);
                out.push(format!("{a} -> {b} @ {}:{}", file.display(), s.line));
            }
        }
        out
    }

    /// The violation texts with the temp directory's `crates/d/` prefix taken off.
    fn violations(&self) -> Vec<String> {
        let prefix = format!("{}/", self.root.join("crates/d").display());
        self.check()
            .violations
            .iter()
            .map(|v| v.text.replace(&prefix, ""))
            .collect()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

const FLAT: &str = "layer low: a b c store\nlayer high: lib x foo\n";

#[test]
fn use_groups_and_nested_groups() {
    let f = Fixture::with(
        "groups",
        FLAT,
        &[
            ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\npub mod x;\n"),
            ("a.rs", ""),
            ("b/mod.rs", "pub mod inner;\n"),
            ("b/inner.rs", "pub struct X;\npub struct Y;\n"),
            ("c.rs", ""),
            (
                "x.rs",
                "use crate::{\n    a,\n    b::{self, inner::{X, Y as Z}},\n    c::*,\n};\n\
                 pub(crate) use crate::a::Thing;\npub use crate::b::inner;\n",
            ),
        ],
    );
    assert_eq!(
        f.edges(),
        // `pub mod a;` in lib.rs declares a module; it imports nothing.
        [
            "x -> a @ x.rs:2",
            "x -> a @ x.rs:6",
            "x -> b @ x.rs:3",
            "x -> b @ x.rs:7",
            "x -> c @ x.rs:4",
        ]
    );
}

#[test]
fn super_and_self_in_mod_rs_non_mod_files_and_inline_modules() {
    let rules = "split svc\nlayer low: store foo\nlayer mid: svc svc/*\nlayer high: lib\n";
    let f = Fixture::with(
        "super",
        rules,
        &[
            (
                "lib.rs",
                "pub mod store;\npub mod svc;\npub mod foo;\npub struct Daemon;\n",
            ),
            ("store.rs", "pub fn open() {}\n"),
            (
                "svc/mod.rs",
                "pub mod one;\npub mod two;\nuse self::one::F;\npub fn helper() {}\n\
                 fn f() { super::store::open(); }\n",
            ),
            ("svc/one.rs", "pub struct F;\npub fn y() {}\n"),
            (
                "svc/two.rs",
                "use super::one::F;\nuse super::helper;\n\
                 fn g(d: &crate::Daemon) { super::super::store::open(); self::inner::h(); }\n\
                 mod inner {\n    pub fn h() { super::super::one::y(); }\n}\n",
            ),
            ("foo.rs", "pub mod bar;\nuse self::bar::Z;\n"),
            (
                "foo/bar.rs",
                "use super::super::store::open;\npub struct Z;\n",
            ),
        ],
    );
    assert_eq!(
        f.edges(),
        [
            "foo -> store @ foo/bar.rs:1",
            "svc -> store @ svc/mod.rs:5",
            "svc -> svc/one @ svc/mod.rs:3",
            "svc/two -> lib @ svc/two.rs:3",
            "svc/two -> store @ svc/two.rs:3",
            "svc/two -> svc @ svc/two.rs:2",
            "svc/two -> svc/one @ svc/two.rs:1",
            "svc/two -> svc/one @ svc/two.rs:5",
        ]
    );
}

#[test]
fn child_modules_and_imported_modules_by_name() {
    let rules = "split runtime\nlayer low: runtime runtime/*\nlayer high: lib api\n";
    let f = Fixture::with(
        "bynames",
        rules,
        &[
            (
                "lib.rs",
                "pub mod api;\npub mod runtime;\nfn f() { runtime::tmux::start(); api::serve(); }\n",
            ),
            ("runtime/mod.rs", "pub mod tmux;\npub fn shared() {}\n"),
            ("runtime/tmux/mod.rs", "mod actor;\npub fn start() {}\n"),
            ("runtime/tmux/actor.rs", "use super::super::shared;\n"),
            (
                "api.rs",
                "use crate::runtime;\nfn serve() {\n    runtime::tmux::start();\n    runtime::shared();\n}\n",
            ),
        ],
    );
    assert_eq!(
        f.edges(),
        [
            "api -> runtime @ api.rs:1",
            "api -> runtime/tmux @ api.rs:3",
            "lib -> api @ lib.rs:3",
            "lib -> runtime/tmux @ lib.rs:3",
            "runtime/tmux -> runtime @ runtime/tmux/actor.rs:1",
        ]
    );
    let (_, graph) = check::load(&f.rules()).unwrap();
    let nodes: Vec<&str> = graph.nodes.keys().map(String::as_str).collect();
    assert_eq!(nodes, ["api", "lib", "runtime", "runtime/tmux"]);
    assert_eq!(
        graph.nodes["runtime/tmux"],
        f.src().join("runtime/tmux/mod.rs")
    );
}

#[test]
fn a_glob_brings_in_children_and_the_globbed_modules_imports() {
    let rules = "split svc\nlayer low: store\nlayer mid: svc svc/*\nlayer high: lib\n";
    let f = Fixture::with(
        "glob",
        rules,
        &[
            ("lib.rs", "pub mod store;\npub mod svc;\n"),
            ("store.rs", "pub fn open() {}\n"),
            ("svc/mod.rs", "use crate::store;\npub mod a;\npub mod b;\n"),
            ("svc/b.rs", "pub fn g() {}\n"),
            (
                "svc/a.rs",
                "use super::*;\n\nfn f() {\n    store::open();\n    b::g();\n}\n",
            ),
        ],
    );
    assert_eq!(
        f.edges(),
        [
            "svc -> store @ svc/mod.rs:1",
            "svc/a -> store @ svc/a.rs:4",
            "svc/a -> svc @ svc/a.rs:1",
            "svc/a -> svc/b @ svc/a.rs:5",
        ]
    );
}

#[test]
fn cfg_test_code_is_ignored() {
    let f = Fixture::with(
        "cfgtest",
        FLAT,
        &[
            ("lib.rs", "pub mod a;\npub mod x;\n"),
            ("a.rs", ""),
            (
                "x.rs",
                "pub fn f() {}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use crate::a;\n    \
                 fn t() { crate::a::g(); }\n}\n\n#[cfg(test)]\nmod more;\n",
            ),
            ("x/more.rs", "use crate::a::h;\n"),
            ("testonly.rs", "#![cfg(test)]\nuse crate::x;\n"),
        ],
    );
    assert!(f.edges().is_empty(), "{:?}", f.edges());
    let (_, graph) = check::load(&f.rules()).unwrap();
    assert!(!graph.nodes.contains_key("testonly"));
}

#[test]
fn comments_and_strings_are_ignored() {
    let f = Fixture::with(
        "comments",
        FLAT,
        &[
            (
                "lib.rs",
                "//! crate::a::b is documented here\npub mod a;\npub mod x;\n",
            ),
            ("a.rs", ""),
            (
                "x.rs",
                "// use crate::a;\n/// see crate::a::f\n/* crate::a::g /* nested crate::a */ */\n\
                 const S: &str = \"crate::a::h\";\nconst R: &str = r#\"use crate::a;\"#;\n\
                 #[doc = \"crate::a\"]\npub fn f<'a>(c: char) -> bool { c == '\\'' }\n",
            ),
        ],
    );
    assert!(f.edges().is_empty(), "{:?}", f.edges());
}

#[test]
fn a_cycle_is_reported_with_its_edges() {
    let rules = "layer all: lib a b c\n";
    let f = Fixture::with(
        "cycle",
        rules,
        &[
            ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
            ("a.rs", "use crate::b::f;\n"),
            ("b.rs", "pub fn f() { crate::c::g(); }\n"),
            ("c.rs", "pub fn g() {}\n\nuse crate::a;\n"),
        ],
    );
    let v = f.violations();
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(
        v[0],
        "src/a.rs:1: cycle among 3 modules (a, b, c), e.g. a -> b -> c -> a; the 3 edges inside it:\n    \
         src/a.rs:1: a -> b (1 import)\n    src/b.rs:1: b -> c (1 import)\n    src/c.rs:3: c -> a (1 import)"
    );
    assert_eq!(f.check().violations[0].kinds, [Kind::Cycle]);
}

#[test]
fn upward_imports_isolate_and_forbid_violations() {
    let rules = "split service components\n\
                 layer drivers: store\n\
                 layer verbs: service service/*\n\
                 layer components: components components/*\n\
                 layer top: lib\n\
                 isolate service/*\n\
                 forbid components/* -> drivers\n";
    let f = Fixture::with(
        "violations",
        rules,
        &[
            (
                "lib.rs",
                "pub mod store;\npub mod service;\npub mod components;\npub struct Daemon;\n",
            ),
            ("store.rs", "use crate::Daemon;\n"),
            (
                "service/mod.rs",
                "pub mod send;\npub mod caller;\npub fn shared() {}\n",
            ),
            ("service/caller.rs", "pub struct Caller;\n"),
            (
                "service/send.rs",
                "use super::shared;\nuse super::caller::Caller;\nuse super::*;\nfn f() { caller::Caller; }\n",
            ),
            ("components/mod.rs", "pub mod cost;\n"),
            (
                "components/cost.rs",
                "use crate::service::send;\nuse crate::store;\n",
            ),
        ],
    );
    let v = f.violations();
    assert_eq!(
        v,
        [
            "src/components/cost.rs:2: node components/cost imports node store (forbidden by \
             layers.rules:7: forbid components/* -> drivers)",
            "src/service/send.rs:2: node service/send imports node service/caller \
             (layers.rules:6: isolate service/*: members may not import one another)",
            "src/service/send.rs:4: node service/send imports node service/caller \
             (layers.rules:6: isolate service/*: members may not import one another)",
            "src/store.rs:1: node store imports node lib (layer drivers imports up into layer top)",
        ]
    );
    let summary = f.check().summary();
    assert_eq!(
        summary,
        "layering: 4 violations (1 import up the layers, 1 forbidden import, \
         2 imports inside isolated groups) in 7 modules, 7 imports"
    );
}

#[test]
fn an_import_breaking_two_rules_is_one_line_with_both_reasons() {
    let rules = "layer drivers: store\nlayer top: lib\nforbid drivers -> top\n";
    let f = Fixture::with(
        "both",
        rules,
        &[
            ("lib.rs", "pub mod store;\npub struct Daemon;\n"),
            ("store.rs", "fn f(_: &crate::Daemon) {}\n"),
        ],
    );
    let report = f.check();
    assert_eq!(report.violations.len(), 1);
    assert_eq!(report.violations[0].kinds, [Kind::Layer, Kind::Forbid]);
    assert!(
        report.violations[0]
            .text
            .contains("(layer drivers imports up into layer top; forbidden by"),
        "{}",
        report.violations[0].text
    );
}

#[test]
fn a_module_without_a_layer() {
    let f = Fixture::with(
        "unlisted",
        "layer all: lib a\n",
        &[
            ("lib.rs", "pub mod a;\npub mod attention;\n"),
            ("a.rs", ""),
            ("attention/mod.rs", "pub mod x;\n"),
            ("attention/x.rs", ""),
        ],
    );
    assert_eq!(
        f.violations(),
        ["src/attention/mod.rs:1: module attention has no layer; add it to layers.rules"]
    );
    assert_eq!(f.check().violations[0].kinds, [Kind::Unlisted]);
}

#[test]
fn a_module_in_two_layers() {
    let f = Fixture::with(
        "twice",
        "split s\nlayer one: lib s/*\nlayer two: s/a\n",
        &[("lib.rs", "pub mod s;\n"), ("s/mod.rs", ""), ("s/a.rs", "")],
    );
    let v = f.violations();
    assert!(
        v.contains(&"src/s/mod.rs:1: module s has no layer; add it to layers.rules".to_string()),
        "{v:?}"
    );
    assert!(
        v.contains(
            &"src/s/a.rs:1: module s/a is in 2 layers: one (line 2), two (line 3); keep it in one"
                .to_string()
        ),
        "{v:?}"
    );
}

#[test]
fn a_crate_dependency_not_allowed() {
    let rules = "layer all: lib\n\
                 crate warren-d: warren-proto\n\
                 crate warren-proto:\n\
                 crate warren-helpers: warren-proto\n";
    let f = Fixture::with("crates", rules, &[("lib.rs", "")]);
    f.write(
        "crates/d/Cargo.toml",
        "[package]\nname = \"warren-d\"\n\n[dependencies]\nwarren-proto.workspace = true\n\
         warren-mcp.workspace = true\n\n[dev-dependencies]\nwarren-testkit.workspace = true\n",
    );
    f.write(
        "crates/proto/Cargo.toml",
        "[package]\nname = \"warren-proto\"\n[dependencies]\nserde = \"1\"\n",
    );
    assert_eq!(
        f.violations(),
        ["Cargo.toml:6: crate warren-d depends on warren-mcp \
          (layers.rules:2: crate warren-d may depend on only warren-proto)"]
    );
}

#[test]
fn a_clean_tree_passes() {
    let f = Fixture::with(
        "clean",
        FLAT,
        &[
            ("lib.rs", "pub mod a;\npub mod x;\nuse x::run;\n"),
            ("a.rs", "pub fn f() {}\n"),
            (
                "x.rs",
                "use crate::a::f;\npub fn run() { crate::a::f(); }\n",
            ),
        ],
    );
    let opts = Options {
        rules: f.rules(),
        graph: false,
    };
    let (out, code) = run(&opts).unwrap();
    assert_eq!(
        (out.as_str(), code),
        ("layering ok: 3 modules, 3 imports\n", 0)
    );
    let (out, code) = run(&Options {
        graph: true,
        ..opts
    })
    .unwrap();
    assert_eq!(
        (out.as_str(), code),
        ("lib -> x (1)\nx -> a (2)\n3 modules, 3 imports\n", 0)
    );
}

#[test]
fn a_violation_exits_1_and_a_bad_rules_file_is_an_error() {
    let f = Fixture::with(
        "exit",
        "layer all: lib\n",
        &[("lib.rs", "pub mod a;\n"), ("a.rs", "")],
    );
    let opts = Options {
        rules: f.rules(),
        graph: false,
    };
    let (out, code) = run(&opts).unwrap();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.ends_with(
            "layering: 1 violation (1 module not in exactly one layer) in 2 modules, 0 imports\n"
        ),
        "{out}"
    );
    f.write("crates/d/layers.rules", "layer all lib\n");
    assert!(
        run(&opts)
            .unwrap_err()
            .contains("layers.rules:1: expected `layer NAME: ...`")
    );
    let missing = Options {
        rules: f.root.join("nope/layers.rules"),
        graph: false,
    };
    assert!(run(&missing).is_err());
}

#[test]
fn options() {
    let a = |s: &[&str]| Options::parse(&s.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(
        a(&[]).unwrap(),
        Some(Options {
            rules: PathBuf::from(crate::DEFAULT_RULES),
            graph: false
        })
    );
    assert_eq!(
        a(&["--rules", "r", "--graph"]).unwrap(),
        Some(Options {
            rules: PathBuf::from("r"),
            graph: true
        })
    );
    assert_eq!(a(&["--rules=q"]).unwrap().unwrap().rules, Path::new("q"));
    assert_eq!(a(&["--help"]).unwrap(), None);
    assert!(a(&["--bogus"]).is_err());
    assert!(a(&["--rules"]).is_err());
}

/// The committed rules parse and the daemon's tree scans (whatever it currently violates).
#[test]
fn the_daemon_rules_parse_and_its_tree_scans() {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../warren-daemon/layers.rules");
    let (_, graph) = check::load(&rules).unwrap();
    assert!(graph.nodes.contains_key("lib"));
    assert!(graph.imports() > 0);
}
