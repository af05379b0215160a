/** Seeded parameter initialisers (Kaiming, Xavier, LeCun, PyTorch's defaults) and seed derivation. */
package dev.faltung.nn.init;
