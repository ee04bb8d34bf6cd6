// @ts-check

/**
 * Pipeline definitions that the catalog refused, as the catalog module
 * reports them: a refused entity is not stored by the catalog, so this is
 * where Glu learns why a pipeline does not appear. One row per pipeline,
 * replaced at each refusal and deleted once the catalog accepts it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('glu_catalog_refusals', table => {
    table.comment('Pipeline definitions the catalog refused, and why');
    table
      .string('pipeline_ref', 255)
      .primary()
      .comment('The refused definition, e.g. pipeline:default/checkout');
    table
      .string('owner', 255)
      .nullable()
      .comment("The definition's owner, when it names one");
    table.text('reason').notNullable().comment("The catalog's error");
    table.timestamp('refused_at', { useTz: true }).notNullable();
    table.index(['owner'], 'glu_catalog_refusals_owner_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('glu_catalog_refusals');
};
