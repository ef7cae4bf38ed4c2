//! `history`: a session's interactions with cost per interaction.

use crate::daemon::Daemon;
use std::sync::Arc;
use warren_proto::{ApiError, History};

/// The interactions, oldest first, and totals.
pub(crate) fn run(d: &Arc<Daemon>, key: &str) -> Result<History, ApiError> {
    let h = crate::ops::headless_of::lookup(d, key)?;
    let interactions = d.store.interactions(&h.id).map_err(ApiError::internal)?;
    Ok(History {
        name: h.name.to_string(),
        total_cost: interactions.iter().map(|i| i.cost).sum(),
        total_turns: interactions.iter().map(|i| i.turns).sum(),
        interactions,
    })
}
