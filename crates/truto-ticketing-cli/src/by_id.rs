//! `truto-ticketing users get|update|delete ID --account A`: one user, printed as JSON.

use clap::Args;
use serde_json::json;
use truto_ticketing::NewUser;

use crate::connection::Connection;
use crate::create::report;
use crate::{ConnectionArgs, SUCCESS, USAGE};

/// The user a command acts on.
#[derive(Args)]
pub(crate) struct Target {
    /// The user's id in the integrated account's tool.
    id: String,
    /// The integrated account.
    #[arg(long, value_name = "ID")]
    account: String,
    #[command(flatten)]
    connection: ConnectionArgs,
}

#[derive(Args)]
pub(crate) struct UpdateArgs {
    #[command(flatten)]
    target: Target,
    /// The fields to change, as a JSON object in Truto's field names; the others keep
    /// their value.
    #[arg(long, value_name = "JSON")]
    fields: String,
    /// The Idempotency-Key (default: a fresh one).
    #[arg(long, value_name = "KEY")]
    idempotency_key: Option<String>,
}

async fn connect(target: &Target) -> Result<Connection, u8> {
    Connection::open(&target.connection, None)
        .await
        .map_err(|message| {
            eprintln!("truto-ticketing: {message}");
            USAGE
        })
}

fn print(value: &impl serde::Serialize) -> u8 {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
    SUCCESS
}

/// Prints the user.
pub(crate) async fn get(target: Target) -> u8 {
    let connection = match connect(&target).await {
        Ok(connection) => connection,
        Err(status) => return status,
    };
    match connection
        .client
        .get_user(&target.account, &target.id)
        .await
    {
        Ok(user) => print(&user),
        Err(error) => report(&error),
    }
}

/// Changes the given fields and prints the updated user.
pub(crate) async fn update(args: UpdateArgs) -> u8 {
    let changes = serde_json::from_str(&args.fields)
        .map_err(|error| {
            truto_ticketing::Error::invalid_input("fields", format!("is not JSON: {error}"))
        })
        .and_then(NewUser::from_json);
    let changes = match changes {
        Ok(changes) => changes,
        Err(error) => return report(&error),
    };
    let connection = match connect(&args.target).await {
        Ok(connection) => connection,
        Err(status) => return status,
    };
    let mut request =
        connection
            .client
            .update_user(&args.target.account, &args.target.id, &changes);
    if let Some(key) = &args.idempotency_key {
        request = request.idempotency_key(key);
    }
    match request.await {
        Ok(user) => print(&user),
        Err(error) => report(&error),
    }
}

/// Deletes the user and prints `{"id": ...}`.
pub(crate) async fn delete(target: Target) -> u8 {
    let connection = match connect(&target).await {
        Ok(connection) => connection,
        Err(status) => return status,
    };
    match connection
        .client
        .delete_user(&target.account, &target.id)
        .await
    {
        Ok(id) => print(&json!({ "id": id })),
        Err(error) => report(&error),
    }
}
