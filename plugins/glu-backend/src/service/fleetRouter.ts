import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { Request } from 'express';
import { spec } from '../schema/openapi.generated';
import { AuditedWrites } from './AuditedWrites';
import { FleetQuery, GluService } from './GluService';
import { ownersOf } from './owners';

type GluRouter = ReturnType<typeof createValidatedOpenApiRouter<typeof spec>>;

/** A page of the fleet as the query of a request asks for it. */
interface FleetParams {
  owner?: string[];
  mine?: boolean;
  system?: string[];
  limit?: number;
  cursor?: string;
}

/**
 * The fleet's routes: a page of it, two environments compared over a
 * page, and several promotions at once, each audited as the pipeline's own
 * promotion is.
 */
export function addFleetRoutes(
  router: GluRouter,
  options: {
    service: GluService;
    writes: AuditedWrites;
    credentialsOf: (
      req: Request<any, any, any, any, any>,
    ) => Promise<BackstageCredentials>;
    auth: AuthService;
    userInfo: UserInfoService;
  },
) {
  const { service, writes, credentialsOf } = options;

  async function fleetQueryOf(
    query: FleetParams,
    credentials: BackstageCredentials,
  ): Promise<FleetQuery> {
    const system = [query.system ?? []].flat().map(String);
    return {
      owner: await ownersOf(
        { owner: [query.owner ?? []].flat().map(String), mine: query.mine },
        credentials,
        options,
      ),
      ...(system.length
        ? { system: system.map(s => s.toLocaleLowerCase('en-US')) }
        : {}),
      limit: query.limit ?? 200,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    };
  }

  router.get('/fleet', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(
      await service.getFleet(await fleetQueryOf(req.query, credentials), {
        credentials,
      }),
    );
  });

  router.get('/fleet/diff', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { from, to } = req.query;
    res.json(
      await service.diffFleet(
        { from, to },
        await fleetQueryOf(req.query, credentials),
        { credentials },
      ),
    );
  });

  router.post('/fleet/promotions', async (req, res) => {
    const { items } = req.body;
    let credentials: BackstageCredentials;
    try {
      credentials = await credentialsOf(req);
    } catch (error) {
      // Each promotion refused, as its own request would have been.
      for (const { pipeline, phase, from } of items) {
        await writes.refused(
          writes.promote(pipeline, { phase, ...(from ? { from } : {}) }),
          req,
          error,
        );
      }
      throw error;
    }
    res.json(await writes.promoteFleet(items, credentials, req));
  });
}
