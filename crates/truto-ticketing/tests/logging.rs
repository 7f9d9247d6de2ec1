//! The SDK's `tracing` events: one per attempt and per retry, never a secret.

use std::io::Write;
use std::sync::{Arc, Mutex};

use truto_sandbox::{Fault, Sandbox, SandboxConfig};
use truto_ticketing::{Client, Email, NewUser};

const TOKEN: &str = "tok-logging-secret-0001";
const PASSWORD: &str = "pw-logging-secret-0002";

/// Collects what a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn debug_log_shows_attempts_and_retries_but_no_secret() {
    let sandbox = sandbox().await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("truto_ticketing=debug")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // Global, and alone in this test binary: tracing caches per callsite whether anyone
    // listens, so a scoped subscriber misses events when other tests run alongside.
    tracing::subscriber::set_global_default(subscriber).expect("first subscriber");

    sandbox.push_faults("sandbox-dixa", vec![Fault::status(500)]);
    let user = ada().password(PASSWORD);
    client(&sandbox)
        .create_user("sandbox-dixa", &user)
        .await
        .expect("created after one retry");
    sandbox.push_faults(
        "sandbox-dixa",
        vec![Fault::status(400).with_message(PASSWORD)],
    );
    let _ = client(&sandbox).create_user("sandbox-dixa", &user).await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("retrying truto request"), "{log}");
    assert!(log.contains("attempt=2"), "{log}");
    assert!(log.contains("status=500"), "{log}");
    assert!(!log.contains(TOKEN) && !log.contains(PASSWORD), "{log}");
}

async fn sandbox() -> Sandbox {
    let config = SandboxConfig {
        token: TOKEN.to_owned(),
        ..SandboxConfig::default()
    };
    Sandbox::start(config).await.expect("sandbox")
}

fn client(sandbox: &Sandbox) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(sandbox.url())
        .build()
        .expect("client")
}

fn ada() -> NewUser {
    NewUser::new()
        .name("Ada Lovelace")
        .email(Email::primary("ada@example.com"))
}
