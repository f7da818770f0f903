import type { Kysely } from "kysely";
import type { Database, Store } from "../../../platform/store/index.js";
import type { EnginePipeline, PipelineHead, PipelineSource } from "../executions/pipeline-source.js";
import { declarationOf, findVersion } from "./rows.js";

/**
 * Executions' view of the stored pipelines. The lock is the pipeline row itself (`FOR UPDATE` on
 * PostgreSQL; SQLite has one writer at a time), so every step of every execution of a pipeline,
 * and every change to the pipeline, is taken one at a time across servers.
 */
export function storedPipelines(store: Store): PipelineSource {
  const head = async (
    trx: Kysely<Database>,
    scope: { accountId: string; region: string },
    name: string,
    lock: boolean,
  ) => {
    const row = await trx
      .selectFrom("codepipeline_pipelines")
      .select(["version", "created_at", "updated_at"])
      .where("account_id", "=", scope.accountId)
      .where("region", "=", scope.region)
      .where("name", "=", name)
      .$if(lock && store.dialect === "postgres", (q) => q.forUpdate())
      .executeTakeFirst();
    return row
      ? ({
          version: row.version,
          created: Number(row.created_at),
          updated: Number(row.updated_at),
        } satisfies PipelineHead)
      : undefined;
  };
  return {
    lock: (trx, scope, name) => head(trx, scope, name, true),
    head: (trx, scope, name) => head(trx, scope, name, false),
    async declaration(trx, scope, name, version) {
      const row = await findVersion(trx, scope, name, version);
      return row ? declarationOf(row) : undefined;
    },
    async current(trx, scope) {
      const rows = await trx
        .selectFrom("codepipeline_pipelines as p")
        .innerJoin("codepipeline_pipeline_versions as v", (join) =>
          join
            .onRef("v.account_id", "=", "p.account_id")
            .onRef("v.region", "=", "p.region")
            .onRef("v.name", "=", "p.name")
            .onRef("v.version", "=", "p.version"),
        )
        .select("v.declaration")
        .where("p.account_id", "=", scope.accountId)
        .where("p.region", "=", scope.region)
        .execute();
      return rows.map((r) => JSON.parse(r.declaration) as EnginePipeline);
    },
  };
}
