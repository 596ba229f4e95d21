#!/usr/bin/env python3
"""Builds the H100 reference measurements in kvsim's operator-CSV format (DESIGN.md section 6).

Run once from this directory with the project's reference data at ../../../shared/data/measured
(python3, standard library only). The outputs are committed; kvsim never reads the originals.

Deterministic: rows are kept by a CRC32 of their shape, and each kept row is assigned to the `fit`
or `heldout` split by a CRC32 of its shape *group* (attention: batch, heads, KV heads, head dim;
GEMM: n, k; all-reduce: message size), so held-out rows come from shapes calibration never saw.
"""
import csv, gzip, io, sys, zlib

SRC = sys.argv[1] if len(sys.argv) > 1 else '../../../shared/data/measured'

def crc(*parts):
    return zlib.crc32('|'.join(str(p) for p in parts).encode())

def split_of(*group):
    return 'heldout' if crc(*group) % 2 else 'fit'

def write(path, header, rows):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)
    print(path, len(rows), 'rows')

# Decode attention, TensorRT-LLM 1.3.0rc20 generation attention (latency in ms).
rows = []
with gzip.open(f'{SRC}/attention_trtllm_1.3.0rc20_generation_attention_perf.csv.gz', 'rt') as f:
    for r in csv.DictReader(f):
        key = (r['batch_size'], r['num_heads'], r['num_key_value_heads'], r['head_dim'], r['window_size'],
               r['kv_cache_dtype'], r['step'])
        if crc(*key) % 3:
            continue
        kv_len = int(r['step']) + int(r['isl'])
        kv_dtype = {'bfloat16': 'bf16', 'fp8': 'fp8'}[r['kv_cache_dtype']]
        us = float(r['latency']) * 1000.0
        rows.append(['decode_attention', r['batch_size'], kv_len, r['num_heads'], r['num_key_value_heads'],
                     r['head_dim'], kv_dtype, r['isl'], r['window_size'], f'{us:.4f}',
                     split_of(r['batch_size'], r['num_heads'], r['num_key_value_heads'], r['head_dim'])])
write('h100_sxm_decode_attention_trtllm.csv',
      ['op', 'batch', 'kv_len', 'q_heads', 'kv_heads', 'head_dim', 'kv_dtype', 'q_len', 'window', 'measured_us',
       'split'], rows)

# GEMM, TensorRT-LLM 1.3.0rc20 torch flow. The fp8 ops quantise the bf16 activation on the fly
# (per tensor for fp8, per 1x128 block for fp8_block): see validation/README.md.
rows = []
with gzip.open(f'{SRC}/gemm_trtllm_1.3.0rc20_gemm_perf.csv.gz', 'rt') as f:
    for r in csv.DictReader(f):
        key = (r['gemm_dtype'], r['m'], r['n'], r['k'])
        if crc(*key) % 5:
            continue
        dtype, act = {'bfloat16': ('bf16', 'none'), 'fp8': ('fp8', 'per_tensor'),
                      'fp8_block': ('fp8_block', 'per_block')}[r['gemm_dtype']]
        us = float(r['latency']) * 1000.0
        rows.append(['gemm', r['m'], r['n'], r['k'], dtype, act, f'{us:.4f}', split_of(r['n'], r['k'])])
write('h100_sxm_gemm_trtllm.csv', ['op', 'm', 'n', 'k', 'dtype', 'act_quant', 'measured_us', 'split'], rows)

# NCCL all-reduce on a DGX H100 (vidur profiling; median in ms), all rows.
rows = []
with open(f'{SRC}/h100_dgx_all_reduce.csv') as f:
    for r in csv.DictReader(f):
        us = float(r['time_stats.all_reduce.median']) * 1000.0
        rows.append(['all_reduce', r['size'], r['num_workers'], 'nvlink', f'{us:.4f}', split_of(r['size'])])
write('h100_dgx_all_reduce_vidur.csv', ['op', 'bytes', 'gpus', 'link', 'measured_us', 'split'], rows)
