// @ts-check

/**
 * The trace a state or a promotion belongs to, as a W3C traceparent: the
 * span of the publish (CI's trace, when CI sent one), the promotion or the
 * refresh that made it. The promotions a version sets off continue its
 * trace, and the next phase's promotion links back to it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('glu_history', table => {
    table
      .string('trace_context', 128)
      .nullable()
      .comment('The W3C traceparent of the span that made this state');
  });
  await knex.schema.alterTable('glu_promotions', table => {
    table
      .string('trace_context', 128)
      .nullable()
      .comment('The W3C traceparent of the promotion');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('glu_promotions', table => {
    table.dropColumn('trace_context');
  });
  await knex.schema.alterTable('glu_history', table => {
    table.dropColumn('trace_context');
  });
};
