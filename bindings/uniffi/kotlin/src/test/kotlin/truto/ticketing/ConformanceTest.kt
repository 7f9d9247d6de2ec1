package truto.ticketing

import java.io.File
import java.util.UUID
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance

/** Kotlin's suspend calls run every case of tests/conformance/cases ([ConformanceRunner]). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceTest {
    private val runner = ConformanceRunner(KotlinCaller)

    @AfterAll
    fun stopSandbox() = runner.close()

    @TestFactory
    fun cases(): List<DynamicTest> = runner.cases()
}

/**
 * Runs every case of tests/conformance/cases through one JVM surface ([Caller]) against the
 * truto-sandbox binary over HTTPS (the client trusting its CA through `caCert`), as the
 * Rust runner (tests/conformance/rust/main.rs) does.
 */
class ConformanceRunner(private val caller: Caller) : AutoCloseable {
    private val sandbox = SandboxProcess("--tls")

    override fun close() = sandbox.close()

    /** One dynamic test per case file, in name order. */
    fun cases(): List<DynamicTest> {
        val folder = File(System.getProperty("truto.conformance.dir") ?: "../../../tests/conformance/cases")
        val files = folder.listFiles { file -> file.name.endsWith(".json") }?.sortedBy { it.name }.orEmpty()
        check(files.isNotEmpty()) { "no conformance cases in ${folder.absolutePath}" }
        return files.map { file ->
            DynamicTest.dynamicTest(file.nameWithoutExtension) {
                runCase(Json.parseToJsonElement(file.readText()).jsonObject)
            }
        }
    }

    private sealed interface Outcome {
        /** What a call gave in its JSON form; a listing also says how many users each page held. */
        data class Success(val value: JsonElement, val shape: String, val pageSizes: List<Int> = emptyList()) : Outcome
        data class Failure(val error: TrutoException) : Outcome
    }

    private fun runCase(case: JsonObject) {
        sandbox.reset()
        val call = case["call"]!!.jsonObject
        val account = call.str("integrated_account_id") ?: ""
        when (val seed = case["seed"]) {
            null -> {}
            is JsonArray -> seed.forEach { sandbox.seed(it) }
            else -> sandbox.seed(seed)
        }
        case["faults"]?.let { sandbox.faults(account, it) }

        val client = try {
            Result.success(open(case["client"] as? JsonObject ?: JsonObject(emptyMap())))
        } catch (error: TrutoException) {
            Result.failure(error)
        }
        try {
            case["before"]?.jsonArray?.forEach { makeCall(client, it.jsonObject) }
            val repeat = case.long("repeat") ?: 1
            val started = System.nanoTime()
            val outcomes = (1..repeat).map { makeCall(client, call) }
            val elapsedMs = (System.nanoTime() - started) / 1_000_000

            val expect = case["expect"]!!.jsonObject
            checkOutcome(expect, outcomes.last())
            expect.long("min_elapsed_ms")?.let { check(elapsedMs >= it) { "took $elapsedMs ms, expected at least $it" } }
            expect.long("max_elapsed_ms")?.let { check(elapsedMs <= it) { "took $elapsedMs ms, expected at most $it" } }
            if (expect.flag("same_user_each_call")) {
                val ids = outcomes.map { (it as? Outcome.Success)?.value?.jsonObject?.get("id") ?: JsonPrimitive(it.toString()) }
                check(ids.zipWithNext().all { (a, b) -> a == b }) { "calls returned different users: $ids" }
            }
            (case["sandbox"] as? JsonObject)?.let { checkSandbox(account, it) }
        } finally {
            client.getOrNull()?.close()
        }
    }

    private fun open(settings: JsonObject): Session = caller.open(
        caller.clientConfig(
            token = settings.str("token") ?: sandbox.token,
            baseUrl = settings.str("base_url") ?: sandbox.url,
            caCert = sandbox.caPem,
            maxRetries = settings.long("max_retries")?.toInt(),
            timeoutMs = settings.long("timeout_ms"),
        ),
    )

