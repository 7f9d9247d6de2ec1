//! The TLS configuration of every client: rustls with the `ring` crypto provider and
//! the operating system's certificate verifier, TLS 1.2 and 1.3, HTTP/1.1 by ALPN.
//!
//! reqwest would build the same configuration itself, but only around aws-lc-rs, which
//! made each language binding's library about 2 MB larger. There is deliberately no way
//! to turn certificate checks off (see `tests/tls.rs`).

use std::sync::Arc;

use rustls::ClientConfig;
use rustls_platform_verifier::Verifier;

use crate::{Error, Result};

/// A fresh client configuration (rustls configurations are cheap to build and are
/// shared, behind an `Arc`, by every connection of the client they are given to).
pub(crate) fn client_config() -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Verifier::new(Arc::clone(&provider)).map_err(tls_error)?;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        // Not dangerous: the platform verifier checks the chain against the system's
        // roots and the name against the host, as browsers do.
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn tls_error(error: rustls::Error) -> Error {
    Error::invalid_input("client", format!("could not set up TLS: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_verifies_certificates_and_speaks_http1() {
        let config = client_config().expect("a TLS configuration");
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        assert!(config.enable_sni, "SNI must stay on");
    }
}
