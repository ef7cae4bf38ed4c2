//! How a headless turn's answer is printed (`send`, `resume`, `spawn` and `fork` with a
//! message).

use crate::ctx::print_json;
use warren_proto::{SendAnswer, exit};

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
