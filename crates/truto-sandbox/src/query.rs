//! Truto's bracket encoding of query parameters, read back into a tree.
//!
//! Clients disagree on how to spell arrays of objects (`qs` indexes them,
//! `collections[0][id]=1`; Truto's Python SDK leaves the brackets empty,
//! `collections[][id]=1`) and on whether to percent-encode the brackets, so
//! every spelling is accepted and they all read back the same.

use serde_json::{Map, Value};

/// The decoded `(key, value)` pairs in the order they were sent.
pub(crate) fn pairs(raw: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect()
}

/// Reads a raw query string into nested objects and arrays.
///
/// `a=1` is a string; `a=1&a=2`, `a[]=1`, `a[0]=1` are arrays;
/// `a[b][c]=1` nests objects; `a[0][id]=1` and `a[][id]=1` are arrays of
/// objects. When two spellings disagree about a shape, the first one wins.
pub(crate) fn parse(raw: &str) -> Map<String, Value> {
    let mut root = Value::Object(Map::new());
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        match split_key(&key) {
            Some((name, segments)) => {
                let mut path = Vec::with_capacity(segments.len() + 1);
                path.push(name);
                path.extend(segments);
                insert(&mut root, &path, value.into_owned());
            }
            None => insert(&mut root, &[&key], value.into_owned()),
        }
    }
    indexed_objects_to_arrays(&mut root);
    match root {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The first string under `name`, whether it was sent once or repeated.
pub(crate) fn first_str<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    match params.get(name)? {
        Value::String(value) => Some(value),
        Value::Array(values) => values.first().and_then(Value::as_str),
        _ => None,
    }
}

/// Every string under `name`: one value, a repeated one, or an array.
pub(crate) fn strings<'a>(params: &'a Map<String, Value>, name: &str) -> Vec<&'a str> {
    match params.get(name) {
        Some(Value::String(value)) => vec![value],
        Some(Value::Array(values)) => values.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// `name[a][b]` → `("name", ["a", "b"])`; `None` when the key has no
/// well-formed brackets (and so is a plain name).
fn split_key(key: &str) -> Option<(&str, Vec<&str>)> {
    let open = key.find('[')?;
    if open == 0 {
        return None;
    }
    let (name, mut rest) = key.split_at(open);
    let mut segments = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        segments.push(&inner[..close]);
        rest = &inner[close + 1..];
    }
    Some((name, segments))
}

fn insert(slot: &mut Value, path: &[&str], value: String) {
    let Some((segment, rest)) = path.split_first() else {
        push_leaf(slot, value);
        return;
    };
    if segment.is_empty() {
        append(slot, rest, value);
        return;
    }
    if slot.is_null() {
        *slot = Value::Object(Map::new());
    }
    match slot {
        Value::Object(map) => {
            let child = map.entry(*segment).or_insert(Value::Null);
            insert(child, rest, value);
        }
        // `a[]=x&a[0][k]=y`: mixing spellings; address the array by position.
        Value::Array(items) => {
            if let Some(index) = as_index(segment) {
                if index >= items.len() {
                    items.push(Value::Null);
                }
                let at = index.min(items.len() - 1);
                insert(&mut items[at], rest, value);
            }
        }
        _ => {}
    }
}

/// `[]`: a new element, except that `a[][id]=1&a[][name]=x` fills in one
/// object until a key repeats, which is how `collections[][id]` lists read.
fn append(slot: &mut Value, rest: &[&str], value: String) {
    match slot {
        Value::Null => *slot = Value::Array(Vec::new()),
        Value::String(_) => {
            let previous = slot.take();
            *slot = Value::Array(vec![previous]);
        }
        _ => {}
    }
    let Value::Array(items) = slot else {
        return;
    };
    if rest.is_empty() {
        items.push(Value::String(value));
        return;
    }
    let extend_last = match (items.last(), rest.first()) {
        (Some(Value::Object(last)), Some(key)) => match last.get(*key) {
            None => true,
            Some(child) => rest.len() > 1 && (child.is_object() || child.is_array()),
        },
        _ => false,
    };
    if !extend_last {
        items.push(Value::Object(Map::new()));
    }
    if let Some(last) = items.last_mut() {
        insert(last, rest, value);
    }
}

