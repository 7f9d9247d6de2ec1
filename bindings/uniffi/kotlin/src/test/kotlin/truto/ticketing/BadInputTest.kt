package truto.ticketing

import java.time.Duration
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * Bad input, as a table: every row throws `TrutoException.InvalidInput` naming the field, and
 * the sandbox's request log proves nothing was sent. Kotlin's types rule out most wrong types;
 * what they allow (an unknown enum value, a negative duration or count) the core refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private lateinit var sandbox: SandboxProcess
    private lateinit var client: TrutoClient

    private val account = "sandbox-dixa"
    private val ada = NewUser(name = "Ada Lovelace", emails = listOf(Email("ada@example.com", EmailType.Primary)))
    private val tenMib = "x".repeat(10 * 1024 * 1024)
    private val overLimit = "x".repeat(4097) // the core's limit is 4096 bytes per string

    @BeforeAll
    fun start() {
        sandbox = SandboxProcess()
        client = TrutoClient(ClientConfig(token = SecretString(sandbox.token), baseUrl = sandbox.url, maxRetries = 0))
    }

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    private class Row(val what: String, val field: String, val call: suspend () -> Unit)

    private fun user(what: String, field: String, user: NewUser) = Row(what, field) { client.createUser(account, user) }

    private fun email(what: String, field: String, vararg emails: Email) = user(what, field, ada.copy(emails = emails.toList()))

    private fun account(what: String, id: String) = Row(what, "integrated_account_id") { client.createUser(id, ada) }

    private fun options(what: String, field: String, options: CreateUserOptions) =
        Row(what, field) { client.createUser(account, ada, options) }

    /** A client whose configuration is the working one changed by [change]; if built, it sends. */
    private fun config(what: String, field: String, change: (ClientConfig) -> ClientConfig) = Row(what, field) {
        TrutoClient(change(ClientConfig(token = SecretString(sandbox.token), baseUrl = sandbox.url))).use {
            it.createUser(account, ada)
        }
    }

    private fun rows(): List<Row> = listOf(
        // Empty and blank strings.
        account("account id is blank", " \t"),
        user("name is empty", "name", ada.copy(name = "")),
        user("first name is tabs and newlines", "first_name", ada.copy(firstName = "\t\n")),
        user("last name is blank", "last_name", ada.copy(lastName = "   ")),
        user("nick name is empty", "nick_name", ada.copy(nickName = "")),
        user("user type is empty", "user_type", ada.copy(userType = "")),
        user("username is a no-break space", "username", ada.copy(username = "\u00a0")),
        user("password is empty", "password", ada.copy(password = SecretString(""))),
        user("emails is empty", "emails", ada.copy(emails = emptyList())),
        email("an email is empty", "emails[0].email", Email("")),
        user("a language is empty", "languages[1]", ada.copy(languages = listOf("en", ""))),
        user("a team id is blank", "team_ids[0]", ada.copy(teamIds = listOf(" "))),
        user("a role id is empty", "roles[0].id", ada.copy(roles = Roles.Objects(listOf(Role(id = "", name = "agent"))))),
        user("a role has neither id nor name", "roles[0]", ada.copy(roles = Roles.Objects(listOf(Role())))),
        // Too long.
        user("name is 10 MiB", "name", ada.copy(name = tenMib)),
        user("username is one byte over the limit", "username", ada.copy(username = overLimit)),
        account("account id is 10 MiB", tenMib),
        // Control characters.
        account("account id ends in a newline", "sandbox-dixa\n"),
        user("name holds NUL", "name", ada.copy(name = "Ada\u0000Lovelace")),
        user("first name holds an ANSI escape", "first_name", ada.copy(firstName = "\u001b[31mAda")),
        user("last name holds CR LF", "last_name", ada.copy(lastName = "Love\r\nlace")),
        user("nick name holds DEL", "nick_name", ada.copy(nickName = "ada\u007f")),
        user("password holds a bell", "password", ada.copy(password = SecretString("pw\u0007"))),
        user("a role name holds NUL", "roles[0].name", ada.copy(roles = Roles.Objects(listOf(Role(name = "a\u0000"))))),
        email("an email ends in a newline", "emails[0].email", Email("ada@example.com\n")),
        // Not an email address.
        email("an email has no domain", "emails[0].email", Email("ada@")),
        email("a second email has two @", "emails[1].email", Email("a@b.co"), Email("a@b@c")),
        // Outside the enums.
        email("email type is work", "emails[0].type", Email("ada@example.com", EmailType.of("work"))),
        email("email type is empty", "emails[0].type", Email("ada@example.com", EmailType.of(""))),
        user("role name is empty", "roles", ada.copy(roles = Roles.Name(RoleName.of("")))),
        user("role name is capitalised", "roles", ada.copy(roles = Roles.Name(RoleName.of("Owner")))),
        user("status is upper case", "status", ada.copy(status = UserStatus.of("ACTIVE"))),
        user("status is empty", "status", ada.copy(status = UserStatus.of(""))),
        // Not an http(s) URL.
        user("avatar is ftp", "avatar", ada.copy(avatar = "ftp://example.com/ada.png")),
        user("avatar is javascript", "avatar", ada.copy(avatar = "javascript:alert(1)")),
        user("avatar is a relative path", "avatar", ada.copy(avatar = "/img/ada.png")),
        // Call options.
        options("a collection id is empty", "collections[0].id", CreateUserOptions(collections = listOf(CollectionRef("")))),
        options("an excluded field is blank", "exclude_fields[0]", CreateUserOptions(excludeFields = listOf(" "))),
        options("idempotency key is empty", "idempotency_key", CreateUserOptions(idempotencyKey = "")),
        options("idempotency key is 256 characters", "idempotency_key", CreateUserOptions(idempotencyKey = "k".repeat(256))),
        options("idempotency key is not ASCII", "idempotency_key", CreateUserOptions(idempotencyKey = "ключ")),
        options("call timeout is zero", "timeout", CreateUserOptions(timeout = Duration.ZERO)),
        options("call timeout is negative", "timeout", CreateUserOptions(timeout = Duration.ofSeconds(-1))),
        options("call retries are negative", "max_retries", CreateUserOptions(maxRetries = -1)),
        options("call header name has a space", "headers.x trace", CreateUserOptions(headers = mapOf("x trace" to "1"))),
        options("call header value has CR LF", "headers.x-trace", CreateUserOptions(headers = mapOf("x-trace" to "1\r\nX-Injected: 1"))),
        options("call header is Authorization", "headers.Authorization", CreateUserOptions(headers = mapOf("Authorization" to "Bearer other"))),
        // Client settings.
        config("token is blank", "token") { it.copy(token = SecretString("   ")) },
        config("token holds a space", "token") { it.copy(token = SecretString("tok en")) },
        config("token holds NUL", "token") { it.copy(token = SecretString("tok\u0000en")) },
        config("base URL is empty", "base_url") { it.copy(baseUrl = "") },
        config("base URL is not a URL", "base_url") { it.copy(baseUrl = "api.truto.one") },
        config("base URL is ftp", "base_url") { it.copy(baseUrl = "ftp://api.truto.one") },
        config("base URL is plain http to a private address", "base_url") { it.copy(baseUrl = "http://10.0.0.1:8080") },
        config("base URL is plain http to a localhost lookalike", "base_url") { it.copy(baseUrl = "http://localhost.example.com") },
        config("base URL carries credentials", "base_url") { it.copy(baseUrl = "https://user:pw@api.truto.one") },
        config("base URL has a fragment", "base_url") { it.copy(baseUrl = "https://api.truto.one/#x") },
        config("connect timeout is zero", "connect_timeout") { it.copy(connectTimeout = Duration.ZERO) },
        config("timeout is negative", "timeout") { it.copy(timeout = Duration.ofMillis(-5)) },
        config("retries are negative", "max_retries") { it.copy(maxRetries = -2) },
        config("default header is Idempotency-Key", "headers.Idempotency-Key") { it.copy(headers = mapOf("Idempotency-Key" to "k")) },
        config("default header value holds NUL", "headers.x-team") { it.copy(headers = mapOf("x-team" to "a\u0000b")) },
    )

    @TestFactory
    fun `every bad input is refused naming the field and nothing is sent`(): List<DynamicTest> {
        return rows().map { row ->
            DynamicTest.dynamicTest(row.what) {
                sandbox.reset()
                val refused = assertThrows<TrutoException.InvalidInput> { runBlocking { row.call() } }
                assertEquals(row.field, refused.field, refused.detail)
                assertEquals("invalid_input", refused.kind())
                assertTrue(refused.detail.startsWith(row.field), refused.detail)
                assertEquals(0, sandbox.requests().size, "something was sent")
            }
        }
    }

    @Test
    fun `the request log sees what is sent`() = runBlocking {
        // The rows are only evidence if a good call does reach the log.
        sandbox.reset()
        client.createUser(account, ada)
        assertEquals(1, sandbox.requests().size)
    }

    @Test
    fun `plain http to a remote host is allowed only by the explicit switch`() {
        // The switch exists for deliberate use; without it the same URL is refused (rows above).
        val explicit = ClientConfig(token = SecretString("tok-1234"), baseUrl = "http://api.truto.one", allowInsecureHttp = true)
        TrutoClient(explicit).use { assertEquals("http://api.truto.one", it.baseUrl()) }
        val refused = assertThrows<TrutoException.InvalidInput> { TrutoClient(explicit.copy(allowInsecureHttp = false)).close() }
        assertEquals("base_url", refused.field)
    }
}
