// @ts-check

/**
 * The system a pipeline is part of (`spec.system`), lower case as owners
 * are, so that the fleet filters pipelines by system in its query. Rows
 * stored before it take it from their stored definition; the next sync of
 * the catalog writes it again anyway.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('glu_pipelines', table => {
    table
      .string('system_ref')
      .nullable()
      .comment('The system the pipeline is part of (spec.system), lower case');
    table.index(['system_ref'], 'glu_pipelines_system_idx');
  });
  let after = '';
  for (;;) {
    const rows = await knex('glu_pipelines')
      .where('entity_ref', '>', after)
      .orderBy('entity_ref')
      .limit(500)
      .select('entity_ref', 'definition');
    if (rows.length === 0) break;
    for (const row of rows) {
      let system;
      try {
        system = JSON.parse(row.definition).system;
      } catch {
        system = undefined;
      }
      if (typeof system === 'string') {
        await knex('glu_pipelines')
          .where({ entity_ref: row.entity_ref })
          .update({ system_ref: system.toLocaleLowerCase('en-US') });
      }
    }
    after = rows[rows.length - 1].entity_ref;
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('glu_pipelines', table => {
    table.dropIndex(['system_ref'], 'glu_pipelines_system_idx');
    table.dropColumn('system_ref');
  });
};
