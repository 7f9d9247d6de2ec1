// The tests start the sandbox as a child process: macOS only (iOS has no Process).
#if os(macOS)
import Foundation
import TrutoTicketing
import XCTest

/// Runs every case of tests/conformance/cases through `TrutoClient` (createUser, listUserPages,
/// getUser, updateUser, deleteUser) against the
/// truto-sandbox binary, as the Rust and Kotlin runners do. One test walks every case and
/// reports each failing one by name.
final class ConformanceTests: XCTestCase {
    private enum Outcome {
        /// What a call gave in its JSON form; a listing also says how many users each page held.
        case success(JSON, shape: String, pageSizes: [Int] = [])
        case failure(TrutoError)
    }

    func testEveryConformanceCase() async throws {
        let folder = SandboxProcess.repositoryRoot.appendingPathComponent("tests/conformance/cases")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
        XCTAssertFalse(files.isEmpty, "no conformance cases in \(folder.path)")

        let sandbox = try SandboxProcess()
        defer { sandbox.close() }
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            do {
                try await run(try JSON.parse(data), on: sandbox)
            } catch {
                XCTFail("\(file): \(error)")
            }
        }
    }

    private func run(_ testCase: JSON, on sandbox: SandboxProcess) async throws {
        try await sandbox.reset()
        let call = testCase["call"] ?? .null
        let account = call["integrated_account_id"]?.stringValue ?? ""
        switch testCase["seed"] {
        case let .array(seeds)?: for seed in seeds { try await sandbox.seed(seed) }
        case let seed?: try await sandbox.seed(seed)
        case nil: break
        }
        if let faults = testCase["faults"] {
            try await sandbox.faults(account, faults)
        }

        let settings = testCase["client"] ?? .null
        let client: Result<TrutoClient, TrutoError>
        do {
            client = .success(try TrutoClient(config: ClientConfig(
                token: SecretString(settings["token"]?.stringValue ?? sandbox.token),
                baseUrl: settings["base_url"]?.stringValue ?? sandbox.url,
                timeout: settings["timeout_ms"]?.intValue.map { TimeInterval($0) / 1000 },
                maxRetries: settings["max_retries"]?.intValue.map { Int32($0) }
            )))
        } catch let error as TrutoError {
            client = .failure(error)
        }

        for before in testCase["before"]?.arrayValue ?? [] {
            _ = try await makeCall(client, before)
        }
        let repeatCount = Int(testCase["repeat"]?.intValue ?? 1)
        let started = Date()
        var outcomes: [Outcome] = []
        for _ in 0 ..< repeatCount {
            outcomes.append(try await makeCall(client, call))
        }
        let elapsedMs = Int64(Date().timeIntervalSince(started) * 1000)

        let expect = testCase["expect"] ?? .null
        try check(expect, outcomes[outcomes.count - 1])
        if let min = expect["min_elapsed_ms"]?.intValue, elapsedMs < min {
            throw CaseFailure("took \(elapsedMs) ms, expected at least \(min)")
        }
        if let max = expect["max_elapsed_ms"]?.intValue, elapsedMs > max {
            throw CaseFailure("took \(elapsedMs) ms, expected at most \(max)")
        }
        if expect["same_user_each_call"]?.isTrue == true {
            let ids = outcomes.map { outcome -> JSON in
                if case let .success(value, _, _) = outcome { return value["id"] ?? .null }
                return .string("\(outcome)")
            }
            guard Set(ids.map(\.text)).count == 1 else { throw CaseFailure("calls returned different users: \(ids)") }
        }
        if let expected = testCase["sandbox"] {
            try await checkSandbox(sandbox, account, expected)
        }
    }

    private func makeCall(_ client: Result<TrutoClient, TrutoError>, _ call: JSON) async throws -> Outcome {
        let truto: TrutoClient
        switch client {
        case let .success(value): truto = value
        case let .failure(error): return .failure(error)
        }
        switch call["method"]?.stringValue ?? "create" {
        case "list": return try await list(truto, call)
        case "get", "update", "delete": return try await byId(truto, call)
        default: break
        }
        do {
            let user = try newUser(from: call["user"] ?? .null)
            let given = call["options"] ?? .object([:])
            let options = try createUserOptions(from: given)
            let format = try given["response_format"]?.stringValue.map { try parseResponseFormat(value: $0) } ?? .unified
            let account = call["integrated_account_id"]?.stringValue ?? ""
            if format == .unified {
                let created = try await truto.createUser(integratedAccountId: account, user: user, options: options)
                return .success(try userJSON(created), shape: "user")
            }
            switch try await truto.createUserWithFormat(integratedAccountId: account, user: user, options: options, format: format) {
            case let .unified(user):
                return .success(try userJSON(user), shape: "user")
            case let .json(value):
                return .success(json(from: value), shape: "json")
            case let .bytes(bytes):
                return .success((try? JSON.parse(bytes)) ?? .null, shape: "bytes")
            }
        } catch let error as TrutoError {
            return .failure(error)
        }
    }

    /// Every page (or the first `pages`; with `resume`, the rest from the last page read's cursor).
    private func list(_ truto: TrutoClient, _ call: JSON) async throws -> Outcome {
        let account = call["integrated_account_id"]?.stringValue ?? ""
        let given = call["options"] ?? .object([:])
        let maxPages = call["pages"]?.intValue
        var pages: [UserPage] = []
        do {
            for try await page in truto.listUserPages(integratedAccountId: account, options: listUsersOptions(from: given)) {
                pages.append(page)
                if let maxPages, pages.count >= maxPages { break }
            }
            if call["resume"]?.isTrue == true, let cursor = pages.last?.nextCursor {
                var resumed = listUsersOptions(from: given)
                resumed = ListUsersOptions(
                    limit: resumed.limit, cursor: cursor, emails: resumed.emails, name: resumed.name,
                    isActive: resumed.isActive, createdAt: resumed.createdAt, updatedAt: resumed.updatedAt,
                    sortBy: resumed.sortBy, collections: resumed.collections, call: resumed.call
                )
                for try await page in truto.listUserPages(integratedAccountId: account, options: resumed) {
                    pages.append(page)
                }
            }
        } catch let error as TrutoError {
            return .failure(error)
        }
        let users = try pages.flatMap(\.users).map(userJSON)
        return .success(.array(users), shape: "users", pageSizes: pages.map(\.users.count))
    }

    private func byId(_ truto: TrutoClient, _ call: JSON) async throws -> Outcome {
        let account = call["integrated_account_id"]?.stringValue ?? ""
        let id = call["id"]?.stringValue ?? ""
        let given = call["options"] ?? .object([:])
        do {
            switch call["method"]?.stringValue {
            case "get":
                return .success(try userJSON(try await truto.getUser(integratedAccountId: account, id: id, options: callOptions(from: given))), shape: "user")
            case "update":
                let changes = try newUser(from: call["user"] ?? .null)
                let updated = try await truto.updateUser(
                    integratedAccountId: account, id: id, changes: changes,
                    options: callOptions(from: given), idempotencyKey: given["idempotency_key"]?.stringValue
                )
                return .success(try userJSON(updated), shape: "user")
            default:
                return .success(.string(try await truto.deleteUser(integratedAccountId: account, id: id, options: callOptions(from: given))), shape: "deleted")
            }
        } catch let error as TrutoError {
            return .failure(error)
        }
    }

    private func checkListing(_ expect: JSON, _ users: [JSON], _ pageSizes: [Int]) throws {
        if let count = expect["count"]?.intValue, Int64(users.count) != count {
            throw CaseFailure("listed \(users.count) users, expected \(count)")
        }
        if let names = expect["user_names"], JSON.array(users.map { $0["name"] ?? .null }) != names {
            throw CaseFailure("listed \(users.map { $0["name"]?.text ?? "null" }), expected \(names.text)")
        }
        if let sizes = expect["page_sizes"], JSON.array(pageSizes.map { JSON.int(Int64($0)) }) != sizes {
            throw CaseFailure("pages of \(pageSizes), expected \(sizes.text)")
        }
        if let subset = expect["users"] {
            try matchesSubset(subset, .array(users), at: "$")
        }
    }

    private func check(_ expect: JSON, _ outcome: Outcome) throws {
        let wanted = expect["result"]?.stringValue ?? ""
        switch outcome {
        case let .failure(error):
            guard wanted == "error" else { throw CaseFailure("expected a \(wanted), got \(error)") }
            try checkError(expect, error)
        case let .success(value, shape, pageSizes):
            guard wanted == shape else { throw CaseFailure("expected \(wanted), got \(shape): \(value.text)") }
            if shape == "users" { try checkListing(expect, value.arrayValue ?? [], pageSizes) }
            if let id = expect["deleted_id"], id != value { throw CaseFailure("deleted \(value.text), expected \(id.text)") }
            for (subset, has, lacks) in [("user", "user_has", "user_lacks"), ("json", "json_has", "json_lacks"), ("bytes_json", "", "")] {
                if let expected = expect[subset] {
                    try matchesSubset(expected, value, at: "$")
                }
                for key in expect[has]?.stringsValue ?? [] where (value[key] ?? .null) == .null {
                    throw CaseFailure("result lacks `\(key)`: \(value.text)")
                }
                for key in expect[lacks]?.stringsValue ?? [] where (value[key] ?? .null) != .null {
                    throw CaseFailure("result has `\(key)`: \(value.text)")
                }
            }
        }
    }

    private func checkError(_ expect: JSON, _ error: TrutoError) throws {
        let wanted = expect["error"] ?? .null
        let view = errorView(of: error)
        let shown = "\(error) / \(view)"
        func ensure(_ condition: Bool, _ what: String) throws {
            if !condition { throw CaseFailure("\(what): \(shown)") }
        }
        try ensure(wanted["kind"]?.stringValue == view.kind, "wrong kind")
        if let status = wanted["status"]?.intValue { try ensure(view.status.map { Int64($0) } == status, "wrong status") }
        if let field = wanted["field"] { try ensure(field.stringValue == view.field, "wrong field") }
        if let attempts = wanted["attempts"]?.intValue { try ensure(Int64(view.attempts) == attempts, "wrong attempts") }
        if let missing = wanted["missing_required_fields"]?.stringsValue {
            try ensure(missing == view.missingRequiredFields, "wrong missing fields")
        }
        if let seconds = wanted["retry_after_s"]?.intValue {
            try ensure(view.retryAfter.map { Int64($0) } == seconds, "wrong retry_after")
        }
        if let remote = wanted["is_remote_error"] { try ensure(remote == .bool(view.isRemoteError), "wrong remote flag") }
        if let text = wanted["message_contains"]?.stringValue { try ensure(view.detail.contains(text), "message lacks `\(text)`") }
        if wanted["has_request_id"]?.isTrue == true { try ensure(view.requestId != nil, "no request id") }
        for secret in expect["secrets_absent"]?.stringsValue ?? [] {
            for text in [String(describing: error), String(reflecting: error), error.localizedDescription, view.detail, view.body ?? ""] {
                try ensure(!text.contains(secret), "secret leaked")
            }
        }
    }

    private func checkSandbox(_ sandbox: SandboxProcess, _ account: String, _ expected: JSON) async throws {
        let requests = try await sandbox.requests()
        if let count = expected["requests"]?.intValue, Int64(requests.count) != count {
            throw CaseFailure("sandbox saw \(requests.count) requests, expected \(count)")
        }
        if let count = expected["users_stored"]?.intValue {
            let users = try await sandbox.users(account)
            if Int64(users.count) != count { throw CaseFailure("sandbox stored \(users.count) users, expected \(count)") }
        }
        if let last = expected["last_request"] {
            guard let got = requests.last else { throw CaseFailure("the sandbox saw no request") }
            for key in ["method", "path", "query_pairs", "body"] {
                if let want = last[key], got[key] != want {
                    throw CaseFailure("last request \(key): got \(got[key]?.text ?? "nothing"), expected \(want.text)")
                }
            }
            if let headers = last["headers"] { try matchesSubset(headers, got["headers"], at: "headers") }
        }
        let keys = requests.map { $0["headers"]?["idempotency-key"]?.stringValue }
        switch expected["idempotency_key"]?.stringValue {
        case "uuid4"?:
            let key = keys.last ?? nil
            let uuid = key.flatMap { UUID(uuidString: $0) }
            // The version is the high nibble of byte 6.
            let version = uuid.map { ($0.uuid.6 >> 4) }
            if version != 4 { throw CaseFailure("idempotency key is not a UUID v4: \(String(describing: key))") }
        case "same"?:
            if keys.first == nil || keys.first! == nil || Set(keys.map { $0 ?? "" }).count != 1 {
                throw CaseFailure("idempotency keys differ: \(keys)")
            }
        default:
            break
        }
    }
}
#endif
