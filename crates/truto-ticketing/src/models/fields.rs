//! The field names of a struct, read from its serde definition: the one list the language
//! bindings' keyword lists and type stubs are checked against.

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// The names `T`'s derived `Deserialize` accepts (after `rename`/`rename_all`), in
/// declaration order: what a binding checks its typed declarations against (a `.d.ts`
/// interface, a `.pyi` signature), read from the one struct that really reads the value.
///
/// ```
/// #[derive(serde::Deserialize)]
/// #[serde(rename_all = "camelCase")]
/// struct CallOptions {
///     max_retries: Option<u32>,
///     timeout_ms: Option<u64>,
/// }
/// assert_eq!(truto_ticketing::struct_fields::<CallOptions>(), ["maxRetries", "timeoutMs"]);
/// ```
pub fn struct_fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    // Deserializing stops at once: this deserializer only records what it is asked for.
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

struct FieldNames<'a>(&'a mut &'static [&'static str]);

#[derive(Debug)]
struct Recorded;

impl std::fmt::Display for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field names recorded")
    }
}

impl std::error::Error for Recorded {}

impl de::Error for Recorded {
    fn custom<T: std::fmt::Display>(_message: T) -> Self {
        Recorded
    }
}

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = Recorded;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Recorded> {
        *self.0 = fields;
        Err(Recorded)
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Recorded> {
        Err(Recorded)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}
