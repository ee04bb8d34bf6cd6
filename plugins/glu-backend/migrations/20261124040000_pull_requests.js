// @ts-check

/**
 * Promotions by pull request: the pull request that carries a promotion, as
 * last seen (number, link, branch, state, head, checks).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('glu_promotions', table => {
    table
      .text('pull_request')
      .nullable()
      .comment('JSON: provider, number, url, branch, state, headSha, checks');
    table.index(['status'], 'glu_promotions_status_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('glu_promotions', table => {
    table.dropIndex(['status'], 'glu_promotions_status_idx');
    table.dropColumn('pull_request');
  });
};
