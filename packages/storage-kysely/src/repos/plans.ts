import type { Selectable } from 'kysely';
import type { Plan, PlanRepo, PlanRestrictions } from '@cloudlink/engine';
import type { PlansTable } from '../schema.js';
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
  return {
    async getPlanById(id) {
      const row = await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toPlan(row) : null;
    },
    async getPlanBySlug(slug) {
      const row = await db.selectFrom('plans').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row ? toPlan(row) : null;
    },
  };
}
