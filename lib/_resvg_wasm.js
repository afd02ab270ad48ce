// @ts-self-types="./_resvg_wasm.d.ts"
// resvg's WebAssembly, imported as a compiled module (a source phase import), so reading it
// needs no permission. JavaScript because TypeScript cannot parse `import source` yet; its own
// file, imported on the first PNG, so that importing denograd does not compile it.
import source resvgWasm from "npm:@resvg/resvg-wasm@2.6.2/index_bg.wasm";

export const wasm = resvgWasm;
