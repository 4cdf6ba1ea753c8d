// Writes a brotli (`.br`) and a gzip (`.gz`) copy beside every compressible file of the
// given folders, for the server to send precompressed (`cargo xtask dist` runs it).
// Node's own zlib: no tool to install. A copy that is not smaller is not written.
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const COMPRESSIBLE = new Set([".js", ".mjs", ".wasm", ".css", ".svg", ".json"]);

function compress(path) {
  const bytes = readFileSync(path);
  if (bytes.length < 1024) return;
  const copies = {
    ".br": () => brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }),
    ".gz": () => gzipSync(bytes, { level: 9 }),
  };
  for (const [suffix, make] of Object.entries(copies)) {
    const out = path + suffix;
    // A copy newer than its file is already this file's (hashed names never change).
    if (existsSync(out) && statSync(out).mtimeMs >= statSync(path).mtimeMs) continue;
    const packed = make();
    if (packed.length < bytes.length) writeFileSync(out, packed);
    else rmSync(out, { force: true });
  }
}

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (COMPRESSIBLE.has(extname(entry.name))) compress(path);
  }
}

for (const dir of process.argv.slice(2)) if (existsSync(dir)) walk(dir);
