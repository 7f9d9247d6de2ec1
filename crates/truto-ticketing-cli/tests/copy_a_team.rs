//! The command as a user runs it, against a sandbox over HTTPS: a team listed as CSV from
//! one account imports whole into another, and `--skip-existing` then sends nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use truto_sandbox::{Sandbox, SandboxConfig, Seed};

fn run(sandbox: &Sandbox, ca: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_truto-ticketing"))
        .args(args)
        .args(["--base-url", sandbox.url(), "--ca-cert"])
        .arg(ca)
        .env("TRUTO_API_TOKEN", sandbox.token())
        .output()
        .expect("the command runs");
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn folder() -> PathBuf {
    let folder = std::env::temp_dir().join(format!("truto-cli-copy-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// The account's users as `name <primary email> active`, sorted (an import creates them
/// concurrently, in no set order).
fn team(sandbox: &Sandbox, account: &str) -> Vec<String> {
    let mut team: Vec<String> = sandbox
        .stored_users(Some(account))
        .into_iter()
        .map(|stored| {
            let user = stored.user;
            format!(
                "{} <{}> {}",
                user["name"], user["emails"][0]["email"], user["is_active"]
            )
        })
        .collect();
    team.sort();
    team
}

#[tokio::test(flavor = "multi_thread")]
async fn a_team_listed_as_csv_imports_whole_into_another_account() {
    let sandbox = Sandbox::start(SandboxConfig {
        tls: true,
        rate_limits: None,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let folder = folder();
    let ca = folder.join("ca.pem");
    std::fs::write(&ca, sandbox.ca_pem().unwrap()).unwrap();
    let source = "sandbox-teamwork";
    let seeded = Seed::generate(source, 250).with_template(json!({
        "name": "User {n}",
        "first_name": "First {n}",
        "emails": [{"email": "user{n}@example.com", "type": "primary"}, {"email": "alt{n}@example.com", "type": "other"}],
        "status": "inactive",
        "team_ids": ["source-team"],
    }));
    sandbox.seed(seeded).unwrap();

    // The listing pages through the account, 100 a page.
    let listed = run(
        &sandbox,
        &ca,
        &["users", "list", "--account", source, "--format", "csv"],
    );
    let csv = String::from_utf8(listed.stdout).unwrap();
    assert_eq!(csv.lines().count(), 251, "a header and a line per user");
    assert!(csv.starts_with("id,name,email,first_name,last_name,username,avatar,status\n"));
    let file = folder.join("team.csv");
    std::fs::write(&file, csv).unwrap();

    let target = "sandbox-dixa-copy";
    let imported = run(
        &sandbox,
        &ca,
        &[
            "users",
            "import",
            file.to_str().unwrap(),
            "--account",
            target,
        ],
    );
    let summary: Value = serde_json::from_slice(&imported.stdout).unwrap();
    assert_eq!(summary["created"], 250, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    let (copied, original) = (team(&sandbox, target), team(&sandbox, source));
    assert_eq!(copied.len(), 250);
    assert!(
        copied == original,
        "the copy differs: {:?}",
        copied.iter().zip(&original).find(|(a, b)| a != b)
    );

    // A second copy of the same file, without the journal, finds every primary email there.
    std::fs::remove_file(folder.join("team.csv.journal")).unwrap();
    let again = run(
        &sandbox,
        &ca,
        &[
            "users",
            "import",
            file.to_str().unwrap(),
            "--account",
            target,
            "--skip-existing",
        ],
    );
    let summary: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        (
            summary["skipped_existing"].as_u64(),
            summary["created"].as_u64()
        ),
        (Some(250), Some(0)),
        "{summary}"
    );
    assert_eq!(sandbox.stored_users(Some(target)).len(), 250);
    let _ = std::fs::remove_dir_all(folder);
}

#[tokio::test(flavor = "multi_thread")]
async fn get_update_and_delete_print_json() {
    let sandbox = Sandbox::start(SandboxConfig {
        tls: true,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let folder = folder();
    let ca = folder.join("ca-2.pem");
    std::fs::write(&ca, sandbox.ca_pem().unwrap()).unwrap();
    sandbox
        .seed(Seed::users(
            "sandbox-hive",
            vec![json!({"id": "h-1", "name": "Ada", "emails": [{"email": "ada@example.com"}]})],
        ))
        .unwrap();
    let got: Value = serde_json::from_slice(
        &run(
            &sandbox,
            &ca,
            &["users", "get", "h-1", "--account", "sandbox-hive"],
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(got["name"], "Ada");
    let fields = r#"{"name": "Ada Lovelace"}"#;
    let updated: Value = serde_json::from_slice(
        &run(
            &sandbox,
            &ca,
            &[
                "users",
                "update",
                "h-1",
                "--account",
                "sandbox-hive",
                "--fields",
                fields,
            ],
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(
        (
            updated["name"].as_str(),
            updated["emails"][0]["email"].as_str()
        ),
        (Some("Ada Lovelace"), Some("ada@example.com"))
    );
    let deleted: Value = serde_json::from_slice(
        &run(
            &sandbox,
            &ca,
            &["users", "delete", "h-1", "--account", "sandbox-hive"],
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(deleted, json!({"id": "h-1"}));
    assert!(sandbox.stored_users(Some("sandbox-hive")).is_empty());
    let _ = std::fs::remove_file(ca);
}
