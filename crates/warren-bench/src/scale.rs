//! Scale: N live sessions. Memory of warren's processes (daemon, control client, recorder,
//! any per-pane copier), their CPU while idle, and `warren ls` latency against `tmux ls`.

use crate::env::{Bench, cpu_ticks, mem_kb};
use crate::stats::{ms, pct};
use std::time::{Duration, Instant};

pub async fn run(n: usize) -> anyhow::Result<()> {
    let b = Bench::start().await?;
    let t0 = Instant::now();
    for i in 0..n {
        b.spawn(&format!("s{i}"), vec!["cat".into()]).await?;
    }
    let created = t0.elapsed();
    // Let every session settle (starting -> idle by quiescence) before measuring idle cost.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let all = b
            .client
            .sessions(Some("idle"))
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.into_api()))?;
        if all.len() >= n || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let pids = b.warren_pids();
    let (mut rss, mut pss) = (0, 0);
    let mut parts = Vec::new();
    for (what, pid) in &pids {
        let (r, p) = mem_kb(*pid);
        rss += r;
        pss += p;
        parts.push(format!("{what} {} MB", r / 1024));
    }
    let tmux_mem = b.tmux_server_pid().map(mem_kb).unwrap_or((0, 0));
    let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .unwrap_or(100) as f64;
    let before: u64 = pids.iter().map(|(_, p)| cpu_ticks(*p)).sum();
    let window = Duration::from_secs(10);
    tokio::time::sleep(window).await;
    let after: u64 = pids.iter().map(|(_, p)| cpu_ticks(*p)).sum();
    let cpu_pct = (after - before) as f64 / hz / window.as_secs_f64() * 100.0;

    let (mut table, mut cli, mut api, mut raw) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..100 {
        let t = Instant::now();
        let out = b.cmd().arg("ls").output()?;
        table.push(t.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(out.status.success(), "warren ls failed");
        let t = Instant::now();
        let out = b.cmd().args(["ls", "--json"]).output()?;
        cli.push(t.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(out.status.success(), "warren ls --json failed");
        let t = Instant::now();
        let _ = b
            .client
            .sessions(None)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.into_api()))?;
        api.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let _ = std::process::Command::new("tmux")
            .arg("-S")
            .arg(b.path().join("tmux.sock"))
            .arg("list-sessions")
            .output()?;
        raw.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "\n### Scale: {n} live sessions (created in {:.1} s)\n",
        created.as_secs_f64()
    );
    println!("| measure | warren | target / baseline |");
    println!("|---|---:|---|");
    println!(
        "| RSS of warren's processes ({}) | {} MB | <= 150 MB |",
        parts.join(", "),
        rss / 1024
    );
    println!("| PSS of the same | {} MB | |", pss / 1024);
    println!(
        "| tmux server (not warren's), RSS | {} MB | |",
        tmux_mem.0 / 1024
    );
    println!("| CPU of warren's processes while idle (10 s) | {cpu_pct:.2} % of a core | <= 1 % |");
    println!(
        "| `warren ls` (CLI process, the table) p50 / p99 | {} / {} | p50 <= 5 ms, p99 <= 50 ms |",
        ms(pct(&table, 50.0)),
        ms(pct(&table, 99.0))
    );
    println!(
        "| `warren ls --json` (CLI process, full objects) p50 / p99 | {} / {} | |",
        ms(pct(&cli, 50.0)),
        ms(pct(&cli, 99.0))
    );
    println!(
        "| `GET /v1/sessions` (API) p50 / p99 | {} / {} | |",
        ms(pct(&api, 50.0)),
        ms(pct(&api, 99.0))
    );
    println!(
        "| baseline `tmux list-sessions` (CLI) p50 / p99 | {} / {} | raw tmux, same run |",
        ms(pct(&raw, 50.0)),
        ms(pct(&raw, 99.0))
    );
    Ok(())
}
