// @ts-check

/**
 * Webhook deliveries acted on, remembered for a while (glu.webhooks.replayWindow)
 * so that a replayed delivery is not acted on again, whichever replica
 * receives it: one row per delivery key and host, taken by a unique key.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('glu_webhook_deliveries', table => {
    table.comment('Webhook deliveries acted on, each once within a window');
    table
      .string('host', 255)
      .notNullable()
      .comment('Who sent it: GitHub, GitLab, or the host of a registry');
    table
      .string('delivery_key', 255)
      .notNullable()
      .comment("The host's delivery id, or a digest of a signed payload");
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.primary(['host', 'delivery_key']);
    table.index(['received_at'], 'glu_webhook_deliveries_received_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('glu_webhook_deliveries');
};
