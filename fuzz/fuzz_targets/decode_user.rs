//! Any bytes a server sends must read as a user or give a `decode` error: never a panic,
//! a hang or an abort (stack overflow on deep nesting included).
#![no_main]

use libfuzzer_sys::fuzz_target;
use truto_ticketing::{ErrorKind, User};

fuzz_target!(|body: &[u8]| {
    match User::from_json_bytes(body) {
        Ok(user) => {
            // What was read must serialize again (a user is handed to other languages as JSON).
            serde_json::to_vec(&user).expect("a decoded user serializes");
        }
        Err(error) => assert_eq!(error.kind(), ErrorKind::Decode),
    }
});
