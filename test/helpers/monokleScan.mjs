// Scans Kubernetes manifests with @monokle/validation (ESM only, so jest runs this in a child
// process): reads [{ stack, manifest }] as JSON on stdin, writes the findings as JSON on stdout.
//
// Offline: only the plugins bundled in the package run. `pod-security-standards` (PSS1xx baseline,
// PSS2xx restricted) and `practices` (KBP rules: Trivy's KSV checks ported to JavaScript, with the
// same descriptions) are plain JavaScript. `open-policy-agent` (the KSV rules themselves) fetches
// trivy.wasm from plugins.monokle.com when configured, `admission-policy` fetches cel.wasm.gz and
// `kubernetes-schema` fetches schemas: no npm package carries them, so they are not loaded
// (@monokle/validation 0.33.0 lib/validators/open-policy-agent/validator.js Settings.wasmSrc,
// lib/validators/admission-policy/loadWasm.js).
import { DefaultPluginLoader, DisabledFixer, MonokleValidator, ResourceParser } from "@monokle/validation";
import { stringify } from "yaml";

export const PLUGINS = { "pod-security-standards": true, practices: true };

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const input = await readStdin();
const resources = input.map(({ stack, manifest }, i) => {
  const file = `${stack}/${manifest.kind}-${manifest.metadata?.namespace ?? "_"}-${manifest.metadata?.name}.yaml`;
  return {
    id: `r${i}`,
    fileId: `f${i}`,
    filePath: file,
    fileOffset: 0,
    name: manifest.metadata?.name ?? "",
    apiVersion: manifest.apiVersion,
    kind: manifest.kind,
    namespace: manifest.metadata?.namespace,
    content: manifest,
    text: stringify(manifest),
  };
});

const validator = new MonokleValidator({ loader: new DefaultPluginLoader(), parser: new ResourceParser(), fixer: new DisabledFixer(), suppressors: [] });
await validator.preload({ plugins: PLUGINS });
// Every rule of both plugins on, including those off by default (KBP003 CPU limits among them).
const rules = {};
for (const plugin of validator.getPlugins()) for (const rule of plugin.rules) rules[`${plugin.metadata.name}/${rule.name}`] = "err";
await validator.preload({ plugins: PLUGINS, rules });
if (validator.getFailedPlugins().length > 0) throw new Error(`plugins failed to load: ${validator.getFailedPlugins().join(", ")}`);

const response = await validator.validate({ resources });
const byId = new Map(resources.map((r, i) => [r.id, input[i]]));
const findings = response.runs.flatMap((run) => run.results).map((result) => {
  const location = result.locations.find((l) => l.physicalLocation?.artifactLocation?.uriBaseId === "RESOURCE");
  const { stack, manifest } = byId.get(location.physicalLocation.artifactLocation.uri);
  const element = (location.logicalLocations ?? []).find((l) => l.kind === "element");
  return {
    stack,
    rule: result.ruleId,
    resource: `${manifest.kind} ${manifest.metadata?.namespace ? `${manifest.metadata.namespace}/` : ""}${manifest.metadata?.name}`,
    path: element?.fullyQualifiedName ?? "",
    message: result.message.text,
  };
});
const ruleCount = validator.getPlugins().reduce((n, p) => n + p.rules.length, 0);
process.stdout.write(JSON.stringify({ rules: ruleCount, findings }));
