// @ts-check

/**
 * Pins: a phase held at a state, left alone by automatic promotion and
 * refusing manual promotion until unpinned.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('glu_pins', table => {
    table.comment('Phases held at a state');
    table.string('pipeline_ref').notNullable();
    table.string('phase').notNullable();
    table
      .string('digest')
      .notNullable()
      .comment('The version the phase is held at');
    table.string('version').notNullable();
    table.string('pinned_by').notNullable().comment('A user or service ref');
    table.text('reason').notNullable();
    table.timestamp('pinned_at', { useTz: true }).notNullable();
    table.primary(['pipeline_ref', 'phase']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('glu_pins');
};
