//! `uniffi-bindgen`: generates the Kotlin and Swift bindings of `truto-ticketing-uniffi`
//! in library mode, with the same uniffi version the library was built with.
//!
//! ```sh
//! cargo run -p uniffi-bindgen -- generate target/debug/libtruto_ticketing_uniffi.so \
//!     --language kotlin --out-dir OUT --no-format
//! ```

fn main() {
    uniffi::uniffi_bindgen_main()
}
