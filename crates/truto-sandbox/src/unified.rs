//! The user fields a body may carry (their types, which are required), the
//! unified user made from them or changed by them, and how it is answered in
//! each `truto_response_format`.

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::accounts::Integration;
use crate::ids;
use crate::providers::{self, Facts};
use crate::query;
use crate::timestamp::Timestamp;

const STRING_FIELDS: [&str; 8] = [
    "name",
    "avatar",
    "first_name",
    "last_name",
    "nick_name",
    "password",
    "user_type",
    "username",
];

/// Every field of a unified user, in the order it is answered.
const UNIFIED_FIELDS: [&str; 13] = [
    "id",
    "name",
    "first_name",
    "last_name",
    "username",
    "emails",
    "is_active",
    "team_ids",
    "avatar",
    "roles",
    "created_at",
    "updated_at",
    "etag",
];

/// What a create or update body may carry; anything else is ignored.
const BODY_FIELDS: [&str; 15] = [
    "name",
    "avatar",
    "emails",
    "first_name",
    "last_name",
    "languages",
    "nick_name",
    "password",
    "remote_data",
    "roles",
    "status",
    "team_ids",
    "user_type",
    "username",
    "custom_fields",
];

pub(crate) fn is_body_field(field: &str) -> bool {
    BODY_FIELDS.contains(&field)
}

/// A create or update body's fields, or the message of a 400.
pub(crate) fn parse_fields(body: &[u8]) -> Result<Map<String, Value>, String> {
    let fields = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => fields,
        Ok(_) => return Err("The request body must be a JSON object".to_owned()),
        Err(error) => return Err(format!("The request body is not valid JSON: {error}")),
    };
    let errors = type_errors(&fields);
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(format!("Invalid request body: {}", errors.join("; ")))
    }
}

/// Known fields whose JSON type is wrong, each with what was expected.
/// `null` is never wrong here: it counts as a missing value instead.
pub(crate) fn type_errors(body: &Map<String, Value>) -> Vec<String> {
    let mut errors = Vec::new();
    for (field, value) in body {
        if value.is_null() {
            continue;
        }
        let expected = if STRING_FIELDS.contains(&field.as_str()) {
            (!value.is_string()).then_some("a string")
        } else {
            match field.as_str() {
                "emails" => (!is_array_of(value, is_email))
                    .then_some("an array of {\"email\": string, \"type\": string} objects"),
                "languages" | "team_ids" => {
                    (!is_array_of(value, Value::is_string)).then_some("an array of strings")
                }
                "remote_data" | "custom_fields" => (!value.is_object()).then_some("an object"),
                "roles" => (!(value.is_string() || is_array_of(value, is_role)))
                    .then_some("a role name or an array of {\"id\", \"name\"} objects"),
                "status" => (!matches!(value.as_str(), Some("active" | "inactive")))
                    .then_some("\"active\" or \"inactive\""),
                _ => None,
            }
        };
        if let Some(expected) = expected {
            errors.push(format!("{field} must be {expected}"));
        }
    }
    errors
}

fn is_array_of(value: &Value, check: impl Fn(&Value) -> bool) -> bool {
    value
        .as_array()
        .is_some_and(|items| items.iter().all(check))
}

fn is_email(value: &Value) -> bool {
    let Some(email) = value.as_object() else {
        return false;
    };
    // Any string is a type: unknown ones are kept, never refused.
    email.get("email").is_some_and(Value::is_string)
        && email
            .get("type")
            .is_none_or(|kind| kind.is_string() || kind.is_null())
}

fn is_role(value: &Value) -> bool {
    let Some(role) = value.as_object() else {
        return false;
    };
    role.get("id")
        .is_none_or(|id| id.is_string() || id.is_number() || id.is_null())
        && role
            .get("name")
            .is_none_or(|name| name.is_string() || name.is_null())
}

/// The required fields that are absent, `null`, `""` or `[]`, in the
/// integration's order.
pub(crate) fn missing_fields(
    integration: Integration,
    body: &Map<String, Value>,
) -> Vec<&'static str> {
    integration
        .required_body_fields()
        .iter()
        .copied()
        .filter(|field| match body.get(*field) {
            None | Some(Value::Null) => true,
            Some(Value::String(text)) => text.is_empty(),
            Some(Value::Array(items)) => items.is_empty(),
            Some(_) => false,
        })
        .collect()
}

