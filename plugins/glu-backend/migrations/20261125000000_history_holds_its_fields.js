// @ts-check

/**
 * A history entry holds its own version and fields: what a phase holds is
 * exactly what its own source saw or was given, never the fields of another
 * pipeline's version with the same digest. File bodies stay deduplicated by
 * content (glu_blobs). Also: whether a change kept the version (a commit
 * that changed only other parts of the file), and the lease holder that a
 * promotion under way is bound to. glu_repositories, which nothing read, goes.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('glu_history', table => {
    table.text('version').nullable().comment('What people call the version');
    table.text('fields').nullable().comment('The resource fields, as JSON');
    table
      .boolean('kept_version')
      .notNullable()
      .defaultTo(false)
      .comment('The change left the version as it was (e.g. replicas)');
  });
  await knex('glu_history').update({
    version: knex('glu_resources')
      .select('version')
      .where('glu_resources.digest', knex.ref('glu_history.digest')),
    fields: knex('glu_resources')
      .select('fields')
      .where('glu_resources.digest', knex.ref('glu_history.digest')),
  });
  await knex.schema.alterTable('glu_history', table => {
    table.dropForeign(['digest']);
  });
  await knex.schema.dropTable('glu_resources');

  await knex.schema.dropTable('glu_repositories');

  await knex.schema.alterTable('glu_promotions', table => {
    table
      .string('lease_holder')
      .nullable()
      .comment('The lease holder that works on it while it is under way');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('glu_promotions', table => {
    table.dropColumn('lease_holder');
  });
  await knex.schema.createTable('glu_repositories', table => {
    table.string('key').primary().notNullable();
    table.text('url').notNullable();
    table.string('branch').notNullable();
    table.string('head_sha').nullable();
    table.timestamp('fetched_at', { useTz: true }).nullable();
    table.text('error').nullable();
  });
  await knex.schema.createTable('glu_resources', table => {
    table.string('digest').primary().notNullable();
    table.string('version').notNullable();
    table.text('fields').notNullable();
  });
  await knex.raw(
    `insert into glu_resources (digest, version, fields)
     select digest, min(version), min(fields) from glu_history group by digest`,
  );
  await knex.schema.alterTable('glu_history', table => {
    table.dropColumn('kept_version');
    table.dropColumn('fields');
    table.dropColumn('version');
  });
};
