//! The only module that touches `serde_yaml` (deprecated upstream): swapping in
//! a maintained fork means changing this file alone.
//!
//! Everything here returns positions relative to the text handed in; callers add
//! the offset of that text in its file (front matter, list items).

use serde::de::DeserializeOwned;

/// A YAML error with a 1-based position inside the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
}

fn convert(err: serde_yaml::Error) -> YamlError {
    let (line, column) = err
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((0, 0));
    let mut message = err.to_string();
    // serde_yaml appends " at line L column C"; we print positions ourselves.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    YamlError {
        message,
        line,
        column,
    }
}

/// Deserializes one YAML document into `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(convert)
}

/// Checks syntax and returns the length of the top-level sequence, if the
/// document is one (`None` for a mapping or scalar).
pub fn sequence_len(text: &str) -> Result<Option<usize>, YamlError> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(convert)?;
    Ok(match value {
        serde_yaml::Value::Sequence(s) => Some(s.len()),
        serde_yaml::Value::Null => Some(0),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        id: String,
    }

    #[test]
    fn reports_unknown_field_with_position() {
        let e = from_str::<T>("id: a\nidd: b\n").unwrap_err();
        assert!(
            e.message.starts_with("unknown field `idd`"),
            "{}",
            e.message
        );
        assert_eq!(e.line, 2);
    }

    #[test]
    fn reports_syntax_error_position() {
        let e = sequence_len("- a: [\n").unwrap_err();
        assert!(e.line >= 1);
    }
}
