// Creates a user and prints it.
//
// With no TRUTO_API_TOKEN set, it starts the truto-sandbox binary (a local, Truto-compatible
// server; TRUTO_SANDBOX_BIN, default target/debug/truto-sandbox) and creates the user there,
// so it runs offline:
//
//     swift run
//
// Against Truto itself:
//
//     TRUTO_API_TOKEN=... swift run CreateUser <integrated-account-id>
//
// TRUTO_LOG=debug prints every HTTP attempt.

import Foundation
import TrutoTicketing

/// The truto-sandbox binary as a child process, serving HTTPS as Truto does, with the CA
/// it made at start in `caPem`; it stops when its stdin closes.
final class Sandbox {
    let url: String
    let caPem: String
    private let process = Process()
    private let input = Pipe()

    init() throws {
        let binary = ProcessInfo.processInfo.environment["TRUTO_SANDBOX_BIN"] ?? "../../target/debug/truto-sandbox"
        let output = Pipe()
        let caFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("truto-sandbox-ca-\(ProcessInfo.processInfo.processIdentifier).pem")
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--tls", "--ca-out", caFile.path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte.first == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        url = String(decoding: line, as: UTF8.self).replacingOccurrences(of: "listening on ", with: "")
        caPem = try String(contentsOf: caFile, encoding: .utf8)
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

let environment = ProcessInfo.processInfo.environment
let config: ClientConfig
let account: String
var sandbox: Sandbox?
if let token = environment["TRUTO_API_TOKEN"], !token.trimmingCharacters(in: .whitespaces).isEmpty {
    guard CommandLine.arguments.count > 1 else {
        FileHandle.standardError.write(Data("usage: CreateUser <integrated-account-id>\n".utf8))
        exit(2)
    }
    config = ClientConfig(token: SecretString(token))
    account = CommandLine.arguments[1]
} else {
    // Keep the sandbox alive for as long as the client talks to it.
    let local = try Sandbox()
    sandbox = local
    FileHandle.standardError.write(Data("TRUTO_API_TOKEN is not set: using a local sandbox at \(local.url)\n".utf8))
    config = ClientConfig(token: "sandbox-token", baseUrl: local.url, caCert: local.caPem)
    account = "sandbox-dixa"
}

let newUser = NewUser(
    name: "Ada Lovelace",
    emails: [Email(email: "ada@example.com", type: .primary)],
    firstName: "Ada",
    lastName: "Lovelace",
    remoteData: JsonObject(["department": "Engineering"]),
    roles: .name(name: .member)
)
do {
    let client = try TrutoClient(config: config)
    let user = try await client.createUser(integratedAccountId: account, user: newUser)
    print(user)
    sandbox?.close()
} catch let error as TrutoError {
    FileHandle.standardError.write(Data("could not create the user (\(error.kind())): \(error)\n".utf8))
    sandbox?.close()
    exit(1)
}
