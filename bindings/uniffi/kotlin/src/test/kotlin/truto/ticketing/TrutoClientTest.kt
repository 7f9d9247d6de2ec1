package truto.ticketing

import java.time.Duration
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** The Kotlin face itself: error mapping, invalid input, redaction, concurrency, cancellation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrutoClientTest {
    private lateinit var sandbox: SandboxProcess
    private lateinit var client: TrutoClient

    private val ada = NewUser(name = "Ada Lovelace", emails = listOf(Email("ada@example.com", EmailType.Primary)))

    @BeforeAll
    fun start() {
        // Rate limits off: the concurrency test sends more than Truto's 50 per 10 s per account.
        sandbox = SandboxProcess("--no-rate-limits")
        client = TrutoClient(ClientConfig(token = SecretString(sandbox.token), baseUrl = sandbox.url, maxRetries = 1))
    }

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    @BeforeEach
    fun reset() = sandbox.reset()

    @Test
    fun `createUser returns the unified user as a data class`() = runBlocking {
        val user = client.createUser("sandbox-dixa", ada)
        assertEquals("Ada Lovelace", user.name)
        assertEquals(listOf(Email("ada@example.com", EmailType.Primary)), user.emails)
        assertEquals(true, user.isActive)
        assertNotNull(user.remoteData)
        assertTrue(user.extra.isEmpty(), user.extra.toString())
        assertEquals(1, sandbox.users("sandbox-dixa").size)
    }

    @Test
    fun `API errors arrive as the case of their kind with Truto's details`() = runBlocking {
        val missing = assertThrows<TrutoException.BadRequest> {
            client.createUser("sandbox-dixa", NewUser(name = "Nobody"))
        }
        assertEquals("bad_request", missing.kind())
        assertEquals(400, missing.status)
        assertEquals(listOf("emails"), missing.missingRequiredFields)
        assertNotNull(missing.requestId)
        assertNotNull(missing.idempotencyKey)
        assertEquals(1, missing.attempts)
        assertFalse(missing.retryable)
        assertTrue(missing.insight!!.containsKey("missing_required_body_fields"), missing.insight.toString())

        val unknown = assertThrows<TrutoException.NotFound> { client.createUser("no-such-account", ada) }
        assertEquals(404, unknown.status)

        // An account of its own: the 429 closes its rate-limit window for two minutes.
        sandbox.faults("sandbox-dixa-limited", Json.parseToJsonElement("""[{"status": 429, "retry_after": 120}]"""))
        val limited = assertThrows<TrutoException.RateLimited> { client.createUser("sandbox-dixa-limited", ada) }
        assertEquals(Duration.ofSeconds(120), limited.retryAfter)
        assertTrue(limited.retryable)
        assertEquals("rate_limited", limited.kind())
        // The window stays closed: the next call is not sent, and says how long to wait.
        val closed = assertThrows<TrutoException.RateLimited> { client.createUser("sandbox-dixa-limited", ada) }
        assertEquals(0, closed.attempts)
        assertTrue(closed.retryAfter!! > Duration.ofSeconds(100), closed.retryAfter.toString())

        sandbox.faults(
            "sandbox-dixa",
            Json.parseToJsonElement("""[{"status": 422, "remote": true, "message": "Email is invalid", "raw_response": {"errors": []}}]"""),
        )
        val remote = assertThrows<TrutoException.Unprocessable> { client.createUser("sandbox-dixa", ada) }
        assertTrue(remote.isRemoteError)
        assertTrue(remote.detail.contains("Email is invalid"), remote.detail)
        assertTrue(remote.message!!.contains("Email is invalid"), remote.message)
    }

    @Test
    fun `transport failures are Timeout and Connection`() = runBlocking {
        sandbox.faults("sandbox-dixa", Json.parseToJsonElement("""[{"delay_ms": 1500}]"""))
        val slow = assertThrows<TrutoException.Timeout> {
            client.createUser("sandbox-dixa", ada, CreateUserOptions(timeout = Duration.ofMillis(200), maxRetries = 0))
        }
        assertEquals(1, slow.attempts)
        assertTrue(slow.retryable)

        // Nothing listens on port 9 of loopback (discard): the connection is refused.
        TrutoClient(ClientConfig(token = SecretString("tok-1234"), baseUrl = "http://127.0.0.1:9", maxRetries = 1)).use { offline ->
            val refused = assertThrows<TrutoException.Connection> { offline.createUser("sandbox-dixa", ada) }
            assertEquals(2, refused.attempts)
            assertEquals("connection", refused.kind())
        }
    }

    @Test
    fun `invalid input is refused before anything is sent, naming the field`() = runBlocking {
        fun field(block: suspend () -> Unit): String? = runBlocking {
            assertThrows<TrutoException.InvalidInput> { block() }.field
        }
        assertEquals("name", field { client.createUser("sandbox-dixa", ada.copy(name = "  ")) })
        assertEquals("emails[0].email", field { client.createUser("sandbox-dixa", ada.copy(emails = listOf(Email("nobody")))) })
        assertEquals("status", field { client.createUser("sandbox-dixa", ada.copy(status = UserStatus.of("suspended"))) })
        assertEquals("roles", field { client.createUser("sandbox-dixa", ada.copy(roles = Roles.Name(RoleName.of("admin")))) })
        assertEquals("integrated_account_id", field { client.createUser("", ada) })
        assertEquals("idempotency_key", field { client.createUser("sandbox-dixa", ada, CreateUserOptions(idempotencyKey = "a b")) })
        assertEquals("response_format", field { parseResponseFormat("xml") })
        assertEquals("token", field { TrutoClient(ClientConfig(token = SecretString(""), baseUrl = sandbox.url)).close() })
        assertEquals("timeout", field { TrutoClient(ClientConfig(token = SecretString("t"), baseUrl = sandbox.url, timeout = Duration.ZERO)).close() })
        assertEquals("base_url", field { TrutoClient(ClientConfig(token = SecretString("t"), baseUrl = "http://example.com")).close() })
        assertEquals(ResponseFormat.RAW, parseResponseFormat("raw"))
        assertEquals(0, sandbox.requests().size)
    }

    @Test
    fun `the token and the password never appear in printed forms`() = runBlocking {
        val token = "tok-kotlin-very-secret"
        val password = "pw-kotlin-very-secret"
        val config = ClientConfig(token = SecretString(token), baseUrl = sandbox.url)
        val user = ada.copy(password = SecretString(password))
        for (shown in listOf(config.toString(), user.toString())) {
            assertFalse(shown.contains(token) || shown.contains(password), shown)
            assertTrue(shown.contains("[redacted]"), shown)
        }
        assertEquals(SecretString(password), user.password)
        TrutoClient(config).use { wrongToken ->
            assertFalse(wrongToken.toString().contains(token), wrongToken.toString())
            val refused = assertThrows<TrutoException.Authentication> { wrongToken.createUser("sandbox-dixa", user) }
            for (shown in listOf(refused.toString(), refused.message.orEmpty(), refused.body.orEmpty())) {
                assertFalse(shown.contains(token) || shown.contains(password), shown)
            }
        }
        sandbox.faults("sandbox-dixa", Json.parseToJsonElement("""[{"status": 400, "message": "password $password is too weak"}]"""))
        val weak = assertThrows<TrutoException.BadRequest> { client.createUser("sandbox-dixa", user) }
        for (shown in listOf(weak.toString(), weak.message.orEmpty(), weak.detail, weak.body.orEmpty())) {
            assertFalse(shown.contains(password), shown)
        }
        assertTrue(weak.detail.contains("[redacted]"), weak.detail)
    }

    @Test
    fun `many concurrent coroutines share one client`() = runBlocking {
        val count = 100
        val users = coroutineScope {
            (1..count).map { n ->
                async(Dispatchers.Default) {
                    client.createUser(
                        "sandbox-dixa",
                        NewUser(name = "User $n", emails = listOf(Email("user$n@example.com", EmailType.Primary))),
                    )
                }
            }.awaitAll()
        }
        assertEquals(count, users.map { it.id }.toSet().size)
        assertEquals((1..count).map { "User $it" }, users.map { it.name })
        assertEquals(count, sandbox.users("sandbox-dixa").size)
        assertEquals(count, sandbox.requests().size)
    }

    @Test
    fun `cancelling the coroutine abandons the call`() = runBlocking {
        sandbox.faults("sandbox-dixa", Json.parseToJsonElement("""[{"delay_ms": 3000}]"""))
        val started = System.nanoTime()
        assertThrows<TimeoutCancellationException> {
            withTimeout(300) { client.createUser("sandbox-dixa", ada, CreateUserOptions(maxRetries = 0)) }
        }
        val elapsedMs = (System.nanoTime() - started) / 1_000_000
        assertTrue(elapsedMs < 2000, "cancellation took $elapsedMs ms")
        // The client still works after a cancelled call.
        assertEquals("Ada Lovelace", client.createUser("sandbox-dixa", ada).name)
    }

    @Test
    fun `free-form JSON is the JVM's own maps, lists and values, both ways`() = runBlocking {
        val remoteData = mapOf(
            "department" to "Engineering", "level" to 7, "ratio" to 0.5, "admin" to false,
            "tags" to listOf("a", "b"), "manager" to mapOf("id" to 42L, "name" to null),
        )
        val user = client.createUser("sandbox-dixa", ada.copy(remoteData = remoteData, customFields = mapOf("plan" to "pro")))
        val echoed = user.remoteData!!
        assertEquals("Engineering", echoed["department"])
        assertEquals(7L, echoed["level"])
        assertEquals(0.5, echoed["ratio"])
        assertEquals(false, echoed["admin"])
        assertEquals(listOf("a", "b"), echoed["tags"])
        assertEquals(mapOf("id" to 42L, "name" to null), echoed["manager"])
        val sent = sandbox.requests().last().jsonObject["body"]!!.jsonObject
        assertEquals(Json.parseToJsonElement("""{"plan": "pro"}"""), sent["custom_fields"])
    }

    @Test
    fun `a value JSON cannot hold is refused before anything is sent`() = runBlocking {
        for (bad in listOf<Map<String, Any?>>(
            mapOf("when" to java.util.Date()),
            mapOf("ratio" to Double.NaN),
            mapOf("nested" to mapOf(7 to "not a string key")),
            mapOf("list" to listOf(Any())),
        )) {
            val refused = assertThrows<TrutoException.InvalidInput> {
                client.createUser("sandbox-dixa", ada.copy(remoteData = bad))
            }
            assertTrue(refused.detail.contains("is not JSON"), refused.detail)
        }
        assertEquals(0, sandbox.requests().size)
    }

    @Test
    fun `listUsers is a Flow that fetches a page only when it is reached`() = runBlocking {
        sandbox.seed(Json.parseToJsonElement("""{"integrated_account_id": "sandbox-dixa", "generate": 5}"""))
        val firstThree = client.listUsers("sandbox-dixa", ListUsersOptions(limit = 2)).take(3).toList()
        assertEquals(listOf("User 1", "User 2", "User 3"), firstThree.map { it.name })
        assertEquals(2, sandbox.requests().size, "a third page was fetched before it was reached")
        val all = client.listUsers("sandbox-dixa", ListUsersOptions(limit = 2)).toList()
        assertEquals(5, all.size)
        val created = all.first().createdAt!!
        assertTrue(created.isAfter(java.time.Instant.now().minusSeconds(600)), created.toString())
        assertEquals(created, java.time.Instant.parse(all.first().createdAtRaw!!))
    }

    @Test
    fun `get, update and delete one user`() = runBlocking {
        val created = client.createUser("sandbox-dixa", ada)
        val renamed = client.updateUser("sandbox-dixa", created.id, NewUser(name = "Augusta Ada King"))
        assertEquals("Augusta Ada King", renamed.name)
        assertEquals(created.emails, renamed.emails)
        assertTrue(renamed.updatedAt!! >= created.updatedAt!!)
        assertEquals("Augusta Ada King", client.getUser("sandbox-dixa", created.id).name)
        assertEquals(created.id, client.deleteUser("sandbox-dixa", created.id))
        val gone = assertThrows<TrutoException.NotFound> { client.getUser("sandbox-dixa", created.id) }
        assertEquals(404, gone.status)
        val nothing = assertThrows<TrutoException.InvalidInput> { client.updateUser("sandbox-dixa", created.id, NewUser()) }
        assertEquals("changes", nothing.field)
    }

    @Test
    fun `open enums read wire values and keep unknown ones`() {
        assertEquals(EmailType.Primary, EmailType.of("primary"))
        assertEquals(EmailType.Unrecognized("work"), EmailType.of("work"))
        assertEquals("owner", RoleName.Owner.toString())
        assertEquals(UserStatus.Inactive, UserStatuses.INACTIVE)
    }

    @Test
    fun `other response formats answer JSON values or bytes`() = runBlocking {
        val raw = client.createUserWithFormat("sandbox-dixa", ada, CreateUserOptions(), ResponseFormat.RAW)
        assertTrue(raw is CreateUserResponse.Json && (raw.json as Map<*, *>).values.contains("Ada Lovelace"), raw.toString())
        val stream = client.createUserWithFormat("sandbox-dixa", ada, CreateUserOptions(), ResponseFormat.STREAM)
        assertTrue(stream is CreateUserResponse.Bytes && stream.bytes.decodeToString().contains("Ada Lovelace"))
    }
}