/// The ids of the `collections` entries, whichever bracket spelling sent
/// them; entries that are not objects with an `id` do not count.
pub(crate) fn collection_ids(params: &Map<String, Value>) -> Vec<&str> {
    params
        .get("collections")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|collection| collection.get("id")?.as_str().filter(|id| !id.is_empty()))
        .collect()
}

/// Where a new user comes from: a create (everything fresh) or a seed
/// (which may fix its id, timestamps, etag and activity).
pub(crate) struct Origin<'a> {
    pub(crate) id: Option<&'a str>,
    pub(crate) created_at: &'a str,
    pub(crate) updated_at: &'a str,
    pub(crate) etag: Option<&'a str>,
    pub(crate) is_active: Option<bool>,
    /// The first `collections` id (Pivotal Tracker's project).
    pub(crate) collection_id: Option<&'a str>,
}

impl<'a> Origin<'a> {
    /// A create at `now`.
    pub(crate) fn fresh(now: &'a str, collection_id: Option<&'a str>) -> Self {
        Self {
            id: None,
            created_at: now,
            updated_at: now,
            etag: None,
            is_active: None,
            collection_id,
        }
    }
}

/// The full unified user for a new create, `remote_data` included.
pub(crate) fn new_user(
    integration: Option<Integration>,
    body: &Map<String, Value>,
    origin: &Origin<'_>,
) -> Map<String, Value> {
    let active = origin
        .is_active
        .unwrap_or_else(|| body.get("status").and_then(Value::as_str) != Some("inactive"));
    let facts = Facts {
        body,
        id: origin.id,
        collection_id: origin.collection_id,
        now: origin.created_at,
        active,
    };
    let (id, mut remote_data) = providers::record(integration, &facts);
    merge_remote_data(integration, &mut remote_data, body);

    let mut user = Map::new();
    user.insert("id".into(), Value::String(id));
    for field in ["name", "first_name", "last_name", "username", "emails"] {
        copy_present(body, &mut user, field);
    }
    user.insert("is_active".into(), Value::Bool(active));
    copy_present(body, &mut user, "team_ids");
    copy_present(body, &mut user, "avatar");
    if let Some(roles) = body.get("roles").and_then(unified_roles) {
        user.insert("roles".into(), roles);
    }
    user.insert("created_at".into(), origin.created_at.into());
    user.insert("updated_at".into(), origin.updated_at.into());
    let etag = origin.etag.map_or_else(|| ids::hex(20), str::to_owned);
    user.insert("etag".into(), Value::String(etag));
    user.insert("remote_data".into(), Value::Object(remote_data));
    user
}

/// The body's `remote_data` keys (and, for Planhat, its `custom_fields`)
/// go into the provider record as given.
fn merge_remote_data(
    integration: Option<Integration>,
    remote_data: &mut Map<String, Value>,
    body: &Map<String, Value>,
) {
    let mut merged = vec![body.get("remote_data")];
    if integration == Some(Integration::Planhat) {
        merged.push(body.get("custom_fields"));
    }
    for extra in merged.into_iter().flatten().filter_map(Value::as_object) {
        for (key, value) in extra {
            remote_data.insert(key.clone(), value.clone());
        }
    }
}

