import testing from './testing.js'

export const { Sandbox } = testing
export default testing
