/*
 * A portal that a test run starts and stops: `npm test`'s example portal,
 * the adoption test's fresh app. It runs in a process group of its own, its
 * output in a log file, and is waited for by the addresses it serves.
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');

/** Waits until `url` answers below 500, while `child` runs. */
function waitForUrl(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) {
        reject(new Error(`it exited with code ${child.exitCode}`));
        return;
      }
      const request = http.get(url, response => {
        response.resume();
        if (response.statusCode && response.statusCode < 500) resolve();
        else retry();
      });
      request.on('error', retry);
      request.setTimeout(5000, () => request.destroy());
    };
    const retry = () => {
      if (Date.now() > deadline) {
        reject(new Error(`${url} did not answer within ${timeoutMs / 1000} s`));
      } else {
        setTimeout(attempt, 1000);
      }
    };
    attempt();
  });
}

/**
 * Starts `command` in a process group of its own, its output in `logFile`,
 * and waits for each of `urls`; answers how to stop the group (SIGTERM, then
 * SIGKILL after 10 s). What did not start is stopped before this throws.
 */
async function serve({ command, args, cwd, env, logFile, urls, timeoutMs }) {
  const out = fs.openSync(logFile, 'w');
  const child = spawn(command, args, {
    cwd,
    detached: true,
    stdio: ['ignore', out, out],
    env,
  });
  const signal = name => {
    try {
      process.kill(-child.pid, name);
    } catch {
      /* already gone */
    }
  };
  const stop = async () => {
    if (child.exitCode === null) {
      signal('SIGTERM');
      await new Promise(resolve => {
        const timer = setTimeout(() => {
          signal('SIGKILL');
          resolve();
        }, 10000);
        child.on('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    fs.closeSync(out);
  };
  try {
    for (const url of urls) await waitForUrl(url, timeoutMs, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

module.exports = { serve };
