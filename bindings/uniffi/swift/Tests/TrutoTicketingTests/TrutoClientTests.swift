// The tests start the sandbox as a child process: macOS only (iOS has no Process).
#if os(macOS)
import Foundation
import TrutoTicketing
import XCTest

/// The Swift face itself: error mapping, invalid input, redaction, concurrency, timeouts.
/// Mirrors bindings/uniffi/kotlin/src/test/kotlin/truto/ticketing/TrutoClientTest.kt.
final class TrutoClientTests: XCTestCase {
    private var sandbox: SandboxProcess!
    private var client: TrutoClient!
    private let ada = NewUser(name: "Ada Lovelace", emails: [Email(email: "ada@example.com", type: .primary)])

    override func setUp() async throws {
        // Rate limits off: the concurrency test sends more than Truto's 50 per 10 s per account.
        sandbox = try SandboxProcess(arguments: ["--no-rate-limits"])
        client = try TrutoClient(config: ClientConfig(token: SecretString(sandbox.token), baseUrl: sandbox.url, maxRetries: 1))
    }

    override func tearDown() async throws {
        client = nil
        sandbox.close()
    }

    /// The error `body` throws, which must be a `TrutoError`.
    private func trutoError(_ body: () async throws -> Void) async -> TrutoError? {
        do {
            try await body()
            XCTFail("expected a TrutoError, the call succeeded")
        } catch let error as TrutoError {
            return error
        } catch {
            XCTFail("expected a TrutoError, got \(error)")
        }
        return nil
    }

    func testCreateUserReturnsTheUnifiedUser() async throws {
        let user = try await client.createUser(integratedAccountId: "sandbox-dixa", user: ada)
        XCTAssertEqual(user.name, "Ada Lovelace")
        XCTAssertEqual(user.emails, [Email(email: "ada@example.com", type: .primary)])
        XCTAssertEqual(user.isActive, true)
        XCTAssertNotNil(user.remoteData)
        XCTAssertTrue(user.extra.isEmpty)
        let stored = try await sandbox.users("sandbox-dixa")
        XCTAssertEqual(stored.count, 1)
    }

