//! What each provider would plausibly return for a new user: the record that
//! becomes `remote_data` (and the whole body of a `raw` answer).
//!
//! The shapes follow each provider's public API closely enough to look real
//! (Dixa's camelCase, Teamwork's hyphenated keys, Planhat's `_id`); they are
//! not meant to be complete.

use serde_json::{Map, Value, json};

use crate::accounts::Integration;
use crate::ids;

/// The facts about the new user that a provider record is made of.
pub(crate) struct Facts<'a> {
    pub(crate) body: &'a Map<String, Value>,
    /// A seeded user's own id; otherwise the provider mints one.
    pub(crate) id: Option<&'a str>,
    /// Pivotal Tracker's project, from the `collections` query parameter.
    pub(crate) collection_id: Option<&'a str>,
    pub(crate) now: &'a str,
    pub(crate) active: bool,
}

impl Facts<'_> {
    fn text(&self, field: &str) -> Option<&str> {
        self.body
            .get(field)
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
    }

    fn emails(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.body
            .get("emails")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|email| {
                let address = email.get("email")?.as_str()?;
                Some((address, email.get("type").and_then(Value::as_str)))
            })
    }

    /// The `primary` address, else the first one.
    fn primary_email(&self) -> Option<&str> {
        self.emails()
            .find(|(_, kind)| *kind == Some("primary"))
            .or_else(|| self.emails().next())
            .map(|(address, _)| address)
    }

    fn other_emails(&self) -> Vec<&str> {
        let primary = self.primary_email();
        self.emails()
            .map(|(address, _)| address)
            .filter(|address| Some(*address) != primary)
            .collect()
    }

    fn full_name(&self) -> Option<String> {
        if let Some(name) = self.text("name") {
            return Some(name.to_owned());
        }
        let parts: Vec<&str> = [self.text("first_name"), self.text("last_name")]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    fn role_name(&self) -> Option<&str> {
        match self.body.get("roles")? {
            Value::String(name) => Some(name.as_str()).filter(|name| !name.is_empty()),
            Value::Array(roles) => roles.iter().find_map(|role| {
                role.get("name")
                    .or_else(|| role.get("id"))
                    .and_then(Value::as_str)
            }),
            _ => None,
        }
    }

    fn team_ids(&self) -> Value {
        self.body
            .get("team_ids")
            .filter(|teams| teams.is_array())
            .cloned()
            .unwrap_or_else(|| json!([]))
    }
}

/// Numeric providers write ids as JSON numbers; a seeded id that is not a
/// number stays a string.
fn numeric(id: &str) -> Value {
    id.parse::<u64>()
        .map_or_else(|_| json!(id), |number| json!(number))
}

/// A new id, as this provider would mint it (a UUID for accounts that are
/// no integration).
pub(crate) fn mint_id(integration: Option<Integration>) -> String {
    match integration {
        None | Some(Integration::Dixa | Integration::Freshchat) => ids::uuid(),
        Some(
            Integration::Gorgias
            | Integration::PivotalTracker
            | Integration::Reamaze
            | Integration::SolarWindsServiceDesk
            | Integration::Teamwork,
        ) => ids::next_number().to_string(),
        Some(Integration::Hive) => ids::alphanumeric(17),
        Some(Integration::Planhat) => ids::object_id(),
        Some(Integration::QualtricsCoreXm) => format!("UR_{}", ids::alphanumeric(15)),
    }
}

/// Whether [`mint_id`] makes decimal numbers (written as JSON numbers in
/// some records).
pub(crate) fn mints_numbers(integration: Option<Integration>) -> bool {
    matches!(
        integration,
        Some(
            Integration::Gorgias
                | Integration::PivotalTracker
                | Integration::Reamaze
                | Integration::SolarWindsServiceDesk
                | Integration::Teamwork
        )
    )
}

/// The provider's id for the new user (the unified `id`: the seeded one,
/// or a fresh one) and its record. Accounts that are no integration (the
/// read-only one) get a bare record.
pub(crate) fn record(
    integration: Option<Integration>,
    facts: &Facts<'_>,
) -> (String, Map<String, Value>) {
    let id = facts.id.map_or_else(|| mint_id(integration), str::to_owned);
    let record = match integration {
        None => json!({ "id": id }),
        Some(Integration::Dixa) => dixa(&id, facts),
        Some(Integration::Freshchat) => freshchat(&id, facts),
        Some(Integration::Gorgias) => gorgias(&id, facts),
        Some(Integration::Hive) => hive(&id, facts),
        Some(Integration::PivotalTracker) => pivotal_tracker(&id, facts),
        Some(Integration::Planhat) => planhat(&id, facts),
        Some(Integration::QualtricsCoreXm) => qualtrics(&id, facts),
        Some(Integration::Reamaze) => reamaze(&id, facts),
        Some(Integration::SolarWindsServiceDesk) => solarwinds(&id, facts),
        Some(Integration::Teamwork) => teamwork(&id, facts),
    };
    // Providers answer null for what they were not told, so the nulls stay
    // in the raw record; the unified user is what omits them.
    match record {
        Value::Object(record) => (id, record),
        _ => (id, Map::new()),
    }
}

