// Maps a path under /apis/3.0 to a resource: `{path}` (list, create), `{path}/count`,
// `{path}/{id}` (get, put, patch, delete), with the parent id of child resources. Segments match
// without regard to case [INF: IIS]. Literal segments win over ids (`companies/statuses`).
import type { ResourceDef } from './model.ts';
import { resources } from './resources.ts';

export interface Route {
  def: ResourceDef;
  parentId?: number;
  kind: 'collection' | 'count' | 'item' | 'search';
  id?: number;
}

const patterns = resources.map((def) => ({ def, segs: def.path.split('/').map((s) => (s === '{parentId}' ? null : s.toLowerCase())) }));

export function route(segments: string[]): Route | undefined {
  const segs = segments.map((s) => s.toLowerCase());
  let best: { route: Route; literals: number } | undefined;
  for (const { def, segs: pattern } of patterns) {
    if (segs.length < pattern.length || segs.length > pattern.length + 1) continue;
    let parentId: number | undefined;
    let literals = 0;
    let ok = true;
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i];
      const s = segs[i] as string;
      if (p === null) {
        if (!/^\d+$/.test(s)) ok = false;
        else parentId = Number(s);
      } else if (p !== s) ok = false;
      else literals++;
      if (!ok) break;
    }
    if (!ok) continue;
    const rest = segs[pattern.length];
    let r: Route;
    if (rest === undefined) r = { def, kind: 'collection' };
    else if (rest === 'count') r = { def, kind: 'count' };
    else if (rest === 'search' && def.key === 'tickets') r = { def, kind: 'search' };
    else if (/^\d+$/.test(rest)) r = { def, kind: 'item', id: Number(rest) };
    else continue;
    if (parentId !== undefined) r.parentId = parentId;
    if (!best || literals > best.literals) best = { route: r, literals };
  }
  return best?.route;
}
