package truto.ticketing

import java.io.File
import java.net.URI
import java.security.KeyStore
import java.security.cert.CertificateFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.TrustManagerFactory
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.TimeUnit
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.put

/**
 * The `truto-sandbox` binary as a child process: a real HTTP server on loopback.
 * Its first stdout line is `listening on http://127.0.0.1:PORT`; closing its stdin stops it.
 * With `--tls` among `args` it serves HTTPS: `caPem` is its CA, trusted by the admin
 * calls here and given to clients as `caCert`.
 */
class SandboxProcess(vararg args: String) : AutoCloseable {
    val url: String
    val token = "sandbox-token"
    val caPem: String?
    private val process: Process
    private val http: HttpClient

    init {
        val tls = "--tls" in args
        val caFile = if (tls) File.createTempFile("truto-sandbox-ca", ".pem").apply { deleteOnExit() } else null
        val binary = System.getProperty("truto.sandbox.bin")
            ?: System.getenv("TRUTO_SANDBOX_BIN")
            ?: error("set -Dtruto.sandbox.bin or TRUTO_SANDBOX_BIN to the truto-sandbox binary")
        check(File(binary).canExecute()) { "no truto-sandbox binary at $binary: run cargo build -p truto-sandbox" }
        val caArgs = if (caFile != null) listOf("--ca-out", caFile.path) else emptyList()
        process = ProcessBuilder(listOf(binary) + args + caArgs)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val first = process.inputStream.bufferedReader().readLine()
            ?: error("truto-sandbox exited before announcing its address")
        url = first.removePrefix("listening on ").trim()
        val scheme = if (tls) "https" else "http"
        check(url.startsWith("$scheme://127.0.0.1:")) { "unexpected first line from truto-sandbox: $first" }
        caPem = caFile?.readText()
        http = HttpClient.newBuilder().apply { caPem?.let { sslContext(trusting(it)) } }.build()
    }

    /** An SSL context that trusts `pem`'s certificate, as a client given `caCert` does. */
    private fun trusting(pem: String): SSLContext {
        val certificate = CertificateFactory.getInstance("X.509").generateCertificate(pem.byteInputStream())
        val roots = KeyStore.getInstance(KeyStore.getDefaultType()).apply {
            load(null, null)
            setCertificateEntry("truto-sandbox", certificate)
        }
        val trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(roots) }
        return SSLContext.getInstance("TLS").apply { init(null, trust.trustManagers, null) }
    }

    fun reset() {
        post("/_sandbox/reset", "{}")
    }

    /** Scripts what the next requests to `account` meet (statuses, drops, delays). */
    fun faults(account: String, faults: JsonElement) {
        val body = buildJsonObject {
            put("integrated_account_id", account)
            put("faults", faults)
        }
        post("/_sandbox/faults", body.toString())
    }

    /** Stores users directly (`POST /_sandbox/seed`: `{integrated_account_id, users, generate, template, collection}`). */
    fun seed(seed: JsonElement) {
        post("/_sandbox/seed", seed.toString())
    }

    /** Replaces the rate limits (`{per_account, per_token, window_secs}`, or JSON null for none). */
    fun rateLimits(limits: JsonElement) {
        post("/_sandbox/rate_limits", limits.toString())
    }

    /** Every API request the sandbox received since the last reset, oldest first. */
    fun requests(): JsonArray = Json.parseToJsonElement(get("/_sandbox/requests")).jsonArray

    /** The users stored for one integrated account. */
    fun users(account: String): JsonArray {
        val query = URLEncoder.encode(account, Charsets.UTF_8)
        return Json.parseToJsonElement(get("/_sandbox/users?integrated_account_id=$query")).jsonArray
    }

    private fun post(path: String, body: String): String =
        send(HttpRequest.newBuilder(URI("$url$path")).header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build())

    private fun get(path: String): String = send(HttpRequest.newBuilder(URI("$url$path")).GET().build())

    private fun send(request: HttpRequest): String {
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299) { "${request.uri()}: ${response.statusCode()} ${response.body()}" }
        return response.body()
    }

    override fun close() {
        process.outputStream.close()
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroy()
            process.waitFor(5, TimeUnit.SECONDS)
        }
    }
}
