import { Controller, Get, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Public } from '@lib/auth';
import type { ConsoleConfig } from '../console.config';
import { CONSOLE_CONFIG } from '../console.tokens';
import { webDir } from './web-app';

/** Paths that are never the page's own: an unknown one there is a 404, not the web app. */
const NOT_PAGES = /^(api|ws|docs|health|metrics|assets)(\/|$)|\.[a-z0-9]+$/i;

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console</title></head>
<body><main><h1>The console's web app is not built</h1><p>Run <code>node scripts/build.js console</code>, then reload.</p></main></body></html>`;

/** `/` and every route of the single-page app (`/site`, `/charging/CP-1`, …): index.html. */
@ApiExcludeController()
@Controller()
export class WebAppController {
  private index: { mtimeMs: number; html: string } | null = null;

  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  /** index.html, read again when a build has replaced it. */
  private async page(): Promise<string> {
    const file = join(webDir(this.config), 'index.html');
    try {
      const { mtimeMs } = await stat(file);
      if (this.index?.mtimeMs !== mtimeMs) this.index = { mtimeMs, html: await readFile(file, 'utf8') };
      return this.index.html;
    } catch {
      return NOT_BUILT;
    }
  }

  @Get()
  @Public()
  root(@Res() reply: FastifyReply): Promise<void> {
    return this.send(reply);
  }

  @Get('*')
  @Public()
  route(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const path = new URL(request.url, 'http://console').pathname.slice(1);
    if (NOT_PAGES.test(path)) throw new NotFoundException(`no page or file at /${path.slice(0, 200)}`);
    return this.send(reply);
  }

  private async send(reply: FastifyReply): Promise<void> {
    await reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await this.page());
  }
}
