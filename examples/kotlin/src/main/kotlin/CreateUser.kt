// Creates a user and prints it.
//
// With no TRUTO_API_TOKEN set, it starts the truto-sandbox binary (a local, Truto-compatible
// server) and creates the user there, so it runs offline:
//
//     mvn -q compile exec:java
//
// Against Truto itself:
//
//     TRUTO_API_TOKEN=... mvn -q compile exec:java -Dexec.args=<integrated-account-id>
//
// TRUTO_LOG=debug prints every HTTP attempt.

import java.io.File
import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking
import truto.ticketing.ClientConfig
import truto.ticketing.Email
import truto.ticketing.EmailType
import truto.ticketing.NewUser
import truto.ticketing.RoleName
import truto.ticketing.Roles
import truto.ticketing.SecretString
import truto.ticketing.TrutoClient
import truto.ticketing.TrutoException

fun main(args: Array<String>) = runBlocking {
    val token = System.getenv("TRUTO_API_TOKEN")
    // Keep the sandbox alive for as long as the client talks to it.
    val sandbox = if (token.isNullOrBlank()) startSandbox() else null
    try {
        val (config, account) = if (sandbox == null) {
            val account = args.firstOrNull() ?: run {
                System.err.println("usage: create_user <integrated-account-id>")
                exitProcess(2)
            }
            ClientConfig(token = SecretString(token!!)) to account
        } else {
            System.err.println("TRUTO_API_TOKEN is not set: using a local sandbox at ${sandbox.url}")
            ClientConfig(token = SecretString("sandbox-token"), baseUrl = sandbox.url, caCert = sandbox.caPem) to
                "sandbox-dixa"
        }

        val newUser = NewUser(
            name = "Ada Lovelace",
            firstName = "Ada",
            lastName = "Lovelace",
            emails = listOf(Email("ada@example.com", EmailType.Primary)),
            roles = Roles.Name(RoleName.Member),
            remoteData = mapOf("department" to "Engineering"),
        )
        TrutoClient(config).use { client ->
            try {
                val user = client.createUser(account, newUser)
                println(user)
            } catch (error: TrutoException) {
                System.err.println("could not create the user (${error.kind()}): ${error.message}")
                exitProcess(1)
            }
        }
    } finally {
        sandbox?.close()
    }
}

/**
 * The truto-sandbox binary as a child process, serving HTTPS as Truto does, with the CA
 * it made at start in `caPem`; it stops when its stdin closes.
 */
class Sandbox(private val process: Process, val url: String, val caPem: String) : AutoCloseable {
    override fun close() {
        process.outputStream.close()
        process.waitFor()
    }
}

fun startSandbox(): Sandbox {
    val binary = System.getenv("TRUTO_SANDBOX_BIN")
        ?: System.getProperty("truto.sandbox.bin")
        ?: "target/debug/truto-sandbox"
    check(File(binary).canExecute()) { "no sandbox at $binary: cargo build -p truto-sandbox, or set TRUTO_SANDBOX_BIN" }
    val ca = File.createTempFile("truto-sandbox-ca", ".pem").apply { deleteOnExit() }
    val process = ProcessBuilder(binary, "--tls", "--ca-out", ca.path)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start()
    val first = process.inputStream.bufferedReader().readLine() ?: error("the sandbox did not start")
    return Sandbox(process, first.removePrefix("listening on ").trim(), ca.readText())
}
