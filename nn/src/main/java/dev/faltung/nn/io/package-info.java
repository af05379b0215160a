/**
 * File formats without dependencies: IDX (MNIST), NPY, safetensors with its JSON header, images
 * (PNG/JPEG through ImageIO, PGM by hand), all writes atomic through {@link dev.faltung.nn.io.AtomicFile}.
 * Readers check every size against the file before allocating and name the file in their errors.
 */
package dev.faltung.nn.io;
