/**
 * JMH benchmarks of GEMM and convolution per backend, algorithm and shape. They run only when
 * invoked ({@code java -jar bench/target/benchmarks.jar}, see bench/README.md), never in the
 * test build. Throughput is reported per call and, through {@link dev.faltung.bench.GflopCounter},
 * in GFLOP/s.
 */
package dev.faltung.bench;
