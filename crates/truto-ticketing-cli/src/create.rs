//! `truto-ticketing users create`: one user, printed as JSON.

use clap::Args;
use serde_json::{Map, Value, json};
use truto_ticketing::{ErrorKind, NewUser};

use crate::connection::Connection;
use crate::{ConnectionArgs, SOME_FAILED, SUCCESS, USAGE};

#[derive(Args)]
pub(crate) struct CreateArgs {
    /// The integrated account the user is created in.
    #[arg(long, value_name = "ID")]
    account: String,
    /// Full name.
    #[arg(long)]
    name: Option<String>,
    /// An email address (the first is the primary one); repeat for more.
    #[arg(long = "email", value_name = "EMAIL")]
    emails: Vec<String>,
    /// Given name.
    #[arg(long)]
    first_name: Option<String>,
    /// Family name.
    #[arg(long)]
    last_name: Option<String>,
    /// Login name.
    #[arg(long)]
    username: Option<String>,
    /// A role name (owner, member, viewer).
    #[arg(long)]
    role: Option<String>,
    /// A team to add the user to; repeat for more.
    #[arg(long = "team-id", value_name = "ID")]
    team_ids: Vec<String>,
    /// `active` or `inactive`.
    #[arg(long)]
    status: Option<String>,
    /// Any other fields, as a JSON object in Truto's field names (the flags above win).
    #[arg(long, value_name = "JSON")]
    fields: Option<String>,
    /// The Idempotency-Key (default: a fresh one).
    #[arg(long, value_name = "KEY")]
    idempotency_key: Option<String>,
    #[command(flatten)]
    connection: ConnectionArgs,
}

pub(crate) async fn run(args: CreateArgs) -> u8 {
    let user = match new_user(&args) {
        Ok(user) => user,
        Err(error) => return report(&error),
    };
    let connection = match Connection::open(&args.connection, None).await {
        Ok(connection) => connection,
        Err(message) => {
            eprintln!("truto-ticketing: {message}");
            return USAGE;
        }
    };
    let mut request = connection.client.create_user(&args.account, &user);
    if let Some(key) = &args.idempotency_key {
        request = request.idempotency_key(key);
    }
    match request.await {
        Ok(user) => {
            let text = serde_json::to_string_pretty(&user).unwrap_or_default();
            println!("{text}");
            SUCCESS
        }
        Err(error) => report(&error),
    }
}

/// The user the flags describe, read by the core (which names a bad field).
fn new_user(args: &CreateArgs) -> truto_ticketing::Result<NewUser> {
    let mut fields: Map<String, Value> = match &args.fields {
        Some(text) => serde_json::from_str(text).map_err(|error| {
            truto_ticketing::Error::invalid_input(
                "fields",
                format!("is not a JSON object: {error}"),
            )
        })?,
        None => Map::new(),
    };
    let mut set = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            fields.insert(key.to_owned(), value);
        }
    };
    set("name", args.name.clone().map(Value::from));
    set("first_name", args.first_name.clone().map(Value::from));
    set("last_name", args.last_name.clone().map(Value::from));
    set("username", args.username.clone().map(Value::from));
    set("roles", args.role.clone().map(Value::from));
    set("status", args.status.clone().map(Value::from));
    if !args.team_ids.is_empty() {
        set("team_ids", Some(json!(args.team_ids)));
    }
    if !args.emails.is_empty() {
        let emails: Vec<Value> = args
            .emails
            .iter()
            .enumerate()
            .map(|(index, email)| {
                let kind = if index == 0 { "primary" } else { "other" };
                json!({"email": email, "type": kind})
            })
            .collect();
        set("emails", Some(Value::Array(emails)));
    }
    NewUser::from_json(Value::Object(fields))
}

/// Prints a failed call: the message on stderr, the error's JSON on stdout.
pub(crate) fn report(error: &truto_ticketing::Error) -> u8 {
    eprintln!("truto-ticketing: {error}");
    println!("{}", error.to_json());
    if error.kind() == ErrorKind::InvalidInput {
        USAGE
    } else {
        SOME_FAILED
    }
}
