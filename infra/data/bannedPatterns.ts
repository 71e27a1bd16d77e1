/**
 * datasets[].bannedPatterns are compiled by the tokenise job with Python's `re`
 * (`re.compile(p, re.IGNORECASE)`, jobs/tokenise/hygiene.py) and searched in every response
 * (`is_banned`). The config is checked in JavaScript, so a pattern is accepted only when both
 * dialects compile it and read it alike. Parsed with @eslint-community/regexpp (ECMAScript syntax,
 * Annex B as `new RegExp(p)` without flags); the differences checked, with their sources:
 *
 * - named groups and references: JS `(?<n>…)`, `\k<n>`; Python `(?P<n>…)`, `(?P=n)` (Python `re`
 *   docs, "Regular Expression Syntax"; MDN "Named capturing group").
 * - `\p{…}` Unicode properties: JS only with the u flag (without it `\p` is the letter p); Python has
 *   none ("bad escape \p").
 * - escapes of letters and digits Python does not define (`\e`, `\z`, `\k`, `\c…`, `\1` without a
 *   group): "Unknown escapes of ASCII letters are reserved for future use and treated as errors"
 *   (Python `re` docs); JS Annex B reads them as the letter itself (MDN "Character escape").
 * - `\A`, `\Z`, `\a`: anchors and the bell in Python, plain letters in JS.
 * - look-behind: Python requires one fixed width ("look-behind requires fixed-width pattern"),
 *   JS allows any (MDN "Lookbehind assertion").
 * - `[]` and `[^]`: an empty class and any character in JS; in Python `]` first in a class is a
 *   literal, so `[]a]` is a class and `[^]` is unterminated.
 * - `x{,n}`: {0,n} in Python, literal text in JS (Annex B).
 * - `[` and `&&`, `--`, `||`, `~~` inside a class: Python warns they will mean set operations
 *   (FutureWarning "Possible nested set").
 * - Python-only syntax JS refuses: `(?P…)`, inline flags `(?i)`, comments `(?#…)`, atomic groups
 *   `(?>…)`, possessive quantifiers, conditionals `(?(…)…)` — named in the message.
 * - a pattern that can match the empty string matches every response: the job would drop every sample.
 *
 * Known and accepted: `\d`, `\w`, `\s` and case folding are Unicode-aware in Python and ASCII in JS;
 * `.` and `$` treat line ends slightly differently. The config only checks patterns; the job's Python
 * decides what matches. jobs/tokenise/testdata/banned_patterns.json lists patterns of both kinds; the
 * Python tests compile every accepted one (test_tokenise.py).
 */
import { AST, RegExpParser } from "@eslint-community/regexpp";

const parser = new RegExpParser({ ecmaVersion: 2025, strict: false });

