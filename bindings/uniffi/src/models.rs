//! Mirrors of the core's models, with conversions in (to the core) and out (from it).
//!
//! Each field has its platform's type: open enums (an email's `type`, a role name, a
//! status) are the enums of `open_enums.rs`, free-form JSON the structured values of
//! `json.rs`, spans of time `Interval`s, counts signed integers (Java has no unsigned ones).

use std::collections::HashMap;
use std::time::SystemTime;

use truto_ticketing as sdk;
use truto_ticketing::SecretString;

use crate::error::TrutoError;
use crate::interval::Interval;
use crate::json::{JsonAny, JsonObject};
use crate::open_enums::{EmailType, RoleName, UserStatus};
use crate::users::CallOptions;

// A secret is a plain string on the wire between the languages; each language wraps it in a
// class of its own whose printed form is `[redacted]` (see uniffi.toml).
uniffi::custom_type!(SecretString, String, {
    remote,
    lower: |secret| secret.expose_secret().to_owned(),
    try_lift: |value| Ok(SecretString::new(value)),
});

/// A count the caller gives as a signed integer (the JVM has no unsigned ones), which must
/// not be negative.
pub(crate) fn non_negative(field: &str, value: i32) -> sdk::Result<u32> {
    u32::try_from(value).map_err(|_| sdk::Error::invalid_input(field, "must be 0 or more"))
}

/// A count the core keeps unsigned, for a caller with signed integers only.
pub(crate) fn signed(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// An email address and its kind.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Email {
    /// The address.
    pub email: String,
    /// `Primary` or `Other` (a kind a provider answers with is kept, `Unrecognized`).
    #[uniffi(default)]
    pub r#type: Option<EmailType>,
}

impl From<Email> for sdk::Email {
    fn from(email: Email) -> sdk::Email {
        sdk::Email {
            email: email.email,
            kind: email.r#type.map(Into::into),
        }
    }
}

impl From<sdk::Email> for Email {
    fn from(email: sdk::Email) -> Email {
        Email {
            email: email.email,
            r#type: email.kind.map(Into::into),
        }
    }
}

/// A role: `{id, name}`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Role {
    /// The provider's role id.
    #[uniffi(default)]
    pub id: Option<String>,
    /// The role's name.
    #[uniffi(default)]
    pub name: Option<String>,
}

impl From<Role> for sdk::Role {
    fn from(role: Role) -> sdk::Role {
        sdk::Role {
            id: role.id,
            name: role.name,
        }
    }
}

impl From<sdk::Role> for Role {
    fn from(role: sdk::Role) -> Role {
        Role {
            id: role.id,
            name: role.name,
        }
    }
}

/// The roles of a new user: one role name (`owner`, `member`, `viewer`), sent as a bare
/// string, or a list of `{id, name}` roles.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Roles {
    /// One role name, sent as `"roles": "owner"`.
    Name { name: RoleName },
    /// A list of roles, sent as `"roles": [{"id": ..., "name": ...}]`.
    Objects { roles: Vec<Role> },
}

impl From<Roles> for sdk::Roles {
    fn from(roles: Roles) -> sdk::Roles {
        match roles {
            Roles::Name { name } => sdk::Roles::Name(name.into()),
            Roles::Objects { roles } => {
                sdk::Roles::List(roles.into_iter().map(Into::into).collect())
            }
        }
    }
}

