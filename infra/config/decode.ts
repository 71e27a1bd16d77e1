/** Pulumi hands a program every config value as a string: decode each by its key's kind. */
import { ConfigProblem, show } from "./errors";
import type { KeyKind } from "./keys";

export function decodeValue(fullKey: string, text: string, kind: KeyKind, isSecret: boolean, problems: ConfigProblem[]): unknown {
  switch (kind) {
    case "string":
      return text;
    case "secret":
      if (!isSecret) problems.push({ path: fullKey, message: `is stored in plain text; it holds credentials, so set it as a secret (pulumi config set --secret ${fullKey.split(":")[1]} ...)` });
      return text;
    case "number": {
      const n = Number(text);
      if (text.trim() === "" || Number.isNaN(n)) {
        problems.push({ path: fullKey, message: `${show(text)} is not a number` });
        return undefined;
      }
      return n;
    }
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        problems.push({ path: fullKey, message: `${show(text)} is not a structured value (write it as a YAML map or list in the stack file)` });
        return undefined;
      }
  }
}
