//! Creates a user and prints it.
//!
//! With no `TRUTO_API_TOKEN` set, it starts the embedded sandbox (a local,
//! Truto-compatible server) and creates the user there, so it runs offline:
//!
//!     cargo run --example create_user
//!
//! Against Truto itself:
//!
//!     TRUTO_API_TOKEN=... cargo run --example create_user -- <integrated-account-id>
//!
//! `TRUTO_LOG=debug` prints every HTTP attempt.

use truto_ticketing::{Client, Email, NewUser, RoleName};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Ok(level) = std::env::var("TRUTO_LOG") {
        tracing_subscriber::fmt()
            .with_env_filter(format!("truto_ticketing={level}"))
            .with_writer(std::io::stderr)
            .init();
    }

    // Keep the sandbox alive for as long as the client talks to it.
    let (client, account, _sandbox) = match std::env::var("TRUTO_API_TOKEN") {
        Ok(token) if !token.trim().is_empty() => {
            let account = std::env::args()
                .nth(1)
                .ok_or("usage: create_user <integrated-account-id>")?;
            (Client::builder().token(token).build()?, account, None)
        }
        _ => {
            // HTTPS, as Truto is: the client trusts the CA the sandbox made at start.
            let config = truto_sandbox::SandboxConfig {
                tls: true,
                ..Default::default()
            };
            let sandbox = truto_sandbox::Sandbox::start(config).await?;
            eprintln!(
                "TRUTO_API_TOKEN is not set: using the embedded sandbox at {}",
                sandbox.url()
            );
            let ca = sandbox.ca_pem().unwrap_or_default().as_bytes();
            let client = Client::builder()
                .token(sandbox.token())
                .base_url(sandbox.url())
                .add_root_certificates(truto_ticketing::Certificate::from_pem_bundle(ca)?)
                .build()?;
            (client, "sandbox-dixa".to_owned(), Some(sandbox))
        }
    };

    let new_user = NewUser::new()
        .name("Ada Lovelace")
        .first_name("Ada")
        .last_name("Lovelace")
        .email(Email::primary("ada@example.com"))
        .roles(RoleName::Member);
    match client.create_user(&account, &new_user).await {
        Ok(user) => {
            println!("{}", serde_json::to_string_pretty(&user)?);
            Ok(())
        }
        Err(error) => {
            eprintln!("could not create the user: {error}");
            std::process::exit(1);
        }
    }
}
