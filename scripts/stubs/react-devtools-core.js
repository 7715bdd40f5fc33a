// Ink loads react-devtools-core only when DEV=true; the bundled shell never connects to it.
export default {};
export function connectToDevTools() {}
