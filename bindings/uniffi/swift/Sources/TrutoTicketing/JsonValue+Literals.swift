import Foundation

// Free-form JSON (`remoteData`, `customFields`, `remoteQuery`, `User.extra`) is a
// `JsonObject`: the object's members, in order. Literals build it:
//
//     let remoteData = JsonObject(["department": "Engineering", "level": 7, "tags": ["a", "b"]])
//     remoteData["level"]   // .integer(value: 7)

extension JsonValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value: value) }
    public init(integerLiteral value: Int64) { self = .integer(value: value) }
    public init(floatLiteral value: Double) { self = .float(value: value) }
    public init(stringLiteral value: String) { self = .string(value: value) }
    public init(arrayLiteral elements: JsonValue...) { self = .array(values: elements) }
    public init(dictionaryLiteral elements: (String, JsonValue)...) {
        self = .object(members: elements.map { JsonMember(key: $0.0, value: $0.1) })
    }
}

public extension Array where Element == JsonMember {
    /// An object's members, in the literal's order.
    init(_ members: KeyValuePairs<String, JsonValue>) {
        self = members.map { JsonMember(key: $0.key, value: $0.value) }
    }

    /// The value of the member named `key` (the last one, if the name repeats).
    subscript(key: String) -> JsonValue? {
        last { $0.key == key }?.value
    }
}
