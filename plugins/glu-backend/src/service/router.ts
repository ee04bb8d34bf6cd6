import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { GluExtensionTypes, GluHealth } from '@glu-dev/plugin-glu-common';
import express from 'express';
import Router from 'express-promise-router';
import { DatabaseGluStore } from '../store/DatabaseGluStore';

export interface RouterOptions {
  logger: LoggerService;
  store: DatabaseGluStore;
  sources: () => string[];
  formats: () => string[];
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { logger, store } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', async (_req, res) => {
    try {
      await store.ping();
    } catch (error) {
      logger.warn(`Health check failed: the database did not answer`);
      throw new ServiceUnavailableError('The Glu database did not answer');
    }
    const health: GluHealth = {
      status: 'ok',
      database: 'ok',
      sources: options.sources(),
      formats: options.formats(),
    };
    res.json(health);
  });

  router.get('/extensions', async (_req, res) => {
    const types: GluExtensionTypes = {
      sources: options.sources(),
      formats: options.formats(),
    };
    res.json(types);
  });

  return router;
}
