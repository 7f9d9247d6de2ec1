package truto.ticketing

import kotlinx.coroutines.flow.asFlow
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking

/**
 * How one of the JVM surfaces (Kotlin's suspend calls and flows, Java's blocking calls and
 * streams, Java's futures and publishers) makes a conformance case's calls. The runners
 * ([ConformanceRunner], [BulkRunner]) read the case, call through a [Caller] and check what
 * came back; each surface's test class only says how to call.
 *
 * Inputs come as the case's JSON read into the JVM's own values (`Map<String, Any?>`), so
 * that each surface builds its arguments as its users would: named arguments in Kotlin,
 * builders in Java.
 */
interface Caller {
    fun clientConfig(token: String, baseUrl: String, caCert: String?, maxRetries: Int?, timeoutMs: Long?): ClientConfig

    fun newUser(fields: Map<String, Any?>): NewUser

    fun createUserOptions(fields: Map<String, Any?>): CreateUserOptions

    fun createUsersOptions(concurrency: Int?, maxRetries: Int?): CreateUsersOptions

    fun listUsersOptions(fields: Map<String, Any?>): ListUsersOptions

    fun callOptions(fields: Map<String, Any?>): CallOptions

    /** A client; a configuration it refuses throws `TrutoException.InvalidInput`. */
    fun open(config: ClientConfig): Session
}

/** One client of a surface. Failures are thrown as the `TrutoException` the surface throws. */
interface Session : AutoCloseable {
    fun createUser(account: String, user: NewUser, options: CreateUserOptions): User

    fun createUserWithFormat(account: String, user: NewUser, options: CreateUserOptions, format: ResponseFormat): CreateUserResponse

    fun createUsers(account: String, rows: List<BulkRow>, options: CreateUsersOptions): List<RowOutcome>

    /** The listing's pages, reading no more than [maxPages] of them (every one when null). */
    fun listUserPages(account: String, options: ListUsersOptions, maxPages: Int?): List<UserPage>

    fun getUser(account: String, id: String, options: CallOptions): User

    fun updateUser(account: String, id: String, changes: NewUser, options: CallOptions, idempotencyKey: String?): User

    fun deleteUser(account: String, id: String, options: CallOptions): String
}

/** Kotlin's surface: `TrutoClient`'s suspend calls, `createUsers` as a `Flow`. */
object KotlinCaller : Caller {
    override fun clientConfig(token: String, baseUrl: String, caCert: String?, maxRetries: Int?, timeoutMs: Long?) =
        ClientConfig(
            token = SecretString(token),
            baseUrl = baseUrl,
            caCert = caCert,
            maxRetries = maxRetries,
            timeout = timeoutMs?.let(java.time.Duration::ofMillis),
        )

    override fun newUser(fields: Map<String, Any?>) = newUserOf(fields)

    override fun createUserOptions(fields: Map<String, Any?>) = optionsOf(fields)

    override fun createUsersOptions(concurrency: Int?, maxRetries: Int?) = CreateUsersOptions(
        concurrency = concurrency ?: 8,
        call = maxRetries?.let { CreateUserOptions(maxRetries = it) },
    )

    override fun listUsersOptions(fields: Map<String, Any?>) = listOptionsOf(fields)

    override fun callOptions(fields: Map<String, Any?>) = callOptionsOf(fields)

    override fun open(config: ClientConfig): Session = object : Session {
        private val client = TrutoClient(config)

        override fun createUser(account: String, user: NewUser, options: CreateUserOptions) =
            runBlocking { client.createUser(account, user, options) }

        override fun createUserWithFormat(account: String, user: NewUser, options: CreateUserOptions, format: ResponseFormat) =
            runBlocking { client.createUserWithFormat(account, user, options, format) }

        override fun createUsers(account: String, rows: List<BulkRow>, options: CreateUsersOptions) =
            runBlocking { client.createUsers(account, rows.asFlow(), options).toList() }

        override fun listUserPages(account: String, options: ListUsersOptions, maxPages: Int?) = runBlocking {
            val pages = client.listUserPages(account, options)
            (if (maxPages != null) pages.take(maxPages) else pages).toList()
        }

        override fun getUser(account: String, id: String, options: CallOptions) =
            runBlocking { client.getUser(account, id, options) }

        override fun updateUser(account: String, id: String, changes: NewUser, options: CallOptions, idempotencyKey: String?) =
            runBlocking { client.updateUser(account, id, changes, options, idempotencyKey) }

        override fun deleteUser(account: String, id: String, options: CallOptions) =
            runBlocking { client.deleteUser(account, id, options) }

        override fun close() = client.close()
    }
}
