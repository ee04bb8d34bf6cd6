import '@testing-library/jest-dom';

// Charts (recharts) measure their container; jsdom lays nothing out.
(globalThis as any).ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