/// A user to create. Every field is optional here; which ones an integration requires is
/// Truto's to say (a `BadRequest` error lists them). Unset fields are not sent.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NewUser {
    /// Full name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// Avatar image URL.
    #[uniffi(default)]
    pub avatar: Option<String>,
    /// Email addresses.
    #[uniffi(default)]
    pub emails: Option<Vec<Email>>,
    /// Given name.
    #[uniffi(default)]
    pub first_name: Option<String>,
    /// Family name.
    #[uniffi(default)]
    pub last_name: Option<String>,
    /// Languages the user speaks, e.g. `en`.
    #[uniffi(default)]
    pub languages: Option<Vec<String>>,
    /// Nickname.
    #[uniffi(default)]
    pub nick_name: Option<String>,
    /// Initial password: never printed.
    #[uniffi(default)]
    pub password: Option<SecretString>,
    /// Passed to the provider as is.
    #[uniffi(default)]
    pub remote_data: Option<JsonObject>,
    /// One role name, or a list of roles.
    #[uniffi(default)]
    pub roles: Option<Roles>,
    /// Whether the user starts active.
    #[uniffi(default)]
    pub status: Option<UserStatus>,
    /// Teams to add the user to.
    #[uniffi(default)]
    pub team_ids: Option<Vec<String>>,
    /// The provider's user type.
    #[uniffi(default)]
    pub user_type: Option<String>,
    /// Login name.
    #[uniffi(default)]
    pub username: Option<String>,
    /// Custom fields (Planhat).
    #[uniffi(default)]
    pub custom_fields: Option<JsonObject>,
}

impl NewUser {
    pub(crate) fn into_core(self) -> sdk::NewUser {
        // Destructured whole: a field added here but not passed on fails to compile, and
        // a field the core gains but this record lacks fails
        // `tests::every_core_field_crosses`.
        let NewUser {
            name,
            avatar,
            emails,
            first_name,
            last_name,
            languages,
            nick_name,
            password,
            remote_data,
            roles,
            status,
            team_ids,
            user_type,
            username,
            custom_fields,
        } = self;
        let mut user = sdk::NewUser::new();
        user.name = name;
        user.avatar = avatar;
        user.emails = emails.map(|emails| emails.into_iter().map(Into::into).collect());
        user.first_name = first_name;
        user.last_name = last_name;
        user.languages = languages;
        user.nick_name = nick_name;
        user.password = password;
        user.remote_data = remote_data.map(JsonObject::into_map);
        user.roles = roles.map(Into::into);
        user.status = status.map(Into::into);
        user.team_ids = team_ids;
        user.user_type = user_type;
        user.username = username;
        user.custom_fields = custom_fields.map(JsonObject::into_map);
        user
    }
}

/// A user as Truto answers: every field but `id` may be missing.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct User {
    /// The provider's id for the user.
    pub id: String,
    /// Full name.
    pub name: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Login name.
    pub username: Option<String>,
    /// Email addresses (empty when the provider sent none).
    pub emails: Vec<Email>,
    /// Whether the user can sign in.
    pub is_active: Option<bool>,
    /// Teams the user belongs to.
    pub team_ids: Vec<String>,
    /// Avatar image URL.
    pub avatar: Option<String>,
    /// Roles the user holds.
    pub roles: Vec<Role>,
    /// When the user was created (`null` when the provider sent no RFC 3339 date-time).
    pub created_at: Option<SystemTime>,
    /// `created_at` as the provider sent it.
    pub created_at_raw: Option<String>,
    /// When the user was last changed (`null` when the provider sent no RFC 3339 date-time).
    pub updated_at: Option<SystemTime>,
    /// `updated_at` as the provider sent it.
    pub updated_at_raw: Option<String>,
    /// Identifies this version of the user.
    pub etag: Option<String>,
    /// The provider's raw record (absent with `ignore_remote_data`).
    pub remote_data: Option<JsonObject>,
    /// Fields this version of the SDK does not know, as Truto sent them (empty when none).
    pub extra: JsonObject,
}

impl From<sdk::User> for User {
    fn from(user: sdk::User) -> User {
        User {
            id: user.id,
            name: user.name,
            first_name: user.first_name,
            last_name: user.last_name,
            username: user.username,
            emails: user.emails.into_iter().map(Into::into).collect(),
            is_active: user.is_active,
            team_ids: user.team_ids,
            avatar: user.avatar,
            roles: user.roles.into_iter().map(Into::into).collect(),
            created_at: user
                .created_at
                .as_ref()
                .and_then(sdk::Timestamp::to_system_time),
            created_at_raw: user.created_at.map(|at| at.as_str().to_owned()),
            updated_at: user
                .updated_at
                .as_ref()
                .and_then(sdk::Timestamp::to_system_time),
            updated_at_raw: user.updated_at.map(|at| at.as_str().to_owned()),
            etag: user.etag,
            remote_data: user.remote_data.map(JsonObject::from),
            extra: JsonObject::from(user.extra),
        }
    }
}

