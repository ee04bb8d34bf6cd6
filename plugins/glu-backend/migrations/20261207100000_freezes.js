// @ts-check

/**
 * Freezes set at run time: each holds promotions into the phases its scope
 * covers from `starts_at` until it is lifted or `ends_at` passes. Lifted
 * ones are kept, with who lifted them. Promotions that went through a
 * freeze (hotfixes) keep their reason and the freezes they went through.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('glu_freezes', table => {
    table.comment('Holds on promotions, set at run time');
    table.bigIncrements('id').primary();
    table.text('reason').notNullable();
    table
      .text('scope')
      .notNullable()
      .comment('What it covers (JSON): namespaces, owners, pipelines, phases');
    table
      .boolean('rollbacks')
      .notNullable()
      .defaultTo(false)
      .comment('Whether rollbacks are frozen too');
    table.string('set_by', 255).notNullable();
    table.timestamp('starts_at', { useTz: true }).notNullable();
    table.timestamp('ends_at', { useTz: true }).nullable();
    table.timestamp('lifted_at', { useTz: true }).nullable();
    table.string('lifted_by', 255).nullable();
    table.index(['lifted_at'], 'glu_freezes_lifted_idx');
  });
  await knex.schema.alterTable('glu_promotions', table => {
    table
      .text('hotfix')
      .nullable()
      .comment(
        'For a promotion through a freeze: its reason and the freezes (JSON)',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('glu_promotions', table => {
    table.dropColumn('hotfix');
  });
  await knex.schema.dropTable('glu_freezes');
};