    func testApiErrorsArriveAsTheCaseOfTheirKind() async throws {
        let missing = await trutoError { _ = try await self.client.createUser(integratedAccountId: "sandbox-dixa", user: NewUser(name: "Nobody")) }
        guard case let .BadRequest(_, status, requestId, fields, insight, _, _, _, attempts, key, retryable)? = missing else {
            return XCTFail("expected BadRequest, got \(String(describing: missing))")
        }
        XCTAssertEqual(missing?.kind(), "bad_request")
        XCTAssertEqual(status, 400)
        XCTAssertEqual(fields, ["emails"])
        XCTAssertNotNil(requestId)
        XCTAssertNotNil(key)
        XCTAssertEqual(attempts, 1)
        XCTAssertFalse(retryable)
        XCTAssertNotNil(insight?["missing_required_body_fields"])

        let unknown = await trutoError { _ = try await self.client.createUser(integratedAccountId: "no-such-account", user: self.ada) }
        XCTAssertEqual(unknown?.kind(), "not_found")

        try await sandbox.faults("sandbox-dixa", try JSON.parse(#"[{"status": 429, "retry_after": 120}]"#))
        let limited = await trutoError { _ = try await self.client.createUser(integratedAccountId: "sandbox-dixa", user: self.ada) }
        guard case let .RateLimited(_, _, _, _, _, _, _, retryAfter, _, _, limitedRetryable)? = limited else {
            return XCTFail("expected RateLimited, got \(String(describing: limited))")
        }
        XCTAssertEqual(retryAfter, 120)
        XCTAssertTrue(limitedRetryable)
    }

    func testTransportFailuresAreTimeoutAndConnection() async throws {
        try await sandbox.faults("sandbox-dixa", try JSON.parse(#"[{"delay_ms": 1500}]"#))
        let slow = await trutoError {
            _ = try await self.client.createUser(
                integratedAccountId: "sandbox-dixa", user: self.ada,
                options: CreateUserOptions(timeout: 0.2, maxRetries: 0)
            )
        }
        XCTAssertEqual(slow?.kind(), "timeout")

        // Nothing listens on port 9 of loopback (discard): the connection is refused.
        let offline = try TrutoClient(config: ClientConfig(token: "tok-1234", baseUrl: "http://127.0.0.1:9", maxRetries: 1))
        let refused = await trutoError { _ = try await offline.createUser(integratedAccountId: "sandbox-dixa", user: self.ada) }
        guard case let .Connection(_, attempts, _, _)? = refused else {
            return XCTFail("expected Connection, got \(String(describing: refused))")
        }
        XCTAssertEqual(attempts, 2)
    }

    func testInvalidInputIsRefusedBeforeAnythingIsSent() async throws {
        func field(_ body: () async throws -> Void) async -> String? {
            guard case let .InvalidInput(_, name)? = await trutoError(body) else { return "not InvalidInput" }
            return name
        }
        let blank = NewUser(name: "  ", emails: ada.emails)
        let result1 = await field { _ = try await self.client.createUser(integratedAccountId: "sandbox-dixa", user: blank) }
        XCTAssertEqual(result1, "name")
        let badEmail = NewUser(name: "Ada", emails: [Email(email: "nobody")])
        let result2 = await field { _ = try await self.client.createUser(integratedAccountId: "sandbox-dixa", user: badEmail) }
        XCTAssertEqual(result2, "emails[0].email")
        let suspended = NewUser(name: "Ada", emails: ada.emails, status: parseUserStatus(value: "suspended"))
        let result3 = await field { _ = try await self.client.createUser(integratedAccountId: "sandbox-dixa", user: suspended) }
        XCTAssertEqual(result3, "status")
        let negative = CreateUserOptions(timeout: -1)
        let result8 = await field { _ = try await self.client.createUser(integratedAccountId: "sandbox-dixa", user: self.ada, options: negative) }
        XCTAssertEqual(result8, "timeout")
        let result4 = await field { _ = try await self.client.createUser(integratedAccountId: "", user: self.ada) }
        XCTAssertEqual(result4, "integrated_account_id")
        let result5 = await field { _ = try parseResponseFormat(value: "xml") }
        XCTAssertEqual(result5, "response_format")
        let url = sandbox.url
        let result6 = await field { _ = try TrutoClient(config: ClientConfig(token: "", baseUrl: url)) }
        XCTAssertEqual(result6, "token")
        let result7 = await field { _ = try TrutoClient(config: ClientConfig(token: "t", baseUrl: "http://example.com")) }
        XCTAssertEqual(result7, "base_url")
        let requests = try await sandbox.requests()
        XCTAssertEqual(requests.count, 0)
    }

    func testTheTokenAndThePasswordAreNeverPrinted() async throws {
        let token = "tok-swift-very-secret"
        let password = "pw-swift-very-secret"
        let config = ClientConfig(token: SecretString(token), baseUrl: sandbox.url)
        let user = NewUser(name: "Ada Lovelace", emails: ada.emails, password: SecretString(password))
        for shown in [String(describing: config), String(reflecting: config), String(describing: user), String(reflecting: user)] {
            XCTAssertFalse(shown.contains(token) || shown.contains(password), shown)
            XCTAssertTrue(shown.contains("[redacted]"), shown)
        }
        var dumped = ""
        dump(user, to: &dumped)
        XCTAssertFalse(dumped.contains(password), dumped)

        let wrongToken = try TrutoClient(config: config)
        XCTAssertFalse(String(reflecting: wrongToken).contains(token))
        let refused = await trutoError { _ = try await wrongToken.createUser(integratedAccountId: "sandbox-dixa", user: user) }
        XCTAssertEqual(refused?.kind(), "authentication")
        XCTAssertFalse(String(reflecting: refused as Any).contains(token))

        try await sandbox.faults("sandbox-dixa", try JSON.parse(#"[{"status": 400, "message": "password \#(password) is too weak"}]"#))
        let weak = await trutoError { _ = try await self.client.createUser(integratedAccountId: "sandbox-dixa", user: user) }
        XCTAssertFalse(String(reflecting: weak as Any).contains(password))
        XCTAssertFalse((weak?.localizedDescription ?? "").contains(password))
    }

    func testManyConcurrentTasksShareOneClient() async throws {
        let count = 100
        let client = self.client!
        let names = try await withThrowingTaskGroup(of: String?.self) { group in
            for n in 1 ... count {
                group.addTask {
                    let user = NewUser(name: "User \(n)", emails: [Email(email: "user\(n)@example.com", type: .primary)])
                    return try await client.createUser(integratedAccountId: "sandbox-dixa", user: user).name
                }
            }
            var names: [String] = []
            for try await name in group {
                names.append(name ?? "")
            }
            return names
        }
        XCTAssertEqual(Set(names), Set((1 ... count).map { "User \($0)" }))
        let stored = try await sandbox.users("sandbox-dixa")
        XCTAssertEqual(stored.count, count)
    }

    /// uniffi 0.32's Swift async calls do not forward Task cancellation to Rust (Kotlin's do):
    /// a call is bounded by its per-attempt timeout and retries instead.
    func testAPerCallTimeoutBoundsACall() async throws {
        try await sandbox.faults("sandbox-dixa", try JSON.parse(#"[{"delay_ms": 3000}]"#))
        let started = Date()
        let slow = await trutoError {
            _ = try await self.client.createUser(
                integratedAccountId: "sandbox-dixa", user: self.ada,
                options: CreateUserOptions(timeout: 0.3, maxRetries: 0)
            )
        }
        XCTAssertEqual(slow?.kind(), "timeout")
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.0)
        // The client still works afterwards.
        let again = try await client.createUser(integratedAccountId: "sandbox-dixa", user: ada)
        XCTAssertEqual(again.name, "Ada Lovelace")
    }

    func testFreeFormJSONIsStructuredBothWays() async throws {
        let remoteData = JsonObject(["department": "Engineering", "level": 7, "tags": ["a", "b"], "manager": nil])
        let user = NewUser(name: "Ada Lovelace", emails: ada.emails, remoteData: remoteData)
        let created = try await client.createUser(integratedAccountId: "sandbox-dixa", user: user)
        XCTAssertEqual(created.remoteData?["department"], "Engineering")
        XCTAssertEqual(created.remoteData?["level"], .integer(value: 7))
        XCTAssertEqual(created.remoteData?["tags"], ["a", "b"])
        XCTAssertEqual(parseEmailType(value: "primary"), .primary)
        XCTAssertEqual(parseEmailType(value: "work"), .unrecognized(value: "work"))
    }

    func testOtherResponseFormatsAnswerJSONValuesOrBytes() async throws {
        let raw = try await client.createUserWithFormat(
            integratedAccountId: "sandbox-dixa", user: ada, options: CreateUserOptions(), format: .raw
        )
        guard case let .json(value) = raw, case let .object(members) = value else {
            return XCTFail("expected a JSON object, got \(raw)")
        }
        XCTAssertTrue(members.contains { $0.value == "Ada Lovelace" })
        let stream = try await client.createUserWithFormat(
            integratedAccountId: "sandbox-dixa", user: ada, options: CreateUserOptions(), format: .stream
        )
        guard case let .bytes(bytes) = stream else { return XCTFail("expected bytes, got \(stream)") }
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("Ada Lovelace"))
    }
}
#endif
