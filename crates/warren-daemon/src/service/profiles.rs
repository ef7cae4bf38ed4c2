//! `profiles`: every agent profile, built in and from config, and what drives each.

use crate::daemon::Daemon;
use serde::Serialize;
use warren_proto::ProfileInfo;

/// A config enum's name as config spells it (its serde name).
fn config_name(v: impl Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Every profile, by name.
pub(crate) fn run(d: &Daemon) -> Vec<ProfileInfo> {
    d.profiles
        .names()
        .iter()
        .filter_map(|n| d.profiles.get(n))
        .map(|p| ProfileInfo {
            name: p.name.clone(),
            command: p.command.clone(),
            status: config_name(p.status),
            stream: p.stream.map(config_name),
            interrupt_key: p.interrupt_key.clone(),
            verified: p.verified,
        })
        .collect()
}