    private fun makeCall(client: Result<Session>, call: JsonObject): Outcome {
        val truto = client.getOrElse { return Outcome.Failure(it as TrutoException) }
        return try {
            when (call.str("method") ?: "create") {
                "create" -> create(truto, call)
                "list" -> list(truto, call)
                else -> byId(truto, call)
            }
        } catch (error: TrutoException) {
            Outcome.Failure(error)
        }
    }

    /** Every page (or the first `pages`; with `resume`, the rest from the last page read's cursor). */
    private fun list(truto: Session, call: JsonObject): Outcome {
        val account = call.str("integrated_account_id")!!
        val fields = jvmObjectOf(call["options"] as? JsonObject ?: JsonObject(emptyMap()))
        val pages = truto.listUserPages(account, caller.listUsersOptions(fields), call.long("pages")?.toInt()).toMutableList()
        val cursor = pages.lastOrNull()?.nextCursor
        if (call.flag("resume") && cursor != null) {
            pages += truto.listUserPages(account, caller.listUsersOptions(fields + ("cursor" to cursor)), null)
        }
        val users = pages.flatMap { it.users }.map(::userJson)
        return Outcome.Success(JsonArray(users), "users", pages.map { it.users.size })
    }

    private fun byId(truto: Session, call: JsonObject): Outcome {
        val account = call.str("integrated_account_id")!!
        val id = call.str("id")!!
        val given = jvmObjectOf(call["options"] as? JsonObject ?: JsonObject(emptyMap()))
        val options = caller.callOptions(given - "idempotency_key")
        return when (val method = call.str("method")) {
            "get" -> Outcome.Success(userJson(truto.getUser(account, id, options)), "user")
            "update" -> {
                val changes = caller.newUser(jvmObjectOf(call["user"]!!.jsonObject))
                Outcome.Success(userJson(truto.updateUser(account, id, changes, options, given["idempotency_key"] as String?)), "user")
            }
            "delete" -> Outcome.Success(JsonPrimitive(truto.deleteUser(account, id, options)), "deleted")
            else -> error("the runner has no method $method")
        }
    }

    private fun create(truto: Session, call: JsonObject): Outcome {
        return run {
            val user = caller.newUser(jvmObjectOf(call["user"]!!.jsonObject))
            val given = call["options"] as? JsonObject ?: JsonObject(emptyMap())
            val options = caller.createUserOptions(jvmObjectOf(JsonObject(given - "response_format")))
            val format = given.str("response_format")?.let { parseResponseFormat(it) } ?: ResponseFormat.UNIFIED
            val account = call.str("integrated_account_id")!!
            if (format == ResponseFormat.UNIFIED) {
                Outcome.Success(userJson(truto.createUser(account, user, options)), "user")
            } else {
                when (val answer = truto.createUserWithFormat(account, user, options, format)) {
                    is CreateUserResponse.Unified -> Outcome.Success(userJson(answer.user), "user")
                    is CreateUserResponse.Json -> Outcome.Success(jsonOf(answer.json), "json")
                    is CreateUserResponse.Bytes -> Outcome.Success(
                        runCatching { Json.parseToJsonElement(answer.bytes.decodeToString()) }.getOrDefault(JsonNull),
                        "bytes",
                    )
                }
            }
        }
    }

    private fun checkOutcome(expect: JsonObject, outcome: Outcome) {
        val wanted = expect.str("result")!!
        when (outcome) {
            is Outcome.Failure -> {
                check(wanted == "error") { "expected a $wanted, got ${outcome.error}" }
                checkError(expect, outcome.error)
            }
            is Outcome.Success -> {
                check(wanted == outcome.shape) { "expected $wanted, got ${outcome.shape}: ${outcome.value}" }
                val value = outcome.value
                if (outcome.shape == "users") checkListing(expect, value.jsonArray, outcome.pageSizes)
                expect["deleted_id"]?.let { check(it == value) { "deleted $value, expected $it" } }
                for ((subset, has, lacks) in listOf(
                    Triple("user", "user_has", "user_lacks"),
                    Triple("json", "json_has", "json_lacks"),
                    Triple("bytes_json", "", ""),
                )) {
                    expect[subset]?.let { matchesSubset(it, value, "$") }
                    expect[has]?.jsonArray?.forEach { key ->
                        val present = (value as? JsonObject)?.get(key.jsonPrimitive.content)
                        check(present != null && present != JsonNull) { "result lacks `$key`: $value" }
                    }
                    expect[lacks]?.jsonArray?.forEach { key ->
                        val present = (value as? JsonObject)?.get(key.jsonPrimitive.content)
                        check(present == null || present == JsonNull) { "result has `$key`: $value" }
                    }
                }
            }
        }
    }

