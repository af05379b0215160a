/**
 * Layers: each a {@link dev.faltung.nn.Module} built on {@link dev.faltung.nn.layers.Layer}, with
 * PyTorch's semantics and default initialisation, seeded, and able to infer its output shape.
 */
package dev.faltung.nn.layers;
