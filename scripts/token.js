#!/usr/bin/env node
'use strict';
// Prints a bearer token the service accepts, for trying the API by hand:
//
//   npm run token -- <userId> [--ttl 1h]        TOKEN=$(npm run -s token -- me)
//
// stdout gets the bare token; stderr gets a sign-in link http://HOST:PORT/#token=<token>. The signing
// settings are the service's own: AUTH_JWT_SECRET, AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE, PORT and HOST from
// the environment, else from ./.env (the file `npm start` reads), else the service's defaults. The token is
// HS256 with `sub` = userId, `iat` and `exp` = now + ttl. Bad input exits with code 2 and says why.

const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const jwt = require('jsonwebtoken');

const USAGE = 'Usage: npm run token -- <userId> [--ttl <n>s|m|h|d]   (default ttl 1h, at most 365d)';
/** The user ids the service accepts in `sub` (src/auth/engine-auth.guard.ts). */
const USER_ID_PATTERN = /^[A-Za-z0-9._:@|+-]{1,255}$/;
const TTL_UNITS = { s: 1, m: 60, h: 3600, d: 86400 };
const MAX_TTL_SECONDS = 365 * 86400;
/** The service's rule for the secret (src/config/engine-config.ts). */
const MIN_SECRET_LENGTH = 32;
const DEFAULTS = { PORT: '3000', HOST: '0.0.0.0', AUTH_MODE: 'jwt' };

class UsageError extends Error {}

function parseArguments(argv) {
  const positional = [];
  let ttl = '1h';
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '-h' || argument === '--help') return { help: true };
    if (argument === '--ttl') {
      if (index + 1 >= argv.length) throw new UsageError('--ttl needs a value, e.g. --ttl 30m');
      ttl = argv[(index += 1)];
    } else if (argument.startsWith('--ttl=')) {
      ttl = argument.slice('--ttl='.length);
    } else if (argument.startsWith('-')) {
      throw new UsageError(`Unknown option ${argument}`);
    } else {
      positional.push(argument);
    }
  }
  if (positional.length === 0)
    throw new UsageError('Missing <userId>: the user the token is for, e.g. npm run token -- me');
  if (positional.length > 1)
    throw new UsageError(`Expected one <userId>, got ${positional.length}: ${positional.join(' ')}`);
  const [userId] = positional;
  if (!USER_ID_PATTERN.test(userId)) {
    throw new UsageError(`Invalid userId ${JSON.stringify(userId)}: use 1-255 letters, digits or . _ : @ | + -`);
  }
  return { userId, ttlSeconds: parseTtl(ttl) };
}

function parseTtl(ttl) {
  const match = /^(\d+)([smhd])$/.exec(ttl.trim());
  const seconds = match ? Number(match[1]) * TTL_UNITS[match[2]] : NaN;
  if (!(seconds > 0) || seconds > MAX_TTL_SECONDS) {
    throw new UsageError(
      `Invalid --ttl ${JSON.stringify(ttl)}: use a positive number with s, m, h or d (e.g. 30m, 1h, 2d), at most 365d`,
    );
  }
  return seconds;
}

/** ./.env (if present) under the process environment, which wins as it does for `node --env-file`. Empty = unset. */
function loadSettings(env, cwd) {
  const file = path.join(cwd, '.env');
  let fromFile = {};
  if (fs.existsSync(file)) {
    try {
      fromFile = util.parseEnv(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`Could not read ${file}: ${error.message}`);
    }
  }
  const merged = { ...DEFAULTS };
  for (const source of [fromFile, env]) {
    for (const [name, value] of Object.entries(source)) if (value !== undefined && value !== '') merged[name] = value;
  }
  return merged;
}

function signToken(settings, userId, ttlSeconds) {
  if (settings.AUTH_MODE === 'header') {
    throw new UsageError('AUTH_MODE=header: the service takes the user from the X-User-Id header and needs no token');
  }
  const secret = settings.AUTH_JWT_SECRET;
  if (!secret)
    throw new UsageError('AUTH_JWT_SECRET is not set: set it in .env (cp -n .env.example .env) or in the environment');
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new UsageError(`AUTH_JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters, as the service requires`);
  }
  return jwt.sign({}, secret, {
    algorithm: 'HS256',
    subject: userId,
    expiresIn: ttlSeconds,
    ...(settings.AUTH_JWT_ISSUER && { issuer: settings.AUTH_JWT_ISSUER }),
    ...(settings.AUTH_JWT_AUDIENCE && { audience: settings.AUTH_JWT_AUDIENCE }),
  });
}

/** Where a browser on this machine reaches the service: a wildcard listen address means localhost. */
function signInLink(settings, token) {
  const host = ['0.0.0.0', '::', '[::]'].includes(settings.HOST) ? 'localhost' : settings.HOST;
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${hostPart}:${settings.PORT}/#token=${token}`;
}

function main() {
  try {
    const options = parseArguments(process.argv.slice(2));
    if (options.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const settings = loadSettings(process.env, process.cwd());
    const token = signToken(settings, options.userId, options.ttlSeconds);
    process.stdout.write(`${token}\n`);
    process.stderr.write(`${signInLink(settings, token)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`token: ${error.message}\n${USAGE}\n`);
    return 2;
  }
}

process.exitCode = main();
