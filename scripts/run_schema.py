#!/usr/bin/env python3
"""The JSON Schema of `kvsim run` results (reports/run.schema.json), and a checker.

  scripts/run_schema.py write RESULT.json...   derive the schema from results (types, required keys,
                                                no unknown keys), write reports/run.schema.json
  scripts/run_schema.py check RESULT.json...   validate results against the committed schema

The schema is derived from the shipped results (reports/scenarios/*.json, tests/golden/small.json)
so it lists exactly the keys kvsim writes: a key written in every result is required, any key not
listed is an error. Python standard library only.
"""
import json, pathlib, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMA = ROOT / 'reports' / 'run.schema.json'

def kind(v):
    if v is None: return 'null'
    if isinstance(v, bool): return 'boolean'
    if isinstance(v, int): return 'integer'
    if isinstance(v, float): return 'number'
    if isinstance(v, str): return 'string'
    if isinstance(v, list): return 'array'
    return 'object'

def merge(node, v):
    t = kind(v)
    types = set(node.get('type', []) if isinstance(node.get('type'), list) else ([node['type']] if 'type' in node else []))
    types.add('number' if t == 'integer' and 'number' in types else t)
    if 'integer' in types and 'number' in types: types.discard('integer')
    node['type'] = sorted(types) if len(types) > 1 else next(iter(types))
    if t == 'object':
        props = node.setdefault('properties', {})
        seen = node.setdefault('_seen', 0)
        node['_seen'] = seen + 1
        for k, x in v.items():
            child = props.setdefault(k, {'_count': 0})
            child['_count'] += 1
            merge(child, x)
    elif t == 'array':
        items = node.setdefault('items', {})
        for x in v: merge(items, x)

def finish(node, free_maps):
    if 'properties' in node:
        seen = node.pop('_seen', 1)
        req = sorted(k for k, c in node['properties'].items() if c['_count'] == seen)
        if req: node['required'] = req
        if not free_maps: node['additionalProperties'] = False
        for k, c in node['properties'].items():
            c.pop('_count', None)
            # Maps keyed by names (params, kv_policy, engine, bound fractions, ...) stay open.
            finish(c, free_maps or k in ('params', 'kv_policy', 'engine', 'bound_fraction', 'dropped_by_reason',
                                         'hit_blocks_by_tier', 'peak_flops', 'ceilings'))
    node.pop('_seen', None)
    if 'items' in node: finish(node['items'], free_maps)

def check(schema, v, path, errors):
    t = schema.get('type')
    types = t if isinstance(t, list) else ([t] if t else [])
    k = kind(v)
    if types and k not in types and not (k == 'integer' and 'number' in types) and not (k in ('integer', 'number') and 'null' in types and False):
        errors.append(f'{path}: {k}, expected {types}')
        return
    if k == 'object':
        props = schema.get('properties', {})
        for r in schema.get('required', []):
            if r not in v: errors.append(f'{path}: missing required key "{r}"')
        for key, x in v.items():
            if key in props: check(props[key], x, f'{path}.{key}', errors)
            elif schema.get('additionalProperties') is False: errors.append(f'{path}: unknown key "{key}"')
    elif k == 'array' and 'items' in schema:
        for i, x in enumerate(v): check(schema['items'], x, f'{path}[{i}]', errors)

def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ('write', 'check'):
        print(__doc__); return 2
    docs = [(p, json.loads(pathlib.Path(p).read_text())) for p in sys.argv[2:]]
    if sys.argv[1] == 'write':
        root = {'_count': 1}
        for _, d in docs: merge(root, d)
        root.pop('_count')
        finish(root, False)
        schema = {'$schema': 'https://json-schema.org/draft/2020-12/schema',
                  '$id': 'https://kvsim.dev/schemas/run-1.json',
                  'title': 'kvsim run result, schema_version 1 (docs/scenarios.md, docs/reports.md)'}
        schema.update(root)
        SCHEMA.write_text(json.dumps(schema, indent=1, sort_keys=True) + '\n')
        print(f'wrote {SCHEMA.relative_to(ROOT)} from {len(docs)} results')
        return 0
    schema = json.loads(SCHEMA.read_text())
    bad = 0
    for p, d in docs:
        errors = []
        check(schema, d, '$', errors)
        for e in errors[:20]: print(f'{p}: {e}')
        bad += bool(errors)
    print(f'{len(docs) - bad} of {len(docs)} results follow {SCHEMA.relative_to(ROOT)}')
    return 1 if bad else 0

sys.exit(main())
