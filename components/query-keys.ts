// TanStack Query keys, in one place so that invalidations name the same keys as the queries.
export const queryKeys = {
  /** Listen for test event: the first event a resource received since `since`. */
  webhookTestEvent: (resourceId: string, since: string) => ["webhook-test-event", resourceId, since] as const,
};
