//! The headless verbs that start conversations: spawn, resume, fork, delegate, continue,
//! batch; and how a turn's answer is printed.

use crate::cli_agent::{BatchArgs, ContinueArgs, DelegateArgs, ForkArgs, ResumeArgs, SpawnArgs};
use crate::ctx::{Ctx, print_json};
use crate::usage;
use std::time::Duration;
use warren_client::api;
use warren_proto::{
    ApiError, DelegateRequest, DelegateResult, ForkRequest, SendAnswer, SessionInfo, SessionName,
    SpawnAnswer, SpawnRequest, TurnRequest, exit,
};

/// How `--json` prints spawn's and fork's answer: `turn` and `notices` even when empty (the
/// wire leaves them out).
#[derive(serde::Serialize)]
pub struct PrintedSpawn<'a> {
    session: &'a SessionInfo,
    turn: Option<&'a SendAnswer>,
    notices: &'a [String],
}

impl<'a> PrintedSpawn<'a> {
    /// The answer as printed.
    pub fn of(a: &'a SpawnAnswer) -> Self {
        Self {
            session: &a.session,
            turn: a.turn.as_ref(),
            notices: &a.notices,
        }
    }
}

fn name_of(s: &str) -> Result<SessionName, ApiError> {
    SessionName::new(s).map_err(|e| ApiError::bad_field("name", e.to_string()))
}

fn ms(d: Option<Duration>) -> Option<u64> {
    d.map(|d| d.as_millis() as u64)
}

fn abs(p: Option<std::path::PathBuf>) -> Result<Option<String>, ApiError> {
    let p = match p {
        Some(p) => p,
        None => std::env::current_dir().map_err(|e| usage(format!("current dir: {e}")))?,
    };
    let p = if p.is_absolute() {
        p
    } else {
        std::env::current_dir()
            .map_err(|e| usage(format!("current dir: {e}")))?
            .join(p)
    };
    Ok(Some(p.to_string_lossy().into_owned()))
}

fn env_pairs(extra: &[String]) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    extra
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| usage(format!("--env wants K=V, not {kv:?}")))
        })
        .collect()
}

/// Prints a turn's answer: the response on stdout, the account on stderr. Exit 0 when the
/// turn completed (or needs input), 1 otherwise.
pub fn report_turn(a: &SendAnswer, json: bool) -> i32 {
    if json {
        print_json(a);
    } else {
        if let Some(r) = &a.response {
            println!("{r}");
        }
        let mut parts = vec![a.status.clone().unwrap_or_else(|| {
            serde_json::to_value(a.ack)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        })];
        if let Some(c) = a.cost {
            parts.push(format!("${c:.4}"));
        }
        if let Some(t) = a.turns {
            parts.push(format!("{t} turn(s)"));
        }
        if let Some(d) = a.duration {
            parts.push(format!("{d} ms"));
        }
        eprintln!("[{}] {}", parts.join(" · "), a.reason);
    }
    match a.status.as_deref() {
        None | Some("completed") | Some("needs_input") => exit::OK,
        _ => exit::TIMEOUT_OR_DEAD,
    }
}

pub async fn spawn(ctx: &Ctx, a: SpawnArgs) -> Result<i32, ApiError> {
    let name = name_of(&a.named.get()?)?;
    if a.tmux {
        return spawn_tmux(ctx, a, name).await;
    }
    let mut limits = a.limits.limits();
    if let Some(b) = a.max_budget {
        limits.max_cost = Some(limits.max_cost.map_or(b, |c| c.min(b)));
    }
    let req = SpawnRequest {
        name,
        prompt: a.prompt,
        model: a.model,
        work_dir: abs(a.work_dir)?,
        permission_mode: a.permission_mode,
        allowed_tools: a.allowed_tools,
        system_prompt: a.system_prompt,
        replace_system_prompt: a.replace_system_prompt,
        agent: a.agent,
        preset: a.preset,
        profile: a.profile,
        program: a.program,
        extra_args: Vec::new(),
        env: std::env::vars().collect(),
        env_extra: env_pairs(&a.env)?,
        limits,
        stop: a.stop,
        no_wait: a.no_wait,
        timeout_ms: ms(a.timeout),
        watchdog_secs: a.watchdog.map(|d| d.as_secs().max(1)),
        tool_timeout_secs: a.tool_timeout.map(|d| d.as_secs().max(1)),
        include_partial: a.partial,
        tmux: false,
    };
    let ans = ctx.client().await?.spawn(&req).await?;
    for n in &ans.notices {
        eprintln!("warren: {n}");
    }
    let what = format!("({})", ans.session.id);
    Ok(report_spawn(&ans, &what, a.json))
}

