// @ts-check

/**
 * Gates that measure (`prometheus`, `analysis`): a gate's answer keeps the
 * measurements it took of its metrics for the upstream's version, and a
 * rollback that Glu made keeps why (the gate and its answer).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('glu_gate_checks', table => {
    table
      .text('metrics')
      .nullable()
      .comment(
        'The metrics measured for this version, with their measurements (JSON)',
      );
  });
  await knex.schema.alterTable('glu_promotions', table => {
    table
      .text('reason')
      .nullable()
      .comment('Why Glu rolled the phase back: the gate and its answer');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('glu_promotions', table => {
    table.dropColumn('reason');
  });
  await knex.schema.alterTable('glu_gate_checks', table => {
    table.dropColumn('metrics');
  });
};
