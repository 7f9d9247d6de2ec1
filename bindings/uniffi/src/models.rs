//! Mirrors of the core's models, with conversions in (to the core) and out (from it).
//!
//! Open enums (an email's `type`, a role name, a status) cross as strings, exactly as the
//! core keeps them: the core decides which values are valid, and a value a provider adds
//! tomorrow still reaches the caller.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Map, Value};
use truto_ticketing as sdk;
use truto_ticketing::SecretString;

use crate::error::TrutoError;

// A secret is a plain string on the wire between the languages; each language wraps it in a
// class of its own whose printed form is `[redacted]` (see uniffi.toml).
uniffi::custom_type!(SecretString, String, {
    remote,
    lower: |secret| secret.expose_secret().to_owned(),
    try_lift: |value| Ok(SecretString::new(value)),
});

/// A JSON object as text, e.g. `{"department": "Navy"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonObject(pub String);

uniffi::custom_type!(JsonObject, String, {
    lower: |json| json.0,
    try_lift: |text| Ok(JsonObject(text)),
});

/// Any JSON value as text: the answer of the `raw` and `normalized` response formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonValue(pub String);

uniffi::custom_type!(JsonValue, String, {
    lower: |json| json.0,
    try_lift: |text| Ok(JsonValue(text)),
});

impl JsonObject {
    pub(crate) fn from_map(map: Map<String, Value>) -> JsonObject {
        JsonObject(Value::Object(map).to_string())
    }

    /// Reads the text as the object the core expects in `field`.
    fn into_map(self, field: &str) -> sdk::Result<Map<String, Value>> {
        serde_json::from_str(&self.0).map_err(|error| {
            sdk::Error::invalid_input(field, format!("is not a JSON object: {error}"))
        })
    }
}

/// An email address and its kind.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Email {
    /// The address.
    pub email: String,
    /// `primary` or `other` (a kind a provider answers with is kept as sent).
    #[uniffi(default)]
    pub r#type: Option<String>,
}

impl From<Email> for sdk::Email {
    fn from(email: Email) -> sdk::Email {
        sdk::Email {
            email: email.email,
            kind: email.r#type.as_deref().map(sdk::EmailType::from),
        }
    }
}

