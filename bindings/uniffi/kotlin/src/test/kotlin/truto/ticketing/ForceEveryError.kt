package truto.ticketing

import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.add
import kotlinx.serialization.json.addJsonObject
import kotlinx.serialization.json.buildJsonArray
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonArray
import kotlinx.serialization.json.putJsonObject

/**
 * Forces every error kind once, with the sandbox echoing the token and the password wherever
 * it can, and prints each error's kind and printed forms as one JSON array on stdout.
 * [SecretsLoggingTest] runs it in a child JVM with `TRUTO_LOG=debug`: the native log is
 * installed once per process, from the environment, and writes to the process's stderr.
 *
 * Arguments: the token and the password. Needs `-Dtruto.sandbox.bin`.
 */
object ForceEveryError {
    @JvmStatic
    fun main(args: Array<String>) = runBlocking {
        val (token, password) = args
        val echo = "token $token cannot set password $password"
        fun apiFault(status: Int, retryAfter: Int? = null): JsonElement = buildJsonObject {
            put("status", status)
            put("message", echo)
            put("remote", true)
            putJsonObject("raw_response") {
                put("error", echo)
                put("password", password)
            }
            retryAfter?.let { put("retry_after", it) }
        }
        val faults = listOf(400, 401, 403, 404, 405, 409, 422, 500).map { apiFault(it) } + listOf(
            apiFault(429, retryAfter = 120), // past the client's limit: the call ends at once
            buildJsonObject { put("delay_ms", 2000) },
            buildJsonObject { put("drop", "before_store") },
            buildJsonObject {
                put("status", 201)
                put("body", """{"id": "7", "password": "$password", "token": "$token"""")
            },
        )
        val rendered = mutableListOf<Pair<String, List<String>>>()
        fun record(error: TrutoException) {
            rendered += error.kind() to listOf(error.toString(), error.message.orEmpty(), error.stackTraceToString())
        }

        SandboxProcess("--token", token, "--no-rate-limits").use { sandbox ->
            val config = ClientConfig(token = SecretString(token), baseUrl = sandbox.url, timeout = java.time.Duration.ofMillis(300), maxRetries = 1)
            val ada = NewUser(name = "Ada", emails = listOf(Email("ada@example.com")), password = SecretString(password))
            TrutoClient(config).use { client ->
                for ((index, fault) in faults.withIndex()) {
                    // An account each: the 429 closes its account's window for two minutes.
                    val account = "sandbox-dixa-$index"
                    sandbox.reset()
                    sandbox.faults(account, JsonArray(listOf(fault, fault))) // the retry meets it too
                    try {
                        client.createUser(account, ada)
                    } catch (error: TrutoException) {
                        record(error)
                    }
                }
                for (refused in listOf(ada.copy(password = SecretString("$password\u0000")), ada.copy(name = "$echo\n"))) {
                    try {
                        client.createUser("sandbox-dixa", refused)
                    } catch (error: TrutoException) {
                        record(error)
                    }
                }
                try {
                    TrutoClient(config.copy(token = SecretString("$token\n"))).close()
                } catch (error: TrutoException) {
                    record(error)
                }
                rendered += "" to listOf(client.toString(), config.toString(), ada.toString())
            }
        }
        val output = buildJsonArray {
            for ((kind, texts) in rendered) {
                addJsonObject {
                    put("kind", kind)
                    putJsonArray("texts") { texts.forEach { add(JsonPrimitive(it)) } }
                }
            }
        }
        println(output)
    }
}
