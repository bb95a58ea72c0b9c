import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The workspace's packages as npm sees them: every `<dir>/*` folder named by the root
 * package.json's `workspaces` that holds a package.json. Only `<dir>/*` patterns are understood;
 * any other pattern throws rather than being silently skipped.
 * @param {string} root the repository root
 * @returns {{ dir: string, manifest: Record<string, any> }[]}
 */
export function workspacePackages(root) {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return workspaces.flatMap((pattern) => {
    const parent = /^([\w.-]+)\/\*$/.exec(pattern)?.[1];
    if (parent === undefined) throw new Error(`workspace pattern ${pattern} is not of the form <dir>/*`);
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json')))
      .map((entry) => {
        const dir = join(root, parent, entry.name);
        return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) };
      });
  });
}

/** The workspace packages that are published: those not marked `private`. */
export function publishablePackages(root) {
  return workspacePackages(root).filter((pkg) => pkg.manifest.private !== true);
}
