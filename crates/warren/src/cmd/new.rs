//! `warren new NAME [--python|--shell|--claude|--profile P|-- CMD…]`.

use crate::cli::NewArgs;
use crate::ctx::{Ctx, print_json};
use crate::usage;
use std::collections::BTreeMap;
use warren_client::api;
use warren_proto::{ApiError, NewRequest, SessionName, exit};

/// How long `new` waits for the session to be ready before answering anyway.
const READY_WAIT_MS: u64 = 30_000;

pub async fn run(ctx: &Ctx, a: NewArgs) -> Result<i32, ApiError> {
    let raw = a
        .name
        .clone()
        .or(a.name_flag.clone())
        .ok_or_else(|| usage("give the session a name: `warren new NAME`"))?;
    let name = SessionName::new(&raw)?;
    let profile = if a.python {
        Some("python".to_string())
    } else if a.claude {
        Some("claude".to_string())
    } else if a.shell {
        Some("shell".to_string())
    } else {
        a.profile.clone()
    };
    let cwd = match &a.cwd {
        Some(c) => {
            std::path::absolute(c).map_err(|e| usage(format!("--cwd {}: {e}", c.display())))?
        }
        None => std::env::current_dir().map_err(|e| usage(format!("no current directory: {e}")))?,
    };
    let mut env_extra = BTreeMap::new();
    for kv in &a.env {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| usage(format!("--env {kv:?}: write K=V")))?;
        env_extra.insert(k.to_string(), v.to_string());
    }
    let req = NewRequest {
        name: Some(name),
        profile,
        command: a.command.clone(),
        cwd: Some(cwd.to_string_lossy().into_owned()),
        env: std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect(),
        env_extra,
        prompt: a.prompt.clone(),
        model: a.model.clone(),
        job_slug: None,
        wait_ready_ms: (!a.no_wait).then_some(READY_WAIT_MS),
        limits: warren_proto::Limits {
            max_time_secs: a.max_time.map(|d| d.as_secs()),
            max_total_time_secs: a.max_total_time.map(|d| d.as_secs()),
            max_cost: a.max_cost,
            max_turns: a.max_turns,
            ..Default::default()
        },
        seed_config: a.seed_config,
        resume: None,
    };
    let info = ctx.idempotent(api::create(&req)).await?;
    if a.json {
        print_json(&info);
    } else {
        println!(
            "{} {} ({}, {}: {})",
            info.name, info.state, info.profile, info.signal, info.detail
        );
    }
    Ok(exit::OK)
}
