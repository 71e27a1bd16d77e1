/**
 * The gateway image's recipe (gateway/Dockerfile, gateway/package.json, its lock). There is no
 * Docker engine here, so the checks are static: what `docker build` would do with these files.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const read = (p: string) => readFileSync(resolve(ROOT, p), "utf8");
const dockerfile = read("gateway/Dockerfile");
const instructions = dockerfile.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));

describe("gateway/Dockerfile", () => {
  it("builds every stage from one Node 22 slim base image pinned to a full version", () => {
    const bases = instructions.filter((l) => l.startsWith("FROM ")).map((l) => l.split(/\s+/)[1]);
    expect(bases.length).toBeGreaterThanOrEqual(2);
    expect(new Set(bases).size).toBe(1);
    expect(bases[0]).toMatch(/^node:22\.\d+\.\d+-[a-z]+-slim$/);
  });

  it("runs as a non-root user, from the compiled code, with production dependencies only", () => {
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(finalStage).toMatch(/^USER (node|[1-9]\d*)$/m);
    expect(finalStage).toContain('ENTRYPOINT ["node", "main.js"]');
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    // The runtime's node_modules come from the stage that omitted dev dependencies.
    const runtimeModules = finalStage.split("\n").find((l) => l.includes("node_modules"));
    expect(runtimeModules).toBe("COPY --from=deps /app/node_modules ./node_modules");
  });

  it("copies only gateway files, so the image does not depend on the Pulumi program", () => {
    const copies = instructions.filter((l) => l.startsWith("COPY ") && !l.startsWith("COPY --from"));
    for (const c of copies) for (const source of c.split(/\s+/).slice(1, -1)) expect(source).toMatch(/^gateway\//);
  });
});

describe("gateway/package.json", () => {
  const gateway = JSON.parse(read("gateway/package.json"));
  const root = JSON.parse(read("package.json"));
  const gatewayLock = JSON.parse(read("gateway/package-lock.json"));
  const rootLock = JSON.parse(read("package-lock.json"));

  it("pins each dependency to the version the repository tests with (one version per package)", () => {
    for (const [name, version] of Object.entries({ ...gateway.dependencies, ...gateway.devDependencies })) {
      expect(`${name}@${root.dependencies[name] ?? root.devDependencies[name]}`).toBe(`${name}@${version}`);
    }
  });

  it("locks the same versions of those packages as the repository's lock", () => {
    for (const name of Object.keys(gateway.dependencies)) {
      expect(`${name}@${gatewayLock.packages[`node_modules/${name}`].version}`).toBe(`${name}@${rootLock.packages[`node_modules/${name}`].version}`);
    }
  });

  it("imports at run time only packages it declares", () => {
    const { readdirSync } = require("node:fs") as typeof import("node:fs");
    const files = (readdirSync(resolve(ROOT, "gateway"), { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
    const imported = new Set<string>();
    for (const f of files) {
      for (const m of read(`gateway/${f}`).matchAll(/^import (?!type )[^;]*? from "([^".][^"]*)";/gm)) {
        if (!m[1].startsWith("node:")) imported.add(m[1].startsWith("@") ? m[1].split("/").slice(0, 2).join("/") : m[1].split("/")[0]);
      }
    }
    expect([...imported].sort()).toEqual(Object.keys(gateway.dependencies).sort());
  });
});
