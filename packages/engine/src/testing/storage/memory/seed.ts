import { SYSTEM_ROLES } from '../../../domain/permissions.js';
import { CLOUD_PROVIDERS, SEEDED_PLANS } from '../../../domain/plans.js';
import type { Db } from './rows.js';

// Storage never reads the clock; the SQL migrations stamp seeds with the database's time, which no
// getter exposes, so a fixed instant is as good here.
const SEEDED_AT = new Date('2024-01-01T00:00:00.000Z');

/** Migration 0001_initial's seeds: plans, roles and cloud providers with their fixed ids. */
export function applySeeds(db: Db): void {
  const stamps = () => ({ created_at: new Date(SEEDED_AT), updated_at: new Date(SEEDED_AT) });
  for (const p of SEEDED_PLANS) {
    db.tables.plans.push({
      id: p.id,
      slug: p.slug,
      name: p.name,
      description: p.description,
      price: p.price,
      price_period: p.pricePeriod,
      restrictions: structuredClone(p.restrictions) as typeof p.restrictions,
      features: [],
      is_active: true,
      ...stamps(),
    });
  }
  for (const [i, r] of SYSTEM_ROLES.entries()) {
    db.tables.roles.push({
      id: r.id,
      code: r.code,
      name: r.name,
      description: r.description,
      permissions: { ...r.permissions },
      is_system_role: true,
      is_active: true,
      display_order: i + 1,
      ...stamps(),
    });
  }
  for (const c of CLOUD_PROVIDERS) {
    db.tables.cloud_providers.push({ id: c.id, name: c.name, display_name: c.displayName, is_active: true, ...stamps() });
  }
  db.lastId.plans = Math.max(...SEEDED_PLANS.map((p) => p.id));
  db.lastId.roles = Math.max(...SYSTEM_ROLES.map((r) => r.id));
  db.lastId.cloud_providers = Math.max(...CLOUD_PROVIDERS.map((c) => c.id));
}
