// Evaluates a ValidatingAdmissionPolicy's validations against Pods with @marcbachmann/cel-js (ESM
// only, so jest runs this in a child process). stdin: { validations: [{expression}], pods: [Pod] };
// stdout: for each pod, for each validation, true (admits), false (denies) or "error: <message>".
//
// Kubernetes types `object` from the OpenAPI schema: integer fields (hostPort, runAsUser) are CEL
// ints, so integral JSON numbers become BigInts here, as the API server would type them. (cel-js
// compares a plain JS number with an int literal dynamically, but refuses `1.0 == 1` between typed
// values — "no such overload" — where cel-go's heterogeneous equality answers true.)
import { parse } from "@marcbachmann/cel-js";

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const typed = (value) => {
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(typed);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typed(v)]));
  return value;
};

const { validations, pods } = await readStdin();
const programs = validations.map((v) => parse(v.expression));
const results = pods.map((pod) => {
  const context = { object: typed(pod) };
  return programs.map((program) => {
    try {
      const value = program(context);
      return typeof value === "boolean" ? value : `error: non-boolean result ${String(value)}`;
    } catch (e) {
      return `error: ${e.message.split("\n")[0]}`;
    }
  });
});
process.stdout.write(JSON.stringify(results));
