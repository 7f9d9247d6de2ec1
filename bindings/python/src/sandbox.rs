//! `truto_ticketing.testing.Sandbox`: the `truto-sandbox` server in-process, so users
//! test their own code offline against the same accounts and admin endpoints.

use pyo3::exceptions::{PyKeyError, PyOSError, PyValueError};
use pyo3::prelude::*;
use truto_sandbox::{Fault, RateLimits, Sandbox, SandboxConfig, Seed, SeedError};

/// Rate limits as Python gives them.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RateLimitsArg {
    per_account: u32,
    per_token: u32,
    window_secs: f64,
}

impl RateLimitsArg {
    fn into_core(self) -> Result<RateLimits, String> {
        let window = std::time::Duration::try_from_secs_f64(self.window_secs)
            .ok()
            .filter(|window| !window.is_zero())
            .ok_or("window_secs must be a positive number of seconds")?;
        Ok(RateLimits {
            per_account: self.per_account,
            per_token: self.per_token,
            window,
        })
    }
}

/// A Truto-compatible server on 127.0.0.1, on its own thread, serving until stopped.
#[pyclass(frozen, module = "truto_ticketing.testing", name = "Sandbox")]
pub struct PySandbox(Sandbox);

#[pymethods]
impl PySandbox {
    #[new]
    #[pyo3(signature = (*, token = None, port = 0, rate_limits = true, tls = false, latency = 0.0))]
    fn new(
        py: Python<'_>,
        token: Option<String>,
        port: u16,
        rate_limits: bool,
        tls: bool,
        latency: f64,
    ) -> PyResult<Self> {
        let defaults = SandboxConfig::default();
        let config = SandboxConfig {
            token: token.unwrap_or(defaults.token.clone()),
            port,
            rate_limits: rate_limits.then(RateLimits::truto_defaults),
            tls,
            latency: crate::args::seconds(py, "latency", latency)?,
            ..defaults
        };
        py.detach(|| Sandbox::spawn(config))
            .map(PySandbox)
            .map_err(|error| PyOSError::new_err(format!("could not start the sandbox: {error}")))
    }

    /// `http://127.0.0.1:PORT` (`https://` with `tls=True`): the client's `base_url`.
    #[getter]
    fn url(&self) -> &str {
        self.0.url()
    }

    /// With `tls=True`, the PEM of the CA that signed the sandbox's certificate: pass it
    /// as the client's `ca_cert`.
    #[getter]
    fn ca_pem(&self) -> Option<&str> {
        self.0.ca_pem()
    }

    /// TCP connections accepted since the start or the last reset.
    #[getter]
    fn connections_accepted(&self) -> u64 {
        self.0.connections_accepted()
    }

    /// The API token the sandbox accepts: pass it as the client's `token`.
    #[getter]
    fn token(&self) -> &str {
        self.0.token()
    }

    /// The port it listens on.
    #[getter]
    fn port(&self) -> u16 {
        self.0.port()
    }

    /// Stops serving; idempotent. What was stored and logged stays readable.
    fn stop(&self, py: Python<'_>) {
        py.detach(|| self.0.stop());
    }

    /// Forgets users, requests, queued faults, idempotency records and rate windows.
    fn reset(&self) {
        self.0.reset();
    }

    /// Replaces the rate limits (`{"per_account", "per_token", "window_secs"}`, as `POST
    /// /_sandbox/rate_limits` takes them, or `None` for none), every window afresh.
    #[pyo3(signature = (limits))]
    fn set_rate_limits(&self, limits: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let limits = match limits {
            None => None,
            Some(limits) => {
                let limits: RateLimitsArg = pythonize::depythonize(limits)?;
                Some(limits.into_core().map_err(PyValueError::new_err)?)
            }
        };
        self.0.set_rate_limits(limits);
        Ok(())
    }

    /// Queues faults (dicts, as `POST /_sandbox/faults` takes them) for the next
    /// requests to `integrated_account_id`, one per request.
    fn push_faults(&self, integrated_account_id: &str, faults: &Bound<'_, PyAny>) -> PyResult<()> {
        let faults: Vec<Fault> = pythonize::depythonize(faults)?;
        self.0.push_faults(integrated_account_id, faults);
        Ok(())
    }

    /// Stores users directly, as if created (as `POST /_sandbox/seed` takes them:
    /// `{"integrated_account_id", "users": [...], "generate": N, "template", "collection"}`),
    /// and returns how many. All or nothing: `ValueError` for a user it refuses, `KeyError`
    /// for an unknown account.
    fn seed(&self, py: Python<'_>, seed: &Bound<'_, PyAny>) -> PyResult<usize> {
        let seed: Seed = pythonize::depythonize(seed)?;
        py.detach(|| self.0.seed(seed))
            .map_err(|error| match error {
                SeedError::UnknownAccount(_) => PyKeyError::new_err(error.to_string()),
                _ => PyValueError::new_err(error.to_string()),
            })
    }

    /// The users created, oldest first, in one account or all (as `GET /_sandbox/users`).
    #[pyo3(signature = (integrated_account_id = None))]
    fn users<'py>(
        &self,
        py: Python<'py>,
        integrated_account_id: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(
            py,
            &self.0.stored_users(integrated_account_id),
        )?)
    }

    /// The requests received on Truto's paths, oldest first (as `GET /_sandbox/requests`).
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0.requests())?)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) {
        self.stop(py);
    }

    fn __repr__(&self) -> String {
        format!("Sandbox(url='{}')", self.0.url())
    }
}