/// Prints spawn's or fork's answer: the first turn's, or the new session's state.
fn report_spawn(ans: &SpawnAnswer, what: &str, json: bool) -> i32 {
    if json {
        print_json(&PrintedSpawn::of(ans));
        return ans.turn.as_ref().map_or(exit::OK, report_code);
    }
    match &ans.turn {
        Some(t) => report_turn(t, false),
        None => {
            println!("{} {} {what}", ans.session.name, ans.session.state);
            exit::OK
        }
    }
}

fn report_code(a: &SendAnswer) -> i32 {
    match a.status.as_deref() {
        None | Some("completed") | Some("needs_input") => exit::OK,
        _ => exit::TIMEOUT_OR_DEAD,
    }
}

/// `spawn --tmux`: an interactive Claude Code session (the core issue's `new --claude`).
async fn spawn_tmux(ctx: &Ctx, a: SpawnArgs, name: SessionName) -> Result<i32, ApiError> {
    let req = warren_proto::NewRequest {
        name: Some(name),
        profile: Some(a.profile.unwrap_or_else(|| "claude".into())),
        cwd: abs(a.work_dir)?,
        env: std::env::vars().collect(),
        env_extra: env_pairs(&a.env)?,
        prompt: a.prompt,
        model: a.model,
        wait_ready_ms: (!a.no_wait).then_some(30_000),
        limits: a.limits.limits(),
        ..Default::default()
    };
    let s = ctx.idempotent(api::create(&req)).await?;
    if a.json {
        print_json(&s);
    } else {
        println!("{} {} ({})", s.name, s.state, s.id);
    }
    Ok(exit::OK)
}

pub async fn resume(ctx: &Ctx, a: ResumeArgs) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let req = TurnRequest {
        message: a.message,
        stop: a.stop,
        no_wait: a.no_wait,
        timeout_ms: ms(a.timeout),
    };
    let ans = ctx.client().await?.resume(&name, &req).await?;
    match ans {
        Some(t) => Ok(report_turn(&t, a.json)),
        None => {
            let s = ctx.client().await?.status(&name).await?;
            if a.json {
                print_json(&s);
            } else {
                println!("{} {}", s.name, s.state);
            }
            Ok(exit::OK)
        }
    }
}

pub async fn fork(ctx: &Ctx, a: ForkArgs) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let req = ForkRequest {
        new_name: name_of(&a.new_name)?,
        message: a.message,
        work_dir: match a.work_dir {
            Some(p) => abs(Some(p))?,
            None => None,
        },
        no_wait: a.no_wait,
        timeout_ms: None,
    };
    let ans = ctx.client().await?.fork(&name, &req).await?;
    Ok(report_spawn(&ans, &format!("(forked from {name})"), a.json))
}

fn print_result(r: &DelegateResult, json: bool) -> i32 {
    if json {
        print_json(r);
    } else {
        if let Some(text) = &r.response {
            println!("{text}");
        }
        eprintln!(
            "[{}] {} · ${:.4} · {} turn(s) · {} ms · tools: {} · violations: {}{}",
            r.status,
            r.name,
            r.cost,
            r.turns,
            r.duration,
            if r.tools_used.is_empty() {
                "-".to_string()
            } else {
                r.tools_used.join(", ")
            },
            r.safety.total_violations,
            r.error
                .as_ref()
                .map(|e| format!(" · {e}"))
                .unwrap_or_default()
        );
    }
    match r.status.as_str() {
        "completed" | "needs_input" => exit::OK,
        _ => exit::TIMEOUT_OR_DEAD,
    }
}

pub async fn delegate(ctx: &Ctx, a: DelegateArgs) -> Result<i32, ApiError> {
    let limits = a.limits.limits();
    let req = DelegateRequest {
        name: name_of(&a.named.get()?)?,
        task: a.task,
        model: a.model,
        preset: a.preset,
        limits,
        no_safety: a.no_safety,
        context: a.context,
        work_dir: abs(a.work_dir)?,
        system_prompt: a.system_prompt,
        agent: a.agent,
        profile: a.profile,
        program: a.program,
        env: std::env::vars().collect(),
        watchdog_secs: a.watchdog.map(|d| d.as_secs().max(1)),
        timeout_ms: None,
    };
    let r = ctx.client().await?.delegate(&req).await?;
    Ok(print_result(&r, a.json))
}

