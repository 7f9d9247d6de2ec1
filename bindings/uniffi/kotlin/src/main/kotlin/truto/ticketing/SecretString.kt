package truto.ticketing

/**
 * A secret: the API token or a user's password.
 *
 * Its printed form is `[redacted]`, so the data classes that hold one ([ClientConfig],
 * [NewUser]) never show the value in logs, exceptions or debugger summaries. The generated
 * bindings hand [expose] to the Rust core, which sends it and scrubs it from every error.
 *
 * ```kotlin
 * val config = ClientConfig(token = SecretString(System.getenv("TRUTO_API_TOKEN")))
 * println(config) // ClientConfig(token=[redacted], baseUrl=null, ...)
 * ```
 */
class SecretString(private val value: String) {
    /** The secret itself. Never log or print the result. */
    fun expose(): String = value

    override fun toString(): String = "[redacted]"

    override fun equals(other: Any?): Boolean = other is SecretString && other.value == value

    override fun hashCode(): Int = value.hashCode()
}
