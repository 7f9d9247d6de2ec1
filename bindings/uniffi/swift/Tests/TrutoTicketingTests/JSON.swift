import Foundation

/// A parsed JSON value: what the conformance cases and the sandbox's admin answers are made of.
enum JSON: Equatable, Decodable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    static func parse(_ text: String) throws -> JSON {
        try JSONDecoder().decode(JSON.self, from: Data(text.utf8))
    }

    static func parse(_ data: Data) throws -> JSON {
        try JSONDecoder().decode(JSON.self, from: data)
    }

    static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.int(a), .double(b)), let (.double(b), .int(a)): return Double(a) == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }

    subscript(key: String) -> JSON? {
        if case let .object(object) = self { return object[key] }
        return nil
    }

    var stringValue: String? {
        if case let .string(value) = self { return value }
        return nil
    }

    var intValue: Int64? {
        switch self {
        case let .int(value): return value
        case let .double(value): return Int64(exactly: value)
        default: return nil
        }
    }

    var isTrue: Bool {
        if case .bool(true) = self { return true }
        return false
    }

    var arrayValue: [JSON]? {
        if case let .array(value) = self { return value }
        return nil
    }

    var objectValue: [String: JSON]? {
        if case let .object(value) = self { return value }
        return nil
    }

    var stringsValue: [String]? {
        arrayValue?.compactMap(\.stringValue)
    }

    /// The value as JSON text.
    var text: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return value ? "true" : "false"
        case let .int(value): return String(value)
        case let .double(value): return String(value)
        case let .string(value): return JSON.quote(value)
        case let .array(items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case let .object(members):
            let fields = members.keys.sorted().map { JSON.quote($0) + ":" + members[$0]!.text }
            return "{" + fields.joined(separator: ",") + "}"
        }
    }

    private static func quote(_ value: String) -> String {
        let data = try! JSONEncoder().encode([value])
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }
}

/// Objects match key by key (extra keys allowed), arrays element by element, scalars by equality.
func matchesSubset(_ expected: JSON, _ actual: JSON?, at path: String) throws {
    switch (expected, actual ?? .null) {
    case let (.object(want), .object(got)):
        for (key, value) in want {
            try matchesSubset(value, got[key], at: "\(path).\(key)")
        }
    case let (.array(want), .array(got)):
        guard want.count == got.count else {
            throw CaseFailure("\(path): expected \(expected.text), got \(actual?.text ?? "nothing")")
        }
        for (index, pair) in zip(want, got).enumerated() {
            try matchesSubset(pair.0, pair.1, at: "\(path)[\(index)]")
        }
    case let (want, got):
        guard want == got else {
            throw CaseFailure("\(path): expected \(want.text), got \(got.text)")
        }
    }
}

struct CaseFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
