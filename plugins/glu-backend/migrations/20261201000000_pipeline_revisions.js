// @ts-check

/**
 * A pipeline's revision counts the changes to what its view shows: its
 * definition, its phases' states and refreshes, its promotions, pins and
 * approvals. Every replica keeps the views it computed by revision, so a
 * read asks the database one short question when nothing changed.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('glu_pipelines', table => {
    table.integer('revision').notNullable().defaultTo(0);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('glu_pipelines', table => {
    table.dropColumn('revision');
  });
};
