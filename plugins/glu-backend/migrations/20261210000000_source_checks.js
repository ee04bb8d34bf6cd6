// @ts-check

/**
 * When Glu last asked each group of phases' source (a repository, a
 * registry), at each interval: one row per group, written once per check,
 * so that an interval in which nothing moved writes nothing per phase.
 * When a phase was last looked at follows from its group's row and its own
 * `refreshed_at` (written when it was looked at alone, or changed).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('glu_source_checks', table => {
    table.comment('When Glu last asked each group of phases their source');
    table
      .string('key', 64)
      .primary()
      .notNullable()
      .comment('A digest of the source type, the group and the interval');
    table.string('source_type').notNullable();
    table
      .text('group_key')
      .notNullable()
      .comment('The group, e.g. a repository');
    table.bigInteger('interval_millis').notNullable();
    table.timestamp('checked_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('glu_source_checks');
};
