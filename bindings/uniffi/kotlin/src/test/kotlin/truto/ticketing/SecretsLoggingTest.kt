package truto.ticketing

import java.io.File
import java.util.concurrent.TimeUnit
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * Every error kind, and the native debug log, hide the token and the password. The log is
 * installed from `TRUTO_LOG` once per process and written by Rust straight to file
 * descriptor 2, which `System.setErr` cannot capture: [ForceEveryError] runs in a child JVM
 * with `TRUTO_LOG=debug`, and its real stderr is read here.
 */
class SecretsLoggingTest {
    private val token = "tok-KOTLIN-SECRET-6d2e0b91"
    private val password = "pw-KOTLIN-SECRET-3a7f5c08"
    private val kinds = setOf(
        "invalid_input", "bad_request", "authentication", "permission_denied", "not_found", "method_not_allowed",
        "conflict", "unprocessable", "rate_limited", "server", "timeout", "connection", "decode",
    )

    @Test
    fun `every error kind and the TRUTO_LOG=debug log hide both secrets`() {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val classPath = System.getProperty("surefire.test.class.path") ?: System.getProperty("java.class.path")
        val stderr = File.createTempFile("truto-log", ".txt").apply { deleteOnExit() }
        val child = ProcessBuilder(
            java, "-cp", classPath, "-Dtruto.sandbox.bin=${System.getProperty("truto.sandbox.bin")}",
            ForceEveryError::class.java.name, token, password,
        ).redirectError(stderr).apply { environment()["TRUTO_LOG"] = "debug" }.start()
        child.outputStream.close()
        val stdout = child.inputStream.bufferedReader().readText()
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish")
        val log = stderr.readText()
        assertEquals(0, child.exitValue(), log)

        val rendered = Json.parseToJsonElement(stdout.trim()).jsonArray.map { it.jsonObject }
        val seen = rendered.map { it["kind"]!!.jsonPrimitive.content }.filter { it.isNotEmpty() }.toSet()
        assertEquals(kinds, seen)
        for (entry in rendered) {
            for (text in entry["texts"]!!.jsonArray.map { it.jsonPrimitive.content }) {
                assertFalse(text.contains(token) || text.contains(password), "${entry["kind"]} shows a secret: $text")
            }
        }
        // Where the server echoed the secrets, the error says so rather than dropping the text.
        val badRequest = rendered.first { it["kind"]!!.jsonPrimitive.content == "bad_request" }
        val shown = badRequest["texts"]!!.jsonArray[1].jsonPrimitive.content
        assertTrue(shown.contains("token [redacted] cannot set password [redacted]"), shown)

        assertFalse(log.contains(token) || log.contains(password), "the log shows a secret:\n$log")
        // A decode error follows an attempt that succeeded; every other kind is an attempt's outcome.
        for (kind in kinds - setOf("invalid_input", "decode")) {
            assertTrue(log.contains("outcome=\"$kind\""), "no $kind attempt logged:\n$log")
        }
        assertTrue(log.contains("retrying truto request"), log)
    }
}
