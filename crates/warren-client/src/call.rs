//! A request of the API as a value: its method, path, JSON body and idempotency key, typed by
//! what its answer decodes to; and making one. `api` builds one per route.

use crate::{Client, ClientError, Response};
use hyper::Method;
use hyper::body::Incoming;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use warren_proto::ApiError;

/// One request of the API, typed by what its answer decodes to (`A`); [`Raw`] for the routes
/// whose answer is not JSON.
pub struct Call<A> {
    method: Method,
    path: String,
    body: Result<Option<Vec<u8>>, String>,
    idem: Option<String>,
    answer: PhantomData<fn() -> A>,
}

/// The answer of a route that is not JSON: bytes with headers (output), or a stream (events).
pub enum Raw {}

impl<A> Clone for Call<A> {
    fn clone(&self) -> Self {
        Self {
            method: self.method.clone(),
            path: self.path.clone(),
            body: self.body.clone(),
            idem: self.idem.clone(),
            answer: PhantomData,
        }
    }
}

impl<A> std::fmt::Debug for Call<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

impl<A> Call<A> {
    pub(crate) fn new(method: Method, path: String) -> Self {
        Self {
            method,
            path,
            body: Ok(None),
            idem: None,
            answer: PhantomData,
        }
    }

    pub(crate) fn get(path: String) -> Self {
        Self::new(Method::GET, path)
    }

    pub(crate) fn with<B: Serialize + ?Sized>(method: Method, path: String, body: &B) -> Self {
        Self {
            body: serde_json::to_vec(body)
                .map(Some)
                .map_err(|e| e.to_string()),
            ..Self::new(method, path)
        }
    }

    pub(crate) fn post<B: Serialize + ?Sized>(path: String, body: &B) -> Self {
        Self::with(Method::POST, path, body)
    }

    /// Sends this idempotency key with it (`new`, `send` and `kill` honour it): the same call
    /// made again with the same key gets the first answer instead of acting twice.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idem = Some(key.into());
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path, query included.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// Making calls.
impl Client {
    /// Makes a call and decodes its JSON answer.
    pub async fn answer<A: DeserializeOwned>(&self, call: &Call<A>) -> Result<A, ClientError> {
        let r = self.response(call).await?;
        crate::http::decode(&r.body)
    }

    /// Makes a call and answers its JSON as the daemon sent it (fields this build does not
    /// know included), for a relay such as the MCP tools.
    pub async fn json<A>(&self, call: &Call<A>) -> Result<serde_json::Value, ClientError> {
        let r = self.response(call).await?;
        crate::http::decode(&r.body)
    }

    /// Makes a call and answers the whole answer: status, headers and body.
    pub async fn response<A>(&self, call: &Call<A>) -> Result<Response, ClientError> {
        let body = call
            .body
            .clone()
            .map_err(|e| ClientError::Api(ApiError::internal(e)))?;
        self.request(call.method.clone(), &call.path, body, call.idem.as_deref())
            .await
    }

    /// Makes a call and hands back its streaming body (events).
    pub async fn open(&self, call: &Call<Raw>) -> Result<Incoming, ClientError> {
        self.stream(&call.path).await
    }
}