impl From<sdk::Email> for Email {
    fn from(email: sdk::Email) -> Email {
        Email {
            email: email.email,
            r#type: email.kind.map(|kind| kind.as_str().to_owned()),
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
    Name { name: String },
    /// A list of roles, sent as `"roles": [{"id": ..., "name": ...}]`.
    Objects { roles: Vec<Role> },
}

impl From<Roles> for sdk::Roles {
    fn from(roles: Roles) -> sdk::Roles {
        match roles {
            Roles::Name { name } => sdk::Roles::Name(sdk::RoleName::from(name.as_str())),
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
    /// Passed to the provider as is (a JSON object).
    #[uniffi(default)]
    pub remote_data: Option<JsonObject>,
    /// One role name, or a list of roles.
    #[uniffi(default)]
    pub roles: Option<Roles>,
    /// `active` or `inactive`.
    #[uniffi(default)]
    pub status: Option<String>,
    /// Teams to add the user to.
    #[uniffi(default)]
    pub team_ids: Option<Vec<String>>,
    /// The provider's user type.
    #[uniffi(default)]
    pub user_type: Option<String>,
    /// Login name.
    #[uniffi(default)]
    pub username: Option<String>,
    /// Custom fields (Planhat), a JSON object.
    #[uniffi(default)]
    pub custom_fields: Option<JsonObject>,
}

impl NewUser {
    pub(crate) fn into_core(self) -> sdk::Result<sdk::NewUser> {
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
        user.remote_data = remote_data
            .map(|json| json.into_map("remote_data"))
            .transpose()?;
        user.roles = roles.map(Into::into);
        user.status = status.as_deref().map(sdk::UserStatus::from);
        user.team_ids = team_ids;
        user.user_type = user_type;
        user.username = username;
        user.custom_fields = custom_fields
            .map(|json| json.into_map("custom_fields"))
            .transpose()?;
        Ok(user)
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
    /// When the user was created (RFC 3339, as the provider sent it).
    pub created_at: Option<String>,
    /// When the user was last changed (RFC 3339, as the provider sent it).
    pub updated_at: Option<String>,
    /// Identifies this version of the user.
    pub etag: Option<String>,
    /// The provider's raw record, a JSON object (absent with `ignore_remote_data`).
    pub remote_data: Option<JsonObject>,
    /// Fields this version of the SDK does not know, as one JSON object (`{}` when none).
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
            created_at: user.created_at,
            updated_at: user.updated_at,
            etag: user.etag,
            remote_data: user.remote_data.map(JsonObject::from_map),
            extra: JsonObject::from_map(user.extra),
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
    /// Passed to the provider untransformed, a JSON object.
    #[uniffi(default)]
    pub remote_query: Option<JsonObject>,
    /// The `Idempotency-Key` (default: a fresh UUID v4 per call, reused by its retries).
    #[uniffi(default)]
    pub idempotency_key: Option<String>,
    /// Per-attempt timeout for this call in milliseconds (default: the client's).
    #[uniffi(default)]
    pub timeout_ms: Option<u64>,
    /// Retries for this call (default: the client's).
    #[uniffi(default)]
    pub max_retries: Option<u32>,
    /// Extra headers for this call.
    #[uniffi(default)]
    pub headers: HashMap<String, String>,
}

impl CreateUserOptions {
    pub(crate) fn into_core(self) -> sdk::Result<sdk::CreateUserOptions> {
        let mut options = sdk::CreateUserOptions::default();
        options.collections = self
            .collections
            .into_iter()
            .map(|collection| sdk::CollectionRef::new(collection.id))
            .collect();
        options.ignore_remote_data = self.ignore_remote_data;
        options.exclude_fields = self.exclude_fields;
        options.remote_query = self
            .remote_query
            .map(|json| json.into_map("remote_query"))
            .transpose()?;
        options.idempotency_key = self.idempotency_key;
        options.timeout = self.timeout_ms.map(Duration::from_millis);
        options.max_retries = self.max_retries;
        options.headers = self.headers.into_iter().collect();
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
    Json { json: JsonValue },
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
                json: JsonValue(value.to_string()),
            },
            sdk::CreateUserResponse::Bytes(bytes) => CreateUserResponse::Bytes {
                bytes: bytes.to_vec(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_user_converts_field_for_field() {
        let user = NewUser {
            name: Some("Grace".into()),
            avatar: None,
            emails: Some(vec![Email {
                email: "g@example.com".into(),
                r#type: Some("primary".into()),
            }]),
            first_name: None,
            last_name: None,
            languages: Some(vec!["en".into()]),
            nick_name: None,
            password: Some(SecretString::new("pw-123456")),
            remote_data: Some(JsonObject(r#"{"level": 7}"#.into())),
            roles: Some(Roles::Name {
                name: "owner".into(),
            }),
            status: Some("inactive".into()),
            team_ids: None,
            user_type: None,
            username: None,
            custom_fields: None,
        };
        let core = user.into_core().unwrap();
        assert_eq!(
            serde_json::to_value(&core).unwrap(),
            serde_json::json!({
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
            remote_data: Some(JsonObject("{}".into())),
            roles: Some(Roles::Name {
                name: "owner".into(),
            }),
            status: Some("active".into()),
            team_ids: Some(vec!["t-1".into()]),
            user_type: Some("agent".into()),
            username: Some("grace".into()),
            custom_fields: Some(JsonObject("{}".into())),
        };
        let sent = serde_json::to_value(every_field.into_core().unwrap()).unwrap();
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
    fn json_text_that_is_not_an_object_names_the_field() {
        let options = CreateUserOptions {
            remote_query: Some(JsonObject("[1, 2]".into())),
            ..CreateUserOptions::default()
        };
        let error = options.into_core().unwrap_err();
        assert_eq!(error.kind(), sdk::ErrorKind::InvalidInput);
        assert_eq!(error.field(), Some("remote_query"));
    }

    #[test]
    fn unknown_user_fields_arrive_as_one_json_object() {
        let core: sdk::User = serde_json::from_value(serde_json::json!({
            "id": 7, "emails": [{"email": "a@b.c", "type": "work"}], "colour": "green"
        }))
        .unwrap();
        let user = User::from(core);
        assert_eq!(user.id, "7");
        assert_eq!(user.emails[0].r#type.as_deref(), Some("work"));
        assert_eq!(user.extra, JsonObject(r#"{"colour":"green"}"#.into()));
        assert_eq!(user.remote_data, None);
    }
}
