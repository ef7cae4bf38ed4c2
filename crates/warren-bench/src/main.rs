//! Benchmarks of warren against the raw tmux baseline, each measured in the same run.
//!
//! `warren-bench all` (or `latency`, `spawn`, `scale`, `flood`) prints markdown tables; the
//! results and the command are recorded in docs/BENCHMARKS.md. It runs warren from the same
//! target directory, on a temporary home, and ends everything it started.

mod emit;
mod env;
mod flood;
mod latency;
mod scale;
mod spawn;
mod stats;

use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().map(String::as_str).unwrap_or("all");
    if what == "emit" {
        emit::run(&args[1..]);
        return;
    }
    let sizes: Vec<usize> = flag(&args, "--sessions")
        .map(|s| s.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 100, 500]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = rt.block_on(async {
        match what {
            "latency" => latency::run(&sizes).await,
            "spawn" => {
                spawn::run(
                    flag(&args, "--runs")
                        .and_then(|r| r.parse().ok())
                        .unwrap_or(10),
                )
                .await
            }
            "scale" => scale::run(*sizes.iter().max().unwrap_or(&500)).await,
            "flood" => {
                flood::run(
                    flag(&args, "--mb")
                        .and_then(|m| m.parse().ok())
                        .unwrap_or(200),
                )
                .await
            }
            "all" => {
                latency::run(&sizes).await?;
                spawn::run(10).await?;
                scale::run(*sizes.iter().max().unwrap_or(&500)).await?;
                flood::run(200).await
            }
            other => anyhow::bail!(
                "unknown benchmark {other:?}: use latency, spawn, scale, flood or all"
            ),
        }
    });
    rt.shutdown_timeout(Duration::from_secs(1));
    if let Err(e) = result {
        eprintln!("warren-bench: {e:#}");
        std::process::exit(1);
    }
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}
