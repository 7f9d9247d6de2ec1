import Foundation
import TrutoTicketing

// Reading conformance cases (tests/conformance/README.md) into the Swift API's types, and the
// API's answers back into the JSON form the cases speak of. Test code only.

private let newUserFields: Set<String> = [
    "name", "avatar", "emails", "first_name", "last_name", "languages", "nick_name", "password",
    "remote_data", "roles", "status", "team_ids", "user_type", "username", "custom_fields",
]

/// A case's `user` (Truto's field names) as the record a Swift caller would write.
func newUser(from json: JSON) throws -> NewUser {
    let fields = json.objectValue ?? [:]
    let unknown = Set(fields.keys).subtracting(newUserFields)
    guard unknown.isEmpty else { throw CaseFailure("the Swift runner does not know the user fields \(unknown)") }
    var roles: Roles?
    switch json["roles"] {
    case nil: roles = nil
    case let .string(name)?: roles = .name(name: parseRoleName(value: name))
    case let value?:
        roles = .objects(roles: (value.arrayValue ?? []).map { (role: JSON) -> Role in
            Role(id: role["id"]?.stringValue, name: role["name"]?.stringValue)
        })
    }
    var emails: [Email]?
    if let list = json["emails"]?.arrayValue {
        emails = try list.map { (email: JSON) throws -> Email in
            guard let address = email["email"]?.stringValue else { throw CaseFailure("an email without `email`") }
            return Email(email: address, type: email["type"]?.stringValue.map { parseEmailType(value: $0) })
        }
    }
    return NewUser(
        name: json["name"]?.stringValue,
        avatar: json["avatar"]?.stringValue,
        emails: emails,
        firstName: json["first_name"]?.stringValue,
        lastName: json["last_name"]?.stringValue,
        languages: json["languages"]?.stringsValue,
        nickName: json["nick_name"]?.stringValue,
        password: json["password"]?.stringValue.map { SecretString($0) },
        remoteData: json["remote_data"].map(jsonObject(from:)),
        roles: roles,
        status: json["status"]?.stringValue.map { parseUserStatus(value: $0) },
        teamIds: json["team_ids"]?.stringsValue,
        userType: json["user_type"]?.stringValue,
        username: json["username"]?.stringValue,
        customFields: json["custom_fields"].map(jsonObject(from:))
    )
}

private let optionFields: Set<String> = [
    "collections", "response_format", "ignore_remote_data", "exclude_fields", "remote_query",
    "idempotency_key", "timeout_ms", "max_retries",
]

func createUserOptions(from json: JSON) throws -> CreateUserOptions {
    let fields = json.objectValue ?? [:]
    let unknown = Set(fields.keys).subtracting(optionFields)
    guard unknown.isEmpty else { throw CaseFailure("the Swift runner does not know the options \(unknown)") }
    return CreateUserOptions(
        collections: (json["collections"]?.arrayValue ?? []).map { CollectionRef(id: $0["id"]?.stringValue ?? "") },
        ignoreRemoteData: json["ignore_remote_data"]?.isTrue ?? false,
        excludeFields: json["exclude_fields"]?.stringsValue ?? [],
        remoteQuery: json["remote_query"].map(jsonObject(from:)),
        idempotencyKey: json["idempotency_key"]?.stringValue,
        timeout: json["timeout_ms"]?.intValue.map { TimeInterval($0) / 1000 },
        maxRetries: json["max_retries"]?.intValue.map { Int32($0) }
    )
}

/// A case's common options (`ignore_remote_data`, `exclude_fields`, `remote_query`, `timeout_ms`, `max_retries`).
func callOptions(from json: JSON) -> CallOptions {
    CallOptions(
        ignoreRemoteData: json["ignore_remote_data"]?.isTrue ?? false,
        excludeFields: json["exclude_fields"]?.stringsValue ?? [],
        remoteQuery: json["remote_query"].map(jsonObject(from:)),
        timeout: json["timeout_ms"]?.intValue.map { TimeInterval($0) / 1000 },
        maxRetries: json["max_retries"]?.intValue.map { Int32($0) }
    )
}

private func date(_ json: JSON?) -> Date? {
    guard let text = json?.stringValue else { return nil }
    return ISO8601DateFormatter().date(from: text)
}

private func timeBounds(from json: JSON?) -> TimeBounds? {
    guard let json else { return nil }
    return TimeBounds(gt: date(json["gt"]), gte: date(json["gte"]), lt: date(json["lt"]), lte: date(json["lte"]))
}

/// A case's list options.
func listUsersOptions(from json: JSON) -> ListUsersOptions {
    ListUsersOptions(
        limit: json["limit"]?.intValue.map { Int32($0) },
        cursor: json["cursor"]?.stringValue,
        emails: json["emails"]?.stringsValue ?? [],
        name: json["name"]?.stringValue,
        isActive: json["is_active"].flatMap { value -> Bool? in
            if case let .bool(flag) = value { return flag }
            return nil
        },
        createdAt: timeBounds(from: json["created_at"]),
        updatedAt: timeBounds(from: json["updated_at"]),
        sortBy: (json["sort_by"]?.arrayValue ?? []).map {
            SortBy(field: $0["field"]?.stringValue ?? "", order: $0["order"]?.stringValue == "desc" ? .desc : .asc)
        },
        collections: (json["collections"]?.arrayValue ?? []).map { CollectionRef(id: $0["id"]?.stringValue ?? "") },
        call: callOptions(from: json)
    )
}

