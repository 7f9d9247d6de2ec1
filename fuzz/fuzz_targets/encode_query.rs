//! Any JSON `remote_query` encodes into a query string that cannot escape its
//! parameter: every pair decodes back under `remote_query`, one pair per scalar leaf,
//! and nothing but unreserved characters, escapes and the bracket syntax is sent raw.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use truto_ticketing::query::QueryString;

fn leaves(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.values().map(leaves).sum(),
        Value::Array(items) => items.iter().map(leaves).sum(),
        _ => 1,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let mut query = QueryString::new();
    query.push_json("remote_query", &value);
    let encoded = query.as_str();
    assert!(
        encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%[]=&".contains(&b)),
        "raw character in {encoded}"
    );
    let pairs: Vec<(String, String)> = form_urlencoded::parse(encoded.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(pairs.len(), leaves(&value), "{encoded}");
    for (key, _) in &pairs {
        assert!(key.starts_with("remote_query"), "{key} escaped its parameter");
    }
});
