//! The signal that caused a state transition, with its published names.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a session changed state. Published names (stable, documented):
/// `process:exit`, `hook:<Event>`, `stream:result`, `screen:<pattern>`, `quiescence`,
/// `warren:<action>`, `reconcile`, `output`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Signal {
    /// The process exited (tmux `pane-died`, child exit).
    ProcessExit,
    /// An agent hook such as `hook:Stop`.
    Hook(String),
    /// A stream-json `result` line.
    StreamResult,
    /// A screen pattern of the profile matched, e.g. `screen:ready`.
    Screen(String),
    /// No output for the profile's quiescence interval.
    Quiescence,
    /// Output arrived (the session is doing something).
    Output,
    /// warren itself acted: `warren:kill`, `warren:create`, `warren:input`…
    Warren(String),
    /// Found on daemon start by comparing the store with what really runs.
    Reconcile,
}

impl Signal {
    /// The published name.
    pub fn name(&self) -> String {
        match self {
            Self::ProcessExit => "process:exit".into(),
            Self::Hook(e) => format!("hook:{e}"),
            Self::StreamResult => "stream:result".into(),
            Self::Screen(p) => format!("screen:{p}"),
            Self::Quiescence => "quiescence".into(),
            Self::Output => "output".into(),
            Self::Warren(a) => format!("warren:{a}"),
            Self::Reconcile => "reconcile".into(),
        }
    }

    /// Parses a published name back.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.split_once(':') {
            None => match s {
                "quiescence" => Self::Quiescence,
                "reconcile" => Self::Reconcile,
                "output" => Self::Output,
                _ => return None,
            },
            Some(("process", "exit")) => Self::ProcessExit,
            Some(("stream", "result")) => Self::StreamResult,
            Some(("hook", e)) => Self::Hook(e.into()),
            Some(("screen", p)) => Self::Screen(p.into()),
            Some(("warren", a)) => Self::Warren(a.into()),
            _ => return None,
        })
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl Serialize for Signal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Signal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Signal::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown signal {s:?}")))
    }
}

impl utoipa::PartialSchema for Signal {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("process:exit, hook:<Event>, stream:result, screen:<pattern>, quiescence, output, warren:<action>, reconcile"))
            .into()
    }
}

impl utoipa::ToSchema for Signal {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in [
            Signal::ProcessExit,
            Signal::Hook("Stop".into()),
            Signal::StreamResult,
            Signal::Screen("ready".into()),
            Signal::Quiescence,
            Signal::Output,
            Signal::Warren("kill".into()),
            Signal::Reconcile,
        ] {
            assert_eq!(Signal::parse(&s.name()), Some(s.clone()), "{s}");
        }
    }
}
