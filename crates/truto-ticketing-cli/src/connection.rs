//! The client a command uses: Truto's, with the token from `TRUTO_API_TOKEN`, or an
//! embedded sandbox's.

use truto_sandbox::{Sandbox, SandboxConfig};
use truto_ticketing::{Certificate, Client, Error};

use crate::ConnectionArgs;

/// A client, and the sandbox it talks to when there is one (kept alive with it).
pub(crate) struct Connection {
    pub(crate) client: Client,
    _sandbox: Option<Sandbox>,
}

impl Connection {
    /// `Err` carries a message for the user: the configuration could not be used.
    pub(crate) async fn open(
        args: &ConnectionArgs,
        max_retries: Option<u32>,
    ) -> Result<Connection, String> {
        let mut builder =
            Client::builder().user_agent_suffix(concat!("cli/", env!("CARGO_PKG_VERSION")));
        if let Some(retries) = max_retries {
            builder = builder.max_retries(retries);
        }
        if let Some(path) = &args.ca_cert {
            let pem = std::fs::read(path)
                .map_err(|error| format!("--ca-cert {}: {error}", path.display()))?;
            builder =
                builder.add_root_certificates(Certificate::from_pem_bundle(&pem).map_err(message)?);
        }
        if !args.sandbox {
            // The token comes from TRUTO_API_TOKEN (the core reads it).
            let client = builder.base_url(&args.base_url).build().map_err(message)?;
            return Ok(Connection {
                client,
                _sandbox: None,
            });
        }
        // HTTPS, as Truto is, with Truto's rate limits.
        let sandbox = Sandbox::start(SandboxConfig {
            tls: true,
            ..SandboxConfig::default()
        })
        .await
        .map_err(|error| format!("cannot start the sandbox: {error}"))?;
        let ca = sandbox.ca_pem().unwrap_or_default().as_bytes();
        let client = builder
            .token(sandbox.token())
            .base_url(sandbox.url())
            .add_root_certificates(Certificate::from_pem_bundle(ca).map_err(message)?)
            .build()
            .map_err(message)?;
        eprintln!(
            "truto-ticketing: using an embedded sandbox at {}",
            sandbox.url()
        );
        Ok(Connection {
            client,
            _sandbox: Some(sandbox),
        })
    }
}

fn message(error: Error) -> String {
    error.to_string()
}
