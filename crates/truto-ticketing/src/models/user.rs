//! The user Truto answers with.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::common::{Email, Role};

/// A user as Truto's unified model describes it. Providers differ in what they return:
/// every field but `id` may be missing, and fields this SDK does not know are kept in
/// [`User::extra`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The provider's id for the user (a numeric id is read as its decimal string).
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Login name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Email addresses (empty when the provider sent none).
    #[serde(default, deserialize_with = "null_as_default")]
    pub emails: Vec<Email>,
    /// Whether the user can sign in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    /// Teams the user belongs to.
    #[serde(default, deserialize_with = "null_as_default")]
    pub team_ids: Vec<String>,
    /// Avatar image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// Roles the user holds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub roles: Vec<Role>,
    /// When the user was created (RFC 3339, as the provider sent it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When the user was last changed (RFC 3339, as the provider sent it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Identifies this version of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The provider's raw record (absent with `ignore_remote_data`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_data: Option<Map<String, Value>>,
    /// Fields this version of the SDK does not know, as Truto sent them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    /// Reads a user from Truto's JSON (e.g. a stored answer or a webhook payload). A body
    /// that is not a user is a `decode` error naming the field, never a panic.
    pub fn from_json_bytes(body: &[u8]) -> crate::Result<User> {
        crate::transport::decode_json(body)
    }

    /// The primary email address, or the first one when none is marked primary.
    pub fn primary_email(&self) -> Option<&str> {
        self.emails
            .iter()
            .find(|email| email.kind == Some(super::EmailType::Primary))
            .or_else(|| self.emails.first())
            .map(|email| email.email.as_str())
    }
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Integer(i64),
        Unsigned(u64),
    }
    Ok(match Id::deserialize(deserializer)? {
        Id::Text(text) => text,
        Id::Integer(number) => number.to_string(),
        Id::Unsigned(number) => number.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::EmailType;
    use serde_json::json;

    #[test]
    fn reads_a_full_user_and_keeps_unknown_fields() {
        let user: User = serde_json::from_value(json!({
            "id": "42", "name": "Ada", "emails": [{"email": "a@b.c", "type": "work"}],
            "is_active": true, "roles": [{"id": "1", "name": "owner"}],
            "remote_data": {"displayName": "Ada"}, "favourite_colour": "green"
        }))
        .unwrap();
        assert_eq!(user.id, "42");
        assert_eq!(
            user.emails[0].kind,
            Some(EmailType::Unrecognized("work".into()))
        );
        assert_eq!(user.extra["favourite_colour"], "green");
        assert_eq!(user.remote_data.unwrap()["displayName"], "Ada");
    }

    #[test]
    fn tolerates_nulls_and_numeric_ids() {
        let user: User = serde_json::from_value(json!({
            "id": 7, "name": null, "emails": null, "team_ids": null, "roles": null
        }))
        .unwrap();
        assert_eq!(user.id, "7");
        assert!(user.emails.is_empty() && user.name.is_none());
    }

    #[test]
    fn a_missing_id_is_an_error() {
        assert!(serde_json::from_value::<User>(json!({"name": "Ada"})).is_err());
    }
}
