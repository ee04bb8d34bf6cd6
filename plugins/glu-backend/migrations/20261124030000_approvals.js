// @ts-check

/**
 * Approvals: people who approved a version for a phase, for the approvals gate.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('glu_approvals', table => {
    table.comment('Approvals of a version for a phase');
    table.string('pipeline_ref').notNullable();
    table
      .string('phase')
      .notNullable()
      .comment('The phase the version would go to');
    table.string('digest').notNullable();
    table.string('approver').notNullable().comment('A user ref');
    table.timestamp('approved_at', { useTz: true }).notNullable();
    table.primary(['pipeline_ref', 'phase', 'digest', 'approver']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('glu_approvals');
};
