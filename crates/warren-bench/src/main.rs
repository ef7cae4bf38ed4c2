//! Benchmarks of warren against the raw tmux baseline (written next).

fn main() {
    eprintln!("warren-bench: not written yet");
    std::process::exit(64);
}
