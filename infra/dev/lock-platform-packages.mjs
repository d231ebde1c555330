// The npm registry reachable here mirrors only Linux builds of @biomejs/cli-*, so `npm install` leaves the
// other platforms' optional packages out of package-lock.json, and `npm ci` then refuses the lockfile.
// This adds lock entries for them (never fetched on Linux; fetched normally elsewhere). Run after `npm install`:
//   node infra/dev/lock-platform-packages.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  if (!key.startsWith('node_modules/') || !entry.optionalDependencies) continue;
  // a template: one platform package of this family that is locked
  const template = Object.keys(entry.optionalDependencies)
    .map((name) => packages[`node_modules/${name}`])
    .find(Boolean);
  if (!template) continue;
  for (const [name, version] of Object.entries(entry.optionalDependencies)) {
    const target = `node_modules/${name}`;
    if (packages[target] || !/^@biomejs\/cli-/.test(name)) continue;
    const platform = /cli-(\w+)-(\w+)(-musl)?$/.exec(name);
    if (!platform) continue;
    const { integrity, os, cpu, libc, ...rest } = template;
    packages[target] = {
      ...rest,
      version,
      os: [platform[1]],
      cpu: [platform[2]],
      ...(platform[3] ? { libc: ['musl'] } : {}),
    };
    added++;
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-packages: added ${added} entries`);
