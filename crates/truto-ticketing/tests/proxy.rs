//! With a proxy named in the environment (`HTTP_PROXY`), calls go through it, as users
//! behind a corporate proxy need. A test binary of its own: the environment is the
//! process's.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use truto_ticketing::{Client, Email, NewUser};

const USER: &str = r#"{"id":"u-1","name":"Ada Lovelace"}"#;

#[test]
fn a_proxy_in_the_environment_carries_the_call() {
    // The proxy answers by itself; what matters is what it was asked.
    let proxy = TcpListener::bind("127.0.0.1:0").expect("a port");
    let proxy_url = format!("http://{}", proxy.local_addr().expect("an address"));
    let asked = std::thread::spawn(move || {
        let (socket, _) = proxy.accept().expect("a connection through the proxy");
        let mut reader = BufReader::new(socket.try_clone().expect("a second handle"));
        let mut request_line = String::new();
        reader.read_line(&mut request_line).expect("a request line");
        let mut content_length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("a header line");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                content_length = value.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0; content_length];
        std::io::Read::read_exact(&mut reader, &mut body).expect("the body");
        let answer = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{USER}",
            USER.len()
        );
        let mut socket = socket;
        socket.write_all(answer.as_bytes()).expect("the answer");
        request_line
    });
    // SAFETY: set before this binary's only test starts any thread that reads the
    // environment (the runtime below, reqwest's resolver).
    unsafe { std::env::set_var("HTTP_PROXY", &proxy_url) };

    // A host that does not resolve: only the proxy can carry the call.
    let client = Client::builder()
        .token("test-token")
        .base_url("http://truto-proxy-test.invalid")
        .allow_insecure_http(true)
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("a client");
    let user = NewUser::new()
        .name("Ada Lovelace")
        .email(Email::primary("ada@example.com"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let created = runtime
        .block_on(client.create_user("acct-1", &user).send())
        .expect("created through the proxy");
    assert_eq!(created.id, "u-1");
    // The absolute form of the target is how a client speaks to an HTTP proxy.
    assert_eq!(
        asked.join().expect("the proxy's answer").trim_end(),
        "POST http://truto-proxy-test.invalid/unified/ticketing/users?integrated_account_id=acct-1 HTTP/1.1"
    );
}
