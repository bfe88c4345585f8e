/* benchmarks.h — the benchmark families of iamgate_bench (bench_main.c). */
#ifndef IAMGATE_BENCH_BENCHMARKS_H
#define IAMGATE_BENCH_BENCHMARKS_H

#include "bench.h"

/* eval/...: decisions per second, each with its "/reference" baseline. */
void register_eval_benchmarks(bench_registry *registry);

/* parse/corpus, compile/corpus, parse-compile/corpus: bytes per second
 * over all policies of corpus/aws-managed-policies.jsonl. */
void register_corpus_benchmarks(bench_registry *registry);

/* glob/...: the compiled automaton against the reference matcher. */
void register_glob_benchmarks(bench_registry *registry);

#endif /* IAMGATE_BENCH_BENCHMARKS_H */