/// The user in its JSON form (Truto's field names, unknown fields included).
func userJSON(_ user: User) throws -> JSON {
    var object: [String: JSON] = ["id": .string(user.id)]
    let optional: [(String, String?)] = [
        ("name", user.name), ("first_name", user.firstName), ("last_name", user.lastName),
        ("username", user.username), ("avatar", user.avatar), ("created_at", user.createdAtRaw),
        ("updated_at", user.updatedAtRaw), ("etag", user.etag),
    ]
    for case let (key, value?) in optional {
        object[key] = .string(value)
    }
    object["emails"] = .array(user.emails.map { (email: Email) -> JSON in
        var entry: [String: JSON] = ["email": .string(email.email)]
        if let type = email.type { entry["type"] = .string(type.description) }
        return JSON.object(entry)
    })
    if let isActive = user.isActive { object["is_active"] = .bool(isActive) }
    object["team_ids"] = .array(user.teamIds.map { JSON.string($0) })
    object["roles"] = .array(user.roles.map { (role: Role) -> JSON in
        var entry: [String: JSON] = [:]
        if let id = role.id { entry["id"] = .string(id) }
        if let name = role.name { entry["name"] = .string(name) }
        return JSON.object(entry)
    })
    if let remoteData = user.remoteData { object["remote_data"] = json(from: .object(members: remoteData)) }
    for member in user.extra {
        object[member.key] = json(from: member.value)
    }
    return .object(object)
}

/// A case's JSON as the API's `JsonValue`. Foundation's JSON reader keeps no key order, so
/// members go in key order; the cases write their objects in key order for that reason.
func jsonValue(from json: JSON) -> JsonValue {
    switch json {
    case .null: return .null
    case let .bool(value): return .bool(value: value)
    case let .int(value): return .integer(value: value)
    case let .double(value): return .float(value: value)
    case let .string(value): return .string(value: value)
    case let .array(items): return .array(values: items.map(jsonValue(from:)))
    case let .object(members):
        return .object(members: members.keys.sorted().map { JsonMember(key: $0, value: jsonValue(from: members[$0]!)) })
    }
}

func jsonObject(from json: JSON) -> JsonObject {
    guard case let .object(members) = jsonValue(from: json) else { return [] }
    return members
}

/// The API's `JsonValue` as the test's `JSON`, to compare with a case.
func json(from value: JsonValue) -> JSON {
    switch value {
    case .null: return .null
    case let .bool(value): return .bool(value)
    case let .integer(value): return .int(value)
    case let .float(value): return .double(value)
    case let .string(value): return .string(value)
    case let .array(values): return .array(values.map(json(from:)))
    case let .object(members):
        var object: [String: JSON] = [:]
        for member in members { object[member.key] = json(from: member.value) }
        return .object(object)
    }
}

/// What the conformance cases ask of an error, whichever case of `TrutoError` it is.
struct ErrorView {
    var kind: String
    var detail: String
    var field: String? = nil
    var status: Int32? = nil
    var requestId: String? = nil
    var missingRequiredFields: [String] = []
    var isRemoteError = false
    var body: String? = nil
    var retryAfter: TimeInterval? = nil
    /// InvalidInput is raised before any request: no attempt was made.
    var attempts: Int32 = 0
}

func errorView(of error: TrutoError) -> ErrorView {
    let kind = error.kind()
    switch error {
    case let .InvalidInput(detail, field):
        return ErrorView(kind: kind, detail: detail, field: field)
    case let .BadRequest(detail, status, requestId, missing, _, remote, body, retryAfter, attempts, _, _),
         let .Authentication(detail, status, requestId, missing, _, remote, body, retryAfter, attempts, _, _),
         let .PermissionDenied(detail, status, requestId, missing, _, remote, body, retryAfter, attempts, _, _),
         let .NotFound(detail, status, requestId, missing, _, remote, body, retryAfter, attempts, _, _),
         let .MethodNotAllowed(detail, status, requestId, missing, _, remote, body, retryAfter, attempts, _, _),
         let .Conflict(detail, status, requestId, missing, _, remote, body, retryAfter, attempts, _, _),
         let .Unprocessable(detail, status, requestId, missing, _, remote, body, retryAfter, attempts, _, _),
         let .RateLimited(detail, status, requestId, missing, _, remote, body, retryAfter, attempts, _, _),
         let .Server(detail, status, requestId, missing, _, remote, body, retryAfter, attempts, _, _):
        return ErrorView(
            kind: kind, detail: detail, status: status, requestId: requestId,
            missingRequiredFields: missing, isRemoteError: remote, body: body,
            retryAfter: retryAfter, attempts: attempts
        )
    case let .Timeout(detail, status, requestId, attempts, _, _):
        return ErrorView(kind: kind, detail: detail, status: status, requestId: requestId, attempts: attempts)
    case let .Connection(detail, attempts, _, _):
        return ErrorView(kind: kind, detail: detail, attempts: attempts)
    case let .Decode(detail, status, requestId, body, attempts, _):
        return ErrorView(kind: kind, detail: detail, status: status, requestId: requestId, body: body, attempts: attempts)
    case let .Other(otherKind, detail, status, attempts):
        return ErrorView(kind: otherKind, detail: detail, status: status, attempts: attempts)
    }
}
