package truto.ticketing

import java.time.Duration
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.addJsonObject
import kotlinx.serialization.json.buildJsonArray
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.put

// Reading conformance cases (tests/conformance/README.md) into the Kotlin API's types, and
// the API's answers back into the JSON form the cases speak of. Test code only.

fun JsonObject.str(key: String): String? = (this[key] as? JsonPrimitive)?.takeIf { it.isString }?.content

fun JsonObject.long(key: String): Long? = (this[key] as? JsonPrimitive)?.takeIf { !it.isString }?.content?.toLongOrNull()

fun JsonObject.strings(key: String): List<String>? = (this[key] as? JsonArray)?.map { (it as JsonPrimitive).content }

fun JsonObject.flag(key: String): Boolean = (this[key] as? JsonPrimitive)?.content == "true"

private val NEW_USER_FIELDS = setOf(
    "name", "avatar", "emails", "first_name", "last_name", "languages", "nick_name", "password",
    "remote_data", "roles", "status", "team_ids", "user_type", "username", "custom_fields",
)

/** A case's `user` (Truto's field names) as the data class a Kotlin caller would write. */
fun newUserOf(json: JsonObject): NewUser {
    val unknown = json.keys - NEW_USER_FIELDS
    require(unknown.isEmpty()) { "the Kotlin runner does not know the user fields $unknown" }
    return NewUser(
        name = json.str("name"),
        avatar = json.str("avatar"),
        emails = (json["emails"] as? JsonArray)?.map {
            val email = it.jsonObject
            Email(email = email.str("email") ?: error("an email without `email`: $email"), type = email.str("type"))
        },
        firstName = json.str("first_name"),
        lastName = json.str("last_name"),
        languages = json.strings("languages"),
        nickName = json.str("nick_name"),
        password = json.str("password")?.let(::SecretString),
        remoteData = json["remote_data"]?.toString(),
        roles = when (val roles = json["roles"]) {
            null -> null
            is JsonPrimitive -> Roles.Name(roles.content)
            else -> Roles.Objects(roles.jsonArray.map { Role(id = it.jsonObject.str("id"), name = it.jsonObject.str("name")) })
        },
        status = json.str("status"),
        teamIds = json.strings("team_ids"),
        userType = json.str("user_type"),
        username = json.str("username"),
        customFields = json["custom_fields"]?.toString(),
    )
}

private val OPTION_FIELDS = setOf(
    "collections", "response_format", "ignore_remote_data", "exclude_fields", "remote_query",
    "idempotency_key", "timeout_ms", "max_retries",
)

fun optionsOf(json: JsonObject): CreateUserOptions {
    val unknown = json.keys - OPTION_FIELDS
    require(unknown.isEmpty()) { "the Kotlin runner does not know the options $unknown" }
    return CreateUserOptions(
        collections = (json["collections"] as? JsonArray)?.map { CollectionRef(it.jsonObject.str("id")!!) } ?: emptyList(),
        ignoreRemoteData = json.flag("ignore_remote_data"),
        excludeFields = json.strings("exclude_fields") ?: emptyList(),
        remoteQuery = json["remote_query"]?.toString(),
        idempotencyKey = json.str("idempotency_key"),
        timeoutMs = json.long("timeout_ms")?.toULong(),
        maxRetries = json.long("max_retries")?.toUInt(),
    )
}

/** The user in its JSON form (Truto's field names, unknown fields included). */
fun userJson(user: User): JsonObject = buildJsonObject {
    put("id", user.id)
    user.name?.let { put("name", it) }
    user.firstName?.let { put("first_name", it) }
    user.lastName?.let { put("last_name", it) }
    user.username?.let { put("username", it) }
    put("emails", buildJsonArray {
        user.emails.forEach { email ->
            addJsonObject {
                put("email", email.email)
                email.type?.let { put("type", it) }
            }
        }
    })
    user.isActive?.let { put("is_active", it) }
    put("team_ids", JsonArray(user.teamIds.map(::JsonPrimitive)))
    user.avatar?.let { put("avatar", it) }
    put("roles", buildJsonArray {
        user.roles.forEach { role ->
            addJsonObject {
                role.id?.let { put("id", it) }
                role.name?.let { put("name", it) }
            }
        }
    })
    user.createdAt?.let { put("created_at", it) }
    user.updatedAt?.let { put("updated_at", it) }
    user.etag?.let { put("etag", it) }
    user.remoteData?.let { put("remote_data", Json.parseToJsonElement(it)) }
    Json.parseToJsonElement(user.extra).jsonObject.forEach { (key, value) -> put(key, value) }
}

