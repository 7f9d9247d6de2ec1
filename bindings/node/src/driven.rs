//! `LoopCall` and `LoopConnection`: the core's driven calls ([`truto_ticketing::driven`])
//! for `loop.js`, which moves their bytes on Node's own event loop.

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use truto_ticketing::driven::{AttemptOutcome, Connection, DrivenCall, Step, connection_error};

use crate::completion::{Outcome, answer};

/// One `createUser` call whose attempts `loop.js` makes on the event loop.
#[napi]
pub struct LoopCall {
    call: DrivenCall,
}

impl LoopCall {
    pub(crate) fn new(call: DrivenCall) -> LoopCall {
        LoopCall { call }
    }
}

/// `[0, answer]` or `[1, error]` when the call is over, `[5, milliseconds]` to wait before
/// the next attempt (kinds 0, 1 and 4 as in a delivered batch).
fn step_json(step: Step) -> String {
    match step {
        Step::Done(Ok(response)) => match answer(response) {
            Outcome::Json(json) => format!("[0,{json}]"),
            Outcome::Internal(message) => format!("[4,{}]", serde_json::Value::String(message)),
            // Streamed calls are never driven.
            _ => "[4,\"truto-ticketing: a driven call answered with bytes\"]".to_owned(),
        },
        Step::Done(Err(error)) => format!("[1,{}]", error.to_json()),
        Step::Retry(delay) => format!("[5,{}]", delay.as_secs_f64() * 1000.0),
    }
}

#[napi]
impl LoopCall {
    /// Milliseconds allowed for each attempt, connecting included.
    #[napi(getter)]
    pub fn timeout_ms(&self) -> f64 {
        self.call.timeout().as_secs_f64() * 1000.0
    }

    /// Starts an attempt; call it before taking or opening its connection.
    #[napi(catch_unwind)]
    pub fn begin_attempt(&mut self) {
        self.call.begin_attempt();
    }

    /// The request, as bytes to write to `connection`'s socket.
    #[napi(catch_unwind)]
    pub fn send(&self, connection: &mut LoopConnection) -> Buffer {
        Buffer::from(self.call.send(&mut connection.0).to_vec())
    }

    /// Ends the attempt with what `connection` read (its `receive` or `closed` said done).
    #[napi(catch_unwind)]
    pub fn finish(&mut self, connection: &mut LoopConnection) -> String {
        step_json(self.call.finish_on(&mut connection.0))
    }

    /// Ends the attempt with a failure the event loop saw (refused, reset, ...).
    #[napi(catch_unwind)]
    pub fn finish_failed(&mut self, message: String) -> String {
        step_json(
            self.call
                .finish(AttemptOutcome::Failed(connection_error(message))),
        )
    }

    /// Ends the attempt at its timeout; `connecting` when the connect timeout ran out.
    #[napi(catch_unwind)]
    pub fn finish_timed_out(&mut self, connecting: bool) -> String {
        step_json(self.call.finish(if connecting {
            AttemptOutcome::ConnectTimedOut
        } else {
            AttemptOutcome::TimedOut
        }))
    }
}

/// One connection of `loop.js`'s pool, as the core reads its bytes.
#[napi]
pub struct LoopConnection(pub(crate) Connection);

#[napi]
impl LoopConnection {
    /// Bytes to write to the socket now (TLS), or `null`.
    #[napi(catch_unwind)]
    pub fn outgoing(&mut self) -> Option<Buffer> {
        let bytes = self.0.take_outgoing();
        (!bytes.is_empty()).then(|| Buffer::from(bytes))
    }

    /// Feeds bytes read from the socket; true when the attempt is over (answered or
    /// failed), for `LoopCall.finish`.
    #[napi(catch_unwind)]
    pub fn receive(&mut self, data: &[u8]) -> bool {
        self.0.feed(data)
    }

    /// The socket closed (`error` says how, when it broke); true when that ends the
    /// attempt in flight, for `LoopCall.finish`.
    #[napi(catch_unwind)]
    pub fn closed(&mut self, error: Option<String>) -> bool {
        self.0.end_of_stream(error.as_deref())
    }

    /// Whether the connection can carry another call.
    #[napi(getter)]
    pub fn reusable(&self) -> bool {
        self.0.is_reusable()
    }
}
