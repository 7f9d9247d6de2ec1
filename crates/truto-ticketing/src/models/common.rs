//! Value types shared by what is sent and what comes back.

use serde::{Deserialize, Serialize};

use super::string_enum::string_enum;

string_enum! {
    /// The kind of an email address.
    EmailType {
        /// The user's main address.
        Primary => "primary",
        /// Any other address.
        Other => "other",
    }
}

string_enum! {
    /// A role name Truto's unified model knows.
    RoleName {
        /// Full control of the account.
        Owner => "owner",
        /// A regular member.
        Member => "member",
        /// Read-only access.
        Viewer => "viewer",
    }
}

string_enum! {
    /// Whether a new user starts active.
    UserStatus {
        /// The user can sign in.
        Active => "active",
        /// The user is created disabled.
        Inactive => "inactive",
    }
}

/// An email address and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The address.
    pub email: String,
    /// `primary` or `other` (an unknown kind from a provider is kept as sent).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<EmailType>,
}

impl Email {
    /// The user's primary address.
    pub fn primary(email: impl Into<String>) -> Email {
        Email {
            email: email.into(),
            kind: Some(EmailType::Primary),
        }
    }

    /// A secondary address.
    pub fn other(email: impl Into<String>) -> Email {
        Email {
            email: email.into(),
            kind: Some(EmailType::Other),
        }
    }
}

/// A role as Truto's schema describes it: `{id, name}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Role {
    /// The provider's role id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The role's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Role {
    /// A role known by its provider id.
    pub fn with_id(id: impl Into<String>) -> Role {
        Role {
            id: Some(id.into()),
            name: None,
        }
    }

    /// A role known by its name.
    pub fn with_name(name: impl Into<String>) -> Role {
        Role {
            id: None,
            name: Some(name.into()),
        }
    }
}

/// The roles of a new user. Truto's reference example sends one role name as a string
/// while its schema describes a list of `{id, name}`; both are accepted and sent as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Roles {
    /// One role name, sent as a bare string (`"roles": "owner"`).
    Name(RoleName),
    /// A list of roles, sent as `[{"id": ..., "name": ...}]`.
    List(Vec<Role>),
}

impl<'de> Deserialize<'de> for Roles {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Roles, D::Error> {
        struct RolesVisitor;

        impl<'de> serde::de::Visitor<'de> for RolesVisitor {
            type Value = Roles;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a role name (owner, member, viewer) or a list of {id, name} roles")
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Roles, E> {
                Ok(Roles::Name(RoleName::from(name)))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Roles, A::Error> {
                let deserializer = serde::de::value::SeqAccessDeserializer::new(seq);
                Vec::<Role>::deserialize(deserializer).map(Roles::List)
            }
        }

        deserializer.deserialize_any(RolesVisitor)
    }
}

impl From<RoleName> for Roles {
    fn from(name: RoleName) -> Roles {
        Roles::Name(name)
    }
}

impl From<Vec<Role>> for Roles {
    fn from(roles: Vec<Role>) -> Roles {
        Roles::List(roles)
    }
}

/// A reference to a collection (a project, for Pivotal Tracker), sent as the
/// `collections` query parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionRef {
    /// The collection's id.
    pub id: String,
}

impl CollectionRef {
    /// A collection by id.
    pub fn new(id: impl Into<String>) -> CollectionRef {
        CollectionRef { id: id.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_enum_values_are_kept() {
        let email: Email = serde_json::from_str(r#"{"email":"a@b.c","type":"work"}"#).unwrap();
        assert_eq!(email.kind, Some(EmailType::Unrecognized("work".into())));
        assert_eq!(
            serde_json::to_string(&email).unwrap(),
            r#"{"email":"a@b.c","type":"work"}"#
        );
    }

    #[test]
    fn roles_accept_one_name_or_a_list() {
        let one: Roles = serde_json::from_str(r#""owner""#).unwrap();
        assert_eq!(one, Roles::Name(RoleName::Owner));
        let list: Roles = serde_json::from_str(r#"[{"id":"7","name":"agent"}]"#).unwrap();
        assert_eq!(
            list,
            Roles::List(vec![Role {
                id: Some("7".into()),
                name: Some("agent".into())
            }])
        );
        assert_eq!(serde_json::to_string(&one).unwrap(), r#""owner""#);
        let wrong = serde_json::from_str::<Roles>("5").unwrap_err().to_string();
        assert!(
            wrong.contains("a role name (owner, member, viewer) or a list"),
            "{wrong}"
        );
    }
}
