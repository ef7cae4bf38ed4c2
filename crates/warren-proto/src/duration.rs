//! Durations as the CLI takes them: a bare number is seconds; units `ms s m h d` may be
//! combined (`1h30m`), and numbers may have a fraction (`1.5`, `0.5s`).

use std::time::Duration;

/// A duration that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid duration {0:?}: use a number of seconds or units ms, s, m, h, d (e.g. 10, 1.5, 90s, 1h30m, 2d)"
)]
pub struct DurationError(pub String);

/// Parses `10`, `1.5`, `250ms`, `90s`, `1h30m`, `2d`.
pub fn parse_duration(raw: &str) -> Result<Duration, DurationError> {
    let err = || DurationError(raw.to_owned());
    let s = raw.trim();
    if s.is_empty() {
        return Err(err());
    }
    if let Ok(secs) = s.parse::<f64>() {
        return secs_to_duration(secs).ok_or_else(err);
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(err());
        }
        let value: f64 = rest[..num_len].parse().map_err(|_| err())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86400.0,
            _ => return Err(err()),
        };
        rest = &rest[unit_len..];
        total += value * factor;
    }
    secs_to_duration(total).ok_or_else(err)
}

fn secs_to_duration(secs: f64) -> Option<Duration> {
    (secs.is_finite() && (0.0..1e12).contains(&secs)).then(|| Duration::from_secs_f64(secs))
}

/// Formats a duration the way people read ages: `45s`, `3m12s`, `2h5m`, `3d4h`.
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{}h", s / 86400, (s % 86400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_documented_form() {
        let cases = [
            ("10", 10_000),
            ("1.5", 1_500),
            ("90s", 90_000),
            ("250ms", 250),
            ("1h30m", 5_400_000),
            ("2d", 172_800_000),
            ("0.5m", 30_000),
        ];
        for (raw, ms) in cases {
            assert_eq!(parse_duration(raw).unwrap().as_millis(), ms, "{raw}");
        }
    }

    #[test]
    fn refuses_nonsense() {
        for raw in ["", "x", "10y", "-1", "1h-", "h", "1..2s", "nan"] {
            assert!(parse_duration(raw).is_err(), "{raw}");
        }
    }
}