fn push_leaf(slot: &mut Value, value: String) {
    match slot {
        Value::Null => *slot = Value::String(value),
        Value::String(_) => {
            let previous = slot.take();
            *slot = Value::Array(vec![previous, Value::String(value)]);
        }
        Value::Array(items) => items.push(Value::String(value)),
        Value::Object(_) | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Objects keyed only by indices (`a[0]`, `a[1]`) become arrays in index order.
fn indexed_objects_to_arrays(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(indexed_objects_to_arrays);
            if !map.is_empty() && map.keys().all(|key| as_index(key).is_some()) {
                let mut items: Vec<(usize, Value)> = std::mem::take(map)
                    .into_iter()
                    .filter_map(|(key, item)| Some((as_index(&key)?, item)))
                    .collect();
                items.sort_by_key(|(index, _)| *index);
                *value = Value::Array(items.into_iter().map(|(_, item)| item).collect());
            }
        }
        Value::Array(items) => items.iter_mut().for_each(indexed_objects_to_arrays),
        _ => {}
    }
}

/// Small decimal indices only: `a[007]` or `a[99999999]` stay object keys.
fn as_index(segment: &str) -> Option<usize> {
    let well_formed = !segment.is_empty()
        && segment.len() <= 4
        && segment.bytes().all(|byte| byte.is_ascii_digit())
        && (segment == "0" || !segment.starts_with('0'));
    if well_formed {
        segment.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(raw: &str) -> Value {
        Value::Object(parse(raw))
    }

    #[test]
    fn plain_and_repeated_scalars() {
        assert_eq!(
            parsed("integrated_account_id=sandbox-dixa&a=1&a=2"),
            json!({"integrated_account_id": "sandbox-dixa", "a": ["1", "2"]})
        );
    }

    #[test]
    fn scalar_arrays_in_every_spelling() {
        let expected = json!({"truto_exclude_fields": ["id", "name"]});
        for raw in [
            "truto_exclude_fields[]=id&truto_exclude_fields[]=name",
            "truto_exclude_fields%5B%5D=id&truto_exclude_fields%5B%5D=name",
            "truto_exclude_fields[0]=id&truto_exclude_fields[1]=name",
            "truto_exclude_fields[1]=name&truto_exclude_fields[0]=id",
            "truto_exclude_fields=id&truto_exclude_fields=name",
        ] {
            assert_eq!(parsed(raw), expected, "{raw}");
        }
    }

    #[test]
    fn arrays_of_objects_indexed_or_empty_brackets() {
        let expected = json!({"collections": [{"id": "1", "name": "a"}, {"id": "2"}]});
        for raw in [
            "collections[0][id]=1&collections[0][name]=a&collections[1][id]=2",
            "collections%5B0%5D%5Bid%5D=1&collections%5B0%5D%5Bname%5D=a&collections%5B1%5D%5Bid%5D=2",
            "collections[][id]=1&collections[][name]=a&collections[][id]=2",
            "collections%5B%5D%5Bid%5D=1&collections%5B%5D%5Bname%5D=a&collections%5B%5D%5Bid%5D=2",
        ] {
            assert_eq!(parsed(raw), expected, "{raw}");
        }
    }

    #[test]
    fn nested_objects_and_decoding() {
        assert_eq!(
            parsed("remote_query[a][b]=c%20d&remote_query[e]=x+y&k=%26%3D"),
            json!({"remote_query": {"a": {"b": "c d"}, "e": "x y"}, "k": "&="})
        );
    }

    #[test]
    fn malformed_brackets_are_plain_names() {
        assert_eq!(
            parsed("a[b=1&[c]=2&d]=3&e[f]g=4"),
            json!({"a[b": "1", "[c]": "2", "d]": "3", "e[f]g": "4"})
        );
    }

    #[test]
    fn pairs_keep_order_and_decode() {
        assert_eq!(
            pairs("b=2&a%5B%5D=1&a[]=x+y"),
            vec![
                ("b".to_owned(), "2".to_owned()),
                ("a[]".to_owned(), "1".to_owned()),
                ("a[]".to_owned(), "x y".to_owned()),
            ]
        );
        assert!(pairs("").is_empty());
    }
}
