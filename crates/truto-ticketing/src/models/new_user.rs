//! The body of `create_user`: what the new user looks like.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::common::{Email, Roles, UserStatus};
use crate::error::{Error, Result};
use crate::secret::SecretString;

/// The longest string the SDK sends in one field. Truto documents no limit; this one
/// stops a runaway value (a whole file read into `name`) before it leaves the process.
pub const MAX_FIELD_LENGTH: usize = 4096;

/// A user to create. Every field is optional for the SDK: which ones an integration
/// requires is Truto's to say (a `bad_request` error lists them). Fields left unset are
/// left out of the JSON, never sent as `null`.
///
/// ```
/// use truto_ticketing::{Email, NewUser, RoleName};
///
/// let user = NewUser::new()
///     .name("Ada Lovelace")
///     .email(Email::primary("ada@example.com"))
///     .roles(RoleName::Owner);
/// assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct NewUser {
    /// Full name. Required by Dixa, Pivotal Tracker, Re:amaze, SolarWinds Service Desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Avatar image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// Email addresses. Required by most integrations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<Email>>,
    /// Given name. Required by Planhat and Qualtrics CoreXM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name. Required by Planhat and Qualtrics CoreXM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Languages the user speaks, e.g. `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<String>>,
    /// Nickname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick_name: Option<String>,
    /// Initial password: a secret, printed as `[redacted]` by `Debug`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<SecretString>,
    /// Passed to the provider as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_data: Option<Map<String, Value>>,
    /// One role name, or a list of `{id, name}` roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Roles>,
    /// `active` or `inactive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UserStatus>,
    /// Teams to add the user to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_ids: Option<Vec<String>>,
    /// The provider's user type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    /// Login name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Custom fields (Planhat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Map<String, Value>>,
}

impl NewUser {
    /// An empty user; add fields with the chained setters.
    pub fn new() -> NewUser {
        NewUser::default()
    }