fn dixa(id: &str, facts: &Facts<'_>) -> Value {
    json!({
        "id": id,
        "createdAt": facts.now,
        "displayName": facts.full_name(),
        "email": facts.primary_email(),
        "avatarUrl": facts.text("avatar"),
        "phoneNumber": null,
        "additionalEmails": facts.other_emails(),
        "additionalPhoneNumbers": [],
        "firstName": facts.text("first_name"),
        "lastName": facts.text("last_name"),
        "middleNames": [],
        "roles": facts.role_name().map(|role| vec![role.to_uppercase()]).unwrap_or_default(),
    })
}

fn freshchat(id: &str, facts: &Facts<'_>) -> Value {
    json!({
        "id": id,
        "email": facts.primary_email(),
        "first_name": facts.text("first_name").or(facts.text("nick_name")),
        "last_name": facts.text("last_name"),
        "nick_name": facts.text("nick_name"),
        "avatar": {"url": facts.text("avatar")},
        "biography": null,
        "groups": facts.team_ids(),
        "role_id": match facts.role_name() {
            Some("owner") => "ACCOUNT_OWNER",
            Some("viewer") => "AGENT_READONLY",
            _ => "AGENT",
        },
        "is_deactivated": !facts.active,
        "locale": "en",
        "created_time": facts.now,
    })
}

fn gorgias(id: &str, facts: &Facts<'_>) -> Value {
    json!({
        "id": numeric(id),
        "email": facts.primary_email(),
        "name": facts.full_name(),
        "firstname": facts.text("first_name"),
        "lastname": facts.text("last_name"),
        "active": facts.active,
        "bio": null,
        "role": {"name": facts.role_name().unwrap_or("agent")},
        "created_datetime": facts.now,
        "updated_datetime": facts.now,
        "meta": {},
    })
}

fn hive(id: &str, facts: &Facts<'_>) -> Value {
    json!({
        "id": id,
        "email": facts.primary_email(),
        "fullName": facts.full_name(),
        "username": facts.text("username"),
        "profile": {
            "firstName": facts.text("first_name"),
            "lastName": facts.text("last_name"),
            "photo": facts.text("avatar"),
        },
        "createdAt": facts.now,
    })
}

fn pivotal_tracker(id: &str, facts: &Facts<'_>) -> Value {
    let name = facts.full_name();
    let initials: String = name
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|word| word.chars().next())
        .flat_map(char::to_uppercase)
        .collect();
    let project_id = facts.collection_id.map(|id| {
        id.parse::<u64>()
            .map_or_else(|_| json!(id), |number| json!(number))
    });
    json!({
        "kind": "project_membership",
        "id": ids::next_number(),
        "project_id": project_id,
        "role": facts.role_name().unwrap_or("member"),
        "person": {
            "kind": "person",
            "id": numeric(id),
            "name": name,
            "email": facts.primary_email(),
            "initials": initials,
            "username": facts.text("username"),
        },
        "created_at": facts.now,
    })
}

fn planhat(id: &str, facts: &Facts<'_>) -> Value {
    json!({
        "_id": id,
        "email": facts.primary_email(),
        "firstName": facts.text("first_name"),
        "lastName": facts.text("last_name"),
        "nickName": facts.text("nick_name"),
        "image": {"path": facts.text("avatar")},
        "isActive": facts.active,
        "roles": facts.role_name().map(|role| vec![role]).unwrap_or_default(),
        "createDate": facts.now,
    })
}

fn qualtrics(id: &str, facts: &Facts<'_>) -> Value {
    let language = facts
        .body
        .get("languages")
        .and_then(Value::as_array)
        .and_then(|languages| languages.first())
        .and_then(Value::as_str);
    json!({
        "id": id,
        "username": facts.text("username"),
        "email": facts.primary_email(),
        "firstName": facts.text("first_name"),
        "lastName": facts.text("last_name"),
        "userType": facts.text("user_type"),
        "language": language,
        "accountStatus": if facts.active { "active" } else { "disabled" },
        "divisionId": null,
        "accountCreationDate": facts.now,
    })
}

fn reamaze(id: &str, facts: &Facts<'_>) -> Value {
    json!({
        "id": numeric(id),
        "name": facts.full_name(),
        "email": facts.primary_email(),
        "created_at": facts.now,
    })
}

fn solarwinds(id: &str, facts: &Facts<'_>) -> Value {
    json!({
        "id": numeric(id),
        "name": facts.full_name(),
        "email": facts.primary_email(),
        "disabled": !facts.active,
        "avatar": {"type": "external", "color": null, "initials": null, "url": facts.text("avatar")},
        "role": {"name": facts.role_name().unwrap_or("Requester")},
        "group_ids": facts.team_ids(),
        "created_at": facts.now,
        "updated_at": facts.now,
    })
}

fn teamwork(id: &str, facts: &Facts<'_>) -> Value {
    // Teamwork's v1 API spells ids as strings and keys with hyphens.
    json!({
        "id": id,
        "first-name": facts.text("first_name"),
        "last-name": facts.text("last_name"),
        "user-name": facts.text("username").or(facts.primary_email()),
        "email-address": facts.primary_email(),
        "avatar-url": facts.text("avatar"),
        "administrator": facts.role_name() == Some("owner"),
        "created-at": facts.now,
        "last-changed-on": facts.now,
    })
}
