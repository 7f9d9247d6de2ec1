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

/** JSON as the JVM values the API takes and gives for free-form fields. */
fun jvmValueOf(json: JsonElement): Any? = when (json) {
    is JsonNull -> null
    is JsonPrimitive -> when {
        json.isString -> json.content
        json.content == "true" || json.content == "false" -> json.content.toBoolean()
        else -> json.content.toLongOrNull() ?: json.content.toDouble()
    }
    is JsonArray -> json.map(::jvmValueOf)
    is JsonObject -> jvmObjectOf(json)
}

fun jvmObjectOf(json: JsonObject): Map<String, Any?> = json.mapValues { (_, value) -> jvmValueOf(value) }

/** The JVM values of a free-form field back as JSON, to compare with a case. */
fun jsonOf(value: Any?): JsonElement = when (value) {
    null -> JsonNull
    is Boolean -> JsonPrimitive(value)
    is Number -> JsonPrimitive(value)
    is String -> JsonPrimitive(value)
    is List<*> -> JsonArray(value.map(::jsonOf))
    is Map<*, *> -> JsonObject(value.entries.associate { (key, item) -> key as String to jsonOf(item) })
    else -> error("not a JSON value: $value")
}

private val NEW_USER_FIELDS = setOf(
    "name", "avatar", "emails", "first_name", "last_name", "languages", "nick_name", "password",
    "remote_data", "roles", "status", "team_ids", "user_type", "username", "custom_fields",
)

@Suppress("UNCHECKED_CAST")
private fun Map<String, Any?>.obj(key: String) = this[key] as Map<String, Any?>?

private fun Map<String, Any?>.text(key: String) = this[key] as String?

private fun Map<String, Any?>.texts(key: String) = (this[key] as List<*>?)?.map { it as String }

/** A case's `user` (Truto's field names, as JVM values) as the data class a Kotlin caller would write. */
fun newUserOf(fields: Map<String, Any?>): NewUser {
    val unknown = fields.keys - NEW_USER_FIELDS
    require(unknown.isEmpty()) { "the Kotlin runner does not know the user fields $unknown" }
    return NewUser(
        name = fields.text("name"),
        avatar = fields.text("avatar"),
        emails = (fields["emails"] as List<*>?)?.map {
            @Suppress("UNCHECKED_CAST") val email = it as Map<String, Any?>
            Email(email = email.text("email") ?: error("an email without `email`: $email"), type = email.text("type")?.let(EmailType::of))
        },
        firstName = fields.text("first_name"),
        lastName = fields.text("last_name"),
        languages = fields.texts("languages"),
        nickName = fields.text("nick_name"),
        password = fields.text("password")?.let(::SecretString),
        remoteData = fields.obj("remote_data"),
        roles = when (val roles = fields["roles"]) {
            null -> null
            is String -> Roles.Name(RoleName.of(roles))
            else -> Roles.Objects((roles as List<*>).map {
                @Suppress("UNCHECKED_CAST") val role = it as Map<String, Any?>
                Role(id = role.text("id"), name = role.text("name"))
            })
        },
        status = fields.text("status")?.let(UserStatus::of),
        teamIds = fields.texts("team_ids"),
        userType = fields.text("user_type"),
        username = fields.text("username"),
        customFields = fields.obj("custom_fields"),
    )
}

private val OPTION_FIELDS = setOf(
    "collections", "response_format", "ignore_remote_data", "exclude_fields", "remote_query",
    "idempotency_key", "timeout_ms", "max_retries",
)

