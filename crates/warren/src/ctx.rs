//! What every command needs: paths, a client (starting the daemon when none answers), and
//! the one retry rule for `new`, `send` and `kill`.

use hyper::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
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
    pub async fn call_idempotent<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let key = uuid::Uuid::new_v4().to_string();
        let first = self
            .client()
            .await?
            .call(method.clone(), path, body, Some(&key))
            .await;
        match first {
            // The daemon died under us: wait for one that answers (a new one if need be).
            Err(ClientError::Broken(_) | ClientError::Unreachable { .. }) => {
                warren_client::ensure_daemon_answering(&self.autostart(Vec::new()))
                    .await
                    .map_err(ClientError::into_api)?
                    .call(method, path, body, Some(&key))
                    .await
                    .map_err(ClientError::into_api)
            }
            other => other.map_err(ClientError::into_api),
        }
    }

    /// GET JSON from a (started if needed) daemon.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.client()
            .await?
            .get(path)
            .await
            .map_err(ClientError::into_api)
    }

    /// POST JSON to a (started if needed) daemon.
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.client()
            .await?
            .call(Method::POST, path, body, None)
            .await
            .map_err(ClientError::into_api)
    }
}

/// Prints JSON on one line.
pub fn print_json<T: Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

/// A path segment for a session name or id.
pub fn seg(name: &str) -> String {
    warren_client::encode(name)
}
