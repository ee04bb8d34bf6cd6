// @ts-check

/**
 * The engine's state: phases and their history, content-addressed resources
 * and file contents, promotions, repositories and leases.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('glu_pipeline_components', table => {
    table.comment('The components that each pipeline delivers');
    table
      .string('pipeline_ref')
      .notNullable()
      .references('entity_ref')
      .inTable('glu_pipelines')
      .onDelete('CASCADE');
    table.string('component_ref').notNullable();
    table.primary(['pipeline_ref', 'component_ref']);
    table.index(['component_ref'], 'glu_pipeline_components_component_idx');
  });

  await knex.schema.createTable('glu_resources', table => {
    table.comment('Resource bodies, deduplicated by digest');
    table.string('digest').primary().notNullable();
    table
      .string('version')
      .notNullable()
      .comment('What people call it, e.g. a tag');
    table.text('fields').notNullable().comment('The resource fields, as JSON');
  });

  await knex.schema.createTable('glu_blobs', table => {
    table.comment('File contents of Git-backed phases, deduplicated by hash');
    table.string('hash').primary().notNullable();
    table.text('content').notNullable();
  });

  await knex.schema.createTable('glu_history', table => {
    table.comment('Every state each phase was observed in, oldest first');
    table.bigIncrements('id').primary();
    table.string('pipeline_ref').notNullable();
    table.string('phase').notNullable();
    table
      .string('digest')
      .notNullable()
      .references('digest')
      .inTable('glu_resources');
    table
      .string('blob_hash')
      .nullable()
      .references('hash')
      .inTable('glu_blobs');
    table
      .string('cause')
      .notNullable()
      .comment('observed | promotion | rollback | commit');
    table.string('actor').nullable().comment('Who or what made the change');
    table.string('commit_sha').nullable();
    table.text('commit_url').nullable();
    table.text('message').nullable();
    table.string('promotion_id').nullable();
    table.timestamp('observed_at', { useTz: true }).notNullable();
    table.index(['pipeline_ref', 'phase', 'id'], 'glu_history_phase_idx');
  });

  await knex.schema.createTable('glu_phases', table => {
    table.comment('The current state of each phase');
    table
      .string('pipeline_ref')
      .notNullable()
      .references('entity_ref')
      .inTable('glu_pipelines')
      .onDelete('CASCADE');
    table.string('name').notNullable();
    table.integer('position').notNullable();
    table.string('source_type').notNullable();
    table
      .string('source_key')
      .nullable()
      .comment('e.g. the repository of a git phase');
    table.bigInteger('state_id').nullable().comment('The newest history entry');
    table.string('digest').nullable();
    table.timestamp('changed_at', { useTz: true }).nullable();
    table.timestamp('refreshed_at', { useTz: true }).nullable();
    table.text('refresh_error').nullable();
    table.primary(['pipeline_ref', 'name']);
    table.index(['source_key'], 'glu_phases_source_idx');
  });

  await knex.schema.createTable('glu_promotions', table => {
    table.comment('Every promotion and its outcome');
    table.string('id').primary().notNullable();
    table.string('pipeline_ref').notNullable();
    table.string('from_phase').notNullable();
    table.string('to_phase').notNullable();
    table.string('kind').notNullable().defaultTo('promotion');
    table.string('strategy').notNullable();
    table
      .string('status')
      .notNullable()
      .comment('pending | running | succeeded | up-to-date | failed');
    table.string('from_digest').nullable();
    table.string('from_version').nullable();
    table.string('before_digest').nullable();
    table.string('before_version').nullable();
    table.string('after_digest').nullable();
    table.string('after_version').nullable();
    table.string('triggered_by').notNullable();
    table
      .string('trigger')
      .notNullable()
      .comment('manual | auto | schedule | event');
    table.string('commit_sha').nullable();
    table.text('commit_url').nullable();
    table.text('error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['pipeline_ref', 'created_at'], 'glu_promotions_pipeline_idx');
  });

  await knex.schema.createTable('glu_repositories', table => {
    table.comment('What the last fetch of each repository saw');
    table.string('key').primary().notNullable().comment('URL and branch');
    table.text('url').notNullable();
    table.string('branch').notNullable();
    table.string('head_sha').nullable();
    table.timestamp('fetched_at', { useTz: true }).nullable();
    table.text('error').nullable();
  });

  await knex.schema.createTable('glu_leases', table => {
    table.comment(
      'Leases that serialize work across replicas; expire if the holder dies',
    );
    table.string('name').primary().notNullable();
    table.string('holder').notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const table of [
    'glu_leases',
    'glu_repositories',
    'glu_promotions',
    'glu_phases',
    'glu_history',
    'glu_blobs',
    'glu_resources',
    'glu_pipeline_components',
  ]) {
    await knex.schema.dropTable(table);
  }
};
