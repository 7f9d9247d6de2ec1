//! HTTPS for the sandbox: a certificate authority made at start, and a certificate it
//! signs for `localhost` and `127.0.0.1`. A client trusts the sandbox by adding the CA
//! ([`Sandbox::ca_pem`](crate::Sandbox::ca_pem)) to its roots, exactly as it would a
//! corporate TLS proxy's: no switch that turns certificate checks off is needed.

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// What a TLS sandbox serves with.
pub(crate) struct Tls {
    pub(crate) acceptor: TlsAcceptor,
    /// The authority that signed the server's certificate, as PEM.
    pub(crate) ca_pem: String,
}

impl Tls {
    /// A fresh authority and server certificate, never written to disk by the sandbox.
    pub(crate) fn generate() -> io::Result<Tls> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(other)?;
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "truto-sandbox test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(other)?)
            .map_err(other)?;

        let mut leaf_params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .map_err(other)?;
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let leaf_key = KeyPair::generate().map_err(other)?;
        let leaf = leaf_params.signed_by(&leaf_key, &ca).map_err(other)?;

        let chain: Vec<CertificateDer<'static>> = vec![leaf.der().clone(), ca.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(other)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(other)?;
        // The sandbox speaks HTTP/1.1 only, as its faults (a dropped connection) are
        // connection-level.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            ca_pem: ca.pem(),
        })
    }
}

fn other(error: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!(
        "cannot make the sandbox's TLS certificates: {error}"
    ))
}
