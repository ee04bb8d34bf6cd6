/*
 * Lists that come in pages (pipelines, a phase's history): the options that
 * choose a page, printing one page or every page, and reading every page.
 */
import { PageOptions } from '@glu-dev/plugin-glu-common';
import { Command } from 'commander';
import { ExitCode, GluCliError } from './exits';
import { Printer } from './output';

/** The options of a list that comes in pages. */
export function withPaging(command: Command, defaultLimit: string): Command {
  return command
    .option('--limit <n>', 'how many in a page', defaultLimit)
    .option('--cursor <cursor>', 'the page after the one that named it')
    .option('--all', 'every page');
}

/**
 * Prints a list that comes in pages: one page (and how to get the next),
 * or with --all every page.
 */
export async function listed<T>(
  printer: Printer,
  options: { limit: string; cursor?: string; all?: boolean },
  page: (query: PageOptions) => Promise<{ items: T[]; nextCursor?: string }>,
  human: (items: T[]) => string,
): Promise<void> {
  const limit = limitOf(options.limit);
  let result = await page({ limit, cursor: options.cursor });
  if (options.all) {
    const items = [...result.items];
    while (result.nextCursor) {
      result = await page({ limit, cursor: result.nextCursor });
      items.push(...result.items);
    }
    result = { items };
  }
  const shown = result;
  printer.result(shown, () => human(shown.items));
  if (shown.nextCursor) {
    printer.note(`More: --cursor ${shown.nextCursor}, or --all`);
  }
}

/** Every page of a list, in order, following each page's nextCursor. */
export async function everyPage<P extends { nextCursor?: string }>(
  page: (cursor: string | undefined) => Promise<P>,
): Promise<P[]> {
  const pages: P[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    pages.push(next);
    cursor = next.nextCursor;
  } while (cursor);
  return pages;
}

function limitOf(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new GluCliError(
      `--limit is a whole number from 1 to 500, not ${value}`,
      ExitCode.usage,
    );
  }
  return limit;
}
