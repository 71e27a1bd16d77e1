/**
 * Paths under the shared volume that come from config (pure). The jobs join them to the volume's
 * mount point (`os.path.join(dataRoot, rawPath)` in jobs/tokenise/tokenise.py), which drops the
 * mount point for an absolute path and follows `..`: a path must stay inside, judged with POSIX
 * `path.normalize` semantics as the Linux pods resolve it.
 */
import * as path from "path";
import { DATA_ROOT } from "./tokenise";

/** Why a path meant relative to the shared volume is not one, or undefined when it is. */
export function relativeDataPathProblem(p: string): string | undefined {
  if (p.length === 0) return "is empty";
  if (p.includes("\0")) return "contains a NUL character";
  if (p.includes("\\")) return "contains a backslash; separate directories with '/'";
  if (p.startsWith("/")) return `is absolute; give it relative to the shared volume (the job reads ${DATA_ROOT}/<path>)`;
  const normal = path.posix.normalize(p);
  if (normal === ".." || normal.startsWith("../")) return `leaves the shared volume (it resolves to ${normal}, outside ${DATA_ROOT}); give a directory inside it`;
  if (normal === "." || normal === "./") return `is the shared volume itself: the job would read every team's files under ${DATA_ROOT}; give the data set's own directory`;
  return undefined;
}