    /// The body's field names, as sent on the wire, read from this struct's definition:
    /// the language bindings' keyword lists and type stubs are checked against it.
    ///
    /// ```
    /// assert_eq!(truto_ticketing::NewUser::field_names()[0], "name");
    /// ```
    pub fn field_names() -> &'static [&'static str] {
        super::fields::struct_fields::<NewUser>()
    }

    /// Reads a user from its JSON form (Truto's field names), as the language
    /// bindings receive it. A wrong type is an `invalid_input` error naming the field.
    pub fn from_json(value: Value) -> Result<NewUser> {
        // serde would also read a struct from an array of its fields in order; a user is
        // only ever an object of named fields.
        if !value.is_object() {
            return Err(Error::invalid_input(
                "user",
                "must be an object of Truto's field names",
            ));
        }
        // Tracking the path costs on every field read (a typical user took three times as
        // long to read with it as without), so only a value that failed to read is read a
        // second time, with tracking, to name the field at fault.
        if let Ok(user) = NewUser::deserialize(&value) {
            return Ok(user);
        }
        serde_path_to_error::deserialize(value).map_err(|error| {
            let path = error.path().to_string();
            let field = if path == "." { "user".to_owned() } else { path };
            Error::invalid_input(field, error.into_inner().to_string())
        })
    }

    /// Reads a user from JSON text, with the same result as [`NewUser::from_json`] on the
    /// parsed value: the language bindings hand over `JSON.stringify(user)` or
    /// `json.dumps(user)`, and reading the struct straight from the text skips building
    /// a `Value` tree first. Anything that path refuses (including what it would read
    /// differently, such as duplicate keys, where a `Value` keeps the last) goes
    /// through the `Value` for the field-naming error.
    pub fn from_json_str(text: &str) -> Result<NewUser> {
        if text.trim_start().starts_with('{')
            && let Ok(user) = serde_json::from_str::<NewUser>(text)
        {
            return Ok(user);
        }
        let value = serde_json::from_str(text)
            .map_err(|error| Error::invalid_input("user", format!("is not JSON: {error}")))?;
        NewUser::from_json(value)
    }

    /// Sets `name`.
    pub fn name(mut self, name: impl Into<String>) -> NewUser {
        self.name = Some(name.into());
        self
    }

    /// Sets `avatar`.
    pub fn avatar(mut self, url: impl Into<String>) -> NewUser {
        self.avatar = Some(url.into());
        self
    }

    /// Adds one email address.
    pub fn email(mut self, email: Email) -> NewUser {
        self.emails.get_or_insert_with(Vec::new).push(email);
        self
    }

    /// Sets `first_name`.
    pub fn first_name(mut self, first_name: impl Into<String>) -> NewUser {
        self.first_name = Some(first_name.into());
        self
    }

    /// Sets `last_name`.
    pub fn last_name(mut self, last_name: impl Into<String>) -> NewUser {
        self.last_name = Some(last_name.into());
        self
    }

    /// Sets `languages`.
    pub fn languages<I, S>(mut self, languages: I) -> NewUser
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.languages = Some(languages.into_iter().map(Into::into).collect());
        self
    }

    /// Sets `nick_name`.
    pub fn nick_name(mut self, nick_name: impl Into<String>) -> NewUser {
        self.nick_name = Some(nick_name.into());
        self
    }

    /// Sets `password`.
    pub fn password(mut self, password: impl Into<SecretString>) -> NewUser {
        self.password = Some(password.into());
        self
    }

    /// Sets `remote_data`.
    pub fn remote_data(mut self, remote_data: Map<String, Value>) -> NewUser {
        self.remote_data = Some(remote_data);
        self
    }

    /// Sets `roles`: a [`RoleName`](super::RoleName) or a `Vec<Role>`.
    pub fn roles(mut self, roles: impl Into<Roles>) -> NewUser {
        self.roles = Some(roles.into());
        self
    }

    /// Sets `status`.
    pub fn status(mut self, status: UserStatus) -> NewUser {
        self.status = Some(status);
        self
    }

    /// Sets `team_ids`.
    pub fn team_ids<I, S>(mut self, team_ids: I) -> NewUser
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.team_ids = Some(team_ids.into_iter().map(Into::into).collect());
        self
    }

    /// Sets `user_type`.
    pub fn user_type(mut self, user_type: impl Into<String>) -> NewUser {
        self.user_type = Some(user_type.into());
        self
    }

    /// Sets `username`.
    pub fn username(mut self, username: impl Into<String>) -> NewUser {
        self.username = Some(username.into());
        self
    }

    /// Sets `custom_fields`.
    pub fn custom_fields(mut self, custom_fields: Map<String, Value>) -> NewUser {
        self.custom_fields = Some(custom_fields);
        self
    }

    /// Checks what can be checked without the server: non-empty strings without control
    /// characters, plausible emails, known enum values, a URL for `avatar`.
    pub fn validate(&self) -> Result<()> {
        let text_fields = [
            ("name", self.name.as_deref()),
            ("first_name", self.first_name.as_deref()),
            ("last_name", self.last_name.as_deref()),
            ("nick_name", self.nick_name.as_deref()),
            ("user_type", self.user_type.as_deref()),
            ("username", self.username.as_deref()),
            (
                "password",
                self.password.as_ref().map(SecretString::expose_secret),
            ),
        ];
        for (field, value) in text_fields {
            if let Some(value) = value {
                check_text(field, value)?;
            }
        }
        if let Some(avatar) = &self.avatar {
            check_text("avatar", avatar)?;
            check_url("avatar", avatar)?;
        }
        if let Some(emails) = &self.emails {
            if emails.is_empty() {
                return Err(Error::invalid_input(
                    "emails",
                    "give at least one email, or leave emails out",
                ));
            }
            for (index, email) in emails.iter().enumerate() {
                check_email(format_args!("emails[{index}].email"), &email.email)?;
                if let Some(kind) = &email.kind {
                    check_known(
                        format_args!("emails[{index}].type"),
                        kind.as_str(),
                        kind.is_unrecognized(),
                        super::EmailType::KNOWN,
                    )?;
                }
            }
        }
        for (field, list) in [("languages", &self.languages), ("team_ids", &self.team_ids)] {
            for (index, item) in list.iter().flatten().enumerate() {
                check_text(format_args!("{field}[{index}]"), item)?;
            }
        }
        match &self.roles {
            Some(Roles::Name(name)) => check_known(
                "roles",
                name.as_str(),
                name.is_unrecognized(),
                super::RoleName::KNOWN,
            )?,
            Some(Roles::List(roles)) => {
                for (index, role) in roles.iter().enumerate() {
                    match (&role.id, &role.name) {
                        (None, None) => {
                            return Err(Error::invalid_input(
                                format!("roles[{index}]"),
                                "a role needs an id or a name",
                            ));
                        }
                        (id, name) => {
                            if let Some(id) = id {
                                check_text(format_args!("roles[{index}].id"), id)?;
                            }
                            if let Some(name) = name {
                                check_text(format_args!("roles[{index}].name"), name)?;
                            }
                        }
                    }
                }
            }
            None => {}
        }
        if let Some(status) = &self.status {
            check_known(
                "status",
                status.as_str(),
                status.is_unrecognized(),
                super::UserStatus::KNOWN,
            )?;
        }
        Ok(())
    }
}

