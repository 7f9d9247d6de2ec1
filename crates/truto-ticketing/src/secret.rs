//! A string that never shows itself in Debug output, logs or error messages.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret such as the API token or a user's password.
///
/// `Debug` prints `[redacted]`; the value is reachable only through
/// [`SecretString::expose_secret`], so every place that reads it is easy to find.
/// It serializes as the plain string, because the API needs the value itself.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> SecretString {
        SecretString(value.into())
    }

    /// The secret itself. Never log or format the result.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Replaces every occurrence of this secret in `text` by `[redacted]`.
    pub(crate) fn scrub(&self, text: &mut String) {
        // Very short secrets would scrub ordinary words; they are not worth hiding that way.
        if self.0.len() >= 4 && text.contains(self.0.as_str()) {
            *text = text.replace(self.0.as_str(), "[redacted]");
        }
    }
}

impl SecretString {
    /// Scrubs this secret from every string in a JSON value, keys included.
    pub(crate) fn scrub_json(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::String(text) => self.scrub(text),
            Value::Array(items) => items.iter_mut().for_each(|item| self.scrub_json(item)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (mut key, mut item) in entries {
                    self.scrub(&mut key);
                    self.scrub_json(&mut item);
                    map.insert(key, item);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> SecretString {
        SecretString(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> SecretString {
        SecretString(value.to_owned())
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SecretString, D::Error> {
        String::deserialize(deserializer).map(SecretString)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = SecretString::new("hunter2-very-secret");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&secret)), "Some([redacted])");
    }

    #[test]
    fn scrub_json_reaches_nested_strings_and_keys() {
        let secret = SecretString::new("tok_123456");
        let mut value =
            serde_json::json!({"a": ["x tok_123456"], "tok_123456": {"b": "tok_123456"}});
        secret.scrub_json(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"a": ["x [redacted]"], "[redacted]": {"b": "[redacted]"}})
        );
    }

    #[test]
    fn scrub_replaces_every_occurrence() {
        let secret = SecretString::new("tok_123456");
        let mut text = String::from("bad token tok_123456, again tok_123456");
        secret.scrub(&mut text);
        assert_eq!(text, "bad token [redacted], again [redacted]");
    }
}
