// @ts-check

/**
 * The pipelines that the backend has learned from the catalog.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('glu_pipelines', table => {
    table.comment('Pipeline entities learned from the catalog');
    table
      .string('entity_ref')
      .primary()
      .notNullable()
      .comment('The pipeline entity ref, e.g. pipeline:default/checkout');
    table.string('owner_ref').notNullable().comment('The owning group or user');
    table
      .text('definition')
      .notNullable()
      .comment('The validated spec, as JSON');
    table
      .string('definition_hash')
      .notNullable()
      .comment('Hash of the definition, to tell changes apart cheaply');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['owner_ref'], 'glu_pipelines_owner_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('glu_pipelines');
};
