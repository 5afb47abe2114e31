/** Client-side display settings (not policy: the server enforces every limit). */
/** Used only when the tenant policy (lowPoolThreshold) cannot be read. */
export const LOW_POOL_THRESHOLD = '1000.00';
export const LOW_FUNDING_THRESHOLD = '1000.00';
export const DASHBOARD_DAYS = 30;
export const DASHBOARD_ENTRY_LIMIT = 200;
export const PAGE_SIZE = 20;
