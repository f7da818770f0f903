// Query keys shared between pages, so a change made on one page updates the lists on another.
export const REPOSITORIES_KEY = ["repositories"] as const;
export const DASHBOARD_REPOSITORIES_KEY = ["dashboard", "repositories"] as const;
export const SESSION_KEY = ["session"] as const;
