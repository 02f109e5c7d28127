import 'reflect-metadata';
import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import type { AppName } from '@lib/config';
import { AppModule as ConsoleModule } from '../apps/console/src/app.module';
import { AppModule as GridpilotModule } from '../apps/gridpilot-optimizer/src/app.module';
import { AppModule as IotMockModule } from '../apps/iot-mock/src/app.module';
import { AppModule as CsmsModule } from '../apps/ocpp-csms/src/app.module';
import { AppModule as PlantModule } from '../apps/plant-simulator/src/app.module';
import { AppModule as SolarhubModule } from '../apps/solarhub-api/src/app.module';
import { APP_CONFIG_LOADERS } from './support/app-config-loaders';

/**
 * Each app's Nest module graph, read from the modules' own metadata (no app is started): feature
 * modules import what they use below them and nothing imports back up, so the graph has no cycle
 * and no `forwardRef` papers over one. A module that starts importing one of its importers fails
 * here with the cycle spelled out, before Nest's "cannot resolve dependencies" at boot.
 */
type Import = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Nest's forRoot signatures differ per app
type Root = { forRoot(config: any): DynamicModule };
const APPS: Record<AppName, Root> = {
  'solarhub-api': SolarhubModule,
  'gridpilot-optimizer': GridpilotModule,
  'ocpp-csms': CsmsModule,
  'plant-simulator': PlantModule,
  'iot-mock': IotMockModule,
  console: ConsoleModule,
};

interface Graph {
  edges: Map<string, Set<string>>;
  forwardRefs: string[];
}

function moduleGraph(root: DynamicModule): Graph {
  const edges = new Map<string, Set<string>>();
  const forwardRefs: string[] = [];
  const seen = new Set<Type | DynamicModule>();
  const visit = (entry: Type | DynamicModule): string => {
    const cls = 'module' in entry ? entry.module : entry;
    const name = cls.name;
    if (seen.has(entry)) return name;
    seen.add(entry);
    if (!edges.has(name)) edges.set(name, new Set());
    const imports: Import[] = [
      ...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, cls) as Import[] | undefined) ?? []),
      ...('module' in entry ? ((entry.imports ?? []) as Import[]) : []),
    ];
    for (const imported of imports) {
      if (!imported || imported instanceof Promise) continue;
      if ('forwardRef' in imported) {
        forwardRefs.push(name);
        continue;
      }
      edges.get(name)?.add(visit(imported));
    }
    return name;
  };
  visit(root);
  return { edges, forwardRefs };
}

/** One cycle as `A → B → A`, or null. */
function findCycle(edges: Map<string, Set<string>>): string | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const walk = (node: string): string | null => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next].join(' → ');
      if (!state.has(next)) {
        const found = walk(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of edges.keys()) {
    if (state.has(node)) continue;
    const found = walk(node);
    if (found) return found;
  }
  return null;
}

describe('module graphs', () => {
  it('finds a cycle when there is one (the check itself)', () => {
    const edges = new Map([
      ['AppModule', new Set(['CycleModule'])],
      ['CycleModule', new Set(['DispatchModule'])],
      ['DispatchModule', new Set(['CycleModule'])],
    ]);
    expect(findCycle(edges)).toBe('CycleModule → DispatchModule → CycleModule');
    edges.set('DispatchModule', new Set());
    expect(findCycle(edges)).toBeNull();
  });

  it.each(Object.keys(APPS) as AppName[])('%s: no cycle and no forwardRef between its modules', (app) => {
    const config = APP_CONFIG_LOADERS[app]({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const graph = moduleGraph(APPS[app].forRoot(config));
    // The walk saw the app's feature modules, not only the root.
    expect(graph.edges.size).toBeGreaterThan(3);
    expect(graph.forwardRefs).toEqual([]);
    expect(findCycle(graph.edges)).toBeNull();
  });
});
