//! The bearer token for TCP: 32 random bytes in hex, made on first start, stored 0600.

use std::path::Path;

/// Reads the token, making it on first use.
pub fn load_or_create(path: &Path) -> anyhow::Result<String> {
    if let Ok(t) = std::fs::read_to_string(path) {
        let t = t.trim().to_string();
        if t.len() >= 32 {
            return Ok(t);
        }
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for the token: {e}"))?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    warren_helpers::fs::write_private_atomic(path, token.as_bytes())?;
    Ok(token)
}
