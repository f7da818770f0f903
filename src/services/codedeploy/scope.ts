/** The account and region every CodeDeploy row belongs to. */
export type Scope = { accountId: string; region: string };