    /** `count`, `user_names` (every name, in order), `page_sizes`, and `users` (a subset per user). */
    private fun checkListing(expect: JsonObject, users: JsonArray, pageSizes: List<Int>) {
        expect.long("count")?.let { check(users.size.toLong() == it) { "listed ${users.size} users, expected $it" } }
        expect["user_names"]?.let { names ->
            val got = JsonArray(users.map { it.jsonObject["name"] ?: JsonNull })
            check(got == names) { "listed $got, expected $names" }
        }
        expect["page_sizes"]?.let { sizes ->
            check(JsonArray(pageSizes.map(::JsonPrimitive)) == sizes) { "pages of $pageSizes, expected $sizes" }
        }
        expect["users"]?.let { matchesSubset(it, users, "$") }
    }

    private fun checkError(expect: JsonObject, error: TrutoException) {
        val wanted = expect["error"]!!.jsonObject
        val view = viewOf(error)
        val shown = "$error / $view"
        check(wanted.str("kind") == view.kind) { "wrong kind: $shown" }
        wanted["status"]?.let { check(it.jsonPrimitive.content == view.status.toString()) { "wrong status: $shown" } }
        wanted["field"]?.let { check(it.jsonPrimitive.content == view.field) { "wrong field: $shown" } }
        wanted.long("attempts")?.let { check(it == view.attempts.toLong()) { "wrong attempts: $shown" } }
        wanted.strings("missing_required_fields")?.let { check(it == view.missingRequiredFields) { "wrong missing fields: $shown" } }
        wanted.long("retry_after_s")?.let { check(it == view.retryAfter?.seconds) { "wrong retry_after: $shown" } }
        wanted["is_remote_error"]?.let { check(it.jsonPrimitive.content == view.isRemoteError.toString()) { "wrong remote flag: $shown" } }
        wanted.str("message_contains")?.let { check(view.detail.contains(it)) { "message lacks `$it`: $shown" } }
        if (wanted.flag("has_request_id")) check(view.requestId != null) { "no request id: $shown" }
        expect.strings("secrets_absent")?.forEach { secret ->
            for (text in listOf(error.message.orEmpty(), error.toString(), view.detail, view.body.orEmpty())) {
                check(!text.contains(secret)) { "secret leaked: $text" }
            }
        }
    }

    private fun checkSandbox(account: String, expected: JsonObject) {
        val requests = sandbox.requests()
        expected.long("requests")?.let { check(requests.size.toLong() == it) { "sandbox saw ${requests.size} requests, expected $it" } }
        expected.long("users_stored")?.let {
            val users = sandbox.users(account)
            check(users.size.toLong() == it) { "sandbox stored ${users.size} users, expected $it" }
        }
        (expected["last_request"] as? JsonObject)?.let { last ->
            val got = requests.lastOrNull()?.jsonObject ?: error("the sandbox saw no request")
            for (key in listOf("method", "path", "query_pairs", "body")) {
                last[key]?.let { want -> check(got[key] == want) { "last request $key: got ${got[key]}, expected $want" } }
            }
            last["headers"]?.let { matchesSubset(it, got["headers"], "headers") }
        }
        val keys = requests.map { it.jsonObject["headers"]?.jsonObject?.str("idempotency-key") }
        when (expected.str("idempotency_key")) {
            "uuid4" -> {
                val key = keys.lastOrNull()
                val version = key?.let { runCatching { UUID.fromString(it).version() }.getOrNull() }
                check(version == 4) { "idempotency key is not a UUID v4: $key" }
            }
            "same" -> check(keys.firstOrNull() != null && keys.distinct().size == 1) { "idempotency keys differ: $keys" }
        }
    }
}
