//! The headless verbs that only act on a session and answer it: pause, stop, finish, abort,
//! interrupt, handback (each is its `warren_client::api` route); and how a session is shown.

use super::args::NameOnly;
use crate::ctx::{Ctx, print_json};
use warren_client::api::Call;
use warren_proto::{ApiError, SessionInfo, exit};

/// Prints a session on one line (or as JSON).
pub fn show(s: &SessionInfo, json: bool) -> i32 {
    if json {
        print_json(s);
    } else {
        println!("{} {} ({}: {})", s.name, s.state, s.signal, s.detail);
    }
    exit::OK
}

/// A verb that answers the session, shown: `route` is its call in `warren_client::api`
/// (`api::pause`, `api::stop`…).
pub async fn act(
    ctx: &Ctx,
    route: fn(&str) -> Call<SessionInfo>,
    a: NameOnly,
) -> Result<i32, ApiError> {
    let s = ctx.client().await?.answer(&route(&a.named.get()?)).await?;
    Ok(show(&s, a.json))
}
