//! `[attention]`: what the daemon does when a session needs a person (the attention
//! component acts on it), checked when the config is loaded.

use serde::{Deserialize, Serialize};

/// `[attention]` in the config file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttentionConfig {
    /// A command to run (argv, never a shell string) with `WARREN_SESSION`,
    /// `WARREN_SESSION_ID`, `WARREN_REASON` and `WARREN_STATE` in its environment.
    pub command: Vec<String>,
    /// Also show a desktop notification with `notify-send`.
    pub notify_send: bool,
    /// POST a JSON notice to this `http://` URL.
    pub webhook: Option<String>,
    /// Each action is ended (the command killed, the request dropped) after this long.
    pub timeout_ms: u64,
    /// An episode stays open this long after the session left the states that need a person.
    pub rearm_secs: u64,
}

impl Default for AttentionConfig {
    fn default() -> Self {
        Self {
            command: Vec::new(),
            notify_send: false,
            webhook: None,
            timeout_ms: 5_000,
            rearm_secs: 10,
        }
    }
}

impl AttentionConfig {
    /// Refuses what cannot work, at config load rather than at the first episode.
    pub fn check(&self) -> Result<(), String> {
        if let Some(url) = &self.webhook {
            WebhookTarget::parse(url)?;
        }
        if self.command.first().is_some_and(String::is_empty) {
            return Err("attention.command: the program (first element) is empty".into());
        }
        Ok(())
    }

    /// Whether any action is configured.
    pub fn has_actions(&self) -> bool {
        !self.command.is_empty() || self.notify_send || self.webhook.is_some()
    }
}

/// Where a webhook goes: `http://host[:port]/path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebhookTarget {
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// Port (80 when the URL names none).
    pub port: u16,
    /// What the `Host` header says.
    pub authority: String,
    /// Path and query.
    pub path: String,
}

impl WebhookTarget {
    /// Parses an `http://` URL; an error says what is wrong with it.
    pub(crate) fn parse(url: &str) -> Result<Self, String> {
        let uri: hyper::Uri = url
            .parse()
            .map_err(|e| format!("attention.webhook {url:?}: not a URL ({e})"))?;
        match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("http") => {}
            Some(s) if s.eq_ignore_ascii_case("https") => {
                return Err(format!(
                    "attention.webhook {url:?}: only http:// URLs are supported, not https (send it to a local relay that forwards over TLS)"
                ));
            }
            _ => {
                return Err(format!(
                    "attention.webhook {url:?}: only http:// URLs are supported"
                ));
            }
        }
        let Some(auth) = uri.authority() else {
            return Err(format!("attention.webhook {url:?}: no host"));
        };
        if auth.as_str().contains('@') {
            return Err(format!(
                "attention.webhook {url:?}: credentials in the URL are not supported"
            ));
        }
        let host = auth.host().trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("attention.webhook {url:?}: no host"));
        }
        Ok(Self {
            host: host.to_string(),
            port: auth.port_u16().unwrap_or(80),
            authority: auth.as_str().to_string(),
            path: uri.path_and_query().map_or("/", |p| p.as_str()).to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_http_only() {
        let t = WebhookTarget::parse("http://127.0.0.1:8080/hook?x=1").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 8080, "/hook?x=1")
        );
        let t = WebhookTarget::parse("http://[::1]/").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 80));
        assert_eq!(
            WebhookTarget::parse("http://example.com").unwrap().path,
            "/"
        );
        let err = WebhookTarget::parse("https://example.com/hook").unwrap_err();
        assert!(err.contains("only http://"), "{err}");
        assert!(WebhookTarget::parse("ftp://example.com").is_err());
        assert!(WebhookTarget::parse("http://u:p@example.com/").is_err());
    }

    #[test]
    #[allow(
        clippy::result_large_err,
        reason = "figment's Jail API fixes the closure's error type"
    )]
    fn config_section_defaults_unknown_fields_and_https() {
        use crate::{config::Config, paths::Paths};
        figment::Jail::expect_with(|jail| {
            let paths = Paths::for_home(jail.directory());
            let cfg = Config::load(&paths).map_err(|e| e.to_string())?;
            assert_eq!(cfg.attention, AttentionConfig::default());
            assert_eq!(
                (cfg.attention.timeout_ms, cfg.attention.rearm_secs),
                (5000, 10)
            );

            jail.create_file(
                &paths.config_file,
                "[attention]\ncommand = [\"true\"]\nnotify_send = true\nwebhook = \"http://127.0.0.1:9/x\"\nrearm_secs = 3\n",
            )?;
            let cfg = Config::load(&paths).map_err(|e| e.to_string())?;
            assert_eq!(cfg.attention.command, vec!["true".to_string()]);
            assert_eq!(cfg.attention.rearm_secs, 3);

            jail.create_file(&paths.config_file, "[attention]\nwebhok = \"x\"\n")?;
            let err = Config::load(&paths).expect_err("typo must fail");
            assert!(err.to_string().contains("webhok"), "{err}");

            jail.create_file(
                &paths.config_file,
                "[attention]\nwebhook = \"https://example.com/hook\"\n",
            )?;
            let err = Config::load(&paths).expect_err("https is refused");
            assert!(err.to_string().contains("only http://"), "{err}");
            Ok(())
        });
    }
}
