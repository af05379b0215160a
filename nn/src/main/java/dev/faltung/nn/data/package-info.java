/**
 * Training data: in-memory labelled image datasets (MNIST-style IDX files and the embedded
 * synthetic shapes), a seeded batching loader with background prefetch, and seeded augmentations.
 * Every random choice is a pure function of a seed and the position it is made at.
 */
package dev.faltung.nn.data;
