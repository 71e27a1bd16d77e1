// Loads the project's TypeScript sources in plain Node, for the plan CLI: sucrase strips the
// types (no type-check — that is `npm run typecheck`), and the result is cached on disk by a hash
// of the source, so a repeat run neither loads sucrase nor transpiles anything.
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const SUCRASE_VERSION = require("sucrase/package.json").version;
const OPTIONS = { transforms: ["imports", "typescript"] };
const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "llm-platform-ts");

function transpile(source, filename) {
  const key = crypto.createHash("sha256").update(`${SUCRASE_VERSION}\0${filename}\0${source}`).digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    const { code } = require("sucrase").transform(source, { ...OPTIONS, filePath: filename });
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached); // atomic: parallel runs never read half a file
    } catch {
      // a read-only checkout still works, only without the cache
    }
    return code;
  }
}

Module._extensions[".ts"] = function loadTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