/// A sent string must carry something, fit in [`MAX_FIELD_LENGTH`] and hold no control
/// characters (they are never meaningful in these fields and break some providers).
///
/// The field is a `Display` so that a path such as `emails[0].email` is only written
/// out when it names an error: formatting it for every valid field cost three times
/// what the checks themselves cost.
pub(crate) fn check_text(field: impl fmt::Display, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(field.to_string(), "must not be empty"));
    }
    if value.len() > MAX_FIELD_LENGTH {
        return Err(Error::invalid_input(
            field.to_string(),
            format!(
                "is {} bytes long; the limit is {MAX_FIELD_LENGTH}",
                value.len()
            ),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_input(
            field.to_string(),
            "must not contain control characters",
        ));
    }
    Ok(())
}

fn check_email(field: impl fmt::Display, email: &str) -> Result<()> {
    check_text(&field, email)?;
    let well_formed = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if well_formed {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field.to_string(),
            "is not an email address (expected name@domain)",
        ))
    }
}

fn check_url(field: &str, value: &str) -> Result<()> {
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(()),
        _ => Err(Error::invalid_input(field, "must be an http(s) URL")),
    }
}

fn check_known(
    field: impl fmt::Display,
    value: &str,
    unrecognized: bool,
    known: &[&str],
) -> Result<()> {
    if unrecognized {
        Err(Error::invalid_input(
            field.to_string(),
            format!("'{value}' is not one of: {}", known.join(", ")),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_every_field_of_the_body() {
        let full = serde_json::json!({
            "name": "n", "avatar": "https://a.example/x.png", "emails": [{"email": "a@b.c"}],
            "first_name": "f", "last_name": "l", "languages": ["en"], "nick_name": "k",
            "password": "p", "remote_data": {}, "roles": "owner", "status": "active",
            "team_ids": ["t"], "user_type": "u", "username": "n", "custom_fields": {}
        });
        let sent = serde_json::to_value(NewUser::from_json(full).unwrap()).unwrap();
        let sent: Vec<&str> = sent
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(NewUser::field_names(), sent.as_slice());
    }
    use crate::models::{Email, Role, RoleName};
    use serde_json::json;

    fn field_of(result: Result<()>) -> String {
        result.unwrap_err().field().unwrap().to_owned()
    }

    #[test]
    fn json_text_reads_as_the_json_value_does() {
        let texts = [
            r#"{"name":"Ada","emails":[{"email":"ada@example.com","type":"work"}]}"#,
            r#"{"name":"Ada","roles":"owner","remote_data":{"a":[1,2.5,null,{"b":true}]}}"#,
            r#"{"name":"Ada","name":"Grace"}"#,
            r#"{"name":5}"#,
            r#"{"nme":"Ada"}"#,
            r#"{"emails":[{"email":1}]}"#,
            r#"["Ada"]"#,
            r#""Ada""#,
            "null",
        ];
        for text in texts {
            let from_value = NewUser::from_json(serde_json::from_str(text).unwrap());
            let from_text = NewUser::from_json_str(text);
            match (from_value, from_text) {
                (Ok(expected), Ok(user)) => assert_eq!(
                    serde_json::to_value(&user).unwrap(),
                    serde_json::to_value(&expected).unwrap(),
                    "{text}"
                ),
                (Err(expected), Err(error)) => {
                    assert_eq!(error.field(), expected.field(), "{text}");
                    assert_eq!(error.to_string(), expected.to_string(), "{text}");
                }
                (expected, got) => panic!("{text}: {expected:?} but {got:?}"),
            }
        }
    }

    #[test]
    fn json_text_that_is_not_json_names_the_user() {
        let error = NewUser::from_json_str(r#"{"name":"Ada""#).unwrap_err();
        assert_eq!(error.field(), Some("user"));
    }

    #[test]
    fn unset_fields_are_left_out() {
        let user = NewUser::new().name("Ada");
        assert_eq!(serde_json::to_value(&user).unwrap(), json!({"name": "Ada"}));
    }

    #[test]
    fn password_is_sent_but_never_printed() {
        let user = NewUser::new().password("correct horse battery");
        assert_eq!(
            serde_json::to_value(&user).unwrap(),
            json!({"password": "correct horse battery"})
        );
        assert!(!format!("{user:?}").contains("correct horse"));
    }

    #[test]
    fn validation_names_the_field() {
        assert_eq!(field_of(NewUser::new().name(" ").validate()), "name");
        let bad_email = NewUser::new()
            .email(Email::primary("ada@example.com"))
            .email(Email::other("no-at-sign"));
        assert_eq!(field_of(bad_email.validate()), "emails[1].email");
        assert_eq!(
            field_of(NewUser::new().avatar("not a url").validate()),
            "avatar"
        );
        assert_eq!(
            field_of(NewUser::new().roles(vec![Role::default()]).validate()),
            "roles[0]"
        );
        assert_eq!(
            field_of(NewUser::new().roles(RoleName::from("admin")).validate()),
            "roles"
        );
        assert_eq!(
            field_of(NewUser::new().username("a\u{0}b").validate()),
            "username"
        );
        let long = "x".repeat(MAX_FIELD_LENGTH + 1);
        assert_eq!(
            field_of(NewUser::new().last_name(long).validate()),
            "last_name"
        );
    }

    #[test]
    fn from_json_reads_every_field_as_the_path_tracking_reader_does() {
        // `from_json` reads without tracking the path first; both readers must agree.
        for body in [
            json!({
                "name": "Ada Lovelace",
                "avatar": "https://example.com/ada.png",
                "emails": [{"email": "ada@example.com", "type": "primary"}, {"email": "a@b.c"}],
                "first_name": "Ada",
                "last_name": "Lovelace",
                "languages": ["en", "fr"],
                "nick_name": "Ada",
                "password": "correct horse",
                "remote_data": {"tier": "gold", "tags": ["a", "b"], "nested": {"n": 1.5}},
                "roles": [{"id": "r-1", "name": "owner"}],
                "status": "active",
                "team_ids": ["t-1"],
                "user_type": "agent",
                "username": "ada",
                "custom_fields": {"z": null, "a": true},
            }),
            json!({"name": "Bare", "roles": "admin"}),
            json!({}),
        ] {
            let tracked: NewUser = serde_path_to_error::deserialize(body.clone()).expect("a user");
            assert_eq!(NewUser::from_json(body).expect("a user"), tracked);
        }
    }

    #[test]
    fn from_json_names_the_path_of_a_wrong_type() {
        let error = NewUser::from_json(json!({"emails": [{"email": 5}]})).unwrap_err();
        assert_eq!(error.field(), Some("emails[0].email"));
        let error = NewUser::from_json(json!({"nmae": "typo"})).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::InvalidInput);
        let error = NewUser::from_json(json!("just a string")).unwrap_err();
        assert_eq!(error.field(), Some("user"));
        let error = NewUser::from_json(json!(["Ada Lovelace"])).unwrap_err();
        assert_eq!(error.field(), Some("user"));
    }
}
