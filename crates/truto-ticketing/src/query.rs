//! Truto's bracket encoding of query parameters.
//!
//! Nested objects use named brackets (`remote_query[foo]=bar`), arrays of scalars empty
//! brackets (`truto_exclude_fields[]=id`), arrays of objects indices
//! (`collections[0][id]=123`, the `qs` convention Truto's TypeScript SDK uses).
//! Brackets are sent as they are; names and values are percent-encoded.

use std::fmt::Write;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

/// Everything but RFC 3986's unreserved characters is escaped.
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A query string under construction, in Truto's encoding.
#[derive(Debug, Default, Clone)]
pub struct QueryString {
    encoded: String,
}

impl QueryString {
    /// An empty query string.
    pub fn new() -> QueryString {
        QueryString::default()
    }

    /// Appends `name=value`.
    pub fn push(&mut self, name: &str, value: &str) {
        self.push_path(name, &[], value);
    }

    /// Appends any JSON value under `name`: objects as `name[key]`, arrays of scalars as
    /// `name[]`, other arrays indexed `name[0]`, `null` as an empty value. Empty objects
    /// and arrays send nothing, as `qs` does.
    pub fn push_json(&mut self, name: &str, value: &Value) {
        self.push_json_at(name, &mut Vec::new(), value);
    }

    /// The encoded query, without a leading `?`.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }

    /// True when nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.encoded.is_empty()
    }

    fn push_json_at(&mut self, name: &str, path: &mut Vec<String>, value: &Value) {
        match value {
            Value::Null => self.push_path(name, path, ""),
            Value::Bool(flag) => self.push_path(name, path, if *flag { "true" } else { "false" }),
            Value::Number(number) => self.push_path(name, path, &number.to_string()),
            Value::String(text) => self.push_path(name, path, text),
            Value::Object(map) => {
                for (key, item) in map {
                    path.push(key.clone());
                    self.push_json_at(name, path, item);
                    path.pop();
                }
            }
            Value::Array(items) => {
                let all_scalars = items
                    .iter()
                    .all(|item| !matches!(item, Value::Object(_) | Value::Array(_)));
                for (index, item) in items.iter().enumerate() {
                    path.push(if all_scalars {
                        String::new()
                    } else {
                        index.to_string()
                    });
                    self.push_json_at(name, path, item);
                    path.pop();
                }
            }
        }
    }

    /// Writes `name[seg][seg]=value`; an empty segment is written `[]`. Brackets inside
    /// a name or segment are escaped, so a key cannot forge nesting.
    fn push_path(&mut self, name: &str, path: &[String], value: &str) {
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        let _ = write!(self.encoded, "{}", utf8_percent_encode(name, COMPONENT));
        for segment in path {
            let _ = write!(
                self.encoded,
                "[{}]",
                utf8_percent_encode(segment, COMPONENT)
            );
        }
        let _ = write!(self.encoded, "={}", utf8_percent_encode(value, COMPONENT));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn encode(name: &str, value: Value) -> String {
        let mut query = QueryString::new();
        query.push_json(name, &value);
        query.as_str().to_owned()
    }

    #[test]
    fn scalars_and_escaping() {
        let mut query = QueryString::new();
        query.push("integrated_account_id", "a b&c=d/é");
        assert_eq!(
            query.as_str(),
            "integrated_account_id=a%20b%26c%3Dd%2F%C3%A9"
        );
    }

    #[test]
    fn scalar_arrays_use_empty_brackets() {
        assert_eq!(
            encode("truto_exclude_fields", json!(["id", "name"])),
            "truto_exclude_fields[]=id&truto_exclude_fields[]=name"
        );
    }

    #[test]
    fn arrays_of_objects_are_indexed() {
        assert_eq!(
            encode("collections", json!([{"id": "123"}, {"id": "456"}])),
            "collections[0][id]=123&collections[1][id]=456"
        );
    }

    #[test]
    fn nested_objects_booleans_nulls_and_numbers() {
        assert_eq!(
            encode(
                "remote_query",
                json!({"a": {"b": true, "c": null}, "n": 1.5, "tags": ["x", 2], "empty": {}})
            ),
            "remote_query[a][b]=true&remote_query[a][c]=&remote_query[n]=1.5\
             &remote_query[tags][]=x&remote_query[tags][]=2"
        );
    }

    #[test]
    fn keys_are_encoded_and_cannot_forge_nesting() {
        assert_eq!(
            encode("remote_query", json!({"a b": "1", "x[y]": "2", "k&v": "3"})),
            "remote_query[a%20b]=1&remote_query[x%5By%5D]=2&remote_query[k%26v]=3"
        );
    }
}
