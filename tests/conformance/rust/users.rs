//! The runner's calls of list, get, update and delete (`call.method`), and the checks of a
//! listing's result.

use std::time::{Duration, SystemTime};

use libtest_mimic::Failed;
use serde_json::{Value, json};
use truto_ticketing::time::OffsetDateTime;
use truto_ticketing::time::format_description::well_known::Rfc3339;
use truto_ticketing::{
    CallOptions, Client, CollectionRef, ListUsersOptions, NewUser, SortOrder, TimeBounds,
};

use super::{Outcome, ResultShape, ensure};

/// A case's `options` as the options every users call takes.
pub fn call_options(given: &Value) -> CallOptions {
    let mut options = CallOptions::default();
    options.ignore_remote_data = given["ignore_remote_data"] == true;
    options.exclude_fields = strings(&given["exclude_fields"]);
    options.remote_query = given["remote_query"].as_object().cloned();
    options.timeout = given["timeout_ms"].as_u64().map(Duration::from_millis);
    options.max_retries = given["max_retries"].as_u64().map(|n| n as u32);
    options
}

pub fn collections(given: &Value) -> Vec<CollectionRef> {
    given["collections"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|collection| CollectionRef::new(collection["id"].as_str().unwrap()))
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| item.as_str().unwrap().to_owned())
        .collect()
}

fn instant(value: &Value) -> Option<SystemTime> {
    let text = value.as_str()?;
    Some(
        OffsetDateTime::parse(text, &Rfc3339)
            .expect("an RFC 3339 bound")
            .into(),
    )
}

fn bounds(given: &Value) -> TimeBounds {
    let mut bounds = TimeBounds::default();
    bounds.gt = instant(&given["gt"]);
    bounds.gte = instant(&given["gte"]);
    bounds.lt = instant(&given["lt"]);
    bounds.lte = instant(&given["lte"]);
    bounds
}

fn list_options(given: &Value) -> ListUsersOptions {
    let mut options = ListUsersOptions::default();
    options.limit = given["limit"].as_u64().map(|n| n as u32);
    options.cursor = given["cursor"].as_str().map(str::to_owned);
    options.emails = strings(&given["emails"]);
    options.name = given["name"].as_str().map(str::to_owned);
    options.is_active = given["is_active"].as_bool();
    options.created_at = bounds(&given["created_at"]);
    options.updated_at = bounds(&given["updated_at"]);
    options.sort_by = given["sort_by"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|sort| {
            let order = match sort["order"].as_str() {
                Some("desc") => SortOrder::Desc,
                _ => SortOrder::Asc,
            };
            (sort["field"].as_str().unwrap().to_owned(), order)
        })
        .collect();
    options.collections = collections(given);
    options.call = call_options(given);
    options
}

/// `list`: every page (or the first `pages`; with `resume`, the rest from the last page's
/// cursor, through a new listing).
pub async fn list(client: &Client, call: &Value) -> Outcome {
    let account = call["integrated_account_id"].as_str().unwrap();
    let options = list_options(&call["options"]);
    let mut users = Vec::new();
    let mut page_sizes = Vec::new();
    let mut pages = client.list_users_with(account, options.clone()).pages();
    let mut last_cursor = None;
    let mut read = 0;
    loop {
        if call["pages"].as_u64().is_some_and(|limit| read >= limit) {
            break;
        }
        match pages.next_page().await {
            Ok(Some(page)) => {
                read += 1;
                page_sizes.push(page.users.len());
                last_cursor = page.next_cursor.clone();
                users.extend(page.users);
            }
            Ok(None) => break,
            Err(error) => return Outcome::Failure(error),
        }
    }
    if call["resume"] == true
        && let Some(cursor) = last_cursor
    {
        let mut resumed = options;
        resumed.cursor = Some(cursor);
        let mut pages = client.list_users_with(account, resumed).pages();
        loop {
            match pages.next_page().await {
                Ok(Some(page)) => {
                    page_sizes.push(page.users.len());
                    users.extend(page.users);
                }
                Ok(None) => break,
                Err(error) => return Outcome::Failure(error),
            }
        }
    }
    Outcome::Success(
        serde_json::to_value(users).unwrap(),
        ResultShape::Users { page_sizes },
    )
}

pub async fn get(client: &Client, call: &Value) -> Outcome {
    let account = call["integrated_account_id"].as_str().unwrap();
    let id = call["id"].as_str().unwrap();
    match client
        .get_user_with(account, id, &call_options(&call["options"]))
        .await
    {
        Ok(user) => Outcome::Success(serde_json::to_value(user).unwrap(), ResultShape::User),
        Err(error) => Outcome::Failure(error),
    }
}

pub async fn update(client: &Client, call: &Value) -> Outcome {
    let account = call["integrated_account_id"].as_str().unwrap();
    let id = call["id"].as_str().unwrap();
    let changes = match NewUser::from_json(call["user"].clone()) {
        Ok(changes) => changes,
        Err(error) => return Outcome::Failure(error),
    };
    let given = &call["options"];
    let key = given["idempotency_key"].as_str();
    match client
        .update_user_with(account, id, &changes, key, &call_options(given))
        .await
    {
        Ok(user) => Outcome::Success(serde_json::to_value(user).unwrap(), ResultShape::User),
        Err(error) => Outcome::Failure(error),
    }
}

pub async fn delete(client: &Client, call: &Value) -> Outcome {
    let account = call["integrated_account_id"].as_str().unwrap();
    let id = call["id"].as_str().unwrap();
    match client
        .delete_user_with(account, id, &call_options(&call["options"]))
        .await
    {
        Ok(id) => Outcome::Success(json!(id), ResultShape::Deleted),
        Err(error) => Outcome::Failure(error),
    }
}

/// `count`, `user_names` (every user's name, in order), `page_sizes` and `users` (a subset
/// per user, same length).
pub fn check_listing(expect: &Value, users: &Value, page_sizes: &[usize]) -> Result<(), Failed> {
    let users = users.as_array().ok_or("a listing is an array")?;
    if let Some(count) = expect["count"].as_u64() {
        ensure(users.len() as u64 == count, || {
            format!("listed {} users, expected {count}", users.len())
        })?;
    }
    if let Some(names) = expect.get("user_names") {
        let got: Vec<&Value> = users.iter().map(|user| &user["name"]).collect();
        ensure(json!(got) == *names, || {
            format!("listed {got:?}, expected {names}")
        })?;
    }
    if let Some(sizes) = expect.get("page_sizes") {
        ensure(json!(page_sizes) == *sizes, || {
            format!("pages of {page_sizes:?}, expected {sizes}")
        })?;
    }
    if let Some(subset) = expect.get("users") {
        super::matches_subset(subset, &Value::Array(users.clone()), "$")?;
    }
    Ok(())
}
