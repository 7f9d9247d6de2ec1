package truto.ticketing

import java.math.BigDecimal
import java.math.BigInteger
import java.time.Duration
import kotlin.math.roundToLong

/**
 * The JVM's own types for values that cross the FFI in another shape (see uniffi.toml):
 * free-form JSON as `Map<String, Any?>` and `Any?`, spans of time as [Duration].
 *
 * @suppress Used by the generated bindings only.
 */
internal object FfiConversions {
    fun objectFromFfi(members: List<JsonMember>): Map<String, Any?> =
        members.associate { member -> member.key to valueFromFfi(member.value) }

    fun valueFromFfi(value: JsonValue): Any? = when (value) {
        is JsonValue.Null -> null
        is JsonValue.Bool -> value.value
        is JsonValue.Integer -> value.value
        is JsonValue.Float -> value.value
        is JsonValue.String -> value.value
        is JsonValue.Array -> value.values.map(::valueFromFfi)
        is JsonValue.Object -> objectFromFfi(value.members)
    }

    fun objectToFfi(map: Map<String, Any?>): List<JsonMember> = objectToFfi(map, "$")

    fun valueToFfi(value: Any?): JsonValue = valueToFfi(value, "$")

    private fun objectToFfi(map: Map<*, *>, at: String): List<JsonMember> =
        map.entries.map { (key, value) ->
            if (key !is String) notJson("a map key ${describe(key)}", at)
            JsonMember(key, valueToFfi(value, "$at.$key"))
        }

    private fun valueToFfi(value: Any?, at: String): JsonValue = when (value) {
        null -> JsonValue.Null
        is JsonValue -> value
        is Boolean -> JsonValue.Bool(value)
        is Byte, is Short, is Int, is Long -> JsonValue.Integer((value as Number).toLong())
        is Float, is Double -> finite((value as Number).toDouble(), at)
        is BigInteger -> if (value.bitLength() < 64) JsonValue.Integer(value.toLong()) else finite(value.toDouble(), at)
        is BigDecimal -> runCatching { JsonValue.Integer(value.longValueExact()) }.getOrElse { finite(value.toDouble(), at) }
        is CharSequence -> JsonValue.String(value.toString())
        is Char -> JsonValue.String(value.toString())
        is Map<*, *> -> JsonValue.Object(objectToFfi(value, at))
        is Iterable<*> -> JsonValue.Array(value.mapIndexed { index, item -> valueToFfi(item, "$at[$index]") })
        is Array<*> -> JsonValue.Array(value.mapIndexed { index, item -> valueToFfi(item, "$at[$index]") })
        else -> notJson(describe(value), at)
    }

    private fun finite(number: Double, at: String): JsonValue =
        if (number.isFinite()) JsonValue.Float(number) else notJson("the number $number", at)

    private fun describe(value: Any?): String = if (value == null) "null" else "a ${value.javaClass.name}"

    private fun notJson(what: String, at: String): Nothing = throw TrutoException.InvalidInput(
        "$what at $at is not JSON: use null, Boolean, a finite number, String, List or Map with String keys",
        null,
    )

    fun durationFromSeconds(seconds: Double): Duration = Duration.ofNanos((seconds * 1e9).roundToLong())

    fun durationToSeconds(duration: Duration): Double = duration.seconds + duration.nano / 1e9
}
