//! `CancelToken`: how an `AbortSignal` reaches a call running on the Rust runtime.
//!
//! napi's own `AbortSignal` type is `!Send` and only works with libuv tasks, so
//! `index.js` listens to the signal and calls [`CancelToken::cancel`]; the call's
//! future is then dropped, which closes its connection.

use napi_derive::napi;
use tokio_util::sync::CancellationToken;

/// Cancels the calls it was passed to.
#[napi]
#[derive(Default)]
pub struct CancelToken(CancellationToken);

#[napi]
impl CancelToken {
    /// A token that has not been cancelled.
    #[napi(constructor)]
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Cancels every call holding this token. Idempotent.
    #[napi]
    pub fn cancel(&self) {
        self.0.cancel();
    }
}

impl CancelToken {
    pub(crate) fn token(&self) -> CancellationToken {
        self.0.clone()
    }
}
