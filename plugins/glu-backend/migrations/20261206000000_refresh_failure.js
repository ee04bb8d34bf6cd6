// @ts-check

/**
 * What kind of failure a phase's last refresh was: its source could not be
 * reached (`unreachable`: edges go on from what the phase held), or it
 * answered with something that is not a resource (`invalid`: a file that is
 * not valid YAML, a file or branch that is gone, a field of the wrong form),
 * which blocks the edges into and out of the phase until a refresh sees a
 * good one.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('glu_phases', table => {
    table
      .string('refresh_failure', 16)
      .nullable()
      .comment('unreachable or invalid: what kind of failure refresh_error is');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('glu_phases', table => {
    table.dropColumn('refresh_failure');
  });
};
