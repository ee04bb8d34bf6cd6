// @ts-check

/**
 * Quarantined versions: of one pipeline (by its version's name or digest),
 * or a digest in every pipeline. Nothing promotes a quarantined version
 * where it applies. Lifted ones are kept, with who lifted them. The phases
 * that hold a digest are found by it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('glu_quarantines', table => {
    table.comment('Versions that nobody may promote again');
    table.bigIncrements('id').primary();
    table
      .string('pipeline_ref', 255)
      .nullable()
      .comment('The pipeline it applies to; every pipeline when null');
    table.string('version', 255).nullable();
    table.string('digest', 255).nullable();
    table.text('reason').notNullable();
    table.string('quarantined_by', 255).notNullable();
    table.timestamp('quarantined_at', { useTz: true }).notNullable();
    table
      .boolean('rollback')
      .notNullable()
      .defaultTo(false)
      .comment('Whether the phases that held it were rolled back');
    table.timestamp('lifted_at', { useTz: true }).nullable();
    table.string('lifted_by', 255).nullable();
    table.index(['lifted_at'], 'glu_quarantines_lifted_idx');
  });
  await knex.schema.alterTable('glu_phases', table => {
    table.index(['digest'], 'glu_phases_digest_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('glu_phases', table => {
    table.dropIndex(['digest'], 'glu_phases_digest_idx');
  });
  await knex.schema.dropTable('glu_quarantines');
};