/// A collection (a project, for Pivotal Tracker) the new user joins.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CollectionRef {
    /// The collection's id.
    pub id: String,
}

/// Per-call options of `createUser`; every one has a default.
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct CreateUserOptions {
    /// `collections`: projects the user joins (Pivotal Tracker requires one).
    #[uniffi(default)]
    pub collections: Vec<CollectionRef>,
    /// Leave `remote_data` out of the answer.
    #[uniffi(default)]
    pub ignore_remote_data: bool,
    /// Fields to leave out of the answer.
    #[uniffi(default)]
    pub exclude_fields: Vec<String>,
    /// Passed to the provider untransformed.
    #[uniffi(default)]
    pub remote_query: Option<JsonObject>,
    /// The `Idempotency-Key` (default: a fresh UUID v4 per call, reused by its retries).
    #[uniffi(default)]
    pub idempotency_key: Option<String>,
    /// Per-attempt timeout for this call (default: the client's).
    #[uniffi(default)]
    pub timeout: Option<Interval>,
    /// Retries for this call (default: the client's).
    #[uniffi(default)]
    pub max_retries: Option<i32>,
    /// Extra headers for this call.
    #[uniffi(default)]
    pub headers: HashMap<String, String>,
}

impl CreateUserOptions {
    pub(crate) fn into_core(self) -> sdk::Result<sdk::CreateUserOptions> {
        // The options every call takes are read (and checked) as every other call's are.
        let call = CallOptions {
            ignore_remote_data: self.ignore_remote_data,
            exclude_fields: self.exclude_fields,
            remote_query: self.remote_query,
            timeout: self.timeout,
            max_retries: self.max_retries,
            headers: self.headers,
        }
        .into_core()?;
        let mut options = sdk::CreateUserOptions::default();
        options.collections = self
            .collections
            .into_iter()
            .map(|collection| sdk::CollectionRef::new(collection.id))
            .collect();
        options.idempotency_key = self.idempotency_key;
        options.ignore_remote_data = call.ignore_remote_data;
        options.exclude_fields = call.exclude_fields;
        options.remote_query = call.remote_query;
        options.timeout = call.timeout;
        options.max_retries = call.max_retries;
        options.headers = call.headers;
        Ok(options)
    }
}

/// What Truto puts in the answer (`truto_response_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ResponseFormat {
    /// The unified user (the default).
    Unified,
    /// The provider's response, untouched.
    Raw,
    /// The unified mapping in normalized form.
    Normalized,
    /// The body, read whole as bytes.
    Stream,
}

impl From<ResponseFormat> for sdk::ResponseFormat {
    fn from(format: ResponseFormat) -> sdk::ResponseFormat {
        match format {
            ResponseFormat::Unified => sdk::ResponseFormat::Unified,
            ResponseFormat::Raw => sdk::ResponseFormat::Raw,
            ResponseFormat::Normalized => sdk::ResponseFormat::Normalized,
            ResponseFormat::Stream => sdk::ResponseFormat::Stream,
        }
    }
}

impl From<sdk::ResponseFormat> for ResponseFormat {
    fn from(format: sdk::ResponseFormat) -> ResponseFormat {
        match format {
            sdk::ResponseFormat::Unified => ResponseFormat::Unified,
            sdk::ResponseFormat::Raw => ResponseFormat::Raw,
            sdk::ResponseFormat::Normalized => ResponseFormat::Normalized,
            sdk::ResponseFormat::Stream => ResponseFormat::Stream,
        }
    }
}

/// Reads a response format from its wire name (`unified`, `raw`, `normalized`, `stream`),
/// e.g. from a configuration file. Anything else is `InvalidInput` on `response_format`.
#[uniffi::export]
pub fn parse_response_format(value: String) -> Result<ResponseFormat, TrutoError> {
    Ok(value.parse::<sdk::ResponseFormat>()?.into())
}

