//! `warren batch`: several headless sessions spawned in parallel from a JSON file.

use super::args::{abs, name_of};
use super::spawn::PrintedSpawn;
use crate::ctx::{Ctx, print_json};
use crate::usage;
use clap::Args;
use warren_proto::{ApiError, SpawnRequest, exit};

/// `warren batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// A JSON list of spawn requests: `[{"name", "prompt", "model", …}]`.
    #[arg(long)]
    pub file: std::path::PathBuf,
    /// One JSON answer per session.
    #[arg(long)]
    pub json: bool,
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

/// Runs `warren batch`.
pub async fn run(ctx: &Ctx, a: BatchArgs) -> Result<i32, ApiError> {
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
