//! Headless scale: N headless sessions doing M sequential turns each, all at once, against
//! this process driving N fake agents directly over pipes with the same turns. Afterwards
//! every session's history must hold exactly its M interactions, each completed once, in
//! order, with the right response. Memory is sampled every 100 ms (VmRSS), CPU is
//! utime + stime over the turns.

use crate::env::{cpu_ticks, mem_kb, ticks_per_s, vm_rss_kb};
use crate::headless::{Direct, TURN_TIMEOUT, Warren, direct_home, fake};
use crate::stats::{ms, pct};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one path measured.
#[derive(Default)]
struct Run {
    wall: Duration,
    /// Turns answered with the right response.
    ok: usize,
    /// Per-turn round trips (ms).
    lat: Vec<f64>,
    /// Turns that failed or never ran, and why (first few).
    errors: Vec<String>,
    /// Peak total VmRSS (kB) and CPU (s) per process group, in the order of `groups`.
    peak_kb: Vec<u64>,
    cpu_s: Vec<f64>,
}

/// Process groups whose memory and CPU are recorded.
struct Groups(Vec<Vec<i32>>);

impl Groups {
    fn cpu_ticks(&self) -> Vec<u64> {
        self.0
            .iter()
            .map(|g| g.iter().map(|p| cpu_ticks(*p)).sum())
            .collect()
    }

    fn rss_kb(&self) -> Vec<u64> {
        self.0
            .iter()
            .map(|g| g.iter().map(|p| vm_rss_kb(*p)).sum())
            .collect()
    }
}

/// Samples the groups' total VmRSS every 100 ms until told to stop; answers the peaks.
fn sampler(
    groups: Arc<Groups>,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Vec<u64>>,
) {
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let mut peak = groups.rss_kb();
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = &mut stopped => break,
            }
            for (p, now) in peak.iter_mut().zip(groups.rss_kb()) {
                *p = (*p).max(now);
            }
        }
        for (p, now) in peak.iter_mut().zip(groups.rss_kb()) {
            *p = (*p).max(now);
        }
        peak
    });
    (stop, task)
}

/// Runs `work` while sampling `groups`; fills in the wall time, peaks and CPU. `work` hands
/// back what must outlive the measurement (the agents: a process that ended has no CPU time
/// left to read).
async fn measured<F, T>(groups: Groups, work: F) -> (Run, T)
where
    F: std::future::Future<Output = (Run, T)>,
{
    let groups = Arc::new(groups);
    let before = groups.cpu_ticks();
    let (stop, peaks) = sampler(groups.clone());
    let t0 = Instant::now();
    let (mut run, keep) = work.await;
    run.wall = t0.elapsed();
    let after = groups.cpu_ticks();
    let _ = stop.send(());
    run.peak_kb = peaks.await.unwrap_or_default();
    run.cpu_s = after
        .iter()
        .zip(&before)
        .map(|(a, b)| a.saturating_sub(*b) as f64 / ticks_per_s())
        .collect();
    (run, keep)
}

/// What one task did: turns answered right, round trips, errors, and what it hands back.
type Done<T> = (usize, Vec<f64>, Vec<String>, T);

/// Collects the tasks' results.
async fn gather<T>(tasks: Vec<tokio::task::JoinHandle<Done<T>>>) -> (Run, Vec<T>) {
    let mut run = Run::default();
    let mut keep = Vec::new();
    for t in tasks {
        match t.await {
            Ok((ok, lat, errors, k)) => {
                run.ok += ok;
                run.lat.extend(lat);
                run.errors.extend(errors);
                keep.push(k);
            }
            Err(e) => run.errors.push(format!("task: {e}")),
        }
    }
    (run, keep)
}

/// The baseline: `n` fake agents, each driven over its pipes by a task of this process.
async fn baseline(n: usize, turns: usize) -> anyhow::Result<Run> {
    let (fake, home) = (fake()?, direct_home()?);
    let mut agents = Vec::with_capacity(n);
    for _ in 0..n {
        agents.push(Direct::start(&fake, &home)?);
    }
    let me = std::process::id() as i32;
    let groups = Groups(vec![vec![me], agents.iter().map(Direct::pid).collect()]);
    let (run, agents) = measured(groups, async {
        let tasks = agents
            .into_iter()
            .enumerate()
            .map(|(i, mut a)| {
                tokio::spawn(async move {
                    let (mut ok, mut lat, mut errors) = (0, Vec::with_capacity(turns), Vec::new());
                    for j in 0..turns {
                        let text = format!("s{i}-t{j}");
                        let t = Instant::now();
                        let r = tokio::time::timeout(TURN_TIMEOUT, a.turn(&text)).await;
                        if !book(&text, r, &mut ok, &mut errors) {
                            break;
                        }
                        lat.push(t.elapsed().as_secs_f64() * 1e3);
                    }
                    (ok, lat, errors, a)
                })
            })
            .collect();
        gather(tasks).await
    })
    .await;
    for a in agents {
        a.end().await;
    }
    Ok(run)
}

