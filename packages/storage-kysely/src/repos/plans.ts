import type { Selectable } from 'kysely';
import type { PermissionSet, Plan, PlanRepo, PlanRestrictions, Role, RoleCode } from '@cloudlink/engine';
import type { PlansTable, RolesTable } from '../schema.js';
import type { RepoContext } from './context.js';
import { decodeNumber } from '../dialect.js';

export function createPlanRepo({ db, d }: RepoContext): PlanRepo {
  const toPlan = (r: Selectable<PlansTable>): Plan => ({
    id: decodeNumber(r.id),
    slug: r.slug,
    name: r.name,
    description: r.description,
    price: decodeNumber(r.price),
    pricePeriod: r.price_period as Plan['pricePeriod'],
    restrictions: d.decodeJson(r.restrictions) as PlanRestrictions,
    isActive: d.decodeBool(r.is_active),
  });
  const toRole = (r: Selectable<RolesTable>): Role => ({
    id: decodeNumber(r.id),
    code: r.code as RoleCode,
    name: r.name,
    description: r.description,
    permissions: d.decodeJson(r.permissions) as PermissionSet,
    isSystemRole: d.decodeBool(r.is_system_role),
    isActive: d.decodeBool(r.is_active),
    displayOrder: decodeNumber(r.display_order),
  });
  return {
    async getPlanById(id) {
      const row = await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toPlan(row) : null;
    },
    async getPlanBySlug(slug) {
      const row = await db.selectFrom('plans').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row ? toPlan(row) : null;
    },
    async listPlans() {
      const rows = await db.selectFrom('plans').selectAll().orderBy('id').execute();
      return rows.map(toPlan);
    },
    async listRoles() {
      const rows = await db.selectFrom('roles').selectAll().orderBy('display_order').orderBy('id').execute();
      return rows.map(toRole);
    },
  };
}
