//! An import fed from outside async Rust. The language bindings push rows into a channel
//! as their caller's iterable yields them, and take outcomes from another, so that the
//! import keeps running between the caller's calls.

use futures_util::StreamExt;
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::{BulkRow, CreateUsersOptions, RowOutcome};
use crate::client::Client;
use crate::error::Result;

/// The ends of a running import ([`Client::create_users_from_channel`]).
#[derive(Debug)]
pub struct ChannelImport {
    /// Takes rows; it has room for `concurrency` rows ahead of the calls, so the caller's
    /// rows are read only as the import needs them. Dropping it ends the input.
    pub rows: mpsc::Sender<BulkRow>,
    /// Yields one outcome per row, as calls finish, then `None`. It holds up to
    /// `concurrency` outcomes the caller has not taken yet.
    pub outcomes: mpsc::Receiver<RowOutcome>,
    /// Stops the import: calls in flight are dropped, and `outcomes` ends.
    pub driver: AbortHandle,
}

impl Client {
    /// [`Client::create_users`] over channels, driven by a task on `runtime`.
    ///
    /// Fails at once when the options are refused, as `create_users` does.
    pub fn create_users_from_channel(
        &self,
        integrated_account_id: impl Into<String>,
        options: CreateUsersOptions,
        runtime: &Handle,
    ) -> Result<ChannelImport> {
        let capacity = options.concurrency.max(1);
        let (rows, receiver) = mpsc::channel::<BulkRow>(capacity);
        let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|row| (row, receiver))
        });
        let mut created = self.create_users(integrated_account_id, stream, options)?;
        let (deliver, outcomes) = mpsc::channel::<RowOutcome>(capacity);
        let driver = runtime
            .spawn(async move {
                while let Some(outcome) = created.next().await {
                    if deliver.send(outcome).await.is_err() {
                        break;
                    }
                }
            })
            .abort_handle();
        Ok(ChannelImport {
            rows,
            outcomes,
            driver,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Email, NewUser};

    #[tokio::test]
    async fn refused_options_fail_before_any_task_starts() {
        let client = Client::builder().token("tok").build().unwrap();
        let options = CreateUsersOptions {
            concurrency: 0,
            ..CreateUsersOptions::default()
        };
        let error = client
            .create_users_from_channel("acct", options, &Handle::current())
            .unwrap_err();
        assert_eq!(error.kind().as_str(), "invalid_input");
    }

    #[tokio::test]
    async fn a_bad_row_comes_back_as_its_outcome_and_the_outcomes_end_with_the_rows() {
        let client = Client::builder().token("tok").build().unwrap();
        let mut import = client
            .create_users_from_channel("acct", CreateUsersOptions::default(), &Handle::current())
            .unwrap();
        // Refused before anything is sent, so no server is needed.
        let user = NewUser::new()
            .name("Ada")
            .email(Email::primary("not an email"));
        import.rows.send(BulkRow::new("7", user)).await.unwrap();
        drop(import.rows);
        let outcome = import.outcomes.recv().await.expect("one outcome");
        assert_eq!(outcome.row_id, "7");
        assert_eq!(outcome.result.unwrap_err().kind().as_str(), "invalid_input");
        assert!(import.outcomes.recv().await.is_none());
    }
}
