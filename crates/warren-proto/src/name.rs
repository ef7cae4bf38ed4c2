//! Session names, validated once at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The naming rule, stated in every refusal.
pub const NAME_RULE: &str =
    "a name is 1-64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit";

/// A valid session name: 1-64 characters of `a-z 0-9 - _`, starting with a letter or digit.
///
/// Nothing inward of the API takes a bare string name; tmux target syntax (`a:b`, `a.b`),
/// leading dashes, `..`, upper case and shell characters can never get this far.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, pattern = "^[a-z0-9][a-z0-9_-]{0,63}$")]
pub struct SessionName(String);

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid session name {shown:?}: {rule}", rule = NAME_RULE)]
pub struct NameError {
    /// The refused name, cut to a readable length.
    pub shown: String,
}

impl SessionName {
    /// Validates `raw` against [`NAME_RULE`].
    pub fn new(raw: &str) -> Result<Self, NameError> {
        let ok = (1..=64).contains(&raw.len())
            && raw
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(NameError {
                shown: raw.chars().take(80).collect(),
            })
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SessionName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        SessionName::new(&raw).map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for SessionName {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_rule() {
        for ok in ["a", "0", "quick-calc", "a_b-c9", &"x".repeat(64)] {
            assert!(SessionName::new(ok).is_ok(), "{ok} should be valid");
        }
    }

    #[test]
    fn refuses_everything_else_with_the_rule() {
        for bad in [
            "",
            "-a",
            "_a",
            "A",
            "a:b",
            "a.b",
            "..",
            "a/b",
            "a b",
            "a;b",
            "$x",
            "a'b",
            "é",
            &"x".repeat(65),
            "=a",
            "%1",
            "a\n",
        ] {
            let err = SessionName::new(bad).expect_err(bad);
            assert!(
                err.to_string().contains("starting with a letter or digit"),
                "{err}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn valid_names_never_contain_tmux_syntax(s in "\\PC{0,70}") {
            if let Ok(n) = SessionName::new(&s) {
                proptest::prop_assert!(!n.as_str().contains([':', '.', '$', '%', '=', ' ', '#', '~', '\'']));
            }
        }
    }
}
