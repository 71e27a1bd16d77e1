/**
 * Each team's own tree on the shared FSx for Lustre file system (pure). A team's PersistentVolume
 * mounts only `teams/<team>` (a Lustre subdirectory mount), so its pods cannot see, read or delete
 * another team's data. The FSx CSI driver does not create that directory: "Use several PVs (one per
 * application) to target the same filesystem at different mountnames … requires the subdirectories
 * to be created … (or the mount will not succeed)" (kubernetes-sigs/aws-fsx-csi-driver#247). The
 * kubelet creates missing subPath directories itself, owned by root (kubernetes
 * pkg/volume/util/subpath: SafeMakeDir), where the non-root platform uid could not write: the
 * directories pods mount by subPath are made here too, owned by the platform uid.
 */
import { HF_CACHE_SUBPATH } from "../data/modelSource";
import { PLATFORM_UID } from "../security/podSecurity";

/** The directory under the file system's root holding one tree per team (S3: s3://<bucket>/teams/<team>/). */
const TEAMS_DIR = "teams";
/** The claim directory checkpoints live in (training pods mount it by subPath at /checkpoints). */
export const CHECKPOINT_SUBPATH = "checkpoints";
/** Claim-relative directories training pods mount by subPath: checkpoints and the Hugging Face cache. */
const TEAM_SUBPATH_DIRS = [CHECKPOINT_SUBPATH, HF_CACHE_SUBPATH] as const;

const teamSubtree = (team: string) => `${TEAMS_DIR}/${team}`;

/**
 * The PersistentVolume's CSI `volumeHandle` of a team's subtree: unique per PV. Two PVs with one
 * handle are one volume to the kubelet, which never finishes the second mount
 * (kubernetes-sigs/aws-fsx-csi-driver#328, kubernetes#132921).
 */
export const teamVolumeHandle = (fileSystemId: string, team: string) => `${fileSystemId}::${teamSubtree(team)}`;

/** The FSx CSI `mountname` attribute of a team's subtree: `<file system mount name>/teams/<team>`. */
export const teamMountName = (fileSystemMountName: string, team: string) => `${fileSystemMountName}/${teamSubtree(team)}`;

/** The team-directories Job's name (and prefix: a hash of the team list follows). */
export const TEAM_DIRECTORIES_JOB = "team-directories";

/** Where the team-directories Job mounts the file system's root. */
export const FILE_SYSTEM_ROOT = "/fsx";

/**
 * The team-directories Job's command. The script is constant; team names reach it only as
 * positional arguments ("$@"), never spliced into the shell text. Each tree is owned by the platform
 * uid and closed to others (0770); `teams/` itself is root's (0711: traversable, not listable).
 */
export function teamDirectoriesCommand(teams: readonly string[]): { command: string[]; args: string[] } {
  const script = [
    "set -eu",
    `root="${FILE_SYSTEM_ROOT}/${TEAMS_DIR}"`,
    'mkdir -p "$root" && chown 0:0 "$root" && chmod 0711 "$root"',
    'for team in "$@"; do',
    `  for dir in "$root/$team" ${TEAM_SUBPATH_DIRS.map((d) => `"$root/$team/${d}"`).join(" ")}; do`,
    `    mkdir -p "$dir" && chown ${PLATFORM_UID}:${PLATFORM_UID} "$dir" && chmod 0770 "$dir"`,
    "  done",
    "done",
  ].join("\n");
  // "$0" of `sh -c` is the first argument after the script: a fixed name, so "$@" is exactly the teams.
  return { command: ["sh", "-c", script, "team-directories"], args: [...teams] };
}

/** Capabilities the Job's root user keeps (Pod Security `baseline` admits all three): chown and chmod on directories root did not create. */
export const TEAM_DIRECTORIES_CAPABILITIES = ["CHOWN", "DAC_OVERRIDE", "FOWNER"] as const;
