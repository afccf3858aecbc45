import type { Engine } from '@tandem/engine';

/**
 * `tandem audit verify [--workspace ID]`: checks the hash chain of one workspace, or of every
 * workspace with an audit log. Returns the lines to print and whether every chain is intact.
 */
export async function verifyAuditChains(
  engine: Engine,
  workspaceId: string | undefined,
): Promise<{ ok: boolean; lines: string[] }> {
  const workspaces = workspaceId ? [workspaceId] : await engine.auditLog.workspaces();
  const lines: string[] = [];
  let ok = true;
  for (const id of workspaces) {
    const report = await engine.auditLog.verify(id);
    if (report.brokenAt) {
      ok = false;
      const { seq, entryId, reason } = report.brokenAt;
      lines.push(
        `${id}: BROKEN at entry ${seq}${entryId ? ` (${entryId})` : ''}: ${reason.replaceAll('_', ' ')}; ${report.checked} entries verified before it.`,
      );
    } else lines.push(`${id}: intact, ${report.checked} entries verified.`);
  }
  if (workspaces.length === 0) lines.push('No audit log yet.');
  return { ok, lines };
}
