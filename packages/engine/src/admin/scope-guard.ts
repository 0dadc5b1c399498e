import type { Environment, Project } from '../domain/records.js';
import { notFound } from '../errors/index.js';
import type { StorageTx } from '../ports/storage.js';

/**
 * Inside the transaction that inserts a resource, after `tx.lockWorkspace`: the project and
 * environment the access check found are still active, and the project as it stands now. A
 * project or environment delete takes the same lock and refuses while either holds a resource, so
 * with this check a resource never lands in one deleted meanwhile (a zone create spends seconds in
 * provider calls between its access check and its insert).
 */
export async function assertScopeStillActive(tx: Pick<StorageTx, 'projects' | 'environments'>, project: Project, environment: Environment): Promise<Project> {
  const current = await tx.projects.getProjectById(project.id);
  if (!current || !current.isActive) throw notFound.project();
  // Slugs stay taken after a delete, so the active environment of this slug is this one or none.
  if (!(await tx.environments.getEnvironmentBySlug(project.id, environment.slug))) throw notFound.environment();
  return current;
}
