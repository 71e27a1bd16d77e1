#!/usr/bin/env node
// The pull request's one review comment, created once and then edited in place: the offline plan's
// comment (`npm run plan -- --comment`) followed by each stack's real `pulumi preview` section.
// `node scripts/pr-comment.js --offline FILE [--previews DIR] [--dry-run]`; in CI it reads
// GITHUB_TOKEN, GITHUB_REPOSITORY, PR_NUMBER and GITHUB_API_URL. The previous comment is found by a
// hidden marker, so re-runs edit it rather than adding comments.
const fs = require("node:fs");
const path = require("node:path");

const MARKER = "<!-- llm-platform-review -->";
// GitHub rejects issue comments longer than 65,536 characters.
const COMMENT_LIMIT = 65536;
const TRUNCATED = "\n\n… (cut to fit a GitHub comment; the full report is in this run's `plan-report` artifact)\n";

/** Cuts `text` to at most `limit` characters, saying so. */
function fit(text, limit) {
  if (text.length <= limit) return text;
  return text.slice(0, Math.max(0, limit - TRUNCATED.length)) + TRUNCATED;
}

/**
 * The comment body: marker, the offline plan, then one section per previewed stack (sorted). Each
 * part gets an equal share of the room left when the whole would be too long.
 */
function buildComment({ offline, previews = {}, limit = COMMENT_LIMIT }) {
  const header = `${MARKER}\n# llm-platform review\n\n`;
  const parts = [offline.trim() + "\n", ...Object.keys(previews).sort().map((stack) => previews[stack].trim() + "\n")];
  const room = limit - header.length - parts.length;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const share = Math.floor(room / parts.length);
  const fitted = total <= room ? parts : parts.map((p) => fit(p, share));
  return header + fitted.join("\n");
}

/** The earlier review comment among an issue's comments (the first that carries the marker). */
function findComment(comments) {
  return comments.find((c) => typeof c.body === "string" && c.body.includes(MARKER));
}

async function github(method, url, token, body) {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function upsert(body, env) {
  const api = env.GITHUB_API_URL || "https://api.github.com";
  const base = `${api}/repos/${env.GITHUB_REPOSITORY}/issues`;
  const comments = [];
  for (let page = 1; ; page++) {
    const batch = await github("GET", `${base}/${env.PR_NUMBER}/comments?per_page=100&page=${page}`, env.GITHUB_TOKEN);
    comments.push(...batch);
    if (batch.length < 100) break;
  }
  const existing = findComment(comments);
  if (existing) return github("PATCH", `${base}/comments/${existing.id}`, env.GITHUB_TOKEN, { body });
  return github("POST", `${base}/${env.PR_NUMBER}/comments`, env.GITHUB_TOKEN, { body });
}

function readPreviews(dir) {
  if (!dir || !fs.existsSync(dir)) return {};
  const previews = {};
  for (const file of fs.readdirSync(dir, { recursive: true })) {
    const match = /(?:^|[/\\])preview-([\w-]+)\.md$/.exec(String(file));
    if (match) previews[match[1]] = fs.readFileSync(path.join(dir, String(file)), "utf8");
  }
  return previews;
}

async function main(argv, env) {
  const arg = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const offlineFile = arg("--offline");
  if (!offlineFile) throw new Error("--offline FILE is required (the output of `npm run plan -- --comment FILE`)");
  const offline = fs.existsSync(offlineFile) ? fs.readFileSync(offlineFile, "utf8") : "The offline plan produced no comment (see the job's log).";
  const body = buildComment({ offline, previews: readPreviews(arg("--previews")) });
  if (argv.includes("--dry-run")) return void process.stdout.write(body);
  for (const key of ["GITHUB_TOKEN", "GITHUB_REPOSITORY", "PR_NUMBER"]) if (!env[key]) throw new Error(`${key} is not set`);
  await upsert(body, env);
}

module.exports = { MARKER, COMMENT_LIMIT, buildComment, findComment, fit };

if (require.main === module) {
  main(process.argv.slice(2), process.env).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
