/*
 * Approvals and promotion requests: `glu request` asks for a promotion that
 * waits for its edge's approval policy (`glu request list` lists them, `glu
 * request withdraw` withdraws one), and `glu approve` approves the version
 * an upstream phase holds now, carrying out an open request once its policy
 * is met.
 */
import {
  Approval,
  ApprovalStatus,
  PromotionRequest,
} from '@glu-dev/plugin-glu-common';
import { Option } from 'commander';
import { action, AddCommand, subcommandsOf } from '../action';
import {
  approversText,
  labelled,
  neededText,
  requestsTable,
  requestText,
} from '../approvalViews';
import { answerOf, ExitCode, GluCliError } from '../exits';
import { Palette } from '../output';
import { promotionLine } from '../views';

const STATUSES: Array<PromotionRequest['status']> = [
  'open',
  'carried-out',
  'withdrawn',
  'expired',
  'superseded',
  'failed',
];

/**
 * What `glu approve` did: who approved, who is still needed, and the
 * promotion it set off when it met an open request's policy.
 */
export function approvalText(
  p: Palette,
  phase: string,
  approval: Approval,
): string {
  const status = approval.approval;
  const lines = [
    `Approved ${approval.version} for ${phase}`,
    ...labelled([
      [
        'approved by',
        status ? approversText(p, status) : approval.approvers.join(', '),
      ],
      ['needs', status ? neededText(p, status) : undefined],
    ]),
  ];
  if (approval.promotion) {
    const { requestId, triggeredBy } = approval.promotion;
    lines.push(
      `Carried out request ${
        requestId ?? '?'
      } of ${triggeredBy}: ${promotionLine(p, approval.promotion)}`,
    );
  }
  return lines.join('\n');
}

/**
 * A refusal by the approval policy (not by the permission policy, whose
 * refusals name the permission), with where to see who may approve.
 */
function policyRefusal(error: unknown, pipeline: string): unknown {
  const answer = answerOf(error);
  if (answer?.status !== 403 || /\(glu\.[\w.-]+\)\.?$/.test(answer.message)) {
    return error;
  }
  return new GluCliError(
    `Not allowed (403): ${answer.message}. \`glu inspect ${pipeline}\` shows the approval policy and who is still needed.`,
    ExitCode.notAllowed,
  );
}

export function addRequest(command: AddCommand): void {
  const group = command('request <pipeline> <phase>')
    .usage(
      '[options] <pipeline> <phase>, or list <pipeline>, or withdraw <pipeline> <id>',
    )
    .description(
      'ask for a promotion into a phase whose edge has an approvals gate: it waits until its approval policy is met, then Glu carries it out in your name; or list or withdraw requests',
    )
    .option('--from <phase>', 'the upstream phase, when there are several')
    .option('--reason <text>', 'why, for the people who may approve it')
    .action(
      action(
        async (
          { client, printer },
          pipeline: string,
          phase: string,
          options: { from?: string; reason?: string },
        ) => {
          const request = await client.requestPromotion(pipeline, {
            phase,
            ...(options.from ? { from: options.from } : {}),
            ...(options.reason ? { reason: options.reason } : {}),
          });
          // Who is needed, as the edge's view says now.
          const view = await client
            .getPipeline(pipeline)
            .catch(() => undefined);
          const approval: ApprovalStatus | undefined = view?.edges.find(
            edge => edge.from === request.from && edge.to === request.to,
          )?.approval;
          printer.result(
            { ...request, ...(approval ? { approval } : {}) },
            () => requestText(printer.palette, request, approval),
          );
        },
      ),
    );
  const subcommand = subcommandsOf(group);

  subcommand('list <pipeline>')
    .description("a pipeline's promotion requests, newest first")
    .addOption(
      new Option('--status <status>', 'only those in this state').choices(
        STATUSES,
      ),
    )
    .option('--limit <n>', 'at most this many', '50')
    .action(
      action(
        async (
          { client, printer },
          pipeline: string,
          options: { status?: PromotionRequest['status']; limit: string },
        ) => {
          const limit = Number(options.limit);
          if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
            throw new GluCliError(
              `--limit is a whole number from 1 to 500, not ${options.limit}`,
              ExitCode.usage,
            );
          }
          const items = await client.listPromotionRequests(pipeline, {
            ...(options.status ? { status: options.status } : {}),
            limit,
          });
          printer.result({ items }, () =>
            requestsTable(printer.palette, items),
          );
        },
      ),
    );

  subcommand('withdraw <pipeline> <id>')
    .description(
      'withdraw an open request: its requester may, and so may whoever may promote into its phase',
    )
    .action(
      action(
        async ({ client, printer }, pipeline: string, id: string) => {
          await client.withdrawPromotionRequest(pipeline, id).catch(error => {
            // One that ended already: carried out, superseded, expired…
            const answer = answerOf(error);
            if (answer?.status !== 409) throw error;
            throw new GluCliError(
              `Not withdrawn (409): ${answer.message}. \`glu request list ${pipeline}\` lists the requests.`,
              ExitCode.blocked,
            );
          });
          printer.result(
            { id, withdrawn: true },
            () => `Withdrew request ${id}.`,
          );
        },
        true,
        { notFound: '`glu request list <pipeline>` lists the requests.' },
      ),
    );
}

export function addApprove(command: AddCommand): void {
  command('approve <pipeline> <phase>')
    .description(
      "approve, for a phase, the version its upstream phase holds now; when that meets the approval policy of the edge's open request, Glu carries the request out",
    )
    .option('--from <phase>', 'the upstream phase, when there are several')
    .action(
      action(
        async (
          { client, printer },
          pipeline: string,
          phase: string,
          options: { from?: string },
        ) => {
          const approval = await client
            .approve(
              pipeline,
              phase,
              options.from ? { from: options.from } : {},
            )
            .catch(error => {
              throw policyRefusal(error, pipeline);
            });
          printer.result(approval, () =>
            approvalText(printer.palette, phase, approval),
          );
          // Approved; a promotion that it set off and that failed is told.
          return approval.promotion?.status === 'failed'
            ? ExitCode.failed
            : ExitCode.done;
        },
      ),
    );
}
