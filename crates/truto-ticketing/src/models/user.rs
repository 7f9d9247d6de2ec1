//! The user Truto answers with.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::common::{Email, Role};
use super::timestamp::Timestamp;

/// A user as Truto's unified model describes it. Providers differ in what they return:
/// every field but `id` may be missing, and fields this SDK does not know are kept in
/// [`User::extra`].
///
/// `Deserialize` is written by hand: the derived one, with `#[serde(flatten)]` for
/// `extra` (and an untagged enum for the id), first buffers the whole object into
/// serde's generic content tree and then reads the fields from that copy, so every
/// answer was decoded twice.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct User {
    /// The provider's id for the user (a numeric id is read as its decimal string).
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
    /// When the user was created (the text as sent, and its instant when RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// When the user was last changed (the text as sent, and its instant when RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
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
        crate::decode::decode_json(body)
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

impl<'de> Deserialize<'de> for User {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<User, D::Error> {
        deserializer.deserialize_map(UserVisitor)
    }
}

/// A key of the user object: one of the documented fields, or an unknown one for `extra`.
enum Field {
    Id,
    Name,
    FirstName,
    LastName,
    Username,
    Emails,
    IsActive,
    TeamIds,
    Avatar,
    Roles,
    CreatedAt,
    UpdatedAt,
    Etag,
    RemoteData,
    Other(String),
}

impl Field {
    fn known(name: &str) -> Option<Field> {
        Some(match name {
            "id" => Field::Id,
            "name" => Field::Name,
            "first_name" => Field::FirstName,
            "last_name" => Field::LastName,
            "username" => Field::Username,
            "emails" => Field::Emails,
            "is_active" => Field::IsActive,
            "team_ids" => Field::TeamIds,
            "avatar" => Field::Avatar,
            "roles" => Field::Roles,
            "created_at" => Field::CreatedAt,
            "updated_at" => Field::UpdatedAt,
            "etag" => Field::Etag,
            "remote_data" => Field::RemoteData,
            _ => return None,
        })
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Field, D::Error> {
        struct FieldVisitor;

        impl Visitor<'_> for FieldVisitor {
            type Value = Field;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a field name")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Field, E> {
                Ok(Field::known(name).unwrap_or_else(|| Field::Other(name.to_owned())))
            }

            fn visit_string<E: de::Error>(self, name: String) -> Result<Field, E> {
                Ok(Field::known(&name).unwrap_or(Field::Other(name)))
            }
        }

        deserializer.deserialize_identifier(FieldVisitor)
    }
}

struct UserVisitor;

impl<'de> Visitor<'de> for UserVisitor {
    type Value = User;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a user object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<User, A::Error> {
        /// Reads a field's value, refusing a second occurrence of the key as the derived
        /// implementation did.
        fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
            map: &mut A,
            slot: &mut Option<T>,
            name: &'static str,
        ) -> Result<(), A::Error> {
            if slot.is_some() {
                return Err(de::Error::duplicate_field(name));
            }
            *slot = Some(map.next_value()?);
            Ok(())
        }

        let mut id: Option<UserId> = None;
        let mut name = None;
        let mut first_name = None;
        let mut last_name = None;
        let mut username = None;
        let mut emails: Option<Option<Vec<Email>>> = None;
        let mut is_active = None;
        let mut team_ids: Option<Option<Vec<String>>> = None;
        let mut avatar = None;
        let mut roles: Option<Option<Vec<Role>>> = None;
        let mut created_at = None;
        let mut updated_at = None;
        let mut etag = None;
        let mut remote_data = None;
        let mut extra = Map::new();
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Id => once(&mut map, &mut id, "id")?,
                Field::Name => once(&mut map, &mut name, "name")?,
                Field::FirstName => once(&mut map, &mut first_name, "first_name")?,
                Field::LastName => once(&mut map, &mut last_name, "last_name")?,
                Field::Username => once(&mut map, &mut username, "username")?,
                Field::Emails => once(&mut map, &mut emails, "emails")?,
                Field::IsActive => once(&mut map, &mut is_active, "is_active")?,
                Field::TeamIds => once(&mut map, &mut team_ids, "team_ids")?,
                Field::Avatar => once(&mut map, &mut avatar, "avatar")?,
                Field::Roles => once(&mut map, &mut roles, "roles")?,
                Field::CreatedAt => once(&mut map, &mut created_at, "created_at")?,
                Field::UpdatedAt => once(&mut map, &mut updated_at, "updated_at")?,
                Field::Etag => once(&mut map, &mut etag, "etag")?,
                Field::RemoteData => once(&mut map, &mut remote_data, "remote_data")?,
                Field::Other(key) => {
                    let value = map.next_value::<Value>()?;
                    extra.insert(key, value);
                }
            }
        }
        let Some(UserId(id)) = id else {
            return Err(de::Error::missing_field("id"));
        };
        // A field given as `null` reads as absent: `None`, or an empty list.
        Ok(User {
            id,
            name: name.flatten(),
            first_name: first_name.flatten(),
            last_name: last_name.flatten(),
            username: username.flatten(),
            emails: emails.flatten().unwrap_or_default(),
            is_active: is_active.flatten(),
            team_ids: team_ids.flatten().unwrap_or_default(),
            avatar: avatar.flatten(),
            roles: roles.flatten().unwrap_or_default(),
            created_at: created_at.flatten(),
            updated_at: updated_at.flatten(),
            etag: etag.flatten(),
            remote_data: remote_data.flatten(),
            extra,
        })
    }
}

/// The provider's id: a string, or an integer read as its decimal string.
struct UserId(String);

impl<'de> Deserialize<'de> for UserId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<UserId, D::Error> {
        struct IdVisitor;

        impl Visitor<'_> for IdVisitor {
            type Value = UserId;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a string or an integer id")
            }

            fn visit_str<E: de::Error>(self, id: &str) -> Result<UserId, E> {
                Ok(UserId(id.to_owned()))
            }

            fn visit_string<E: de::Error>(self, id: String) -> Result<UserId, E> {
                Ok(UserId(id))
            }

            fn visit_i64<E: de::Error>(self, id: i64) -> Result<UserId, E> {
                Ok(UserId(id.to_string()))
            }

            fn visit_u64<E: de::Error>(self, id: u64) -> Result<UserId, E> {
                Ok(UserId(id.to_string()))
            }
        }

        deserializer.deserialize_any(IdVisitor)
    }
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
