// @ts-check

/**
 * The versions a promotion or a pin names are as long as what a file or a
 * registry holds (a tag, a chart version), and the author of a commit as
 * long as its name and address: text, like the history's versions, rather
 * than at most 255 characters.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('glu_promotions', table => {
    table.text('from_version').nullable().alter();
    table.text('before_version').nullable().alter();
    table.text('after_version').nullable().alter();
  });
  await knex.schema.alterTable('glu_pins', table => {
    table.text('version').notNullable().alter();
  });
  await knex.schema.alterTable('glu_history', table => {
    table.text('actor').nullable().alter();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('glu_history', table => {
    table.string('actor').nullable().alter();
  });
  await knex.schema.alterTable('glu_pins', table => {
    table.string('version').notNullable().alter();
  });
  await knex.schema.alterTable('glu_promotions', table => {
    table.string('from_version').nullable().alter();
    table.string('before_version').nullable().alter();
    table.string('after_version').nullable().alter();
  });
};