/// What the sessions' histories say, summed over the sessions.
#[derive(Default)]
struct Audit {
    interactions: usize,
    lost: usize,
    duplicated: usize,
    out_of_order: usize,
    wrong: usize,
    short: Vec<String>,
}

async fn audit(w: &Warren, n: usize, turns: usize) -> anyhow::Result<Audit> {
    let mut a = Audit::default();
    for i in 0..n {
        let name = format!("s{i}");
        let mut hist = w.history(&name).await?;
        hist.sort_by_key(|x| x.seq);
        a.interactions += hist.len();
        if hist.len() != turns {
            a.short
                .push(format!("{name}: {} interactions, not {turns}", hist.len()));
        }
        let prompts: Vec<&str> = hist.iter().map(|x| x.prompt.as_str()).collect();
        let mut seen = std::collections::HashMap::new();
        for p in &prompts {
            *seen.entry(*p).or_insert(0usize) += 1;
        }
        let expected: Vec<String> = (0..turns).map(|j| format!("{name}-t{j}")).collect();
        for want in &expected {
            match seen.get(want.as_str()).copied().unwrap_or(0) {
                0 => a.lost += 1,
                1 => {}
                k => a.duplicated += k - 1,
            }
        }
        // In order: the prompts by seq (first occurrences) are the expected ones, in order.
        let mut firsts = Vec::new();
        let mut once = std::collections::HashSet::new();
        for p in &prompts {
            if once.insert(*p) {
                firsts.push(*p);
            }
        }
        a.out_of_order += firsts
            .iter()
            .zip(expected.iter().filter(|e| once.contains(e.as_str())))
            .filter(|(got, want)| **got != want.as_str())
            .count();
        for x in &hist {
            let echo = format!("ECHO: {}", x.prompt);
            if x.status != "completed" || x.response.as_deref() != Some(echo.as_str()) {
                a.wrong += 1;
            }
        }
    }
    Ok(a)
}

/// warren: `n` headless sessions, each sent its turns by a task over the API.
async fn through_warren(n: usize, turns: usize) -> anyhow::Result<(Run, Audit, Duration, u64)> {
    let fake = fake()?;
    let w = Arc::new(Warren::start(&fake).await?);
    let t0 = Instant::now();
    for i in 0..n {
        w.spawn(&format!("s{i}")).await?;
    }
    let spawned = t0.elapsed();
    let (holders, agents) = w.holders_and_agents();
    anyhow::ensure!(
        holders.len() == n && agents.len() == n,
        "{} holders and {} agents for {n} sessions",
        holders.len(),
        agents.len()
    );
    let me = std::process::id() as i32;
    let groups = Groups(vec![
        vec![me],
        agents,
        vec![w.daemon_pid()?],
        holders.clone(),
    ]);
    let (run, ()) = measured(groups, async {
        let tasks = (0..n)
            .map(|i| {
                let w = w.clone();
                tokio::spawn(async move {
                    let name = format!("s{i}");
                    let (mut ok, mut lat, mut errors) = (0, Vec::with_capacity(turns), Vec::new());
                    for j in 0..turns {
                        let text = format!("{name}-t{j}");
                        let t = Instant::now();
                        let r = tokio::time::timeout(TURN_TIMEOUT, w.send(&name, &text)).await;
                        if !book(&text, r, &mut ok, &mut errors) {
                            break;
                        }
                        lat.push(t.elapsed().as_secs_f64() * 1e3);
                    }
                    (ok, lat, errors, ())
                })
            })
            .collect();
        let (run, _) = gather(tasks).await;
        (run, ())
    })
    .await;
    // RSS counts the pages the holders share (the warren binary) once per holder; PSS splits them.
    let holders_pss: u64 = holders.iter().map(|p| mem_kb(*p).1).sum();
    let a = audit(&w, n, turns).await?;
    Ok((run, a, spawned, holders_pss))
}

