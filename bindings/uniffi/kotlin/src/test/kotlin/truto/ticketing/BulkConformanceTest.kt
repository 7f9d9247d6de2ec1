package truto.ticketing

import java.io.File
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

/** Kotlin's `createUsers` (a `Flow`) runs every bulk case of tests/conformance/bulk ([BulkRunner]). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkConformanceTest {
    private val runner = BulkRunner(KotlinCaller)

    @AfterAll
    fun stopSandbox() = runner.close()

    @TestFactory
    fun cases(): List<DynamicTest> = runner.cases()
}

/**
 * Runs every bulk case of tests/conformance/bulk through one JVM surface's `createUsers`
 * ([Caller]) against the truto-sandbox binary over HTTPS, as the Rust runner does.
 */
class BulkRunner(private val caller: Caller) : AutoCloseable {
    private val sandbox = SandboxProcess("--tls")

    override fun close() = sandbox.close()

    /** One dynamic test per bulk case file, in name order. */
    fun cases(): List<DynamicTest> {
        val cases = File(System.getProperty("truto.conformance.dir") ?: "../../../tests/conformance/cases")
        val folder = File(cases.parentFile, "bulk")
        val files = folder.listFiles { file -> file.name.endsWith(".json") }?.sortedBy { it.name }.orEmpty()
        check(files.isNotEmpty()) { "no bulk cases in ${folder.absolutePath}" }
        return files.map { file ->
            DynamicTest.dynamicTest(file.nameWithoutExtension) {
                runCase(Json.parseToJsonElement(file.readText()).jsonObject)
            }
        }
    }

    private fun fill(template: JsonElement, n: String): JsonElement = when (template) {
        is JsonPrimitive -> if (template.isString) JsonPrimitive(template.content.replace("{n}", n)) else template
        is JsonArray -> JsonArray(template.map { fill(it, n) })
        is JsonObject -> JsonObject(template.mapValues { (_, value) -> fill(value, n) })
    }

    private fun rowsOf(spec: JsonElement): List<BulkRow> = when (spec) {
        is JsonObject -> (1..spec.long("generate")!!).map { n ->
            BulkRow(n.toString(), caller.newUser(jvmObjectOf(fill(spec["user"]!!, n.toString()).jsonObject)))
        }
        else -> spec.jsonArray.map { row ->
            BulkRow(row.jsonObject.str("id")!!, caller.newUser(jvmObjectOf(row.jsonObject["user"]!!.jsonObject)))
        }
    }

    private fun runCase(case: JsonObject) {
        sandbox.reset()
        sandbox.rateLimits(case["rate_limits"] ?: JsonNull)
        val bulk = case["bulk"]!!.jsonObject
        val account = bulk.str("integrated_account_id")!!
        case["faults"]?.let { sandbox.faults(account, it) }
        val given = bulk["options"] as? JsonObject ?: JsonObject(emptyMap())
        val options = caller.createUsersOptions(given.long("concurrency")?.toInt(), given.long("max_retries")?.toInt())
        val client = caller.open(caller.clientConfig(sandbox.token, sandbox.url, sandbox.caPem, null, null))
        try {
            val started = System.nanoTime()
            var outcomes = emptyList<RowOutcome>()
            repeat((bulk.long("runs") ?: 1).toInt()) {
                outcomes = client.createUsers(account, rowsOf(bulk["rows"]!!), options)
            }
            val elapsedMs = (System.nanoTime() - started) / 1_000_000
            check(outcomes, case, rowsOf(bulk["rows"]!!).map { it.id }, elapsedMs)
            val expected = case["sandbox"] as? JsonObject ?: JsonObject(emptyMap())
            val seen = sandbox.requests().size.toLong()
            expected.long("requests")?.let { check(seen == it) { "the sandbox saw $seen requests, expected $it" } }
            expected.long("max_requests")?.let { check(seen <= it) { "the sandbox saw $seen requests" } }
            expected.long("users_stored")?.let {
                val stored = sandbox.users(account).size.toLong()
                check(stored == it) { "the sandbox stored $stored users, expected $it" }
            }
        } finally {
            client.close()
            sandbox.rateLimits(Json.parseToJsonElement("""{"per_account":50,"per_token":500,"window_secs":10}"""))
        }
    }

    private fun check(outcomes: List<RowOutcome>, case: JsonObject, rowIds: List<String>, elapsedMs: Long) {
        check(outcomes.map { it.rowId }.sorted() == rowIds.sorted()) { "one outcome per row expected" }
        val expect = case["expect"]!!.jsonObject
        val figures = mapOf(
            "created" to outcomes.count { it.error == null && !it.replayed }.toLong(),
            "replayed" to outcomes.count { it.error == null && it.replayed }.toLong(),
            "failed" to outcomes.count { it.error != null }.toLong(),
        )
        for ((key, got) in figures) {
            expect.long(key)?.let { check(got == it) { "$key: $got, expected $it ($figures)" } }
        }
        (expect["failed_rows"] as? JsonObject)?.forEach { (rowId, kind) ->
            val error = outcomes.first { it.rowId == rowId }.error
            check(error != null && error.kind() == kind.jsonPrimitive.content) { "row $rowId: $error, expected $kind" }
        }
        val rateLimited = outcomes.sumOf { it.rateLimitedResponses.toLong() }
        expect.long("max_rate_limited_responses")?.let { check(rateLimited <= it) { "$rateLimited responses were 429" } }
        expect.long("min_elapsed_ms")?.let { check(elapsedMs >= it) { "took $elapsedMs ms" } }
        expect.long("max_elapsed_ms")?.let { check(elapsedMs <= it) { "took $elapsedMs ms" } }
    }
}
