import Foundation

public extension TrutoClient {
    /// Creates a user per row in one integrated account, paced to Truto's rate limits
    /// (learned from its answers), each row's `Idempotency-Key` derived from the account
    /// and the row's id so that running the import again replays instead of creating twice.
    ///
    /// The sequence yields one `RowOutcome` per row, as calls finish: `user` when it was
    /// created, `error` when it failed; a failed row never stops the import. Rows are read
    /// only as the import has room for them. Cancelling the consuming task stops the import.
    ///
    /// ```swift
    /// for try await outcome in client.createUsers(integratedAccountId: "<account>", rows: rows) {
    ///     print(outcome.rowId, outcome.user?.id ?? "failed")
    /// }
    /// ```
    func createUsers<Rows: Sequence>(
        integratedAccountId: String,
        rows: Rows,
        options: CreateUsersOptions = CreateUsersOptions()
    ) -> AsyncThrowingStream<RowOutcome, Error> where Rows.Element == BulkRow, Rows: Sendable {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let bulk = try await self.startCreateUsers(
                        integratedAccountId: integratedAccountId, options: options)
                    let feeder = Task {
                        for row in rows {
                            try await bulk.send(row: row)
                        }
                        bulk.finish()
                    }
                    defer {
                        feeder.cancel()
                        bulk.cancel()
                    }
                    while let outcome = await bulk.next() {
                        continuation.yield(outcome)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