/** What the conformance cases ask of an error, whichever case of [TrutoException] it is. */
data class ErrorView(
    val kind: String,
    val detail: String,
    val field: String? = null,
    val status: Int? = null,
    val requestId: String? = null,
    val missingRequiredFields: List<String> = emptyList(),
    val isRemoteError: Boolean = false,
    val body: String? = null,
    val retryAfter: Duration? = null,
    /** InvalidInput is raised before any request: no attempt was made. */
    val attempts: Int = 0,
)

fun viewOf(e: TrutoException): ErrorView {
    fun api(
        detail: String, status: UShort?, requestId: String?, missing: List<String>, remote: Boolean,
        body: String?, retryAfter: Duration?, attempts: UInt,
    ) = ErrorView(e.kind(), detail, null, status?.toInt(), requestId, missing, remote, body, retryAfter, attempts.toInt())
    return when (e) {
        is TrutoException.InvalidInput -> ErrorView(e.kind(), e.detail, field = e.field)
        is TrutoException.BadRequest -> api(e.detail, e.status, e.requestId, e.missingRequiredFields, e.isRemoteError, e.body, e.retryAfter, e.attempts)
        is TrutoException.Authentication -> api(e.detail, e.status, e.requestId, e.missingRequiredFields, e.isRemoteError, e.body, e.retryAfter, e.attempts)
        is TrutoException.PermissionDenied -> api(e.detail, e.status, e.requestId, e.missingRequiredFields, e.isRemoteError, e.body, e.retryAfter, e.attempts)
        is TrutoException.NotFound -> api(e.detail, e.status, e.requestId, e.missingRequiredFields, e.isRemoteError, e.body, e.retryAfter, e.attempts)
        is TrutoException.MethodNotAllowed -> api(e.detail, e.status, e.requestId, e.missingRequiredFields, e.isRemoteError, e.body, e.retryAfter, e.attempts)
        is TrutoException.Conflict -> api(e.detail, e.status, e.requestId, e.missingRequiredFields, e.isRemoteError, e.body, e.retryAfter, e.attempts)
        is TrutoException.Unprocessable -> api(e.detail, e.status, e.requestId, e.missingRequiredFields, e.isRemoteError, e.body, e.retryAfter, e.attempts)
        is TrutoException.RateLimited -> api(e.detail, e.status, e.requestId, e.missingRequiredFields, e.isRemoteError, e.body, e.retryAfter, e.attempts)
        is TrutoException.Server -> api(e.detail, e.status, e.requestId, e.missingRequiredFields, e.isRemoteError, e.body, e.retryAfter, e.attempts)
        is TrutoException.Timeout -> ErrorView(e.kind(), e.detail, status = e.status?.toInt(), requestId = e.requestId, attempts = e.attempts.toInt())
        is TrutoException.Connection -> ErrorView(e.kind(), e.detail, attempts = e.attempts.toInt())
        is TrutoException.Decode -> ErrorView(e.kind(), e.detail, status = e.status?.toInt(), requestId = e.requestId, body = e.body, attempts = e.attempts.toInt())
        is TrutoException.Other -> ErrorView(e.kind, e.detail, status = e.status?.toInt(), attempts = e.attempts.toInt())
    }
}

/** Objects match key by key (extra keys allowed), arrays element by element, scalars by equality. */
fun matchesSubset(expected: JsonElement, actual: JsonElement?, at: String) {
    when {
        expected is JsonObject && actual is JsonObject ->
            expected.forEach { (key, value) -> matchesSubset(value, actual[key] ?: JsonNull, "$at.$key") }
        expected is JsonArray && actual is JsonArray -> {
            check(expected.size == actual.size) { "$at: expected $expected, got $actual" }
            expected.zip(actual).forEachIndexed { index, (want, got) -> matchesSubset(want, got, "$at[$index]") }
        }
        else -> check(expected == (actual ?: JsonNull)) { "$at: expected $expected, got $actual" }
    }
}
