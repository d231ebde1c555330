// Preload (`node --import tsx --import ./block-network.ts`): every way out to the network throws, and each attempt
// is recorded in globalThis.__networkAttempts so a test can prove that code ran fully offline. Worker threads run
// only `--require` preloads (`--require tsx/cjs --require ./block-network.ts`), and their globals are out of the
// main thread's reach, so every attempt is also written to stderr as a `network blocked:` line.
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';

const attempts: string[] = [];
(globalThis as { __networkAttempts?: string[] }).__networkAttempts = attempts;

function blocked(name: string): (...args: unknown[]) => never {
  return (...args: unknown[]) => {
    const target = args.map((a) => (typeof a === 'string' ? a : a instanceof URL ? a.href : typeof a)).join(' ');
    attempts.push(`${name} ${target}`);
    process.stderr.write(`network blocked: ${name} ${target}\n`);
    throw new Error(`network blocked: ${name} ${target}`);
  };
}

function patch(target: object, keys: string[], prefix: string): void {
  for (const key of keys) {
    Object.defineProperty(target, key, { value: blocked(`${prefix}.${key}`), configurable: true, writable: true });
  }
}

patch(globalThis, ['fetch'], 'globalThis');
if (typeof globalThis.WebSocket !== 'undefined') patch(globalThis, ['WebSocket'], 'globalThis');
patch(http, ['request', 'get'], 'http');
patch(https, ['request', 'get'], 'https');
patch(net, ['connect', 'createConnection'], 'net');
patch(tls, ['connect'], 'tls');
patch(dns, ['lookup', 'resolve'], 'dns');
patch(dns.promises, ['lookup', 'resolve'], 'dns.promises');
patch(dgram, ['createSocket'], 'dgram');
// named ESM imports of builtins (import { request } from 'node:http') see the patched functions too
syncBuiltinESMExports();
