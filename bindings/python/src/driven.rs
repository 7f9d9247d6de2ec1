//! `LoopCall` and `LoopConnection`: the core's driven calls ([`truto_ticketing::driven`])
//! for `truto_ticketing._loop`, which moves their bytes on asyncio's own thread.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use truto_ticketing::driven::{AttemptOutcome, Connection, DrivenCall, Step, connection_error};

use crate::client::response_to_py;
use crate::errors::to_py_err;

/// One `create_user` call whose attempts `truto_ticketing._loop` makes on the event loop.
#[pyclass(module = "truto_ticketing._native")]
pub struct LoopCall(pub(crate) DrivenCall);

#[pymethods]
impl LoopCall {
    /// Seconds allowed for each attempt, connecting included.
    #[getter]
    fn timeout(&self) -> f64 {
        self.0.timeout().as_secs_f64()
    }

    /// Starts an attempt; call it before taking or opening its connection.
    fn begin_attempt(&mut self) {
        self.0.begin_attempt();
    }

    /// The request, as bytes to write to `connection`'s socket.
    fn send<'py>(&self, py: Python<'py>, connection: &mut LoopConnection) -> Bound<'py, PyBytes> {
        let bytes = self.0.send(&mut connection.0);
        PyBytes::new(py, &bytes)
    }

    /// Ends the attempt with what `connection` read (its `receive` or `closed` said done).
    fn finish(&mut self, py: Python<'_>, connection: &mut LoopConnection) -> PyResult<Py<PyAny>> {
        let step = self.0.finish_on(&mut connection.0);
        step_to_py(py, step)
    }

    /// Ends the attempt with a failure the event loop saw (refused, reset, ...).
    fn finish_failed(&mut self, py: Python<'_>, message: &str) -> PyResult<Py<PyAny>> {
        let step = self
            .0
            .finish(AttemptOutcome::Failed(connection_error(message)));
        step_to_py(py, step)
    }

    /// Ends the attempt at its timeout; `connecting` when it had no connection yet and the
    /// connect timeout is what ran out.
    fn finish_timed_out(&mut self, py: Python<'_>, connecting: bool) -> PyResult<Py<PyAny>> {
        let outcome = if connecting {
            AttemptOutcome::ConnectTimedOut
        } else {
            AttemptOutcome::TimedOut
        };
        step_to_py(py, self.0.finish(outcome))
    }
}

/// `(True, result)` when the call is over, `(False, seconds)` to wait before the next
/// attempt; raises the call's error.
fn step_to_py(py: Python<'_>, step: Step) -> PyResult<Py<PyAny>> {
    match step {
        Step::Done(Ok(response)) => Ok((true, response_to_py(py, response)?)
            .into_pyobject(py)?
            .into_any()
            .unbind()),
        Step::Done(Err(error)) => Err(to_py_err(py, &error)),
        Step::Retry(delay) => Ok((false, delay.as_secs_f64())
            .into_pyobject(py)?
            .into_any()
            .unbind()),
    }
}

/// One connection of `truto_ticketing._loop`'s pool, as the core reads its bytes.
#[pyclass(module = "truto_ticketing._native")]
pub struct LoopConnection(pub(crate) Connection);

#[pymethods]
impl LoopConnection {
    /// Bytes to write to the socket now (TLS), or `None`.
    fn outgoing<'py>(&mut self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        let bytes = self.0.take_outgoing();
        (!bytes.is_empty()).then(|| PyBytes::new(py, &bytes))
    }

    /// Feeds bytes read from the socket; true when the attempt is over (answered or
    /// failed), for `LoopCall.finish`.
    fn receive(&mut self, data: &[u8]) -> bool {
        self.0.feed(data)
    }

    /// The socket's stream ended (`error` says how, when it broke); true when that ends
    /// the attempt in flight, for `LoopCall.finish`.
    #[pyo3(signature = (error = None))]
    fn closed(&mut self, error: Option<&str>) -> bool {
        self.0.end_of_stream(error)
    }

    /// Whether the connection can carry another call.
    #[getter]
    fn reusable(&self) -> bool {
        self.0.is_reusable()
    }
}
