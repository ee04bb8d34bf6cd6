import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Charts (recharts) measure their container; jsdom lays nothing out.
(globalThis as any).ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

// A render of Glu's cards and tables is CPU-bound in jsdom: a role query, and
// every click of user-event, computes the style of elements and their
// ancestors against the many style sheets that Material UI injects, again
// after each render (a page of 20 pipelines: seconds). On a busy CI machine
// that takes several times as long, so tests, and what they wait for
// (findBy*, waitFor), get the time that takes rather than 5 s and 1 s.
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 15_000 });
