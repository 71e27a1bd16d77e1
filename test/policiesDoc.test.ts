import * as fs from "fs";
import * as path from "path";
import { POD_EXEMPTIONS } from "../infra/security/exemptions";
import { allPolicies } from "../policies/policies";

// docs/policies.md is checked against the pack: every policy has a row with its enforcement, no row
// names a policy that does not exist, and the pod exemption table lists exactly the code's table.

const DOC = fs.readFileSync(path.join(__dirname, "..", "docs", "policies.md"), "utf8");
/** Table rows whose first cell is a `code` name: [name, second cell]. */
const rows = (first: RegExp) => DOC.split("\n").map((line) => line.match(first)).filter((m): m is RegExpMatchArray => m !== null).map((m) => [m[1], m[2]] as const);

describe("docs/policies.md", () => {
  const documented = rows(/^\| `([a-z0-9-]+)` \| (mandatory|advisory) \|/);

  it("lists every policy of the pack once, with its enforcement", () => {
    const names = documented.map(([name]) => name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(documented.map(([name, level]) => `${name}: ${level}`).sort()).toEqual(allPolicies.map((p) => `${p.name}: ${p.enforcementLevel}`).sort());
  });

  it("names no policy that no longer exists", () => {
    const known = new Set(allPolicies.map((p) => p.name));
    expect(documented.map(([name]) => name).filter((n) => !known.has(n))).toEqual([]);
  });

  it("lists exactly the pod exemptions infra/security/exemptions.ts grants", () => {
    const ids = rows(/^\| `([a-z0-9-]+)` \| ([^|]+) \| [^|]+ \| [^|]+ \|$/).map(([id]) => id).filter((id) => !allPolicies.some((p) => p.name === id));
    expect(ids).toEqual(POD_EXEMPTIONS.map((e) => e.id));
  });
});
