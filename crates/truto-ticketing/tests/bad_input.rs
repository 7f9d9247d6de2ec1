//! Bad input, as a table: every row is refused with `invalid_input` naming the field,
//! and the sandbox's request log proves nothing left the process.
//!
//! Rows reach the core the ways a caller's data does: user JSON through
//! `NewUser::from_json` (what every binding calls), call arguments and options, and
//! client settings through the builder.

use std::time::Duration;

use serde_json::{Value, json};
use truto_sandbox::{Sandbox, SandboxConfig};
use truto_ticketing::{
    Client, ClientBuilder, CollectionRef, CreateUserOptions, ErrorKind, MAX_FIELD_LENGTH, NewUser,
};

const ACCOUNT: &str = "sandbox-dixa";
const TEN_MIB: usize = 10 * 1024 * 1024;

/// Where a row's bad value goes in.
enum Input {
    /// The user's JSON (a valid base with some fields replaced), sent to `sandbox-dixa`.
    User(Value),
    /// This integrated account id, with a valid user.
    Account(String),
    /// A valid user, with these call options.
    Options(fn(&mut CreateUserOptions)),
    /// A client built from a working configuration changed by this.
    Client(fn(ClientBuilder) -> ClientBuilder),
}

struct Row {
    what: &'static str,
    input: Input,
    field: &'static str,
}

fn row(what: &'static str, input: Input, field: &'static str) -> Row {
    Row { what, input, field }
}

/// A valid user with `changes` over its fields.
fn user(changes: Value) -> Input {
    let mut body = json!({"name": "Ada Lovelace", "emails": [{"email": "ada@example.com"}]});
    for (key, value) in changes.as_object().expect("changes are an object") {
        body[key] = value.clone();
    }
    Input::User(body)
}

fn emails(list: Value) -> Input {
    user(json!({ "emails": list }))
}

