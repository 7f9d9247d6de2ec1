// Hand-written: the Swift side of the `SecretString` custom type (see bindings/uniffi/uniffi.toml).

/// A secret: the API token or a user's password.
///
/// Printed, logged, dumped or shown by the debugger, it is `[redacted]`, so the records that
/// hold one (`ClientConfig`, `NewUser`) never show the value. The generated bindings hand
/// `expose()` to the Rust core, which sends it and scrubs it from every error.
///
/// ```swift
/// let config = ClientConfig(token: SecretString(ProcessInfo.processInfo.environment["TRUTO_API_TOKEN"]!))
/// print(config) // ClientConfig(token: Optional([redacted]), baseUrl: nil, ...)
/// ```
public struct SecretString: Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable
{
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    public init(stringLiteral value: String) {
        self.value = value
    }

    /// The secret itself. Never log or print the result.
    public func expose() -> String {
        value
    }

    public var description: String { "[redacted]" }

    public var debugDescription: String { "[redacted]" }

    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
