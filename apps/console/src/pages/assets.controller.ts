import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';

/** apps/console/public: found from the running file, which is dist/main.js once built and src/pages/ in tests. */
function publicDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'public', 'console.js'))) return join(dir, 'public');
    if (dirname(dir) === dir) throw new Error(`apps/console: no public/console.js above ${import.meta.url}`);
  }
}

const PUBLIC_DIR = publicDir();
/** uPlot's dist/, where its package's main file is. */
const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve('uplot'));

/** What the pages load: ours from public/, uPlot's from its package. Nothing comes from the internet. */
const FILES = new Map<string, { type: string; path: string }>([
  ['console.js', { type: 'text/javascript; charset=utf-8', path: join(PUBLIC_DIR, 'console.js') }],
  ['console.css', { type: 'text/css; charset=utf-8', path: join(PUBLIC_DIR, 'console.css') }],
  [
    'uPlot.iife.min.js',
    { type: 'text/javascript; charset=utf-8', path: join(UPLOT_DIR, 'uPlot.iife.min.js') },
  ],
  ['uPlot.min.css', { type: 'text/css; charset=utf-8', path: join(UPLOT_DIR, 'uPlot.min.css') }],
]);
/** Read once: they do not change while the console runs. */
const cache = new Map<string, Buffer>();

interface Response {
  type(type: string): Response;
  setHeader(name: string, value: string): void;
  send(body: Buffer): void;
}

/** `GET /assets/console.js`, `/assets/console.css`, `/assets/uplot/uPlot.iife.min.js`, `/assets/uplot/uPlot.min.css`. */
@Controller('assets')
export class AssetsController {
  @Get(':name')
  own(@Param('name') name: string, @Res() response: Response): void {
    this.send(name.startsWith('uPlot') ? '' : name, response);
  }

  @Get('uplot/:name')
  uplot(@Param('name') name: string, @Res() response: Response): void {
    this.send(name.startsWith('uPlot') ? name : '', response);
  }

  private send(name: string, response: Response): void {
    const file = FILES.get(name);
    if (file === undefined) throw new NotFoundException(`no asset '${name}'`);
    let body = cache.get(name);
    if (body === undefined) {
      body = readFileSync(file.path);
      cache.set(name, body);
    }
    response.setHeader('Cache-Control', 'max-age=300');
    response.type(file.type).send(body);
  }
}
