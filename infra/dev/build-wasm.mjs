// Compiles the hand-written WebAssembly text files of the repo to the binaries committed beside them
// (packages/media/src/faces/frame-kernels.wat -> .wasm). Run after changing a .wat: `npm run build:wasm`.
// `--check` writes nothing and fails when a committed binary is not its source compiled (a test runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const WAT_FILES = ['packages/media/src/faces/frame-kernels.wat'];

/** The binary of a .wat source, as this script writes it. */
async function compileWat(path, text = readFileSync(path, 'utf8')) {
  const tools = await wabt();
  const module = tools.parseWat(path, text, { simd: true });
  try {
    module.validate();
    return Buffer.from(module.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    module.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const check = process.argv.includes('--check');
  for (const file of WAT_FILES) {
    const binary = await compileWat(root + file);
    const target = root + file.replace(/\.wat$/, '.wasm');
    if (check) {
      if (!binary.equals(readFileSync(target))) {
        console.error(`${target} is not ${file} compiled: run npm run build:wasm`);
        process.exitCode = 1;
      }
      continue;
    }
    writeFileSync(target, binary);
    console.log(`${file} -> ${binary.length} bytes`);
  }
}
