package truto.ticketing

import android.content.Context

/**
 * Android setup: HTTPS certificates are checked by Android's own trust manager (through
 * rustls-platform-verifier), which needs the application's [Context] once, before the
 * first call. The AAR's [TrutoInitProvider] calls [init] at app start, so apps need do
 * nothing; call it yourself if you disabled the provider (`tools:node="remove"`).
 */
object TrutoAndroid {
    @Volatile
    private var initialized = false

    /** Idempotent and thread-safe. */
    @JvmStatic
    fun init(context: Context) {
        if (initialized) return
        synchronized(this) {
            if (initialized) return
            // The same library JNA loads for the generated bindings.
            System.loadLibrary("truto_ticketing_uniffi")
            nativeInit(context.applicationContext)
            initialized = true
        }
    }

    @JvmStatic
    private external fun nativeInit(context: Context)
}