pub async fn continue_task(ctx: &Ctx, a: ContinueArgs) -> Result<i32, ApiError> {
    let name = a.named.get()?;
    let req = TurnRequest {
        message: Some(a.message),
        timeout_ms: ms(a.timeout),
        ..TurnRequest::default()
    };
    let r = ctx.client().await?.continue_task(&name, &req).await?;
    Ok(print_result(&r, a.json))
}

/// One task of a batch file (claude-multi-session's shape; more spawn fields allowed).
#[derive(Debug, serde::Deserialize)]
struct BatchTask {
    name: String,
    #[serde(default)]
    prompt: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default, alias = "workDir")]
    work_dir: Option<String>,
    #[serde(default, alias = "permissionMode")]
    permission_mode: Option<String>,
    #[serde(default, alias = "systemPrompt")]
    system_prompt: Option<String>,
    #[serde(default, alias = "maxBudget")]
    max_budget: Option<f64>,
    #[serde(default)]
    preset: Option<String>,
    #[serde(default)]
    agent: Option<String>,
    #[serde(default)]
    program: Option<String>,
}

pub async fn batch(ctx: &Ctx, a: BatchArgs) -> Result<i32, ApiError> {
    let text = std::fs::read_to_string(&a.file)
        .map_err(|e| usage(format!("reading {}: {e}", a.file.display())))?;
    let tasks: Vec<BatchTask> = serde_json::from_str(&text).map_err(|e| {
        usage(format!(
            "{}: not a JSON list of tasks: {e}",
            a.file.display()
        ))
    })?;
    if tasks.is_empty() {
        return Err(usage(format!("{}: no tasks", a.file.display())));
    }
    let here = abs(None)?;
    let mut reqs = Vec::new();
    for t in tasks {
        let work_dir = match t.work_dir {
            Some(w) => abs(Some(w.into()))?,
            None => here.clone(),
        };
        reqs.push(SpawnRequest {
            prompt: t.prompt,
            model: t.model,
            work_dir,
            permission_mode: t.permission_mode,
            system_prompt: t.system_prompt,
            agent: t.agent,
            preset: t.preset,
            program: t.program,
            env: std::env::vars().collect(),
            limits: warren_proto::Limits {
                max_cost: t.max_budget,
                ..Default::default()
            },
            ..SpawnRequest::new(name_of(&t.name)?)
        });
    }
    let total = reqs.len();
    let mut set = tokio::task::JoinSet::new();
    for req in reqs {
        let client = ctx.client().await?;
        set.spawn(async move {
            let name = req.name.to_string();
            let r = client.spawn(&req).await;
            (name, r.map_err(warren_client::ClientError::into_api))
        });
    }
    let mut done = 0;
    let mut failed = 0;
    let mut answers = Vec::new();
    eprintln!("batch: 0/{total} done");
    while let Some(joined) = set.join_next().await {
        let Ok((name, r)) = joined else { continue };
        done += 1;
        match &r {
            Ok(ans) => {
                let status = ans
                    .turn
                    .as_ref()
                    .and_then(|t| t.status.clone())
                    .unwrap_or_else(|| ans.session.state.to_string());
                if status != "completed" && status != "idle" {
                    failed += 1;
                }
                let cost = ans.turn.as_ref().and_then(|t| t.cost).unwrap_or(0.0);
                eprintln!("batch: {done}/{total} done · {name}: {status} (${cost:.4})");
            }
            Err(e) => {
                failed += 1;
                eprintln!("batch: {done}/{total} done · {name}: failed: {e}");
            }
        }
        answers.push(serde_json::json!({
            "name": name,
            "ok": r.is_ok(),
            "answer": r.as_ref().ok().map(PrintedSpawn::of),
            "error": r.as_ref().err().map(|e| e.to_string()),
        }));
    }
    if a.json {
        print_json(&answers);
    }
    Ok(if failed == 0 {
        exit::OK
    } else {
        exit::TIMEOUT_OR_DEAD
    })
}
