import * as fs from "fs";
import * as path from "path";

// Every relative link in docs/*.md and README.md names a file that exists and, with a #fragment, a
// heading of that file (GitHub's anchors: lowercase, punctuation dropped, spaces as hyphens).

const ROOT = path.join(__dirname, "..");
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** GitHub's heading anchors of a markdown file, in order, with -1, -2 … for repeats. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  }
  return found;
}

describe("links between the docs", () => {
  it("computes anchors as GitHub does", () => {
    expect([...anchors("# A `b` (c.ts, d)\n## After `pulumi up`\n## After `pulumi up`\n```\n# not a heading\n```\n")]).toEqual(["a-b-cts-d", "after-pulumi-up", "after-pulumi-up-1"]);
  });

  it.each(DOCS)("%s links only to files and headings that exist", (doc) => {
    const text = fs.readFileSync(path.join(ROOT, doc), "utf8");
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // http(s), mailto
      const [file, fragment] = target.split("#");
      const resolved = file === "" ? path.join(ROOT, doc) : path.join(ROOT, path.dirname(doc), file);
      if (!fs.existsSync(resolved)) broken.push(`${target}: no file ${path.relative(ROOT, resolved)}`);
      else if (fragment !== undefined && resolved.endsWith(".md") && !anchors(fs.readFileSync(resolved, "utf8")).has(fragment)) broken.push(`${target}: no heading #${fragment}`);
    }
    expect(broken).toEqual([]);
  });
});