/// The answer of `createUserWithFormat`, in the shape the response format gives it.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum CreateUserResponse {
    /// `Unified`: the created user.
    Unified { user: User },
    /// `Raw` or `Normalized`: the JSON value Truto answered.
    Json { json: JsonAny },
    /// `Stream`: the whole body.
    Bytes { bytes: Vec<u8> },
}

impl From<sdk::CreateUserResponse> for CreateUserResponse {
    fn from(response: sdk::CreateUserResponse) -> CreateUserResponse {
        match response {
            sdk::CreateUserResponse::User(user) => CreateUserResponse::Unified {
                user: (*user).into(),
            },
            sdk::CreateUserResponse::Json(value) => CreateUserResponse::Json {
                json: JsonAny(value),
            },
            sdk::CreateUserResponse::Bytes(bytes) => CreateUserResponse::Bytes {
                bytes: bytes.to_vec(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: serde_json::Value) -> JsonObject {
        match value {
            serde_json::Value::Object(map) => JsonObject(map),
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn new_user_converts_field_for_field() {
        let user = NewUser {
            name: Some("Grace".into()),
            avatar: None,
            emails: Some(vec![Email {
                email: "g@example.com".into(),
                r#type: Some(EmailType::Primary),
            }]),
            first_name: None,
            last_name: None,
            languages: Some(vec!["en".into()]),
            nick_name: None,
            password: Some(SecretString::new("pw-123456")),
            remote_data: Some(object(json!({"level": 7}))),
            roles: Some(Roles::Name {
                name: RoleName::Owner,
            }),
            status: Some(UserStatus::Unrecognized {
                value: "inactive".into(),
            }),
            team_ids: None,
            user_type: None,
            username: None,
            custom_fields: None,
        };
        assert_eq!(
            serde_json::to_value(user.into_core()).unwrap(),
            json!({
                "name": "Grace",
                "emails": [{"email": "g@example.com", "type": "primary"}],
                "languages": ["en"],
                "password": "pw-123456",
                "remote_data": {"level": 7},
                "roles": "owner",
                "status": "inactive",
            })
        );
    }

    #[test]
    fn every_core_field_crosses() {
        let every_field = NewUser {
            name: Some("Grace".into()),
            avatar: Some("https://example.com/g.png".into()),
            emails: Some(vec![Email {
                email: "g@example.com".into(),
                r#type: None,
            }]),
            first_name: Some("Grace".into()),
            last_name: Some("Hopper".into()),
            languages: Some(vec!["en".into()]),
            nick_name: Some("Amazing Grace".into()),
            password: Some(SecretString::new("pw")),
            remote_data: Some(JsonObject::default()),
            roles: Some(Roles::Name {
                name: RoleName::Owner,
            }),
            status: Some(UserStatus::Active),
            team_ids: Some(vec!["t-1".into()]),
            user_type: Some("agent".into()),
            username: Some("grace".into()),
            custom_fields: Some(JsonObject::default()),
        };
        let sent = serde_json::to_value(every_field.into_core()).unwrap();
        let sent: Vec<&str> = sent
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            sent,
            sdk::NewUser::field_names(),
            "a core field this record lacks"
        );
    }

    #[test]
    fn a_negative_count_or_timeout_names_its_field() {
        let options = CreateUserOptions {
            max_retries: Some(-1),
            ..CreateUserOptions::default()
        };
        assert_eq!(
            options.into_core().unwrap_err().field(),
            Some("max_retries")
        );
        let options = CreateUserOptions {
            timeout: Some(Interval(-0.5)),
            ..CreateUserOptions::default()
        };
        assert_eq!(options.into_core().unwrap_err().field(), Some("timeout"));
    }

    #[test]
    fn unknown_user_fields_and_enum_values_are_kept() {
        let core: sdk::User = serde_json::from_value(json!({
            "id": 7, "emails": [{"email": "a@b.c", "type": "work"}], "colour": "green"
        }))
        .unwrap();
        let user = User::from(core);
        assert_eq!(user.id, "7");
        assert_eq!(
            user.emails[0].r#type,
            Some(EmailType::Unrecognized {
                value: "work".into()
            })
        );
        assert_eq!(user.extra, object(json!({"colour": "green"})));
        assert_eq!(user.remote_data, None);
    }
}
