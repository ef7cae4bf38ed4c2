//! What every command needs: paths, a client (starting the daemon when none answers), and
//! the one retry rule for `new`, `send` and `kill`. The calls themselves are
//! `warren_client`'s typed methods; a `ClientError` converts into the `ApiError` a command
//! fails with.

use serde::Serialize;
use serde::de::DeserializeOwned;
use warren_client::api::Call;
use warren_client::{Autostart, Client, ClientError};
use warren_daemon::Paths;
use warren_proto::ApiError;

/// Shared by the commands.
pub struct Ctx {
    /// warren's files.
    pub paths: Paths,
}

impl Ctx {
    /// From the environment.
    pub fn new() -> Self {
        Self {
            paths: Paths::from_env(),
        }
    }

    /// How to start a daemon.
    pub fn autostart(&self, args: Vec<String>) -> Autostart {
        Autostart {
            socket: self.paths.socket.clone(),
            lock: self.paths.autostart_lock.clone(),
            exe: std::env::current_exe().unwrap_or_else(|_| "warren".into()),
            log: self.paths.log_file.clone(),
            args,
        }
    }

    /// A client, starting the daemon if none answers.
    pub async fn client(&self) -> Result<Client, ApiError> {
        if let Err(e) = self.paths.create_dirs() {
            return Err(ApiError::new(
                warren_proto::ErrorCode::Unavailable,
                format!("cannot create {}: {e}", self.paths.home.display()),
            ));
        }
        warren_client::ensure_daemon_running(&self.autostart(Vec::new()))
            .await
            .map_err(ClientError::into_api)
    }

    /// A client of a daemon that must already run (never starts one).
    pub fn existing(&self) -> Client {
        Client::new(&self.paths.socket)
    }

    /// A call with an idempotency key. When the connection breaks mid-request, the daemon is
    /// started again and the call retried once with the same key, so the answer is true.
    pub async fn idempotent<A: DeserializeOwned>(&self, call: Call<A>) -> Result<A, ApiError> {
        let call = call.idempotency_key(uuid::Uuid::new_v4().to_string());
        match self.client().await?.answer(&call).await {
            // The daemon died under us: wait for one that answers (a new one if need be).
            Err(ClientError::Broken(_) | ClientError::Unreachable { .. }) => Ok(
                warren_client::ensure_daemon_answering(&self.autostart(Vec::new()))
                    .await?
                    .answer(&call)
                    .await?,
            ),
            other => Ok(other?),
        }
    }
}

/// Prints JSON on one line.
pub fn print_json<T: Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}
