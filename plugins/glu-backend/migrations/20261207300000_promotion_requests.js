// @ts-check

/**
 * Approval policies and promotion requests: an approval keeps the groups
 * its approver belonged to and their email when it was given; a history
 * entry keeps who made its version; a promotion keeps who approved it and
 * the request it carried out; and promotion requests wait on their edges
 * until their policy is met.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('glu_approvals', table => {
    table
      .text('groups')
      .nullable()
      .comment("The approver's groups when approving (JSON)");
    table.string('email', 255).nullable();
  });
  await knex.schema.alterTable('glu_history', table => {
    table
      .string('author', 255)
      .nullable()
      .comment('Who made the version, as CI or the commit said');
  });
  await knex.schema.alterTable('glu_promotions', table => {
    table.text('approved_by').nullable().comment('Who approved it (JSON)');
    table.string('request_id', 32).nullable();
  });
  await knex.schema.createTable('glu_promotion_requests', table => {
    table.comment('Promotions asked for, waiting for their approval policy');
    table.bigIncrements('id').primary();
    table.string('pipeline_ref', 255).notNullable();
    table.string('from_phase', 255).notNullable();
    table.string('to_phase', 255).notNullable();
    table.string('digest', 255).notNullable();
    table.string('version', 255).notNullable();
    table.string('requested_by', 255).notNullable();
    table.text('reason').nullable();
    table.string('status', 32).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.string('promotion_id', 32).nullable();
    table.text('error').nullable();
    table.index(['pipeline_ref', 'status'], 'glu_promotion_requests_open_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('glu_promotion_requests');
  await knex.schema.alterTable('glu_promotions', table => {
    table.dropColumn('approved_by');
    table.dropColumn('request_id');
  });
  await knex.schema.alterTable('glu_history', table => {
    table.dropColumn('author');
  });
  await knex.schema.alterTable('glu_approvals', table => {
    table.dropColumn('groups');
    table.dropColumn('email');
  });
};
