//! Any bytes a server sends on a driven connection (`truto_ticketing::driven`), cut into
//! pieces anywhere, must end as an answer, a typed error, or a wait for more that the end
//! of the stream settles: never a panic or an abort.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use truto_ticketing::driven::{Connection, Step};
use truto_ticketing::{Client, CreateUserOptions, Email, NewUser, ResponseFormat};

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Client::builder()
            .token("tok-fuzz-0001")
            .base_url("http://127.0.0.1:9")
            .max_retries(0)
            .build()
            .expect("a client")
    })
}

fuzz_target!(|data: &[u8]| {
    // The first byte says where the bytes are cut: as they might arrive from a socket.
    let Some((&piece_length, bytes)) = data.split_first() else {
        return;
    };
    let client = client();
    let user = NewUser::new()
        .name("Ada Lovelace")
        .email(Email::primary("ada@example.com"));
    let mut call = client
        .drive_create_user(
            "sandbox-dixa",
            &user,
            &CreateUserOptions::default(),
            ResponseFormat::Unified,
        )
        .expect("a valid call")
        .expect("a drivable call");
    let mut connection = Connection::new(client).expect("a plain connection");
    call.begin_attempt();
    let _request = call.send(&mut connection);
    let over = bytes
        .chunks(usize::from(piece_length).max(1))
        .any(|piece| connection.feed(piece));
    assert!(
        over || connection.end_of_stream(None),
        "an exchange in flight must end at the end of the stream"
    );
    match call.finish_on(&mut connection) {
        // Whatever it is, a user or a typed error, it must be reachable without a panic.
        Step::Done(_) => {}
        Step::Retry(_) => panic!("a call with max_retries 0 never retries"),
    }
});
