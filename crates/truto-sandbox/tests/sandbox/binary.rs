//! The `truto-sandbox` executable, as other languages' test suites run it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn sandbox(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_truto-sandbox"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// The first stdout line, which must arrive at once (flushed, not buffered).
fn first_line(child: &mut Child) -> String {
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    receiver
        .recv_timeout(Duration::from_secs(10))
        .expect("the first line arrives")
}

fn port_of(line: &str) -> u16 {
    let url = line
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    assert!(url.ends_with('\n'));
    url.trim_end().parse().unwrap()
}

fn wait_with_timeout(child: &mut Child) -> ExitStatus {
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("the sandbox did not exit");
}

fn post(port: u16, token: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = r#"{"emails":[{"email":"a@example.com"}]}"#;
    write!(
        stream,
        "POST /unified/ticketing/users?integrated_account_id=sandbox-gorgias HTTP/1.1\r\nhost: x\r\n\
         authorization: Bearer {token}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn announces_its_address_first_and_exits_when_stdin_closes() {
    let mut child = sandbox(&[]);
    let port = port_of(&first_line(&mut child));
    assert!(post(port, "sandbox-token").starts_with("HTTP/1.1 201"));
    drop(child.stdin.take());
    assert!(wait_with_timeout(&mut child).success());
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn exits_cleanly_on_sigterm_and_sigint() {
    for signal in ["-TERM", "-INT"] {
        let mut child = sandbox(&["--port", "0"]);
        port_of(&first_line(&mut child));
        let sent = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = wait_with_timeout(&mut child);
        assert_eq!(status.code(), Some(0), "{signal}");
    }
}

#[test]
fn flags_set_the_token_and_the_limits() {
    let mut child = sandbox(&[
        "--token",
        "tok_flag",
        "--account-limit",
        "1",
        "--window-secs=5",
    ]);
    let port = port_of(&first_line(&mut child));
    assert!(post(port, "sandbox-token").starts_with("HTTP/1.1 401"));
    assert!(post(port, "tok_flag").starts_with("HTTP/1.1 201"));
    let limited = post(port, "tok_flag");
    assert!(limited.starts_with("HTTP/1.1 429"), "{limited}");
    assert!(limited.contains("ratelimit-limit: 1;w=5"), "{limited}");
    drop(child.stdin.take());
    assert!(wait_with_timeout(&mut child).success());

    let mut child = sandbox(&["--no-rate-limits", "--account-limit", "1"]);
    let port = port_of(&first_line(&mut child));
    for _ in 0..3 {
        assert!(post(port, "sandbox-token").starts_with("HTTP/1.1 201"));
    }
    drop(child.stdin.take());
    assert!(wait_with_timeout(&mut child).success());
}

#[test]
fn help_and_bad_arguments() {
    let help = Command::new(env!("CARGO_BIN_EXE_truto-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--no-rate-limits"));
    for args in [&["--bogus"][..], &["--port"], &["--port", "http"]] {
        let bad = Command::new(env!("CARGO_BIN_EXE_truto-sandbox"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(bad.status.code(), Some(2), "{args:?}");
        assert!(!bad.stderr.is_empty());
    }
}

#[test]
fn a_null_stdin_does_not_stop_it() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_truto-sandbox"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let port = port_of(&first_line(&mut child));
    std::thread::sleep(Duration::from_millis(200));
    assert!(child.try_wait().unwrap().is_none(), "still running");
    assert!(post(port, "sandbox-token").starts_with("HTTP/1.1 201"));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(wait_with_timeout(&mut child).success());
}

#[test]
fn tls_writes_the_ca_first_and_announces_https() {
    let ca = std::env::temp_dir().join(format!("truto-sandbox-ca-{}.pem", std::process::id()));
    let mut child = sandbox(&[
        "--tls",
        "--ca-out",
        ca.to_str().unwrap(),
        "--latency-ms",
        "5",
    ]);
    let line = first_line(&mut child);
    assert!(
        line.starts_with("listening on https://127.0.0.1:"),
        "{line:?}"
    );
    let pem = std::fs::read_to_string(&ca).expect("the CA was written before the first line");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    drop(child.stdin.take());
    assert!(wait_with_timeout(&mut child).success());
    let _ = std::fs::remove_file(ca);

    let mut refused = sandbox(&["--ca-out", "/tmp/x.pem"]);
    assert!(
        !wait_with_timeout(&mut refused).success(),
        "--ca-out without --tls"
    );
}
