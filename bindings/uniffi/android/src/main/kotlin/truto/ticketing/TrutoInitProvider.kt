package truto.ticketing

import android.content.ContentProvider
import android.content.ContentValues
import android.database.Cursor
import android.net.Uri

/**
 * Runs [TrutoAndroid.init] when the app starts, before any of its code: a content
 * provider's `onCreate` is called by Android with the application's context. It serves
 * no content.
 */
class TrutoInitProvider : ContentProvider() {
    override fun onCreate(): Boolean {
        TrutoAndroid.init(requireNotNull(context) { "no context for the init provider" })
        return true
    }

    override fun query(uri: Uri, projection: Array<String>?, selection: String?, args: Array<String>?, sort: String?): Cursor? =
        null

    override fun getType(uri: Uri): String? = null

    override fun insert(uri: Uri, values: ContentValues?): Uri? = null

    override fun delete(uri: Uri, selection: String?, args: Array<String>?): Int = 0

    override fun update(uri: Uri, values: ContentValues?, selection: String?, args: Array<String>?): Int = 0
}
