//! `limits`: changes a session's safety net. A session may tighten anyone's limits but not
//! raise its own or an ancestor's.

use crate::daemon::Daemon;
use crate::ops::limits::{apply, tmux_limits, validate_limits};
use crate::ops::policy::Caller;
use crate::ops::view;
use crate::runtime::headless::strict::refresh_guard;
use crate::session::{HeadlessCmd, Runtime, TmuxCmd};
use std::sync::Arc;
use warren_proto::{ApiError, LimitsRequest, SessionInfo};

/// Applies the change and answers the session's status.
pub(crate) fn run(
    d: &Arc<Daemon>,
    key: &str,
    req: LimitsRequest,
    caller: &Caller,
) -> Result<SessionInfo, ApiError> {
    let h = d.lookup(key)?;
    match h.runtime() {
        Runtime::Tmux(t) => {
            // Its time limits (and cost and turns for an agent whose hooks report them).
            let old = t.limits();
            let new = tmux_limits(apply(&old, &req), h.profile.status.hooks())?;
            caller.may_set_limits(d, &h, &old, &new)?;
            d.store
                .set_session_limits(&h.id, &new)
                .map_err(ApiError::internal)?;
            t.set_limits(new);
            t.send(TmuxCmd::LimitsChanged);
        }
        Runtime::Headless(x) => {
            let mut row = x.row();
            let old = row.limits.clone();
            let new = apply(&old, &req);
            validate_limits(&new)?;
            caller.may_set_limits(d, &h, &old, &new)?;
            row.limits = new;
            d.store.save_headless(&row).map_err(ApiError::internal)?;
            x.set_row(|r| *r = row);
            refresh_guard(d, &h)?;
            x.send(HeadlessCmd::LimitsChanged);
        }
    }
    view::one(d, &h.id)
}
