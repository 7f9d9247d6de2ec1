//! Free-form JSON (`remote_data`, `custom_fields`, `remote_query`, unknown user fields,
//! raw answers) as a structured value, never as JSON text.
//!
//! It crosses the FFI as [`JsonValue`], a recursive enum that Swift gets as an `indirect
//! enum` and Kotlin as a sealed class; an object is a list of [`JsonMember`]s, so its keys
//! keep their order (the order a `remote_query` is sent in). [`JsonObject`] and [`JsonAny`]
//! are custom types over it: Kotlin and Java see `Map<String, Any?>` and `Any?` (converted
//! once, in `FfiConversions.kt`), Swift sees `[String: JsonValue]` and `JsonValue` (with
//! literal syntax from `JsonValue+Literals.swift`).

use serde_json::{Map, Number, Value};
use truto_ticketing as sdk;

use crate::error::TrutoError;

/// A JSON value.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool { value: bool },
    /// A number without a fraction or exponent that fits in 64 bits.
    Integer { value: i64 },
    /// Any other number.
    Float { value: f64 },
    /// A string.
    String { value: String },
    /// An array.
    Array { values: Vec<JsonValue> },
    /// An object, its members in order; a repeated key's last value counts.
    Object { members: Vec<JsonMember> },
}

/// One member of a JSON object.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct JsonMember {
    /// The member's name.
    pub key: String,
    /// Its value.
    pub value: JsonValue,
}

/// A JSON object: `Map<String, Any?>` in Kotlin and Java, `[String: JsonValue]` in Swift.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JsonObject(pub Map<String, Value>);

uniffi::custom_type!(JsonObject, Vec<JsonMember>, {
    lower: |object| object_to_ffi(object.0),
    try_lift: |fields| Ok(JsonObject(object_from_ffi(fields).map_err(NotJson::into_error)?)),
});

/// Any JSON value: `Any?` in Kotlin and Java, `JsonValue` in Swift.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonAny(pub Value);

uniffi::custom_type!(JsonAny, JsonValue, {
    lower: |any| JsonValue::from(any.0),
    try_lift: |value| Ok(JsonAny(Value::try_from(value).map_err(NotJson::into_error)?)),
});

impl JsonObject {
    /// The object the core expects.
    pub(crate) fn into_map(self) -> Map<String, Value> {
        self.0
    }
}

impl From<Map<String, Value>> for JsonObject {
    fn from(map: Map<String, Value>) -> JsonObject {
        JsonObject(map)
    }
}

fn object_to_ffi(map: Map<String, Value>) -> Vec<JsonMember> {
    map.into_iter()
        .map(|(key, value)| JsonMember {
            key,
            value: JsonValue::from(value),
        })
        .collect()
}

fn object_from_ffi(members: Vec<JsonMember>) -> Result<Map<String, Value>, NotJson> {
    members
        .into_iter()
        .map(|member| Ok((member.key, Value::try_from(member.value)?)))
        .collect()
}

impl From<Value> for JsonValue {
    fn from(value: Value) -> JsonValue {
        match value {
            Value::Null => JsonValue::Null,
            Value::Bool(value) => JsonValue::Bool { value },
            Value::Number(number) => match number.as_i64() {
                Some(value) => JsonValue::Integer { value },
                // u64 beyond i64 and every fraction: serde_json reads them as f64 anyway.
                None => JsonValue::Float {
                    value: number.as_f64().unwrap_or(f64::NAN),
                },
            },
            Value::String(value) => JsonValue::String { value },
            Value::Array(items) => JsonValue::Array {
                values: items.into_iter().map(JsonValue::from).collect(),
            },
            Value::Object(map) => JsonValue::Object {
                members: object_to_ffi(map),
            },
        }
    }
}

/// A value JSON cannot hold: a NaN or infinite float.
#[derive(Debug)]
pub struct NotJson;

impl std::fmt::Display for NotJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NaN and infinite numbers are not JSON")
    }
}

impl std::error::Error for NotJson {}

impl NotJson {
    /// The error a caller gets: `InvalidInput`, as for any value refused before sending.
    fn into_error(self) -> TrutoError {
        sdk::Error::invalid_input("json", self.to_string()).into()
    }
}

impl TryFrom<JsonValue> for Value {
    type Error = NotJson;

    fn try_from(value: JsonValue) -> Result<Value, NotJson> {
        Ok(match value {
            JsonValue::Null => Value::Null,
            JsonValue::Bool { value } => Value::Bool(value),
            JsonValue::Integer { value } => Value::Number(value.into()),
            JsonValue::Float { value } => Value::Number(Number::from_f64(value).ok_or(NotJson)?),
            JsonValue::String { value } => Value::String(value),
            JsonValue::Array { values } => Value::Array(
                values
                    .into_iter()
                    .map(Value::try_from)
                    .collect::<Result<_, _>>()?,
            ),
            JsonValue::Object { members } => Value::Object(object_from_ffi(members)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_json_value_crosses_and_comes_back_unchanged() {
        let value = serde_json::json!({
            "null": null, "yes": true, "small": -7, "big": 9_007_199_254_740_993_i64,
            "fraction": 1.5, "text": "é", "list": [1, [2, {"deep": "x"}]], "empty": {},
        });
        let crossed = JsonValue::from(value.clone());
        assert_eq!(Value::try_from(crossed).unwrap(), value);
    }

    #[test]
    fn object_members_keep_their_order() {
        let value = serde_json::json!({"zebra": 1, "apple": 2, "mango": 3});
        let JsonValue::Object { members } = JsonValue::from(value) else {
            panic!("not an object");
        };
        let keys: Vec<&str> = members.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["zebra", "apple", "mango"]);
    }

    #[test]
    fn an_integer_beyond_i64_becomes_a_float() {
        let value: Value = serde_json::from_str("18446744073709551615").unwrap();
        assert!(matches!(JsonValue::from(value), JsonValue::Float { .. }));
    }

    #[test]
    fn a_nan_is_refused() {
        assert!(Value::try_from(JsonValue::Float { value: f64::NAN }).is_err());
    }
}
