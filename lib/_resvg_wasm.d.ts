/** resvg's compiled WebAssembly module, for its `initWasm`. */
export declare const wasm: WebAssembly.Module;