/// `user` with an update's `changes` applied: each given field replaces the
/// old value, `null` clears it (`status: null` makes the user active again,
/// as a user created without a status is), `remote_data` keys are merged.
/// `updated_at` moves to now, and strictly forward; the etag changes.
pub(crate) fn updated_user(
    integration: Option<Integration>,
    mut user: Map<String, Value>,
    changes: &Map<String, Value>,
) -> Map<String, Value> {
    for field in [
        "name",
        "first_name",
        "last_name",
        "username",
        "emails",
        "team_ids",
        "avatar",
    ] {
        match changes.get(field) {
            None => {}
            Some(Value::Null) => {
                user.shift_remove(field);
            }
            Some(value) => {
                user.insert(field.to_owned(), value.clone());
            }
        }
    }
    match changes.get("roles").map(unified_roles) {
        None => {}
        Some(None) => {
            user.shift_remove("roles");
        }
        Some(Some(roles)) => {
            user.insert("roles".into(), roles);
        }
    }
    if let Some(status) = changes.get("status") {
        let active = status.as_str() != Some("inactive");
        user.insert("is_active".into(), Value::Bool(active));
    }
    let mut remote_data = match user.shift_remove("remote_data") {
        Some(Value::Object(remote_data)) => remote_data,
        _ => Map::new(),
    };
    merge_remote_data(integration, &mut remote_data, changes);
    user.insert("remote_data".into(), Value::Object(remote_data));

    let now = Timestamp::now().truncated_to_millis();
    let previous = user
        .get("updated_at")
        .and_then(Value::as_str)
        .and_then(Timestamp::parse)
        .map(Timestamp::truncated_to_millis);
    let updated_at = match previous {
        Some(previous) if previous >= now => previous.plus_one_milli(),
        _ => now,
    };
    user.insert("updated_at".into(), updated_at.to_rfc3339_millis().into());
    let old_etag = user.get("etag").cloned();
    let etag = std::iter::repeat_with(|| Value::String(ids::hex(20)))
        .find(|etag| Some(etag) != old_etag.as_ref())
        .unwrap_or_default();
    user.insert("etag".into(), etag);
    in_unified_order(user)
}

/// A field an update added goes where a create would have put it.
fn in_unified_order(mut user: Map<String, Value>) -> Map<String, Value> {
    let mut ordered = Map::with_capacity(user.len());
    for field in UNIFIED_FIELDS.iter().chain(&["remote_data"]) {
        if let Some(value) = user.shift_remove(*field) {
            ordered.insert((*field).to_owned(), value);
        }
    }
    ordered.extend(user);
    ordered
}

fn copy_present(from: &Map<String, Value>, to: &mut Map<String, Value>, field: &str) {
    if let Some(value) = from.get(field).filter(|value| !value.is_null()) {
        to.insert(field.to_owned(), value.clone());
    }
}

/// Roles always answer as `[{id, name}]`: one role name `"owner"` becomes
/// `[{"id": "owner", "name": "owner"}]`, and a role given only an id or only
/// a name gets the other from it, as providers that key roles by name do.
fn unified_roles(roles: &Value) -> Option<Value> {
    let role = |id: Value, name: Value| {
        let mut role = Map::new();
        role.insert("id".into(), id);
        role.insert("name".into(), name);
        Value::Object(role)
    };
    match roles {
        Value::String(name) if name.is_empty() => None,
        Value::String(name) => Some(Value::Array(vec![role(
            Value::String(name.clone()),
            Value::String(name.clone()),
        )])),
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .map(|item| {
                    let id = item.get("id").filter(|id| !id.is_null()).cloned();
                    let name = item.get("name").filter(|name| !name.is_null()).cloned();
                    let id_as_name = id.as_ref().map(|id| match id {
                        Value::String(text) => Value::String(text.clone()),
                        other => Value::String(other.to_string()),
                    });
                    let id = id.or_else(|| name.clone()).unwrap_or(Value::Null);
                    let name = name.or(id_as_name).unwrap_or(Value::Null);
                    role(id, name)
                })
                .collect(),
        )),
        _ => None,
    }
}

/// `truto_response_format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Unified,
    Raw,
    Normalized,
    Stream,
}

/// How the answer is shaped, from Truto's `truto_*` query parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResponseShape {
    pub(crate) format: Format,
    pub(crate) ignore_remote_data: bool,
    pub(crate) exclude_fields: Vec<String>,
}