/** A case's `options` as a Kotlin caller would write them (the response format is the runner's). */
fun optionsOf(fields: Map<String, Any?>): CreateUserOptions {
    val unknown = fields.keys - OPTION_FIELDS
    require(unknown.isEmpty()) { "the Kotlin runner does not know the options $unknown" }
    return CreateUserOptions(
        collections = (fields["collections"] as List<*>?)?.map { CollectionRef((it as Map<*, *>)["id"] as String) } ?: emptyList(),
        ignoreRemoteData = fields["ignore_remote_data"] == true,
        excludeFields = fields.texts("exclude_fields") ?: emptyList(),
        remoteQuery = fields.obj("remote_query"),
        idempotencyKey = fields.text("idempotency_key"),
        timeout = (fields["timeout_ms"] as Long?)?.let(Duration::ofMillis),
        maxRetries = (fields["max_retries"] as Long?)?.toInt(),
    )
}

private val CALL_OPTION_FIELDS = setOf("ignore_remote_data", "exclude_fields", "remote_query", "timeout_ms", "max_retries")

/** A case's common options, as a Kotlin caller would write them. */
fun callOptionsOf(fields: Map<String, Any?>): CallOptions {
    val unknown = fields.keys - CALL_OPTION_FIELDS - "idempotency_key"
    require(unknown.isEmpty()) { "the Kotlin runner does not know the options $unknown" }
    return CallOptions(
        ignoreRemoteData = fields["ignore_remote_data"] == true,
        excludeFields = fields.texts("exclude_fields") ?: emptyList(),
        remoteQuery = fields.obj("remote_query"),
        timeout = (fields["timeout_ms"] as Long?)?.let(Duration::ofMillis),
        maxRetries = (fields["max_retries"] as Long?)?.toInt(),
    )
}

private fun boundsOf(fields: Map<String, Any?>?): TimeBounds? = fields?.let {
    fun at(key: String) = (it[key] as String?)?.let(java.time.Instant::parse)
    TimeBounds(gt = at("gt"), gte = at("gte"), lt = at("lt"), lte = at("lte"))
}

/** A case's list options, as a Kotlin caller would write them. */
fun listOptionsOf(fields: Map<String, Any?>): ListUsersOptions = ListUsersOptions(
    limit = (fields["limit"] as Long?)?.toInt(),
    cursor = fields.text("cursor"),
    emails = fields.texts("emails") ?: emptyList(),
    name = fields.text("name"),
    isActive = fields["is_active"] as Boolean?,
    createdAt = boundsOf(fields.obj("created_at")),
    updatedAt = boundsOf(fields.obj("updated_at")),
    sortBy = (fields["sort_by"] as List<*>?)?.map {
        val sort = it as Map<*, *>
        SortBy(sort["field"] as String, if (sort["order"] == "desc") SortOrder.DESC else SortOrder.ASC)
    } ?: emptyList(),
    collections = (fields["collections"] as List<*>?)?.map { CollectionRef((it as Map<*, *>)["id"] as String) } ?: emptyList(),
    call = callOptionsOf(fields.filterKeys { it in CALL_OPTION_FIELDS }),
)

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
                email.type?.let { put("type", it.toString()) }
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
    user.createdAtRaw?.let { put("created_at", it) }
    user.updatedAtRaw?.let { put("updated_at", it) }
    user.etag?.let { put("etag", it) }
    user.remoteData?.let { put("remote_data", jsonOf(it)) }
    user.extra.forEach { (key, value) -> put(key, jsonOf(value)) }
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
        detail: String, status: Int?, requestId: String?, missing: List<String>, remote: Boolean,
        body: String?, retryAfter: Duration?, attempts: Int,
    ) = ErrorView(e.kind(), detail, null, status, requestId, missing, remote, body, retryAfter, attempts)
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
        is TrutoException.Timeout -> ErrorView(e.kind(), e.detail, status = e.status, requestId = e.requestId, attempts = e.attempts)
        is TrutoException.Connection -> ErrorView(e.kind(), e.detail, attempts = e.attempts)
        is TrutoException.Decode -> ErrorView(e.kind(), e.detail, status = e.status, requestId = e.requestId, body = e.body, attempts = e.attempts)
        is TrutoException.Other -> ErrorView(e.kind, e.detail, status = e.status, attempts = e.attempts)
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
