// The Emscripten factory of @pybricks/mpy-cross-v6 ships no types of its own (its index.js wraps it).
declare module '@pybricks/mpy-cross-v6/build/mpy-cross-v6.js' {
  const MpyCross: (options: Record<string, unknown>) => unknown;
  export default MpyCross;
}