impl ResponseShape {
    pub(crate) fn from_query(params: &Map<String, Value>) -> Result<Self, String> {
        let format = match query::first_str(params, "truto_response_format") {
            None | Some("unified") => Format::Unified,
            Some("raw") => Format::Raw,
            Some("normalized") => Format::Normalized,
            Some("stream") => Format::Stream,
            Some(other) => {
                return Err(format!(
                    "Invalid truto_response_format '{other}': expected unified, raw, normalized or stream"
                ));
            }
        };
        let ignore_remote_data = match query::first_str(params, "truto_ignore_remote_data") {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(format!(
                    "Invalid truto_ignore_remote_data '{other}': expected true or false"
                ));
            }
        };
        let exclude_fields = query::strings(params, "truto_exclude_fields")
            .into_iter()
            .map(str::to_owned)
            .collect();
        Ok(Self {
            format,
            ignore_remote_data,
            exclude_fields,
        })
    }

    /// Whether the answer is the stored user as is (so its bytes can be reused).
    pub(crate) fn is_full_user(&self) -> bool {
        matches!(self.format, Format::Unified | Format::Stream)
            && !self.ignore_remote_data
            && self.exclude_fields.is_empty()
    }

    /// The answer's body for a stored user: its very bytes when the shape
    /// asks for the full user, else the stored user parsed and rendered.
    pub(crate) fn answer(&self, stored: &Bytes) -> Bytes {
        if self.is_full_user() {
            return stored.clone();
        }
        let user: Map<String, Value> = serde_json::from_slice(stored).unwrap_or_default();
        Bytes::from(serde_json::to_vec(&self.render(&user)).unwrap_or_default())
    }

    /// The answer's body for this full unified user.
    pub(crate) fn render(&self, user: &Map<String, Value>) -> Value {
        let mut shaped = match self.format {
            Format::Unified | Format::Stream => {
                let mut shaped = user.clone();
                if self.ignore_remote_data {
                    shaped.remove("remote_data");
                }
                shaped
            }
            Format::Raw => user
                .get("remote_data")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            Format::Normalized => UNIFIED_FIELDS
                .iter()
                .map(|field| {
                    let value = user.get(*field).cloned().unwrap_or(Value::Null);
                    ((*field).to_owned(), value)
                })
                .collect(),
        };
        for field in &self.exclude_fields {
            shaped.shift_remove(field);
        }
        Value::Object(shaped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: &str = "2026-01-01T00:00:00.000Z";

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn type_errors_name_each_wrong_field() {
        let body = object(json!({
            "name": 1,
            "emails": [{"email": "a@b.c", "type": "work"}],
            "team_ids": ["t", 2],
            "roles": "owner",
            "status": "paused",
            "first_name": null,
            "unknown": {"anything": true},
        }));
        let errors = type_errors(&body);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("name must be"));
        assert!(errors[1].starts_with("team_ids must be"));
        assert!(errors[2].starts_with("status must be"));
        assert!(type_errors(&object(json!({"roles": [{"name": "owner"}, {"id": 3}]}))).is_empty());
        assert_eq!(
            type_errors(&object(json!({"emails": [{"type": "primary"}]}))).len(),
            1
        );
        assert_eq!(type_errors(&object(json!({"roles": [["owner"]]}))).len(), 1);
    }

    #[test]
    fn missing_means_absent_null_empty_string_or_empty_array() {
        let body = object(json!({"name": "", "emails": [], "first_name": null}));
        assert_eq!(
            missing_fields(Integration::Dixa, &body),
            vec!["name", "emails"]
        );
        assert_eq!(
            missing_fields(Integration::Planhat, &body),
            vec!["emails", "first_name", "last_name"]
        );
        assert!(missing_fields(Integration::Teamwork, &body).is_empty());
    }

    #[test]
    fn roles_answer_as_id_name_pairs() {
        assert_eq!(
            unified_roles(&json!("owner")),
            Some(json!([{"id": "owner", "name": "owner"}]))
        );
        assert_eq!(
            unified_roles(&json!([{"name": "member"}, {"id": 7}, {"id": "r1", "name": "Viewer"}])),
            Some(json!([
                {"id": "member", "name": "member"},
                {"id": 7, "name": "7"},
                {"id": "r1", "name": "Viewer"}
            ]))
        );
    }

    #[test]
    fn new_user_omits_what_was_not_given_and_merges_remote_data() {
        let body = object(json!({
            "emails": [{"email": "ada@example.com", "type": "primary"}],
            "first_name": "Ada",
            "last_name": "Lovelace",
            "custom_fields": {"tier": "gold"},
            "remote_data": {"source": "test"},
            "status": "inactive",
        }));
        let user = new_user(Some(Integration::Planhat), &body, &Origin::fresh(NOW, None));
        let keys: Vec<&str> = user.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "first_name",
                "last_name",
                "emails",
                "is_active",
                "created_at",
                "updated_at",
                "etag",
                "remote_data"
            ]
        );
        assert_eq!(user["is_active"], json!(false));
        assert_eq!(user["remote_data"]["_id"], user["id"]);
        assert_eq!(user["remote_data"]["tier"], json!("gold"));
        assert_eq!(user["remote_data"]["source"], json!("test"));
        assert_eq!(user["remote_data"]["email"], json!("ada@example.com"));
    }

    #[test]
    fn shapes_render_each_format() {
        let body = object(json!({"name": "Ada", "emails": [{"email": "a@b.c"}]}));
        let user = new_user(Some(Integration::Dixa), &body, &Origin::fresh(NOW, None));
        let shape = |query: &str| ResponseShape::from_query(&query::parse(query)).unwrap();

        assert!(shape("").is_full_user());
        assert_eq!(shape("").render(&user), Value::Object(user.clone()));
        let raw = shape("truto_response_format=raw").render(&user);
        assert_eq!(raw["displayName"], json!("Ada"));
        let normalized =
            shape("truto_response_format=normalized&truto_exclude_fields[]=etag").render(&user);
        assert_eq!(normalized["username"], Value::Null);
        assert!(normalized.get("remote_data").is_none());
        assert!(normalized.get("etag").is_none());
        let lean = shape("truto_ignore_remote_data=true&truto_exclude_fields=id").render(&user);
        assert!(lean.get("remote_data").is_none() && lean.get("id").is_none());
        assert!(ResponseShape::from_query(&query::parse("truto_response_format=xml")).is_err());
        assert!(ResponseShape::from_query(&query::parse("truto_ignore_remote_data=yes")).is_err());
    }

    #[test]
    fn seeded_origins_fix_id_times_etag_and_activity() {
        let body = object(json!({"name": "Ada", "status": "inactive"}));
        let origin = Origin {
            id: Some("42"),
            created_at: "2020-01-01T00:00:00.000Z",
            updated_at: "2021-01-01T00:00:00.000Z",
            etag: Some("e1"),
            is_active: Some(true),
            collection_id: None,
        };
        let user = new_user(Some(Integration::Gorgias), &body, &origin);
        assert_eq!(user["id"], json!("42"));
        assert_eq!(user["remote_data"]["id"], json!(42));
        assert_eq!(user["created_at"], json!("2020-01-01T00:00:00.000Z"));
        assert_eq!(user["updated_at"], json!("2021-01-01T00:00:00.000Z"));
        assert_eq!(user["etag"], json!("e1"));
        assert_eq!(user["is_active"], json!(true));
        let bare = new_user(None, &object(json!({"remote_data": {"x": 1}})), &origin);
        assert_eq!(bare["remote_data"], json!({"id": "42", "x": 1}));
    }

    #[test]
    fn updates_change_given_fields_clear_nulls_and_move_forward() {
        let body = object(json!({"name": "Ada", "emails": [{"email": "a@b.c"}], "roles": "owner"}));
        let user = new_user(
            Some(Integration::Dixa),
            &body,
            &Origin::fresh("2999-01-01T00:00:00.000Z", None),
        );
        let changes = object(json!({
            "first_name": "Augusta",
            "roles": null,
            "status": "inactive",
            "remote_data": {"phoneNumber": "+44"},
        }));
        let updated = updated_user(Some(Integration::Dixa), user.clone(), &changes);
        assert_eq!(updated["name"], json!("Ada"));
        assert_eq!(updated["first_name"], json!("Augusta"));
        assert!(updated.get("roles").is_none());
        assert_eq!(updated["is_active"], json!(false));
        assert_eq!(updated["remote_data"]["phoneNumber"], json!("+44"));
        assert_eq!(updated["remote_data"]["displayName"], json!("Ada"));
        assert_eq!(updated["created_at"], user["created_at"]);
        // A future updated_at still moves strictly forward.
        assert_eq!(updated["updated_at"], json!("2999-01-01T00:00:00.001Z"));
        assert_ne!(updated["etag"], user["etag"]);
        let keys: Vec<&str> = updated.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "name",
                "first_name",
                "emails",
                "is_active",
                "created_at",
                "updated_at",
                "etag",
                "remote_data"
            ]
        );
    }
}
