export const notTenantScoped: Record<string, string> = {
  'GET /metrics': 'public Prometheus scrape endpoint; process-wide counters, no tenant labels',
};
