import * as fs from "fs";
import * as path from "path";
import { bannedPatternProblem } from "../infra/data/bannedPatterns";
import { PROJECT_DIR } from "./helpers/stacks";

// The same file the tokenise job's Python tests read (jobs/tokenise/test_tokenise.py): every pattern
// accepted here is compiled there with re.compile(p, re.IGNORECASE) and must match its example.
const fixture = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "jobs", "tokenise", "testdata", "banned_patterns.json"), "utf8")) as {
  accepted: { pattern: string; matches: string }[];
  rejected: { pattern: string; python: "error" | "warns" | "compiles" }[];
};

describe("banned patterns both Python's re and JavaScript read alike", () => {
  it.each(fixture.accepted.map((c) => [c.pattern, c.matches]))("accepts %j, which JavaScript also finds in %j", (pattern, text) => {
    expect(bannedPatternProblem(pattern)).toBeUndefined();
    expect(new RegExp(pattern, "i").test(text)).toBe(true);
  });

  it.each(fixture.rejected.map((c) => [c.pattern]))("refuses %j", (pattern) => {
    expect(bannedPatternProblem(pattern)).toEqual(expect.any(String));
  });

  it("names the Python spelling of a JavaScript named group", () => {
    expect(bannedPatternProblem("(?<agent>human) agent")).toBe("uses a named group (?<agent>…), which Python writes (?P<agent>…); use an unnamed group (…) (the job only asks whether a pattern matches)");
  });

  it("accepts a look-behind whose alternatives share one width and refuses one whose widths differ", () => {
    expect(bannedPatternProblem("(?<=ab|cd)e")).toBeUndefined();
    expect(bannedPatternProblem("(?<=a|cd)e")).toMatch(/^has a look-behind \(\?<=…\) of variable width/);
    expect(bannedPatternProblem("(?<=a{2})e")).toBeUndefined();
    expect(bannedPatternProblem("(?<=a{1,2})e")).toMatch(/variable width/);
  });

  it("accepts a back-reference to a group that exists and refuses one to a group that does not", () => {
    expect(bannedPatternProblem("(a)(b)\\2")).toBeUndefined();
    expect(bannedPatternProblem("(a)\\2")).toBe("uses \\2, a reference to group 2, but the pattern has 1");
  });

  it("refuses patterns that match nothing but the empty string, and accepts those that need a character", () => {
    expect(bannedPatternProblem("(agent)?")).toMatch(/^can match an empty string/);
    expect(bannedPatternProblem("^")).toMatch(/^can match an empty string/);
    expect(bannedPatternProblem("a?b")).toBeUndefined();
  });
});
