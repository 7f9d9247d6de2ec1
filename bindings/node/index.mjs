// ES module entry: the same classes as the CommonJS entry (`index.js`), so
// `instanceof TrutoError` holds whichever way the package was loaded.
import truto from './index.js'

export const { Client, TrutoError } = truto
export default truto