// One row per line reads as a table; rustfmt would split each into five lines.
#[rustfmt::skip]
fn rows() -> Vec<Row> {
    use Input::{Account, Client, Options, User};
    let over_limit = "x".repeat(MAX_FIELD_LENGTH + 1);
    // 2049 two-byte characters: under the limit in characters, over it in bytes.
    let over_limit_in_bytes = "é".repeat(MAX_FIELD_LENGTH / 2 + 1);
    vec![
        // Wrong JSON types, including null where null cannot mean "leave it out".
        row("user is null", User(Value::Null), "user"),
        row("user is a number", User(json!(42)), "user"),
        row("name is a number", user(json!({"name": 5})), "name"),
        row("name is a list", user(json!({"name": ["Ada"]})), "name"),
        row("emails is a string", emails(json!("ada@example.com")), "emails"),
        row("an email is null", emails(json!([null])), "emails[0]"),
        row("an email's address is a number", emails(json!([{"email": 5}])), "emails[0].email"),
        row("an email's type is a boolean", emails(json!([{"email": "a@b.co", "type": true}])), "emails[0].type"),
        row("languages is a string", user(json!({"languages": "en"})), "languages"),
        row("team_ids holds a number", user(json!({"team_ids": ["t-1", 2]})), "team_ids[1]"),
        row("remote_data is a list", user(json!({"remote_data": [1]})), "remote_data"),
        row("custom_fields is a string", user(json!({"custom_fields": "x"})), "custom_fields"),
        row("roles is a boolean", user(json!({"roles": true})), "roles"),
        row("a role id is a number", user(json!({"roles": [{"id": 7}]})), "roles[0].id"),
        row("status is a number", user(json!({"status": 1})), "status"),
        row("password is a number", user(json!({"password": 12345})), "password"),
        row("user_type is an object", user(json!({"user_type": {}})), "user_type"),
        // Empty and whitespace-only strings.
        row("name is empty", user(json!({"name": ""})), "name"),
        row("first_name is blank", user(json!({"first_name": "   "})), "first_name"),
        row("last_name is tabs and newlines", user(json!({"last_name": "\t\n"})), "last_name"),
        row("nick_name is empty", user(json!({"nick_name": ""})), "nick_name"),
        row("username is a no-break space", user(json!({"username": "\u{a0}"})), "username"),
        row("user_type is empty", user(json!({"user_type": ""})), "user_type"),
        row("password is empty", user(json!({"password": ""})), "password"),
        row("emails is empty", emails(json!([])), "emails"),
        row("an email is empty", emails(json!([{"email": ""}])), "emails[0].email"),
        row("a language is empty", user(json!({"languages": ["en", ""]})), "languages[1]"),
        row("a team id is blank", user(json!({"team_ids": [" "]})), "team_ids[0]"),
        row("a role id is empty", user(json!({"roles": [{"id": "", "name": "agent"}]})), "roles[0].id"),
        row("a role name is blank", user(json!({"roles": [{"name": " "}]})), "roles[0].name"),
        // Too long.
        row("name is 10 MiB", user(json!({"name": "x".repeat(TEN_MIB)})), "name"),
        row("username is one byte over the limit", user(json!({"username": over_limit})), "username"),
        row("nick_name is over the limit in bytes", user(json!({"nick_name": over_limit_in_bytes})), "nick_name"),
        // Control characters.
        row("name holds NUL", user(json!({"name": "Ada\u{0}Lovelace"})), "name"),
        row("first_name holds an ANSI escape", user(json!({"first_name": "\u{1b}[31mAda"})), "first_name"),
        row("last_name holds CR LF", user(json!({"last_name": "Love\r\nX-Injected: 1"})), "last_name"),
        row("username holds DEL", user(json!({"username": "ada\u{7f}"})), "username"),
        row("a team id holds a C1 control", user(json!({"team_ids": ["t\u{85}1"]})), "team_ids[0]"),
        row("an email ends in a newline", emails(json!([{"email": "ada@example.com\n"}])), "emails[0].email"),
        row("password holds a bell", user(json!({"password": "pw\u{7}"})), "password"),
        // Not an email address.
        row("an email has no domain", emails(json!([{"email": "ada@"}])), "emails[0].email"),
        row("an email has two @", emails(json!([{"email": "a@b.co"}, {"email": "a@b@c"}])), "emails[1].email"),
        row("an email has a space", emails(json!([{"email": "ada lovelace@example.com"}])), "emails[0].email"),
        // Values outside the enums.
        row("email type is upper case", emails(json!([{"email": "a@b.co", "type": "PRIMARY"}])), "emails[0].type"),
        row("email type is empty", emails(json!([{"email": "a@b.co", "type": ""}])), "emails[0].type"),
        row("role name is capitalised", user(json!({"roles": "Owner"})), "roles"),
        row("role name is empty", user(json!({"roles": ""})), "roles"),
        row("status is upper case", user(json!({"status": "ACTIVE"})), "status"),
        row("status is disabled", user(json!({"status": "disabled"})), "status"),
        // Not an http(s) URL.
        row("avatar is ftp", user(json!({"avatar": "ftp://example.com/ada.png"})), "avatar"),
        row("avatar is javascript", user(json!({"avatar": "javascript:alert(1)"})), "avatar"),
        row("avatar is a relative path", user(json!({"avatar": "/img/ada.png"})), "avatar"),
        row("avatar is empty", user(json!({"avatar": ""})), "avatar"),
        // The integrated account id.
        row("account id is blank", Account(" \t".into()), "integrated_account_id"),
        row("account id ends in a newline", Account("sandbox-dixa\n".into()), "integrated_account_id"),
        row("account id is 10 MiB", Account("a".repeat(TEN_MIB)), "integrated_account_id"),
        // Call options.
        row("a collection id is blank", Options(|o| o.collections = vec![CollectionRef::new(" ")]), "collections[0].id"),
        row("a second collection id holds NUL", Options(|o| o.collections = vec![CollectionRef::new("1"), CollectionRef::new("2\u{0}")]), "collections[1].id"),
        row("an excluded field is empty", Options(|o| o.exclude_fields = vec!["etag".into(), "".into()]), "exclude_fields[1]"),
        row("idempotency key is empty", Options(|o| o.idempotency_key = Some(String::new())), "idempotency_key"),
        row("idempotency key is 256 characters", Options(|o| o.idempotency_key = Some("k".repeat(256))), "idempotency_key"),
        row("idempotency key is not ASCII", Options(|o| o.idempotency_key = Some("ключ".into())), "idempotency_key"),
        row("idempotency key holds a newline", Options(|o| o.idempotency_key = Some("key\nX-Injected: 1".into())), "idempotency_key"),
        row("call timeout is zero", Options(|o| o.timeout = Some(Duration::ZERO)), "timeout"),
        row("call header name has a space", Options(|o| o.headers = vec![("x trace".into(), "1".into())]), "headers.x trace"),
        row("call header value has a newline", Options(|o| o.headers = vec![("x-trace".into(), "1\r\nX-Injected: 1".into())]), "headers.x-trace"),
        row("call header is Authorization", Options(|o| o.headers = vec![("Authorization".into(), "Bearer other".into())]), "headers.Authorization"),
        row("call header is Idempotency-Key", Options(|o| o.headers = vec![("idempotency-key".into(), "k".into())]), "headers.idempotency-key"),
        // Client settings.
        row("token is empty", Client(|b| b.token("")), "token"),
        row("token is blank", Client(|b| b.token("   ")), "token"),
        row("token holds a space", Client(|b| b.token("tok en")), "token"),
        row("token holds NUL", Client(|b| b.token("tok\u{0}en")), "token"),
        row("base URL is empty", Client(|b| b.base_url("")), "base_url"),
        row("base URL is not a URL", Client(|b| b.base_url("api.truto.one")), "base_url"),
        row("base URL is ftp", Client(|b| b.base_url("ftp://api.truto.one")), "base_url"),
        row("base URL is plain http to a remote host", Client(|b| b.base_url("http://api.truto.one")), "base_url"),
        row("base URL is plain http to a private address", Client(|b| b.base_url("http://10.0.0.1:8080")), "base_url"),
        row("base URL is plain http to a localhost lookalike", Client(|b| b.base_url("http://localhost.example.com")), "base_url"),
        row("base URL is plain http to 127.0.0.1 as a domain", Client(|b| b.base_url("http://127.0.0.1.nip.io")), "base_url"),
        row("base URL carries credentials", Client(|b| b.base_url("https://user:pw@api.truto.one")), "base_url"),
        row("base URL has a query", Client(|b| b.base_url("https://api.truto.one/?debug=1")), "base_url"),
        row("base URL has a fragment", Client(|b| b.base_url("https://api.truto.one/#x")), "base_url"),
        row("timeout is zero", Client(|b| b.timeout(Duration::ZERO)), "timeout"),
        row("connect timeout is zero", Client(|b| b.connect_timeout(Duration::ZERO)), "connect_timeout"),
        row("default header is Host", Client(|b| b.default_header("Host", "evil.example.com")), "headers.Host"),
        row("default header value holds NUL", Client(|b| b.default_header("x-team", "a\u{0}b")), "headers.x-team"),
    ]
}