/** Syntax Python accepts and JavaScript refuses, found before JavaScript's parser gives up. */
const PYTHON_ONLY: readonly [RegExp, string][] = [
  [/\(\?P[<=>]/, "(?P<name>…) or (?P=name), Python's named groups"],
  [/\(\?[aiLmsux]+(?:-[imsx]+)?[:)]/, "an inline flag such as (?i), which Python reads and JavaScript does not (the job matches case-insensitively already)"],
  [/\(\?#/, "a (?#…) comment"],
  [/\(\?>/, "an atomic group (?>…)"],
  [/\(\?\(/, "a conditional group (?(…)…)"],
  [/[*+?}]\+/, "a possessive quantifier (*+, ++, ?+, {m,n}+)"],
];

/** Escapes both dialects read alike (a letter or digit after '\'); any other escaped letter or digit differs. */
const SHARED_ESCAPE = /^\\(?:[tnvfrb]|0[0-7]{0,2}|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4})$/;

/** Escapes Python defines and JavaScript (without the u flag) reads as the plain letter. */
const PYTHON_MEANINGS: Readonly<Record<string, [string, string]>> = {
  A: ["the start-of-text anchor", "use ^"],
  Z: ["the end-of-text anchor", "use $"],
  a: ["the bell character", "write the letter a, or \\x07 for the bell"],
  N: ["a named character \\N{…}", "write the character itself"],
  U: ["an 8-digit code point", "write the character itself, or \\uXXXX"],
};

/** Why the pattern cannot be a banned pattern, or undefined when it is fine. */
export function bannedPatternProblem(pattern: string): string | undefined {
  let ast: AST.Pattern;
  try {
    ast = parser.parsePattern(pattern, 0, pattern.length, { unicode: false, unicodeSets: false });
  } catch (e) {
    const pythonOnly = PYTHON_ONLY.find(([re]) => re.test(pattern));
    if (pythonOnly) return `uses ${pythonOnly[1]}: Python syntax JavaScript cannot check; write it in the syntax both share`;
    return `is not a valid regular expression (${String((e as Error).message).replace(/^Invalid regular expression: \/.*\/: /, "")})`;
  }
  const groups = countCapturingGroups(ast);
  for (const node of walk(ast)) {
    const problem = nodeProblem(node, groups);
    if (problem) return problem;
  }
  const quantifierText = /(^|[^\\])\{,\d+\}/.exec(pattern);
  if (quantifierText) return `uses {,n}, which Python reads as {0,n} and JavaScript as literal text; write {0,n}`;
  if (minWidth(ast.alternatives) === 0) {
    return "can match an empty string, so it matches every response and the tokenise job would drop every sample";
  }
  return undefined;
}

function nodeProblem(node: AST.Node, groups: number): string | undefined {
  switch (node.type) {
    case "CapturingGroup":
      return node.name ? `uses a named group (?<${node.name}>…), which Python writes (?P<${node.name}>…); use an unnamed group (…) (the job only asks whether a pattern matches)` : undefined;
    case "Backreference":
      if (typeof node.ref === "string") return `uses \\k<${node.ref}>, a JavaScript named reference Python writes (?P=${node.ref})`;
      return node.ref > groups ? `uses \\${node.ref}, a reference to group ${node.ref}, but the pattern has ${groups}` : undefined;
    case "Character":
      return escapeProblem(node.raw, groups);
    case "CharacterClass": {
      if (!node.unicodeSets && node.elements.length === 0) {
        return node.negate
          ? "uses [^], any character in JavaScript, which Python reads as an unterminated class; write [\\s\\S]"
          : "uses [], an empty class in JavaScript, which Python reads as a class starting with ']'; remove it or escape the ]";
      }
      const inner = node.raw.slice(node.negate ? 2 : 1, -1);
      if (/(^|[^\\])\[/.test(inner)) return "has an unescaped [ inside a class, which Python warns it will read as a nested set; write \\[";
      const op = /(&&|--|\|\||~~)/.exec(inner);
      if (op) return `has ${op[1]} inside a class, which Python warns it will read as a set operation; escape one of the two characters`;
      return undefined;
    }
    case "Assertion":
      if (node.kind === "lookbehind") {
        const width = fixedWidth(node.alternatives);
        if (width === undefined) return `has a look-behind (?<${node.negate ? "!" : "="}…) of variable width, which Python refuses (look-behind requires fixed-width pattern); give every alternative one fixed length`;
      }
      return undefined;
    default:
      return undefined;
  }
}

function escapeProblem(raw: string, groups: number): string | undefined {
  if (!raw.startsWith("\\") || raw.length < 2) return undefined;
  const letter = raw[1];
  if (!/[A-Za-z0-9]/.test(letter) || SHARED_ESCAPE.test(raw)) return undefined;
  if (letter === "p" || letter === "P") return `uses \\${letter}, a Unicode property escape JavaScript reads only with the u flag and Python's re does not know (bad escape \\${letter})`;
  const python = PYTHON_MEANINGS[letter];
  if (python) return `uses \\${letter}, ${python[0]} in Python but the letter ${letter} in JavaScript; ${python[1]}`;
  if (letter === "c") return `uses ${raw}, a control character in JavaScript that Python does not define (bad escape \\c)`;
  if (/[1-9]/.test(letter)) return `uses \\${raw.slice(1)}, a reference to group ${raw.slice(1)}, but the pattern has ${groups}`;
  return `uses ${raw}, an escape Python does not define (bad escape ${raw.slice(0, 2)}) and JavaScript reads as ${JSON.stringify(raw.slice(1))}; drop the backslash`;
}

/** Every node of the pattern, depth first. */
function* walk(node: AST.Node): Generator<AST.Node> {
  yield node;
  const children: AST.Node[] = [];
  if ("alternatives" in node && Array.isArray(node.alternatives)) children.push(...node.alternatives);
  if ("elements" in node && Array.isArray(node.elements)) children.push(...(node.elements as AST.Node[]));
  if (node.type === "Quantifier") children.push(node.element);
  for (const child of children) yield* walk(child);
}

function countCapturingGroups(ast: AST.Pattern): number {
  let n = 0;
  for (const node of walk(ast)) if (node.type === "CapturingGroup") n++;
  return n;
}

type Element = AST.Element;

/** The one width every match of the alternatives has, or undefined when it varies (Python's getwidth lo ≠ hi). */
function fixedWidth(alternatives: readonly AST.Alternative[]): number | undefined {
  const widths = alternatives.map((a) => sumWidths(a.elements, fixedElementWidth));
  return widths.every((w) => w !== undefined && w === widths[0]) ? widths[0] : undefined;
}

function fixedElementWidth(e: Element): number | undefined {
  switch (e.type) {
    case "Character":
    case "CharacterSet":
    case "CharacterClass":
    case "ExpressionCharacterClass":
      return 1;
    case "Assertion":
      return 0;
    case "Group":
    case "CapturingGroup":
      return fixedWidth(e.alternatives);
    case "Quantifier": {
      const w = fixedElementWidth(e.element);
      return w !== undefined && e.min === e.max ? w * e.min : undefined;
    }
    default:
      return undefined; // back-references: as long as what they refer to matched
  }
}

function sumWidths(elements: readonly Element[], width: (e: Element) => number | undefined): number | undefined {
  let total = 0;
  for (const e of elements) {
    const w = width(e);
    if (w === undefined) return undefined;
    total += w;
  }
  return total;
}

/** The fewest characters a match can have. */
function minWidth(alternatives: readonly AST.Alternative[]): number {
  return Math.min(...alternatives.map((a) => a.elements.reduce((sum, e) => sum + minElementWidth(e), 0)));
}

function minElementWidth(e: Element): number {
  switch (e.type) {
    case "Character":
    case "CharacterSet":
    case "CharacterClass":
    case "ExpressionCharacterClass":
      return 1;
    case "Group":
    case "CapturingGroup":
      return minWidth(e.alternatives);
    case "Quantifier":
      return e.min * minElementWidth(e.element);
    default:
      return 0; // assertions, and back-references (which may refer to an empty group)
  }
}
