// The tests start the sandbox as a child process: macOS only (iOS has no Process).
#if os(macOS)
import Foundation

/// The `truto-sandbox` binary as a child process: a real HTTP server on loopback.
/// Its first stdout line is `listening on http://127.0.0.1:PORT`; closing its stdin stops it.
/// The binary: `TRUTO_SANDBOX_BIN`, else `target/debug/truto-sandbox` of this repository.
final class SandboxProcess {
    let url: String
    let token = "sandbox-token"
    private let process = Process()
    private let input = Pipe()

    /// The repository's root, found from this file's place in it.
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        // .../bindings/uniffi/swift/Tests/TrutoTicketingTests/SandboxProcess.swift
        for _ in 0 ..< 6 { url.deleteLastPathComponent() }
        return url
    }()

    init(arguments: [String] = []) throws {
        let binary = ProcessInfo.processInfo.environment["TRUTO_SANDBOX_BIN"]
            ?? SandboxProcess.repositoryRoot.appendingPathComponent("target/debug/truto-sandbox").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw CaseFailure("no truto-sandbox binary at \(binary): run cargo build -p truto-sandbox")
        }
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        try process.run()

        var line = Data()
        let reader = output.fileHandleForReading
        while true {
            let byte = reader.readData(ofLength: 1)
            if byte.isEmpty { throw CaseFailure("truto-sandbox exited before announcing its address") }
            if byte.first == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        let first = String(decoding: line, as: UTF8.self)
        guard first.hasPrefix("listening on http://127.0.0.1:") else {
            throw CaseFailure("unexpected first line from truto-sandbox: \(first)")
        }
        url = String(first.dropFirst("listening on ".count)).trimmingCharacters(in: .whitespaces)
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    func reset() async throws {
        _ = try await send("POST", "/_sandbox/reset", body: "{}")
    }

    /// Scripts what the next requests to `account` meet (statuses, drops, delays).
    func faults(_ account: String, _ faults: JSON) async throws {
        let body = JSON.object(["integrated_account_id": .string(account), "faults": faults]).text
        _ = try await send("POST", "/_sandbox/faults", body: body)
    }

    /// Stores users directly (`POST /_sandbox/seed`: `{integrated_account_id, users, generate, template, collection}`).
    func seed(_ seed: JSON) async throws {
        _ = try await send("POST", "/_sandbox/seed", body: seed.text)
    }

    /// Every API request the sandbox received since the last reset, oldest first.
    func requests() async throws -> [JSON] {
        try JSON.parse(try await send("GET", "/_sandbox/requests")).arrayValue ?? []
    }

    /// The users stored for one integrated account.
    func users(_ account: String) async throws -> [JSON] {
        var components = URLComponents(string: "\(url)/_sandbox/users")!
        components.queryItems = [URLQueryItem(name: "integrated_account_id", value: account)]
        let path = "/_sandbox/users?" + (components.percentEncodedQuery ?? "")
        return try JSON.parse(try await send("GET", path)).arrayValue ?? []
    }

    private func send(_ method: String, _ path: String, body: String? = nil) async throws -> Data {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "content-type")
        }
        return try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                    return
                }
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                let data = data ?? Data()
                if (200 ..< 300).contains(status) {
                    continuation.resume(returning: data)
                } else {
                    let text = String(decoding: data, as: UTF8.self)
                    continuation.resume(throwing: CaseFailure("\(method) \(path): \(status) \(text)"))
                }
            }.resume()
        }
    }
}
#endif