pub async fn run(n: usize, turns: usize) -> anyhow::Result<()> {
    let (n, turns) = (n.max(1), turns.max(1));
    let base = baseline(n, turns).await?;
    let (via, a, spawned, holders_pss) = through_warren(n, turns).await?;
    let total = n * turns;
    let mb = |kb: u64| format!("{:.1} MB", kb as f64 / 1024.0);
    let rate = |r: &Run| format!("{:.0}", r.ok as f64 / r.wall.as_secs_f64());
    println!(
        "\n### Headless scale: {n} sessions x {turns} turns each, all at once \
         (warren's sessions spawned in {:.1} s)\n",
        spawned.as_secs_f64()
    );
    println!(
        "| measure | baseline: this process drives {n} fake agents over pipes | warren: {n} headless sessions over the API |"
    );
    println!("|---|---:|---:|");
    println!(
        "| turns answered right / sent | {} / {total} | {} / {total} |",
        base.ok, via.ok
    );
    println!(
        "| history: interactions / lost / duplicated / out of order / not completed or wrong | - | {} / {} / {} / {} / {} |",
        a.interactions, a.lost, a.duplicated, a.out_of_order, a.wrong
    );
    println!(
        "| wall time | {:.2} s | {:.2} s |",
        base.wall.as_secs_f64(),
        via.wall.as_secs_f64()
    );
    println!("| turns/s | {} | {} |", rate(&base), rate(&via));
    println!(
        "| turn round trip p50 / p99 | {} / {} | {} / {} |",
        ms(pct(&base.lat, 50.0)),
        ms(pct(&base.lat, 99.0)),
        ms(pct(&via.lat, 50.0)),
        ms(pct(&via.lat, 99.0))
    );
    // Groups: baseline [bench, agents]; warren [bench, agents, daemon, holders].
    let g = |r: &Run, i: usize| (r.peak_kb.get(i).copied(), r.cpu_s.get(i).copied());
    let cell = |(kb, cpu): (Option<u64>, Option<f64>)| match (kb, cpu) {
        (Some(kb), Some(cpu)) => format!("{} / {cpu:.2} s", mb(kb)),
        _ => "-".into(),
    };
    println!("| daemon: peak RSS / CPU | - | {} |", cell(g(&via, 2)));
    println!(
        "| holders ({n}, total): peak RSS / CPU | - | {} |",
        cell(g(&via, 3))
    );
    println!(
        "| holders ({n}, total): PSS after the turns | - | {} |",
        mb(holders_pss)
    );
    println!(
        "| agents ({n}, total): peak RSS / CPU | {} | {} |",
        cell(g(&base, 1)),
        cell(g(&via, 1))
    );
    println!(
        "| this process (driver / API client): peak RSS / CPU | {} | {} |",
        cell(g(&base, 0)),
        cell(g(&via, 0))
    );
    let cpu_all = |r: &Run| r.cpu_s.iter().sum::<f64>();
    println!(
        "| CPU of everything above per turn | {:.0} us | {:.0} us |",
        cpu_all(&base) / total as f64 * 1e6,
        cpu_all(&via) / total as f64 * 1e6
    );
    let mut problems: Vec<String> = base
        .errors
        .iter()
        .map(|e| format!("baseline {e}"))
        .chain(via.errors.iter().map(|e| format!("warren {e}")))
        .chain(a.short.iter().cloned())
        .collect();
    if a.lost + a.duplicated + a.out_of_order + a.wrong > 0 {
        problems.push(format!(
            "history: {} lost, {} duplicated, {} out of order, {} not completed or wrong",
            a.lost, a.duplicated, a.out_of_order, a.wrong
        ));
    }
    if !problems.is_empty() {
        problems.truncate(10);
        anyhow::bail!("turns went wrong:\n  {}", problems.join("\n  "));
    }
    Ok(())
}

/// Books one turn's outcome (right, wrong, failed, timed out); false when the session cannot
/// go on.
fn book(
    text: &str,
    r: Result<anyhow::Result<String>, tokio::time::error::Elapsed>,
    ok: &mut usize,
    errors: &mut Vec<String>,
) -> bool {
    match r {
        Ok(Ok(got)) if got == format!("ECHO: {text}") => *ok += 1,
        Ok(Ok(got)) => errors.push(format!("{text}: answered {got:?}")),
        Ok(Err(e)) => {
            errors.push(format!("{text}: {e:#}"));
            return false;
        }
        Err(_) => {
            errors.push(format!("{text}: no result in {TURN_TIMEOUT:?}"));
            return false;
        }
    }
    true
}
