package truto.ticketing

import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.asFlow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.launch

/**
 * Creates a user per row in one integrated account, paced to Truto's rate limits (learned
 * from its answers), each row's `Idempotency-Key` derived from the account and the row's id
 * so that running the import again replays instead of creating twice.
 *
 * The flow emits one [RowOutcome] per row, as calls finish: `user` when it was created,
 * `error` (a [TrutoException]) when it failed; a failed row never stops the import. Rows
 * are collected only as the import has room for them, so a flow over a huge file is read
 * lazily. Cancelling the collector stops the import.
 *
 * ```kotlin
 * client.createUsers("<account>", rows.asFlow()).collect { outcome ->
 *     println("${outcome.rowId}: ${outcome.user?.id ?: outcome.error}")
 * }
 * ```
 */
fun TrutoClient.createUsers(
    integratedAccountId: String,
    rows: Flow<BulkRow>,
    options: CreateUsersOptions = CreateUsersOptions(),
): Flow<RowOutcome> = flow {
    val bulk = startCreateUsers(integratedAccountId, options)
    try {
        coroutineScope {
            launch {
                rows.collect { row -> bulk.send(row) }
                bulk.finish()
            }
            while (true) {
                val outcome = bulk.next() ?: break
                emit(outcome)
            }
        }
    } finally {
        bulk.cancel()
        bulk.close()
    }
}

/** [createUsers] for rows already in memory. */
fun TrutoClient.createUsers(
    integratedAccountId: String,
    rows: Iterable<BulkRow>,
    options: CreateUsersOptions = CreateUsersOptions(),
): Flow<RowOutcome> = createUsers(integratedAccountId, rows.asFlow(), options)
