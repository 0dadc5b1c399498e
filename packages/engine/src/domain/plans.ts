/** Plan restrictions; `-1` means unlimited (see docs/access.md). */
export interface PlanRestrictions {
  readonly max_projects: number;
  readonly max_environments_per_project: number;
  readonly max_resources: number;
  readonly max_resources_per_project: number;
  readonly max_cloud_connections: number;
  readonly max_workspace_members: number;
  readonly features_disabled: readonly string[];
}

export const PLAN_SLUGS = ['free', 'starter', 'pro', 'ultimate'] as const;
export type PlanSlug = (typeof PLAN_SLUGS)[number];

function limits(n: number): Omit<PlanRestrictions, 'features_disabled'> {
  return {
    max_projects: n,
    max_environments_per_project: n,
    max_resources: n,
    max_resources_per_project: n,
    max_cloud_connections: n,
    max_workspace_members: n,
  };
}

/** The four seeded plans, ids 1–4 (see docs/access.md). */
export const SEEDED_PLANS: readonly {
  readonly id: number;
  readonly slug: PlanSlug;
  readonly name: string;
  readonly description: string;
  readonly price: number;
  readonly pricePeriod: 'month';
  readonly restrictions: PlanRestrictions;
}[] = [
  {
    id: 1,
    slug: 'free',
    name: 'Free',
    description: 'For trying things out',
    price: 0,
    pricePeriod: 'month',
    restrictions: {
      max_projects: 1,
      max_environments_per_project: 1,
      max_resources: 5,
      max_resources_per_project: 5,
      max_cloud_connections: 1,
      max_workspace_members: 1,
      features_disabled: ['multi_region', 'team_collaboration', 'advanced_monitoring', 'priority_support'],
    },
  },
  { id: 2, slug: 'starter', name: 'Starter', description: 'For small teams', price: 9.99, pricePeriod: 'month', restrictions: { ...limits(3), max_resources: 15, max_resources_per_project: 15, features_disabled: [] } },
  { id: 3, slug: 'pro', name: 'Pro', description: 'For growing teams', price: 49.99, pricePeriod: 'month', restrictions: { ...limits(15), max_resources: 100, max_resources_per_project: 100, features_disabled: [] } },
  { id: 4, slug: 'ultimate', name: 'Ultimate', description: 'No limits', price: 199.99, pricePeriod: 'month', restrictions: { ...limits(-1), features_disabled: [] } },
];

export const CLOUD_PROVIDERS = [
  { id: 1, name: 'aws', displayName: 'Amazon Web Services' },
  { id: 2, name: 'gcp', displayName: 'Google Cloud Platform' },
  { id: 3, name: 'azure', displayName: 'Microsoft Azure' },
] as const;
export type CloudProviderName = (typeof CLOUD_PROVIDERS)[number]['name'];
