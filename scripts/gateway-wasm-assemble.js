// Assembles gateway/search/dotI8.wat (WebAssembly text, SIMD) to bytes with wabt.
const fs = require("node:fs");
const path = require("node:path");

async function assembleDotI8() {
  const wabt = await require("wabt")();
  const file = path.join(__dirname, "..", "gateway", "search", "dotI8.wat");
  const module = wabt.parseWat("dotI8.wat", fs.readFileSync(file, "utf8"), { simd: true });
  try {
    module.validate();
    return Uint8Array.from(module.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    module.destroy();
  }
}

module.exports = { assembleDotI8 };
