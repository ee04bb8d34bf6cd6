// @ts-check

/**
 * The last answer of each gate that observes the running system (an Argo
 * CD application's health, an endpoint), checked in the background for the
 * version its upstream phase holds: decisions read it and never wait on
 * the gate.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('glu_gate_checks', table => {
    table.comment('The last answers of gates that observe the running system');
    table.string('pipeline_ref').notNullable();
    table
      .string('gate_key', 64)
      .notNullable()
      .comment('The gate: its edge, place and configuration, hashed');
    table.string('phase').notNullable().comment('The upstream phase checked');
    table
      .string('digest')
      .notNullable()
      .comment('The version the upstream phase held when checked');
    table.boolean('passed').notNullable();
    table
      .boolean('failed')
      .notNullable()
      .defaultTo(false)
      .comment('What the gate looks at is broken, not merely not ready');
    table.text('reason').notNullable();
    table
      .timestamp('since', { useTz: true })
      .notNullable()
      .comment(
        'Since when the gate has answered passed (or not) for this version',
      );
    table.timestamp('checked_at', { useTz: true }).notNullable();
    table.primary(['pipeline_ref', 'gate_key']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('glu_gate_checks');
};
