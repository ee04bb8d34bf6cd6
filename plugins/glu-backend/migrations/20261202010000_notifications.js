// @ts-check

/**
 * Notifications to owners, each sent once: the events already notified, by
 * a key of their own (a failed promotion's id, a pin and when it was set,
 * …); and since when a phase has failed to refresh, for the notification
 * that it has for long.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('glu_notifications', table => {
    table.comment('Notifications sent to owners, each once');
    table.string('pipeline_ref').notNullable();
    table
      .string('key', 255)
      .notNullable()
      .comment('The event: its kind and what it is about');
    table.string('kind').notNullable();
    table.timestamp('sent_at', { useTz: true }).notNullable();
    table.primary(['pipeline_ref', 'key']);
  });
  await knex.schema.alterTable('glu_phases', table => {
    table
      .timestamp('refresh_failing_since', { useTz: true })
      .nullable()
      .comment('Since when its refreshes have failed, without a good one');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('glu_phases', table => {
    table.dropColumn('refresh_failing_since');
  });
  await knex.schema.dropTable('glu_notifications');
};