/// Runs one row: the error it gives, or `None` if it was accepted.
async fn attempt(sandbox: &Sandbox, input: Input) -> Option<truto_ticketing::Error> {
    let builder = Client::builder()
        .token(sandbox.token())
        .base_url(sandbox.url())
        .max_retries(0);
    let valid =
        NewUser::from_json(json!({"name": "Ada", "emails": [{"email": "ada@example.com"}]}))
            .expect("the base user is valid");
    let result = match input {
        Input::User(body) => match NewUser::from_json(body) {
            Ok(new_user) => {
                let client = builder.build().expect("client");
                client.create_user(ACCOUNT, &new_user).await.map(drop)
            }
            Err(error) => Err(error),
        },
        Input::Account(account) => {
            let client = builder.build().expect("client");
            client.create_user(&account, &valid).await.map(drop)
        }
        Input::Options(change) => {
            let client = builder.build().expect("client");
            let mut options = CreateUserOptions::default();
            change(&mut options);
            client
                .create_user(ACCOUNT, &valid)
                .options(options)
                .await
                .map(drop)
        }
        Input::Client(change) => match change(builder).build() {
            Ok(client) => client.create_user(ACCOUNT, &valid).await.map(drop),
            Err(error) => Err(error),
        },
    };
    result.err()
}

#[tokio::test]
async fn every_bad_input_is_refused_naming_the_field_and_nothing_is_sent() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let mut failures = Vec::new();
    for Row { what, input, field } in rows() {
        let problem = match attempt(&sandbox, input).await {
            None => Some("accepted".to_owned()),
            Some(error) if error.kind() != ErrorKind::InvalidInput => Some(format!(
                "{} instead of invalid_input: {error}",
                error.kind()
            )),
            Some(error) if error.field() != Some(field) => Some(format!(
                "field {:?}, expected {field:?}: {error}",
                error.field()
            )),
            Some(error) if !error.message().starts_with(field) || error.attempts() != 0 => {
                Some(format!("message or attempts wrong: {error:?}"))
            }
            Some(_) => None,
        };
        let sent = sandbox.requests();
        if let Some(problem) = problem {
            failures.push(format!("{what}: {problem}"));
        }
        if !sent.is_empty() {
            failures.push(format!(
                "{what}: {} request(s) reached the sandbox",
                sent.len()
            ));
            sandbox.reset();
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));

    // The log is live: the valid user every row was built from does reach it.
    let valid =
        NewUser::from_json(json!({"name": "Ada", "emails": [{"email": "ada@example.com"}]}))
            .unwrap();
    let client = Client::builder()
        .token(sandbox.token())
        .base_url(sandbox.url())
        .build()
        .unwrap();
    client.create_user(ACCOUNT, &valid).await.expect("created");
    assert_eq!(sandbox.requests().len(), 1);
}

/// `HeaderValue::from_str` accepts bytes 0x80-0xFF, so a token pasted with typographic
/// quotes would be sent (and answered 401): the core refuses it before sending.
#[tokio::test]
async fn a_token_that_is_not_ascii_is_refused_before_sending() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let error = attempt(
        &sandbox,
        Input::Client(|b| b.token("\u{201c}sandbox-token\u{201d}")),
    )
    .await
    .expect("refused");
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert_eq!(error.field(), Some("token"));
    assert!(sandbox.requests().is_empty(), "the token was sent");
}
