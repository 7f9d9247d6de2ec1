//! `uniffi-bindgen`: generates the Kotlin and Swift bindings of `truto-ticketing-uniffi`
//! in library mode, with the same uniffi version the library was built with.
//!
//! ```sh
//! # Kotlin: UniFFI's bindings plus the JVM forms of src/jvm.rs
//! cargo run -p uniffi-bindgen -- kotlin target/debug/libtruto_ticketing_uniffi.so --out-dir OUT
//! # anything else: UniFFI's own command line, e.g. Swift
//! cargo run -p uniffi-bindgen -- generate target/debug/libtruto_ticketing_uniffi.so \
//!     --language swift --out-dir OUT --no-format
//! ```

mod jvm;
mod kotlin;

use camino::Utf8PathBuf;
use clap::Parser;

/// The Kotlin bindings of a UniFFI library: UniFFI's, made callable from Java, and the
/// JVM forms of every call.
#[derive(Parser)]
#[command(name = "uniffi-bindgen kotlin")]
struct KotlinArgs {
    /// The built library (`libtruto_ticketing_uniffi.so`, `.dylib`, `.dll`).
    library: Utf8PathBuf,
    /// Where to write the sources (one folder per package).
    #[arg(long)]
    out_dir: Utf8PathBuf,
}

fn main() {
    let mut args = std::env::args_os();
    let program = args.next();
    if std::env::args_os()
        .nth(1)
        .is_some_and(|command| command == "kotlin")
    {
        let args = KotlinArgs::parse_from(program.into_iter().chain(args.skip(1)));
        if let Err(error) = kotlin::generate(&args.library, &args.out_dir) {
            eprintln!("uniffi-bindgen kotlin: {error:?}");
            std::process::exit(1);
        }
    } else {
        uniffi::uniffi_bindgen_main()
    }
}
