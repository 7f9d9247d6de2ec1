package truto.ticketing

import com.sun.jna.CallbackThreadInitializer
import com.sun.jna.Native
import java.util.Spliterator
import java.util.Spliterators
import java.util.stream.Stream
import java.util.stream.StreamSupport
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.produce
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.asFlow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.flowOn
import kotlinx.coroutines.flow.onCompletion
import kotlinx.coroutines.launch
import kotlinx.coroutines.reactive.asFlow
import kotlinx.coroutines.reactive.asPublisher
import kotlinx.coroutines.runBlocking
import org.reactivestreams.Publisher

/**
 * What the generated JVM forms (`truto_ticketing_jvm.kt`, written by `uniffi-bindgen
 * kotlin`) call: each adapter is written once here, each method's forms are generated.
 *
 * @suppress Used by the generated bindings only.
 */
internal object JvmAdapters {
    /** A suspending call, waited for on the calling thread. */
    fun <T> blocking(call: suspend CoroutineScope.() -> T): T = runBlocking(block = call)

    /** The items a stream object yields (`next()` until `null`), closed when the flow ends. */
    fun <S, T : Any> itemFlow(start: suspend () -> S, next: suspend (S) -> T?, close: (S) -> Unit): Flow<T> = flow {
        val source = start()
        try {
            while (true) emit(next(source) ?: break)
        } finally {
            close(source)
        }
    }

    /**
     * A stream object fed from `items` while its results are collected: items are sent only
     * as the object takes them, so a huge input is read lazily; cancelling the collector
     * stops both sides.
     */
    fun <S, I, T : Any> duplexFlow(
        items: Flow<I>,
        start: suspend () -> S,
        send: suspend (S, I) -> Unit,
        finish: (S) -> Unit,
        next: suspend (S) -> T?,
        close: (S) -> Unit,
    ): Flow<T> = flow {
        val source = start()
        try {
            coroutineScope {
                launch {
                    items.collect { item -> send(source, item) }
                    finish(source)
                }
                while (true) emit(next(source) ?: break)
            }
        } finally {
            close(source)
        }
    }

    /** A Java stream's items, read on an I/O thread (a stream over a file blocks). */
    fun <T> flowOf(items: Stream<T>): Flow<T> =
        items.iterator().asFlow().flowOn(Dispatchers.IO).onCompletion { items.close() }

    /** A Reactive Streams publisher's items. */
    fun <T : Any> flowOf(items: Publisher<T>): Flow<T> = items.asFlow()

    /**
     * A flow as a Java stream whose every step waits on the calling thread. The flow runs
     * only as the stream is read: each step asks for one item, and the flow does not go on
     * to the next (a list's next page, say) until the stream asks again. Closing the stream
     * (try-with-resources) stops the flow; an error in it is thrown from the step that
     * reaches it.
     */
    fun <T : Any> blockingStream(flow: Flow<T>): Stream<T> {
        val scope = CoroutineScope(Dispatchers.Default)
        val demand = Channel<Unit>(Channel.UNLIMITED)
        val items = scope.produce {
            demand.receive()
            flow.collect { item ->
                send(item)
                demand.receive()
            }
        }
        val iterator = object : Iterator<T> {
            private var ahead: T? = null
            private var done = false

            override fun hasNext(): Boolean {
                if (ahead != null) return true
                if (done) return false
                demand.trySend(Unit)
                val received = runBlocking { items.receiveCatching() }
                ahead = received.getOrNull()
                if (ahead != null) return true
                done = true
                received.exceptionOrNull()?.let { throw it }
                return false
            }

            override fun next(): T {
                if (!hasNext()) throw NoSuchElementException()
                return ahead!!.also { ahead = null }
            }
        }
        val spliterator = Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED or Spliterator.NONNULL)
        return StreamSupport.stream(spliterator, false).onClose { scope.cancel() }
    }

    /** A flow as a Reactive Streams publisher (Reactor's `Flux.from`, RxJava's `Flowable.fromPublisher`). */
    fun <T : Any> publisher(flow: Flow<T>): Publisher<T> = flow.asPublisher()
}

/**
 * The coroutines of one Java client's `CompletableFuture`s: closing the client cancels
 * those still running.
 *
 * @suppress Used by the generated bindings only.
 */
internal class JvmClientScope : CoroutineScope, AutoCloseable {
    override val coroutineContext = SupervisorJob() + Dispatchers.Default

    init {
        // Rust's threads wake the calls' coroutines through this callback. JNA attaches such
        // a thread to the JVM for each wake-up and detaches it after; for coroutines of this
        // scope the detach fails and JNA prints "could not detach thread" on stderr (seen
        // for every call of the Java async conformance run). Attached once, they stay.
        Native.setCallbackThreadInitializer(
            uniffiRustFutureContinuationCallbackImpl,
            CallbackThreadInitializer(true, false, "truto-ticketing-wake"),
        )
    }

    override fun close() = cancel()
}
