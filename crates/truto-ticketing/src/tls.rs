//! The TLS configuration of every client: rustls with the `ring` crypto provider, the
//! operating system's certificate verifier (plus any roots the caller adds, e.g. a
//! corporate TLS proxy's CA), TLS 1.2 and 1.3, HTTP/2 or HTTP/1.1 by ALPN.
//!
//! reqwest would build a similar configuration itself, but only around aws-lc-rs, which
//! made each language binding's library about 2 MB larger. There is deliberately no way
//! to turn certificate checks off (see `tests/tls.rs`).

use std::fmt;
use std::sync::Arc;

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::{Error, Result};

/// A root certificate to trust besides the operating system's, such as the CA of a
/// corporate TLS proxy or of a local test server.
///
/// ```
/// # let pem = truto_sandbox::Sandbox::spawn(truto_sandbox::SandboxConfig { tls: true, ..Default::default() })?.ca_pem().unwrap().to_owned();
/// let roots = truto_ticketing::Certificate::from_pem_bundle(pem.as_bytes())?;
/// let client = truto_ticketing::Client::builder()
///     .token("my-api-token")
///     .add_root_certificates(roots)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate(CertificateDer<'static>);

impl Certificate {
    /// Every certificate of a PEM text (one or a bundle). Fails with `invalid_input` on
    /// `ca_cert` when the text holds no certificate or a broken one.
    pub fn from_pem_bundle(pem: &[u8]) -> Result<Vec<Certificate>> {
        let certificates = CertificateDer::pem_slice_iter(pem)
            .map(|certificate| certificate.map(Certificate))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|error| {
                Error::invalid_input("ca_cert", format!("is not a PEM certificate: {error}"))
            })?;
        if certificates.is_empty() {
            return Err(Error::invalid_input(
                "ca_cert",
                "holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            ));
        }
        Ok(certificates)
    }

    /// A certificate in DER form.
    pub fn from_der(der: impl Into<Vec<u8>>) -> Certificate {
        Certificate(CertificateDer::from(der.into()))
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Certificate({} bytes of DER)", self.0.len())
    }
}

/// A fresh client configuration (shared, behind an `Arc`, by every connection of the
/// client it is given to).
pub(crate) fn client_config(extra_roots: &[Certificate]) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = verifier::build(extra_roots, &provider)?;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        // Not dangerous: the platform verifier checks the chain against the system's
        // roots (and the added ones) and the name against the host, as browsers do.
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

fn tls_error(error: rustls::Error) -> Error {
    Error::invalid_input("client", format!("could not set up TLS: {error}"))
}

#[cfg(not(target_os = "android"))]
mod verifier {
    use super::*;
    use rustls::client::danger::ServerCertVerifier;
    use rustls_platform_verifier::Verifier;

    pub(super) fn build(
        extra_roots: &[Certificate],
        provider: &Arc<CryptoProvider>,
    ) -> Result<Arc<dyn ServerCertVerifier>> {
        let verifier = if extra_roots.is_empty() {
            Verifier::new(Arc::clone(provider))
        } else {
            let roots = extra_roots.iter().map(|root| root.0.clone());
            Verifier::new_with_extra_roots(roots, Arc::clone(provider))
        };
        Ok(Arc::new(verifier.map_err(tls_error)?))
    }
}

/// Android's verifier asks the platform's trust manager and cannot take extra roots, so
/// a chain it refuses is checked once more by webpki against the added roots alone.
#[cfg(target_os = "android")]
mod verifier {
    use super::*;
    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::pki_types::{ServerName, UnixTime};
    use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
    use rustls_platform_verifier::Verifier;

    pub(super) fn build(
        extra_roots: &[Certificate],
        provider: &Arc<CryptoProvider>,
    ) -> Result<Arc<dyn ServerCertVerifier>> {
        let platform = Verifier::new(Arc::clone(provider)).map_err(tls_error)?;
        if extra_roots.is_empty() {
            return Ok(Arc::new(platform));
        }
        let mut roots = RootCertStore::empty();
        for root in extra_roots {
            roots.add(root.0.clone()).map_err(tls_error)?;
        }
        let added = WebPkiServerVerifier::builder_with_provider(roots.into(), Arc::clone(provider))
            .build()
            .map_err(|error| Error::invalid_input("ca_cert", error.to_string()))?;
        Ok(Arc::new(PlatformThenAdded { platform, added }))
    }

    #[derive(Debug)]
    struct PlatformThenAdded {
        platform: Verifier,
        added: Arc<WebPkiServerVerifier>,
    }

    impl ServerCertVerifier for PlatformThenAdded {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp_response: &[u8],
            now: UnixTime,
        ) -> std::result::Result<ServerCertVerified, rustls::Error> {
            self.platform
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .or_else(|_| {
                    self.added.verify_server_cert(
                        end_entity,
                        intermediates,
                        server_name,
                        ocsp_response,
                        now,
                    )
                })
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
            self.platform.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
            self.platform.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.platform.supported_verify_schemes()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_verifies_certificates_and_offers_h2_then_http1() {
        let config = client_config(&[]).expect("a TLS configuration");
        assert_eq!(
            config.alpn_protocols,
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        assert!(config.enable_sni, "SNI must stay on");
    }

    #[test]
    fn a_pem_without_a_certificate_names_ca_cert() {
        for pem in [
            &b""[..],
            b"not a certificate",
            b"-----BEGIN CERTIFICATE-----\n!!\n",
        ] {
            let error = Certificate::from_pem_bundle(pem).unwrap_err();
            assert_eq!(error.field(), Some("ca_cert"), "{pem:?}");
        }
    }
}
