import * as truto from './index.js'

export * from './index.js'
export default truto
